"""The report to Council: its data, its Word file and spreadsheet, freezing and comparing."""

import datetime
import hashlib
import io
import json
import re
import zoneinfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, transaction
from django.template.loader import render_to_string
from docx import Document
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from openpyxl import load_workbook

from actions.choices import ActionStatus, ReportRunState, ReportState
from actions.council_report import (
    council_meeting_by_code,
    council_report_changes,
    council_report_data,
    report_file_name,
)
from actions.models import (
    Action,
    Assessment,
    Body,
    CouncilReportRun,
    CouncilReportSnapshot,
    EvidenceLink,
    GoverningBodyMeeting,
)
from actions.services.actions import action_transition, actions_supersede
from actions.services.council_report import (
    council_report_docx,
    council_report_freeze,
    council_report_generate,
    council_report_request,
    council_report_snapshot_delete,
    council_report_xlsx,
)
from resolutions.models import Clause, Resolution
from tests import builders

GENERATED = datetime.datetime(2027, 4, 25, 9, 0, tzinfo=datetime.UTC)
GENEVA = zoneinfo.ZoneInfo("Europe/Zurich")
IN_PERIOD = {"period_start": datetime.date(2026, 6, 1), "period_end": datetime.date(2027, 3, 31)}
BEFORE = {"period_start": datetime.date(2025, 1, 1), "period_end": datetime.date(2025, 12, 31)}


@pytest.fixture
def council(db):
    """C27, opening 18 May 2027: documents due 20 April, reports from 1 May 2026."""
    return builders.meeting(
        datetime.date(2027, 5, 18),
        name="Council 2027",
        place="Geneva",
        reporting_period_start_override=datetime.date(2026, 5, 1),
    )


@pytest.fixture
def world(council, tsb_staff, bdt_staff, tsb_coordinator, bdt_coordinator):
    """Resolution 73 with three actions (two report to Council), Resolution 44 with one."""
    res73 = builders.resolution(73, title="ICTs, environment and climate change", marker="Rev")
    reported = builders.council_duty(builders.action(res73, owner="TSB", collaborators=("BDT",)))
    silent = builders.council_duty(
        builders.action(res73, owner="BDT", status=ActionStatus.IN_PROGRESS), "council"
    )
    not_council = builders.action(res73, owner="TSB")
    res44 = builders.resolution(44, title="Bridging the standardization gap")
    other = builders.council_duty(builders.action(res44, owner="BDT"))
    approved = builders.report(
        reported,
        author=tsb_staff,
        state=ReportState.APPROVED,
        text="Five workshops on e-waste held.",
        report_date=datetime.date(2027, 3, 1),
        **IN_PERIOD,
    )
    builders.evidence(approved, "https://itu.int/ws/ewaste", "Workshop page")
    builders.report(
        reported,
        author=bdt_staff,
        state=ReportState.APPROVED,
        text="BDT trained forty experts.",
        report_date=datetime.date(2027, 2, 1),
        **IN_PERIOD,
    )
    builders.report(
        reported, author=tsb_staff, state=ReportState.APPROVED, text="Old news.", **BEFORE
    )
    builders.report(
        silent, author=bdt_staff, state=ReportState.SUBMITTED, text="Not yet approved.", **IN_PERIOD
    )
    builders.report(
        not_council,
        author=tsb_staff,
        state=ReportState.APPROVED,
        text="Not a Council duty.",
        **IN_PERIOD,
    )
    builders.report(
        other, author=bdt_staff, state=ReportState.APPROVED, text="SG gap closed.", **IN_PERIOD
    )
    builders.assessment(
        res73,
        council,
        by=bdt_coordinator,
        confirmed_by=tsb_coordinator,
        rationale="Workshops held, e-waste guidance pending.",
    )
    builders.assessment(res44, council, by=bdt_coordinator, rationale="Only proposed so far.")
    return {"res73": res73, "reported": reported, "silent": silent, "res44": res44, "other": other}


def data_for(council, **scope):
    return council_report_data(
        meeting=council, document_number="C27/35-E", generated_at=GENERATED, **scope
    )


def action_ids(data):
    return [row["id"] for entry in data["resolutions"] for row in entry["actions"]]


def test_the_report_holds_every_action_that_reports_to_council_and_no_other(council, world):
    data = data_for(council)

    assert action_ids(data) == [world["other"].pk, world["reported"].pk, world["silent"].pk]
    assert data["period"] == {"start": "2026-05-01", "end": "2027-04-20"}
    assert data["summary"]["actions"] == 3
    assert data["summary"]["with_approved_report"] == 2


def test_an_action_superseded_before_the_period_is_left_out_and_one_superseded_in_it_stays(
    council, world
):
    # The period runs from 1 May 2026: a text revised at an assembly before
    # then lives on in the actions that continue it.
    superseded = {
        "long ago": datetime.datetime(2026, 4, 30, 21, 0, tzinfo=datetime.UTC),
        "in period": datetime.datetime(2026, 11, 1, 9, 0, tzinfo=datetime.UTC),
    }
    actions_supersede(closing=[(world["other"], "Revised.")], now=superseded["long ago"])
    actions_supersede(closing=[(world["silent"], "Revised.")], now=superseded["in period"])

    data = data_for(council)

    # 30 April 21:00 UTC is 23:00 on 30 April in Geneva: before the period.
    assert action_ids(data) == [world["reported"].pk, world["silent"].pk]
    assert data["summary"]["actions"] == 2


def test_texts_a_later_assembly_replaced_before_the_period_are_left_out_however_late_imported(
    council, world
):
    # WTSA-24 closed in October 2024, before the period (from 1 May 2026), but
    # its texts were imported during the period: Resolution 73's WTSA-20
    # actions are superseded by a change dated in the period.
    builders.assembly("WTSA-24", start=datetime.date(2024, 10, 15))
    res73_24 = builders.resolution(73, assembly_code="WTSA-24", revises=world["res73"])
    continuing = builders.council_duty(
        builders.action(res73_24, owner="TSB", continues=world["reported"])
    )
    # The same for Resolution 44, which WTSA-24 dropped.
    Resolution.objects.filter(pk=world["res44"].pk).update(suppressed_by=res73_24.assembly)
    in_period = datetime.datetime(2026, 12, 4, 9, 0, tzinfo=datetime.UTC)
    actions_supersede(
        closing=[(world["reported"], "Revised."), (world["other"], "Suppressed.")], now=in_period
    )

    data = data_for(council)

    assert action_ids(data) == [world["silent"].pk, continuing.pk]


def test_texts_of_an_assembly_that_closed_after_the_period_are_left_out(council, world):
    builders.assembly("WTSA-28", start=datetime.date(2028, 10, 1))
    later = builders.resolution(101, assembly_code="WTSA-28")
    builders.council_duty(builders.action(later, owner="TSB"))

    data = data_for(council)

    assert action_ids(data) == [world["other"].pk, world["reported"].pk, world["silent"].pk]


def test_only_approved_text_of_the_period_goes_in_oldest_first(council, world):
    data = data_for(council)
    rows = {row["id"]: row for entry in data["resolutions"] for row in entry["actions"]}

    reported = rows[world["reported"].pk]["progress"]
    assert [p["text"] for p in reported] == [
        "BDT trained forty experts.",
        "Five workshops on e-waste held.",
    ]
    assert reported[1]["evidence"] == [
        {"url": "https://itu.int/ws/ewaste", "title": "Workshop page"}
    ]
    assert rows[world["silent"].pk]["progress"] == []


def test_only_a_confirmed_assessment_goes_in(council, world):
    data = data_for(council)
    by_number = {entry["number"]: entry for entry in data["resolutions"]}

    assert by_number[73]["assessment"]["rationale"] == "Workshops held, e-waste guidance pending."
    assert by_number[73]["assessment"]["rating"] == "partly_met"
    assert by_number[44]["assessment"] is None


def test_a_confirmed_assessment_of_a_resolution_without_council_actions_goes_in_the_whole_report(
    council, world, bdt_coordinator, tsb_coordinator
):
    res2 = builders.resolution(2, title="Study group responsibility")
    builders.action(res2, owner="TSB")  # reports to nobody
    builders.assessment(
        res2,
        council,
        by=bdt_coordinator,
        confirmed_by=tsb_coordinator,
        rationale="Mandates kept up to date.",
    )

    data = data_for(council)
    narrowed = data_for(council, bureau=Body.objects.get(code="BDT"))
    text, _ = _docx_text(council_report_docx(data=data))
    workbook = load_workbook(io.BytesIO(council_report_xlsx(data=data)))
    preview = render_to_string("actions/council/_report_body.html", {"data": data})

    assert [entry["number"] for entry in data["resolutions"]] == [2, 44, 73]
    [entry] = [entry for entry in data["resolutions"] if entry["number"] == 2]
    assert (entry["actions"], entry["assessment"]["rationale"]) == ([], "Mandates kept up to date.")
    assert (data["summary"]["resolutions"], data["summary"]["assessed"]) == (3, 2)
    assert 2 not in [entry["number"] for entry in narrowed["resolutions"]]
    assert "Resolution 2 – Study group responsibility" in text
    assert "No action of this resolution reports to Council" in text
    assert "Mandates kept up to date." in text
    assert "Mandates kept up to date." in preview
    assessed = [row[1] for row in workbook["Assessments"].iter_rows(min_row=2, values_only=True)]
    assert assessed == [2, 44, 73]


def test_the_report_narrows_to_a_bureau_or_a_resolution(council, world):
    tsb = builders.body("TSB")

    assert action_ids(data_for(council, bureau=tsb)) == [world["reported"].pk]
    assert action_ids(data_for(council, resolution=world["res44"])) == [world["other"].pk]


def test_statuses_are_those_the_actions_had_when_the_period_closed(
    council, world, tsb_staff, bdt_staff
):
    """Made again in 2028, the report for Council 2027 tells 2027's story."""
    reported, silent = world["reported"], world["silent"]

    def geneva(*moment):
        return datetime.datetime(*moment, tzinfo=GENEVA)

    changes = [
        # In the period (documents due 20 April 2027): kept.
        (reported, ActionStatus.IN_PROGRESS, tsb_staff, geneva(2027, 3, 10, 9)),
        # The last evening of the period, Geneva's time: still in it.
        (silent, ActionStatus.ONGOING, bdt_staff, geneva(2027, 4, 20, 21, 30)),
        # After the close: not this report's.
        (reported, ActionStatus.COMPLETED, tsb_staff, geneva(2027, 4, 21, 0, 30)),
        (silent, ActionStatus.COMPLETED, bdt_staff, geneva(2027, 6, 1, 9)),
    ]
    for action, to, by, moment in changes:
        action.refresh_from_db()
        action_transition(action=action, to=to, by=by, now=moment)
    later = datetime.datetime(2028, 2, 1, 9, 0, tzinfo=datetime.UTC)

    data = council_report_data(meeting=council, document_number="C27/35-E", generated_at=later)
    rows = {row["id"]: row for entry in data["resolutions"] for row in entry["actions"]}
    counts = {entry["status"]: entry["n"] for entry in data["summary"]["by_status"]}

    assert Action.objects.get(pk=reported.pk).status == ActionStatus.COMPLETED
    assert rows[reported.pk]["status"] == ActionStatus.IN_PROGRESS
    assert rows[silent.pk]["status_label"] == "Ongoing"
    assert rows[world["other"].pk]["status"] == ActionStatus.NOT_STARTED  # never changed
    assert counts[ActionStatus.COMPLETED] == 0
    assert data["status_on"] == "2027-04-20"


def test_while_the_period_runs_statuses_are_todays(council, world, tsb_staff):
    reported = world["reported"]
    moment = datetime.datetime(2027, 4, 1, 9, 0, tzinfo=datetime.UTC)
    action_transition(action=reported, to=ActionStatus.IN_PROGRESS, by=tsb_staff, now=moment)

    data = council_report_data(
        meeting=council,
        document_number="C27/35-E",
        generated_at=moment + datetime.timedelta(hours=1),
    )
    text, tables = _docx_text(council_report_docx(data=data))

    assert data["status_on"] == "2027-04-01"
    assert [row["status"] for row in data["resolutions"][1]["actions"]][0] == "in_progress"
    assert tables[0][0][0] == "Status on 1 April 2027"


def test_a_report_on_one_resolution_takes_the_version_in_force_in_the_period(council, world):
    """Council 2027 reports on WTSA-20's Resolution 73 though WTSA-28 revised it since."""
    wtsa28 = builders.assembly("WTSA-28", start=datetime.date(2028, 10, 10))
    newer = builders.resolution(73, assembly_code="WTSA-28", revises=world["res73"])
    builders.council_duty(builders.action(newer, owner="TSB"))
    builders.assembly("WTSA-16", start=datetime.date(2016, 10, 25))
    unrelated = builders.resolution(73, assembly_code="WTSA-16")  # no link: another text
    builders.council_duty(builders.action(unrelated, owner="TSB"))

    data = data_for(council, resolution=newer)

    assert wtsa28.end_date > datetime.date(2027, 4, 20)
    assert action_ids(data) == [world["reported"].pk, world["silent"].pk]
    assert data["scope"]["resolution"] == "Resolution 73"


def test_reading_the_data_takes_the_same_queries_for_more_actions(
    council, world, django_assert_num_queries, tsb_staff
):
    data_for(council)  # caches shared by every later call (labels, deadline rules) warm up
    with django_assert_num_queries(6) as few:
        data_for(council)
    for _ in range(5):
        action = builders.council_duty(builders.action(world["res73"], collaborators=("BR",)))
        builders.report(action, author=tsb_staff, state=ReportState.APPROVED, **IN_PERIOD)
    with django_assert_num_queries(len(few.captured_queries)):
        data = data_for(council)
    assert data["summary"]["actions"] == 8


def test_an_item_with_sub_items_reads_in_full_in_the_preview_and_both_files(council, world):
    item = world["reported"].clause
    item.text = "to assist Member States, with emphasis on developing countries:"
    item.save()
    for label, text in (("ii)", "by workshops;"), ("i)", "by guidelines;")):
        builders.clause(item.resolution, parent=item, label=label, text=text)
    Clause.objects.filter(label="ii)").update(order=99)  # after i) in reading order

    data = data_for(council)
    [row] = [
        a for r in data["resolutions"] for a in r["actions"] if a["id"] == world["reported"].pk
    ]
    _, tables = _docx_text(council_report_docx(data=data))
    [cell] = [row[1] for table in tables for row in table if row[1].startswith("to assist")]
    sheet = load_workbook(io.BytesIO(council_report_xlsx(data=data)))["Actions"]
    [xlsx] = [c.value for r in sheet.iter_rows() for c in r if str(c.value).startswith("to assist")]
    preview = render_to_string("actions/council/_report_body.html", {"data": data})

    assert row["sub_items"] == [
        {"label": "i)", "text": "by guidelines;"},
        {"label": "ii)", "text": "by workshops;"},
    ]
    lines = [item.text, "i) by guidelines;", "ii) by workshops;"]
    assert cell == "\n".join(lines)  # a paragraph each in the Word cell
    assert xlsx == "\n".join(lines)
    assert f"{item.text}<br>i) by guidelines;<br>ii) by workshops;" in preview


def test_a_progress_report_keeps_its_paragraphs_in_the_word_file_and_the_preview(
    council, world, tsb_staff
):
    builders.report(
        world["other"],
        author=tsb_staff,
        state=ReportState.APPROVED,
        text="Two workshops held.\r\nA guide is drafted.",
        report_date=datetime.date(2027, 3, 2),
        **IN_PERIOD,
    )

    data = data_for(council)
    document = Document(io.BytesIO(council_report_docx(data=data)))
    [cell] = [
        cell
        for table in document.tables
        for row in table.rows
        for cell in row.cells
        if "Two workshops held." in cell.text
    ]
    preview = render_to_string("actions/council/_report_body.html", {"data": data})

    # Word shows a newline inside <w:t> as a space: the break is a <w:br/>.
    assert "Two workshops held.\nA guide is drafted." in cell.text
    assert "<w:br/>" in cell._tc.xml
    assert "Two workshops held.<br>A guide is drafted." in preview


def test_text_stored_with_a_control_character_is_written_without_it(council, world, tsb_staff):
    # Stored before forms, the API and the admin refused such characters.
    builders.report(
        world["other"],
        author=tsb_staff,
        state=ReportState.APPROVED,
        text="Pasted\x0b from a PDF\x0c.",
        report_date=datetime.date(2027, 3, 2),
        **IN_PERIOD,
    )
    Assessment.objects.filter(rationale__startswith="Workshops").update(rationale="Half\x01 done.")

    data = data_for(council)
    text, tables = _docx_text(council_report_docx(data=data))
    workbook = load_workbook(io.BytesIO(council_report_xlsx(data=data)))

    cells = [cell for table in tables for row in table for cell in row]
    assert any("Pasted from a PDF." in cell for cell in cells)
    assert "Half done." in text
    values = [
        str(value)
        for sheet in workbook.worksheets
        for row in sheet.iter_rows(values_only=True)
        for value in row
        if value is not None
    ]
    assert any("Pasted from a PDF." in value for value in values)
    assert any("Half done." in value for value in values)


def _docx_text(content: bytes) -> tuple[str, list[list[list[str]]]]:
    document = Document(io.BytesIO(content))
    text = "\n".join(p.text for p in document.paragraphs)
    tables = [
        [[cell.text for cell in row.cells] for row in table.rows] for table in document.tables
    ]
    return text, tables


def test_the_word_file_reads_like_a_council_document_and_matches_the_data(council, world):
    content = council_report_docx(data=data_for(council))
    text, tables = _docx_text(content)

    assert "Document C27/35-E" in text
    assert "Original: English" in text
    assert "Report by the Director of the Telecommunication Standardization Bureau" in text
    assert "1 May 2026 – 20 April 2027" in text
    assert "Resolution 73 (Revised) – ICTs, environment and climate change" in text
    assert "Resolution 83 assessment: Partly met. Workshops held, e-waste guidance pending." in text
    assert "No confirmed assessment for this period." in text  # Resolution 44: only proposed
    res44_table, res73_table = tables[2], tables[3]
    assert res73_table[0] == [
        "Item",
        "Text",
        "Owner",
        "Collaborators",
        "Status on 20 April 2027",
        "Progress in the period",
    ]
    assert [row[2] for row in res73_table[1:]] == ["TSB", "BDT"]
    assert "Five workshops on e-waste held." in res73_table[1][5]
    assert "https://itu.int/ws/ewaste" in res73_table[1][5]
    assert res73_table[2][5] == "No approved report for this period"
    assert res44_table[1][5].endswith("SG gap closed.")
    every_cell = " ".join(cell for table in tables for row in table for cell in row)
    for absent in ("Old news.", "Not yet approved.", "Not a Council duty."):
        assert absent not in every_cell
    footer = Document(io.BytesIO(content)).sections[0].footer.paragraphs[0]._p.xml
    assert 'w:instr="PAGE"' in footer


def test_the_spreadsheet_has_every_action_a_summary_and_the_assessments(council, world):
    workbook = load_workbook(io.BytesIO(council_report_xlsx(data=data_for(council))))

    assert workbook.sheetnames == ["Summary", "Actions", "Assessments", "Evidence"]
    actions = workbook["Actions"]
    assert actions.freeze_panes == "A2"
    assert actions.auto_filter.ref == "A1:K4"
    rows = list(actions.iter_rows(values_only=True))
    assert rows[0][:3] == ("Assembly", "Resolution", "Action")
    assert [(r[1], r[5], r[8]) for r in rows[1:]] == [
        (44, "BDT", "Not started"),
        (73, "TSB", "Not started"),
        (73, "BDT", "In progress"),
    ]
    assert rows[2][9] == (
        "BDT, 1 February 2027 (for 1 June 2026 – 31 March 2027): BDT trained forty experts.\n\n"
        "TSB, 1 March 2027 (for 1 June 2026 – 31 March 2027): Five workshops on e-waste held."
    )
    assert rows[3][9] == "No approved report for this period"
    summary = {row[0]: row[1:] for row in workbook["Summary"].iter_rows(values_only=True) if row}
    start, to, end = summary["Reporting period"][:3]
    assert (start.date().isoformat(), to, end.date().isoformat()) == (
        "2026-05-01",
        "to",
        "2027-04-20",
    )
    assert summary["Actions"][0] == 3
    assessments = list(workbook["Assessments"].iter_rows(values_only=True))
    assert [(r[1], r[3]) for r in assessments[1:]] == [
        (44, "No confirmed assessment for this period"),
        (73, "Partly met"),
    ]


def test_text_that_looks_like_a_formula_stays_text_in_the_spreadsheet(council, world):
    link = '=HYPERLINK("https://evil.example/","Click")'
    Clause.objects.filter(pk=world["other"].clause_id).update(text=link)
    Assessment.objects.filter(rationale__startswith="Workshops").update(rationale=link)
    Resolution.objects.filter(number=44).update(title="=1+1")
    EvidenceLink.objects.update(title="=1+2")

    workbook = load_workbook(io.BytesIO(council_report_xlsx(data=data_for(council))))

    text = workbook["Actions"]["E2"]
    assert (text.value, text.data_type) == (link, "s")
    title, rationale = workbook["Assessments"]["C2"], workbook["Assessments"]["E3"]
    assert (title.value, title.data_type) == ("=1+1", "s")
    assert (rationale.value, rationale.data_type) == (link, "s")
    assert workbook["Evidence"]["F2"].value == "=1+2"
    formulas = [
        cell.coordinate
        for sheet in workbook
        for row in sheet.iter_rows()
        for cell in row
        if cell.data_type == "f"
    ]
    assert formulas == []


def test_a_file_is_named_after_the_document_number_the_scope_and_the_day(council, world):
    tsb = builders.body("TSB")

    assert (
        report_file_name(data_for(council), "docx")
        == "C27-35-E-WTSA-implementation-2027-04-25.docx"
    )
    assert (
        report_file_name(data_for(council, bureau=tsb), "xlsx")
        == "C27-35-E-WTSA-implementation-TSB-2027-04-25.xlsx"
    )
    assert (
        report_file_name(data_for(council, resolution=world["res73"]), "docx")
        == "C27-35-E-WTSA-implementation-Resolution-73-2027-04-25.docx"
    )


@pytest.mark.parametrize(
    ("number", "name"),
    [
        ("C27/xx-E", "C27-WTSA-implementation-2027-04-25.docx"),  # not assigned yet
        ("C27/XX-E", "C27-WTSA-implementation-2027-04-25.docx"),
        ("", "C27-WTSA-implementation-2027-04-25.docx"),
        ("C27/35(Rev.1)-E", "C27-35-Rev.1-E-WTSA-implementation-2027-04-25.docx"),
        ("35", "C27-35-WTSA-implementation-2027-04-25.docx"),  # the session's code kept
    ],
)
def test_a_file_has_the_sessions_code_until_a_document_number_is_assigned(
    council, world, number, name
):
    data = council_report_data(meeting=council, document_number=number, generated_at=GENERATED)

    assert report_file_name(data, "docx") == name


def test_a_file_is_named_after_the_day_in_geneva(council, world):
    data = council_report_data(
        meeting=council,
        document_number="C27/35-E",
        generated_at=datetime.datetime(2027, 4, 24, 22, 30, tzinfo=datetime.UTC),
    )

    # 00:30 on 25 April in Geneva, as the document's own date says.
    assert report_file_name(data, "docx") == "C27-35-E-WTSA-implementation-2027-04-25.docx"


def test_a_council_session_is_found_by_its_code_or_its_name(council):
    assert council_meeting_by_code("C27") == council
    assert council_meeting_by_code("c2027") == council
    assert council_meeting_by_code("council 2027") == council
    with pytest.raises(GoverningBodyMeeting.DoesNotExist, match="C26"):
        council_meeting_by_code("C26")


def test_a_code_of_a_year_with_two_sessions_asks_for_the_name(council):
    extra = builders.meeting(datetime.date(2027, 11, 2), name="Extraordinary Council 2027")

    with pytest.raises(GoverningBodyMeeting.DoesNotExist) as refused:
        council_meeting_by_code("C27")

    assert str(refused.value) == (
        "Council met more than once in 2027: give the session's name "
        "(“Council 2027”, “Extraordinary Council 2027”)."
    )
    assert council_meeting_by_code("Extraordinary Council 2027") == extra


def _generate(council, by, **scope) -> CouncilReportRun:
    run = council_report_request(meeting=council, by=by, document_number="C27/35-E", **scope)
    assert council_report_generate(run_id=run.pk, now=GENERATED)
    run.refresh_from_db()
    return run


def test_a_generated_report_keeps_its_files_and_data_until_frozen(council, world, tsb_coordinator):
    run = _generate(council, tsb_coordinator)

    assert run.state == ReportRunState.DONE
    assert run.progress == 100
    assert run.docx.name.endswith("C27-35-E-WTSA-implementation-2027-04-25.docx")
    with run.xlsx.open("rb") as stored:
        assert load_workbook(stored)["Actions"].max_row == 4
    assert action_ids(run.data) == action_ids(data_for(council))


def test_a_report_delivered_twice_to_the_worker_is_generated_once(council, world, tsb_coordinator):
    run = _generate(council, tsb_coordinator)

    assert council_report_generate(run_id=run.pk) is False


def test_a_failed_generation_is_recorded_on_the_run(council, world, tsb_coordinator, monkeypatch):
    run = council_report_request(meeting=council, by=tsb_coordinator)

    def broken(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr("actions.services.council_report.council_report_docx", broken)
    with pytest.raises(RuntimeError):
        council_report_generate(run_id=run.pk)
    run.refresh_from_db()
    assert run.state == ReportRunState.FAILED
    assert run.error == "disk full"


@pytest.mark.parametrize(
    ("persona", "bureau", "allowed"),
    [
        ("tsb_coordinator", None, True),
        ("tsb_coordinator", "BDT", True),
        ("bdt_coordinator", "BDT", True),
        ("bdt_coordinator", None, False),
        ("bdt_coordinator", "TSB", False),
        ("tsb_staff", "TSB", False),
        ("reader", None, False),
        ("outsider", None, False),
        ("administrator", None, True),
    ],
)
def test_who_may_generate_a_council_report(request, council, persona, bureau, allowed):
    user = request.getfixturevalue(persona)
    scope = {"bureau": builders.body(bureau)} if bureau else {}
    if allowed:
        assert council_report_request(meeting=council, by=user, **scope).pk
    else:
        with pytest.raises(PermissionDenied):
            council_report_request(meeting=council, by=user, **scope)
        assert not CouncilReportRun.objects.exists()


def test_a_report_is_for_a_council_session(tsb_coordinator):
    tsag = builders.meeting(datetime.date(2027, 1, 20), kind="tsag", name="TSAG")

    with pytest.raises(ValidationError):
        council_report_request(meeting=tsag, by=tsb_coordinator)
    assert not CouncilReportRun.objects.exists()


def test_a_frozen_report_downloads_unchanged_after_later_edits(
    council, world, tsb_coordinator, tsb_staff
):
    run = _generate(council, tsb_coordinator)
    with run.docx.open("rb") as stored:
        docx_before = stored.read()
    snapshot = council_report_freeze(run=run, by=tsb_coordinator)

    # Later: a new approved report, a status change, a new run over the same files' names.
    builders.report(
        world["silent"], author=tsb_staff, state=ReportState.APPROVED, text="Late.", **IN_PERIOD
    )
    world["reported"].status = ActionStatus.COMPLETED
    world["reported"].save()
    later = _generate(council, tsb_coordinator)

    snapshot = CouncilReportSnapshot.objects.get(pk=snapshot.pk)
    assert bytes(snapshot.docx) == docx_before
    assert hashlib.sha256(bytes(snapshot.docx)).hexdigest() == snapshot.docx_sha256
    assert hashlib.sha256(bytes(snapshot.xlsx)).hexdigest() == snapshot.xlsx_sha256
    assert hashlib.sha256(snapshot.data.encode()).hexdigest() == snapshot.data_sha256
    assert "Late." not in _docx_text(bytes(snapshot.docx))[0] + str(
        _docx_text(bytes(snapshot.docx))[1]
    )
    assert "Late." in str(_docx_text(later.docx.read())[1])
    assert (snapshot.period_start, snapshot.period_end) == (
        datetime.date(2026, 5, 1),
        datetime.date(2027, 4, 20),
    )
    assert snapshot.frozen_by == tsb_coordinator


def test_comparing_two_snapshots_lists_the_actions_that_changed(
    council, world, tsb_coordinator, tsb_staff
):
    first = council_report_freeze(run=_generate(council, tsb_coordinator), by=tsb_coordinator)
    builders.report(
        world["silent"], author=tsb_staff, state=ReportState.APPROVED, text="Late.", **IN_PERIOD
    )
    world["reported"].status = ActionStatus.COMPLETED
    world["reported"].save()
    second = council_report_freeze(run=_generate(council, tsb_coordinator), by=tsb_coordinator)

    changes = council_report_changes(json.loads(first.data), json.loads(second.data))

    assert [(c["id"], c["changes"]) for c in changes] == [
        (world["reported"].pk, ["status: Not started → Completed"]),
        (world["silent"].pk, ["approved progress"]),
    ]


def test_a_snapshot_names_its_freezing_in_genevas_time(council, world, tsb_coordinator):
    frozen_at = datetime.datetime(2027, 4, 25, 9, 30, tzinfo=datetime.UTC)

    snapshot = council_report_freeze(
        run=_generate(council, tsb_coordinator), by=tsb_coordinator, now=frozen_at
    )

    # As the compare page's menus show it: 11:30 in Geneva (summer time).
    assert str(snapshot) == "C27/35-E (frozen 2027-04-25 11:30)"


def test_a_report_is_frozen_once_and_only_when_ready(council, world, tsb_coordinator):
    queued = council_report_request(meeting=council, by=tsb_coordinator)
    with pytest.raises(ValidationError):
        council_report_freeze(run=queued, by=tsb_coordinator)
    run = _generate(council, tsb_coordinator)
    council_report_freeze(run=run, by=tsb_coordinator)
    with pytest.raises(ValidationError):
        council_report_freeze(run=run, by=tsb_coordinator)
    assert CouncilReportSnapshot.objects.count() == 1


def test_a_second_freeze_racing_the_first_is_refused_not_an_error(
    council, world, tsb_coordinator, monkeypatch
):
    from django.db.models import QuerySet

    run = _generate(council, tsb_coordinator)
    council_report_freeze(run=run, by=tsb_coordinator)
    # As for a second click whose check ran before the first click's freeze committed.
    monkeypatch.setattr(QuerySet, "exists", lambda self: False)

    with pytest.raises(ValidationError, match="This report is frozen already."):
        council_report_freeze(run=run, by=tsb_coordinator)

    monkeypatch.undo()
    assert CouncilReportSnapshot.objects.count() == 1


@pytest.mark.parametrize(
    ("persona", "allowed"),
    [
        ("tsb_coordinator", True),
        ("administrator", True),
        ("bdt_coordinator", False),
        ("tsb_staff", False),
        ("reader", False),
    ],
)
def test_who_may_freeze_the_whole_report(
    request, council, world, tsb_coordinator, persona, allowed
):
    run = _generate(council, tsb_coordinator)
    user = request.getfixturevalue(persona)
    if allowed:
        assert council_report_freeze(run=run, by=user).frozen_by == user
    else:
        with pytest.raises(PermissionDenied):
            council_report_freeze(run=run, by=user)
        assert not CouncilReportSnapshot.objects.exists()


def test_nobody_changes_or_deletes_a_frozen_report(council, world, tsb_coordinator, superuser):
    snapshot = council_report_freeze(run=_generate(council, tsb_coordinator), by=tsb_coordinator)

    with pytest.raises(PermissionDenied):
        council_report_snapshot_delete(snapshot=snapshot, by=superuser)
    with pytest.raises(DatabaseError), transaction.atomic():
        CouncilReportSnapshot.objects.filter(pk=snapshot.pk).update(document_number="forged")
    assert CouncilReportSnapshot.objects.get(pk=snapshot.pk).document_number == "C27/35-E"


def test_the_word_tables_repeat_their_header_row_on_every_page(council, world):
    document = Document(io.BytesIO(council_report_docx(data=data_for(council))))

    for table in document.tables:
        assert "w:tblHeader" in table.rows[0]._tr.xml
        assert "w:tblHeader" not in table.rows[-1]._tr.xml


def test_each_report_says_the_period_it_covers_in_the_word_file_and_the_preview(council, world):
    data = data_for(council)
    _text, tables = _docx_text(council_report_docx(data=data))

    assert tables[3][1][5].startswith(
        "BDT, 1 February 2027 (for 1 June 2026 – 31 March 2027): BDT trained forty experts."
    )
    html = render_to_string("actions/council/_report_body.html", {"data": data})
    assert "TSB, 1 March 2027 (for 1 June 2026 – 31 March 2027):" in html
    # Text in Arabic reads right to left, its punctuation on the right side.
    assert '<span dir="auto">Five workshops on e-waste held.</span>' in html


def test_the_word_file_is_a4_landscape_and_gives_the_text_and_progress_the_room(council, world):
    document = Document(io.BytesIO(council_report_docx(data=data_for(council))))

    section = document.sections[0]
    assert (round(section.page_width.cm, 1), round(section.page_height.cm, 1)) == (29.7, 21.0)
    res73_table = document.tables[3]
    widths = [round(column.width.cm, 1) for column in res73_table.columns]
    assert widths == [2.2, 7.0, 1.8, 2.7, 2.2, 9.8]
    room = section.page_width - section.left_margin - section.right_margin
    assert round(sum(widths), 1) == round(room / 360_000, 1)  # EMU per cm
    assert [round(cell.width.cm, 1) for cell in res73_table.rows[1].cells] == widths


def test_a_progress_cell_too_long_for_a_spreadsheet_says_it_was_cut(council, world, tsb_staff):
    for n in range(9):
        builders.report(
            world["reported"],
            author=tsb_staff,
            state=ReportState.APPROVED,
            text=f"Report {n}: " + "e-waste work " * 330,
            **IN_PERIOD,
        )
    data = data_for(council)

    workbook = load_workbook(io.BytesIO(council_report_xlsx(data=data)))

    rows = list(workbook["Actions"].iter_rows(values_only=True))
    progress = rows[2][9]  # Resolution 73's action reported on
    assert len(progress) == 32767
    assert progress.endswith("the Word file has all of it)")
    _text, tables = _docx_text(council_report_docx(data=data))
    assert "Report 8: " in tables[3][1][5]


def test_evidence_in_the_word_file_is_a_link_to_its_address(council, world, tsb_staff):
    # The same address given again as evidence of another report: one relationship.
    again = builders.report(
        world["other"], author=tsb_staff, state=ReportState.APPROVED, **IN_PERIOD
    )
    builders.evidence(again, "https://itu.int/ws/ewaste")
    document = Document(io.BytesIO(council_report_docx(data=data_for(council))))

    cells = [cell for table in document.tables for row in table.rows for cell in row.cells]
    hyperlinks = [
        hyperlink for cell in cells for p in cell.paragraphs for hyperlink in p.hyperlinks
    ]
    assert [(h.address, h.text) for h in hyperlinks] == [
        ("https://itu.int/ws/ewaste", "https://itu.int/ws/ewaste"),
        ("https://itu.int/ws/ewaste", "https://itu.int/ws/ewaste"),
    ]
    assert any("Workshop page: https://itu.int/ws/ewaste" in cell.text for cell in cells)
    links = [rel for rel in document.part.rels.values() if rel.reltype == RT.HYPERLINK]
    assert [(rel.target_ref, rel.is_external) for rel in links] == [
        ("https://itu.int/ws/ewaste", True)
    ]


def test_the_summary_counts_one_as_one_in_the_word_file_and_the_spreadsheet(council, world):
    # Resolution 73: two actions, one with an approved report, one confirmed assessment.
    data = data_for(council, resolution=world["res73"])
    expected = (
        "This document reports on the implementation of 1 WTSA resolution (2 actions that "
        "report to Council) in the period 1 May 2026 – 20 April 2027, for Resolution 73. "
        "1 action has an approved progress report for the period; 1 has none. "
        "1 resolution carries a confirmed Resolution 83 assessment."
    )

    text, _tables = _docx_text(council_report_docx(data=data))
    workbook = load_workbook(io.BytesIO(council_report_xlsx(data=data)))

    assert expected in text
    summary = {row[0]: row[1:] for row in workbook["Summary"].iter_rows(values_only=True) if row}
    assert summary["Summary"][0] == expected


def test_the_summary_counts_several_as_several(council, world):
    data = data_for(council)

    text, _tables = _docx_text(council_report_docx(data=data))

    assert "implementation of 2 WTSA resolutions (3 actions that report to Council)" in text
    assert "2 actions have an approved progress report for the period; 1 has none." in text
    one = _docx_text(council_report_docx(data=data_for(council, resolution=world["res44"])))[0]
    assert "(1 action that reports to Council)" in one
    assert "0 have none. 0 resolutions carry a confirmed" in one


def test_two_items_numbered_alike_in_parts_with_one_verb_say_whom_they_address(council, world):
    # Resolution 73's "instructs the Director of TSB … 6" and "instructs all ITU-T
    # study groups 6": two rows "instructs 6" could not be told apart.
    for action, whom in (
        (
            world["reported"],
            "the Director of the Telecommunication Standardization Bureau, in "
            "collaboration with the Directors of the other Bureaux",
        ),
        (world["silent"], "all ITU-T study groups"),
    ):
        Clause.objects.filter(pk=action.clause_id).update(addressee=whom, label="6")
    Clause.objects.filter(pk=world["other"].clause_id).update(addressee="Member States")

    data = data_for(council)

    items = {row["id"]: row["item"] for entry in data["resolutions"] for row in entry["actions"]}
    assert items == {
        world["reported"].pk: "instructs the Director of TSB, 6",
        world["silent"].pk: "instructs all ITU-T study groups, 6",
        # Alone with its verb in Resolution 44: the number is enough.
        world["other"].pk: "instructs 1",
    }
    _text, tables = _docx_text(council_report_docx(data=data))
    assert [row[0] for row in tables[3][1:]] == [
        "instructs the Director of TSB, 6",
        "instructs all ITU-T study groups, 6",
    ]


def test_a_projected_session_is_marked_provisional_in_the_word_file_and_the_spreadsheet(
    council, world
):
    GoverningBodyMeeting.objects.filter(pk=council.pk).update(provisional=True)
    council.refresh_from_db()
    data = data_for(council)

    text, _tables = _docx_text(council_report_docx(data=data))
    workbook = load_workbook(io.BytesIO(council_report_xlsx(data=data)))

    assert data["meeting"]["provisional"] is True
    assert text.startswith("Council 2027 (provisional)\nGeneva, 18 May 2027")
    summary = {row[0]: row[1:] for row in workbook["Summary"].iter_rows(values_only=True) if row}
    assert summary["Council session"][0] == "Council 2027 (provisional)"


def test_a_confirmed_session_is_not_marked_provisional(council, world):
    data = data_for(council)

    text, _tables = _docx_text(council_report_docx(data=data))

    assert data["meeting"]["provisional"] is False
    assert "provisional" not in text


def test_the_word_file_says_what_it_is_who_wrote_it_and_when(council, world):
    properties = Document(io.BytesIO(council_report_docx(data=data_for(council)))).core_properties

    assert properties.title == (
        "Implementation of the resolutions of the World Telecommunication Standardization "
        "Assembly (C27/35-E)"
    )
    assert properties.subject == "Report to Council 2027"
    assert properties.author == "ITU Telecommunication Standardization Bureau (TSB)"
    assert properties.last_modified_by == properties.author
    assert "python-docx" not in properties.comments
    assert properties.created == GENERATED
    assert properties.modified == GENERATED
    assert properties.language == "en"


def test_the_spreadsheet_says_what_it_is_who_wrote_it_and_when_as_the_word_file_does(
    council, world
):
    data = data_for(council)
    word = Document(io.BytesIO(council_report_docx(data=data))).core_properties
    sheet = load_workbook(io.BytesIO(council_report_xlsx(data=data))).properties

    assert (sheet.title, sheet.subject, sheet.creator, sheet.lastModifiedBy, sheet.keywords) == (
        word.title,
        word.subject,
        word.author,
        word.author,
        word.keywords,
    )
    assert sheet.creator != "openpyxl"
    assert sheet.created.replace(tzinfo=datetime.UTC) == GENERATED


def test_the_word_file_and_the_page_show_the_same_summary_tables_under_the_same_captions(
    council, world
):
    data = data_for(council)
    document = Document(io.BytesIO(council_report_docx(data=data)))
    captions = [p.text for p in document.paragraphs if p.style.name == "Caption"]
    preview = render_to_string("actions/council/_report_body.html", {"data": data})
    page_tables = re.findall(r"<table.*?</table>", preview, re.DOTALL)

    assert captions == ["Actions by status", "Actions by Bureau"]
    for caption in captions:
        assert f"<caption>{caption}</caption>" in preview
    bureau_table = next(t for t in page_tables if "Actions by Bureau" in t)
    page_headers = re.findall(r'<th scope="col">([^<]*)</th>', bureau_table)
    page_rows = [
        re.findall(r"<t[hd][^>]*>([^<]*)</t[hd]>", row)
        for row in re.findall(r"<tr>(.*?)</tr>", bureau_table.split("<tbody>")[1], re.DOTALL)
    ]
    word_table = [[cell.text for cell in row.cells] for row in document.tables[1].rows]
    assert word_table[0] == page_headers
    assert word_table[1:] == page_rows
    assert [row[:2] for row in word_table[1:]] == [["BDT", "2"], ["TSB", "1"]]


def test_the_page_has_the_word_files_sections_in_its_order_and_words(council, world):
    data = data_for(council)
    document = Document(io.BytesIO(council_report_docx(data=data)))
    preview = render_to_string("actions/council/_report_body.html", {"data": data})
    page = " ".join(re.sub(r"<[^>]+>", " ", preview).split())

    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert headings[:5] == [
        "Summary",
        "Action required",
        "References",
        "1 Executive summary",
        "2 Implementation, resolution by resolution",
    ]
    # Each heading on the page, in the same order, with the text under it.
    found = [page.index(heading) for heading in headings]
    assert found == sorted(found), headings
    for heading in ("Summary", "Action required", "References"):
        paragraphs = [p.text for p in document.paragraphs]
        said = paragraphs[paragraphs.index(heading) + 1]
        assert f"{heading} {said}" in page


def test_a_resolution_is_cited_as_its_text_cites_itself_where_it_does(council, world):
    Resolution.objects.filter(number=73).update(revision_text="Rev. Geneva, 2022")
    data = data_for(council)
    text, _ = _docx_text(council_report_docx(data=data))
    preview = render_to_string("actions/council/_report_body.html", {"data": data})

    heading = "Resolution 73 (Rev. Geneva, 2022) – ICTs, environment and climate change"
    assert heading in text
    assert heading in preview
    assert "Resolution 44 – " in text  # no marker, no revision: nothing in brackets


def _summary_rows(workbook):
    return {row[0].value: row[1:] for row in workbook["Summary"].iter_rows() if row[0].value}


def test_the_spreadsheet_writes_dates_and_times_as_dates_in_the_sites_time_zone(council, world):
    data = council_report_data(
        meeting=council,
        document_number="C27/35-E",
        generated_at=datetime.datetime(2026, 12, 4, 7, 37, 37, 38453, tzinfo=datetime.UTC),
    )
    workbook = load_workbook(io.BytesIO(council_report_xlsx(data=data)))

    summary = _summary_rows(workbook)
    start, to, end = summary["Reporting period"][:3]
    assert [start.value.isoformat(), to.value, end.value.isoformat()] == [
        "2026-05-01T00:00:00",
        "to",
        "2027-04-20T00:00:00",
    ]
    assert start.is_date
    assert end.is_date
    assert start.number_format == end.number_format == "d mmmm yyyy"
    generated = summary["Generated"][0]
    # 07:37 UTC is 08:37 in Geneva (settings.TIME_ZONE), to the second.
    assert generated.value.isoformat() == "2026-12-04T08:37:37"
    assert generated.number_format == "d mmmm yyyy hh:mm"
    confirmed_at = workbook["Assessments"]["G3"]
    assert confirmed_at.is_date
    assert confirmed_at.value.microsecond == 0


def test_the_spreadsheet_columns_fit_their_labels_and_long_text_wraps(council, world):
    workbook = load_workbook(io.BytesIO(council_report_xlsx(data=data_for(council))))

    for name in ("Summary", "Actions", "Assessments"):
        sheet = workbook[name]
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and not cell.alignment.wrap_text:
                    if cell.column_letter == "B" and name == "Summary":
                        continue  # the summary sentence runs on over empty cells
                    width = sheet.column_dimensions[cell.column_letter].width
                    assert len(cell.value) <= width, (name, cell.coordinate, cell.value)
    actions = workbook["Actions"]
    for column in "EJ":
        assert actions[f"{column}2"].alignment.wrap_text
        assert actions[f"{column}2"].alignment.vertical == "top"
    assessments = workbook["Assessments"]
    assert assessments["E3"].alignment.wrap_text


def test_evidence_in_the_spreadsheet_is_a_link_to_its_address(council, world):
    workbook = load_workbook(io.BytesIO(council_report_xlsx(data=data_for(council))))

    evidence = workbook["Actions"]["K3"]
    assert evidence.value == "https://itu.int/ws/ewaste"
    assert evidence.hyperlink.target == "https://itu.int/ws/ewaste"
    rows = list(workbook["Evidence"].iter_rows(min_row=2))
    assert [(row[1].value, row[5].value) for row in rows] == [(73, "Workshop page")]
    assert rows[0][6].hyperlink.target == "https://itu.int/ws/ewaste"
