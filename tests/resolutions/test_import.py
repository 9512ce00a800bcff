"""Importing resolution texts: the seed, revisions, dry runs, bad input, Word files."""

import datetime
import io
import re
from pathlib import Path

import docx
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from actions.choices import ActionStatus
from actions.importing import resolution_import
from actions.models import Action, Body, ProgressReport
from actions.services.actions import action_transition
from resolutions.models import Assembly, Clause, Resolution
from resolutions.parsing import parse_document, parse_text
from tests import builders

SEED = Path(__file__).resolve().parents[2] / "fixtures" / "wtsa20_itud_background.txt"
SEED_TEXT = SEED.read_text(encoding="utf-8")


def import_text(text: str, assembly: Assembly, **options):
    return resolution_import(document=parse_text(text), assembly=assembly, **options)


def writes(queries) -> list[str]:
    return [
        q["sql"]
        for q in queries.captured_queries
        if re.match(r"\s*(INSERT|UPDATE|DELETE)", q["sql"], re.IGNORECASE)
    ]


def test_seed_import_gives_every_resolution_and_one_action_per_directive_item(wtsa20):
    document = parse_text(SEED_TEXT)

    report = resolution_import(document=document, assembly=wtsa20)

    directive_items = [
        (parsed.number, item.key)
        for parsed in document.resolutions
        for item in parsed.iter_items()
        if item.directive
    ]
    assert len(report.created) == Resolution.objects.count() == 28
    assert Action.objects.count() == len(directive_items) == report.actions_created
    assert set(Action.objects.values_list("resolution__number", "clause__key")) == set(
        directive_items
    )
    res73 = Resolution.objects.get(number=73)
    assert res73.marker == "Rev"
    assert list(res73.actions.values_list("number", flat=True)) == list(
        range(1, res73.actions.count() + 1)
    )


def test_seed_action_of_resolution_73_reports_annually_to_council_and_to_the_next_wtsa(wtsa20):
    import_text(SEED_TEXT, wtsa20)

    reporting = Action.objects.get(
        resolution__number=73, clause__text__startswith="to report on progress on the application"
    )
    assert reporting.owner.code == "TSB"
    assert set(reporting.collaborators.values_list("code", flat=True)) == {"BDT", "BR"}
    assert set(reporting.obligations.values_list("recipient", flat=True)) == {
        "council_annual",
        "next_wtsa",
    }


def test_every_body_code_the_parser_emits_exists_in_the_shipped_bodies(wtsa20):
    document = parse_text(SEED_TEXT)
    codes = {
        code
        for parsed in document.resolutions
        for item in parsed.iter_items()
        if item.directive
        for code in (item.directive.owner, *item.directive.collaborators)
        if code
    }
    assert codes <= set(Body.objects.values_list("code", flat=True))


def test_reimporting_the_same_text_writes_nothing(wtsa20):
    import_text(SEED_TEXT, wtsa20)

    with CaptureQueriesContext(connection) as queries:
        report = import_text(SEED_TEXT, wtsa20)

    assert writes(queries) == []
    assert len(report.unchanged) == 28
    assert not report.wrote_anything


def revise(text: str) -> str:
    """A revision of the seed: one item reworded, one dropped, one added."""
    reworded = text.replace(
        "2\tto keep up to date the calendar of events",
        "2\tto keep up to date and publish the calendar of events",
    )
    dropped = reworded.replace(
        "6\tto take necessary action to progress implementation of this resolution.\n", ""
    )
    added = dropped.replace(
        "5\tto facilitate collaboration between national CIRTs",
        "7\tto report annually to Council on the CIRTs established;\n"
        "5\tto facilitate collaboration between national CIRTs",
    )
    assert added.count("\n") == text.count("\n")  # one line out, one line in
    assert added != text
    return added


def test_the_preview_of_a_reworded_item_shows_the_words_that_changed(wtsa20):
    import_text(SEED_TEXT, wtsa20)
    # An edit at the end of a long item: its first words say nothing of it.
    edited = SEED_TEXT.replace(
        "to ensure that close coordination is maximized,",
        "to ensure that close coordination is maximized and reported yearly,",
    )

    report = import_text(edited, wtsa20, dry_run=True)

    [change] = [line for line in report.changes if "changed (text)" in line]
    assert change.endswith(
        ": “…that close coordination is maximized,” becomes "
        "“…that close coordination is maximized and reported yearly,”"
    )


def test_revised_text_updates_clauses_keeps_status_and_reports_and_flags_for_review(
    wtsa20, tsb_staff
):
    import_text(SEED_TEXT, wtsa20)
    calendar = Action.objects.get(
        resolution__number=73, clause__text__startswith="to keep up to date the calendar"
    )
    action_transition(action=calendar, to=ActionStatus.IN_PROGRESS, by=tsb_staff)
    builders.report(calendar, author=tsb_staff)
    dropped = Action.objects.get(
        resolution__number=58, clause__text__startswith="to take necessary action"
    )
    res58_numbers = set(
        Action.objects.filter(resolution__number=58).values_list("number", flat=True)
    )

    report = import_text(revise(SEED_TEXT), wtsa20)

    assert sorted(report.updated) == [58, 73]
    calendar.refresh_from_db()
    assert calendar.clause.text.startswith("to keep up to date and publish the calendar")
    assert calendar.status == ActionStatus.IN_PROGRESS
    assert ProgressReport.objects.filter(action=calendar).count() == 1
    assert calendar.needs_review
    assert "clause text changed" in calendar.review_reason
    dropped.refresh_from_db()
    assert dropped.needs_review
    assert dropped.clause.is_withdrawn
    assert "no longer in the text" in dropped.review_reason
    new = Action.objects.get(resolution__number=58, clause__text__startswith="to report annually")
    assert new.number == max(res58_numbers) + 1
    assert list(new.obligations.values_list("recipient", flat=True)) == ["council_annual"]
    assert report.actions_flagged == 2


def test_revision_then_original_again_restores_a_withdrawn_clause(wtsa20):
    import_text(SEED_TEXT, wtsa20)
    import_text(revise(SEED_TEXT), wtsa20)

    import_text(SEED_TEXT, wtsa20)

    clause = Clause.objects.get(resolution__number=58, text__startswith="to take necessary action")
    assert not clause.is_withdrawn
    assert clause.action.needs_review  # a person clears the flag after looking


def test_dry_run_reports_the_differences_and_writes_nothing(wtsa20):
    import_text(SEED_TEXT, wtsa20)
    before = list(Clause.objects.order_by("pk").values_list("pk", "text", "is_withdrawn"))

    with CaptureQueriesContext(connection) as queries:
        report = import_text(revise(SEED_TEXT), wtsa20, dry_run=True)

    assert sorted(report.updated) == [58, 73]
    assert any("clause instructs" in line and "changed" in line for line in report.changes)
    assert list(Clause.objects.order_by("pk").values_list("pk", "text", "is_withdrawn")) == before
    assert not Action.objects.filter(needs_review=True).exists()
    # A preview is a plan made by reading: no write, so no write lock either.
    assert writes(queries) == []
    assert not any(q["sql"].upper().startswith(("BEGIN", "SAVEPOINT")) for q in queries)


def test_command_imports_reports_and_is_idempotent(wtsa20, capsys):
    call_command("import_resolutions", str(SEED), "--assembly", "WTSA-20")
    first = capsys.readouterr().out
    call_command("import_resolutions", str(SEED))
    second = capsys.readouterr().out

    assert "28 created" in first
    assert "0 created, 0 updated, 28 unchanged" in second


def test_command_dry_run_says_so_and_writes_nothing(wtsa20, capsys):
    call_command("import_resolutions", str(SEED), "--dry-run")

    assert "Dry run: nothing was written." in capsys.readouterr().out
    assert not Resolution.objects.exists()


def test_malformed_text_stops_with_the_line_and_writes_nothing(wtsa20, tmp_path):
    broken = tmp_path / "broken.txt"
    broken.write_text(SEED_TEXT.replace("\tRESOLUTION 44\n", "\tRESOLUTION\n"), encoding="utf-8")

    with pytest.raises(CommandError, match=r"line \d+: .*Nothing was imported"):
        call_command("import_resolutions", str(broken))

    assert not Resolution.objects.exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "line"),
        (b"\x80garbage", "neither a Word document nor UTF-8 text"),
        (b"\xff\xfeR\x00E", "starts as UTF-16 text but is damaged"),
        (b"PK\x03\x04 not really a zip", "not a Word document"),
    ],
)
def test_unreadable_files_are_refused_with_a_clear_error(wtsa20, tmp_path, content, message):
    path = tmp_path / "upload.txt"
    path.write_bytes(content)

    with pytest.raises(CommandError, match=message):
        call_command("import_resolutions", str(path))
    assert not Resolution.objects.exists()


def test_unknown_assembly_is_refused_with_the_known_ones(wtsa20):
    with pytest.raises(CommandError, match="Unknown assembly 'WTSA-99'. Known: WTSA-20"):
        call_command("import_resolutions", str(SEED), "--assembly", "WTSA-99")


def test_missing_file_is_refused(wtsa20, tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_resolutions", str(tmp_path / "nope.txt"))


def word_resolution() -> bytes:
    """A resolution laid out as ITU publishes it in Word."""
    document = docx.Document()
    document.add_paragraph("RESOLUTION 99 (Rev. Geneva, 2022)")
    document.add_paragraph("Promoting ITU\u2011T Recommendations in developing countries")
    verb = document.add_paragraph()
    verb.add_run("instructs").italic = True
    document.add_paragraph(
        "the Director of the Telecommunication Standardization Bureau, in collaboration "
        "with the Director of the Telecommunication Development Bureau"
    )
    document.add_paragraph("1\tto hold workshops on ITU\u2011T Recommendations;")
    document.add_paragraph("2\tto report annually to the ITU Council on progress.")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_word_file_is_imported_through_the_command(wtsa20, tmp_path):
    path = tmp_path / "Res99.docx"
    path.write_bytes(word_resolution())

    call_command("import_resolutions", str(path))

    resolution = Resolution.objects.get(number=99)
    assert resolution.title == "Promoting ITU-T Recommendations in developing countries"
    assert resolution.revision_text == "Rev. Geneva, 2022"
    actions = list(resolution.actions.order_by("number"))
    assert [a.owner.code for a in actions] == ["TSB", "TSB"]
    assert [list(a.collaborators.values_list("code", flat=True)) for a in actions] == [
        ["BDT"],
        ["BDT"],
    ]
    assert actions[0].clause.text == "to hold workshops on ITU-T Recommendations;"
    assert list(actions[1].obligations.values_list("recipient", flat=True)) == ["council_annual"]


def test_word_file_recognised_by_content_whatever_its_name(wtsa20):
    document = parse_document(name="resolution-99.bin", data=word_resolution())

    assert [r.number for r in document.resolutions] == [99]


def test_shipped_wtsa20_fixture_is_exactly_what_importing_the_seed_gives(wtsa20):
    call_command("loaddata", "wtsa20", verbosity=0)

    with CaptureQueriesContext(connection) as queries:
        report = import_text(SEED_TEXT, wtsa20)

    assert len(report.unchanged) == 28, "rebuild it: make fixtures/wtsa20.json"
    assert writes(queries) == []


def test_a_part_inserted_before_others_keeps_every_action_with_its_words(wtsa20, tsb_staff):
    import_text(SEED_TEXT, wtsa20)
    sg17 = Action.objects.get(resolution__number=50, clause__text__startswith="to support the Dir")
    action_transition(action=sg17, to=ActionStatus.IN_PROGRESS, by=tsb_staff)
    before = set(Action.objects.filter(resolution__number=50).values_list("pk", "clause__text"))
    inserted = SEED_TEXT.replace(
        "instructs Study Group 17\n",
        "instructs Study Group 2\n3\tto study numbering for emergency services;\n"
        "instructs Study Group 17\n",
    )

    report = import_text(inserted, wtsa20)

    after = Action.objects.filter(resolution__number=50)
    assert {
        (pk, text) for pk, text in after.values_list("pk", "clause__text") if pk in dict(before)
    } == before
    assert after.count() == len(before) + 1
    assert not after.filter(needs_review=True).exists()
    sg17.refresh_from_db()
    assert sg17.status == ActionStatus.IN_PROGRESS
    assert sg17.clause.key == "instructs.2/2"
    assert not Clause.objects.filter(resolution__number=50, is_withdrawn=True).exists()
    assert report.clauses_withdrawn == 0


def test_renumbered_items_keep_their_actions_and_the_new_item_gets_a_new_one(wtsa20, tsb_staff):
    import_text(SEED_TEXT, wtsa20)
    calendar = Action.objects.get(
        resolution__number=73, clause__text__startswith="to keep up to date the calendar"
    )
    builders.report(calendar, author=tsb_staff)
    # A new item 2 pushes items 2 to 9 of the TSB part one number down.
    renumbered = re.sub(
        r"^(\d)\t(to (?:keep up to date the calendar|launch pilot|support the development of "
        r"reports on ICTs|organize forums|develop, promote|report on progress of the ITU/WMO|"
        r"promote the ITU-T Global|assist countries that are vulnerable))",
        lambda m: f"{int(m.group(1)) + 1}\t{m.group(2)}",
        SEED_TEXT,
        flags=re.M,
    ).replace(
        "3\tto keep up to date the calendar",
        "2\tto publish an annual report on green ICT standards;\n"
        "3\tto keep up to date the calendar",
    )

    import_text(renumbered, wtsa20)

    calendar.refresh_from_db()
    assert calendar.clause.label == "3"
    assert calendar.clause.text.startswith("to keep up to date the calendar")
    assert not calendar.needs_review
    assert calendar.reports.count() == 1
    new = Action.objects.get(resolution__number=73, clause__text__startswith="to publish an annual")
    assert new.clause.label == "2"


def test_a_word_file_of_another_assembly_is_refused_and_nothing_is_written(wtsa20, tmp_path):
    builders.assembly("WTSA-24", start=datetime.date(2024, 10, 15))
    path = tmp_path / "Res99.docx"
    path.write_bytes(word_resolution())

    with pytest.raises(CommandError, match=r"headed \(Rev. Geneva, 2022\), which is not WTSA-24"):
        call_command("import_resolutions", str(path), "--assembly", "WTSA-24")

    assert not Resolution.objects.exists()


# -- texts of another conference or another assembly -----------------------------


def other_text(heading: str, preface: str | None = None) -> bytes:
    """A short resolution as ITU prints it, with the heading and preface given."""
    return builders.word_file(
        [
            heading,
            "Establishment of study groups",
            *([preface] if preface else []),
            "instructs",
            "the Director of the Telecommunication Standardization Bureau",
            "1\tto provide the necessary support to the study groups;",
        ]
    )


def refused(tmp_path, data: bytes, assembly: str = "WTSA-20") -> str:
    path = tmp_path / "Res.docx"
    path.write_bytes(data)
    with pytest.raises(CommandError) as error:
        call_command("import_resolutions", str(path), "--assembly", assembly)
    assert not Resolution.objects.exists()
    return str(error.value)


@pytest.mark.parametrize(
    "heading", ["RESOLUTION 73 (Rev. Bucharest, 2022)", "RESOLUTION 2 (Rev. Kigali, 2022)"]
)
def test_a_heading_of_the_assemblys_year_but_another_place_is_refused(wtsa20, tmp_path, heading):
    # PP-22 (Bucharest) and WTDC-22 (Kigali) met in WTSA-20's year: the year
    # alone let their texts overwrite WTSA resolutions of the same number.
    message = refused(tmp_path, other_text(heading))
    place = heading.split(". ")[1].split(",")[0]
    assert f"names {place}, not Geneva where WTSA-20 met" in message
    assert "choose the assembly that adopted this text" in message


@pytest.mark.parametrize(
    ("preface", "conference"),
    [
        (
            "The Plenipotentiary Conference of the International Telecommunication Union "
            "(Bucharest, 2022),",
            "the Plenipotentiary Conference of the International Telecommunication Union",
        ),
        (
            "The World Telecommunication Development Conference (Kigali, 2022),",
            "the World Telecommunication Development Conference",
        ),
        ("The Radiocommunication Assembly,", "the Radiocommunication Assembly"),
    ],
)
def test_a_text_of_another_conference_is_refused_as_not_a_wtsa_text(
    wtsa20, tmp_path, preface, conference
):
    message = refused(tmp_path, other_text("RESOLUTION 2 (Rev. Geneva, 2022)", preface))
    assert f"Resolution 2 is not a WTSA text: it was adopted by {conference} (" in message
    assert "only resolutions of the World Telecommunication Standardization Assembly" in message


def test_a_heading_without_place_or_year_is_checked_against_its_preface(wtsa20, tmp_path):
    preface = "The World Telecommunication Standardization Assembly (Hammamet, 2016),"
    message = refused(tmp_path, other_text("RESOLUTION 44", preface))
    assert "Resolution 44 says it was adopted in (Hammamet, 2016), which is not WTSA-20" in message


def test_a_preface_naming_the_assembly_before_its_place_is_dated_by_its_place(wtsa20):
    preface = "The World Telecommunication Standardization Assembly (WTSA-20) (Geneva, 2022),"
    document = parse_document(
        name="Res.docx", data=other_text("RESOLUTION 2 (Rev. Geneva, 2022)", preface)
    )
    assert resolution_import(document=document, assembly=wtsa20).created


def test_a_refusal_quotes_a_long_preface_shortened(wtsa20, tmp_path):
    preface = "The Plenipotentiary Conference (Bucharest, 2022), " + "and so on " * 200
    message = refused(tmp_path, other_text("RESOLUTION 2 (Rev. Geneva, 2022)", preface))
    assert "its text says 'The Plenipotentiary Conference (Bucharest, 2022), and so on" in message
    assert len(message) < 600


def test_the_place_is_compared_without_regard_to_accents_or_case(wtsa20):
    Assembly.objects.filter(pk=wtsa20.pk).update(place="GENÈVE")
    wtsa20.refresh_from_db()
    preface = "The World Telecommunication Standardization Assembly (Geneva, 2022),"
    headings = [
        "RESOLUTION 2 (Rev. Geneva, 2022)",
        "RESOLUTION 3 (Rev. genève, 2022)",
        "RESOLUTION 4 (REV. GENEVA, 2022)",  # as a heading style in capitals shows it
    ]
    for heading in headings:
        document = parse_document(name="Res.docx", data=other_text(heading, preface))
        report = resolution_import(document=document, assembly=wtsa20)
        assert report.created


def test_a_refusal_from_the_command_ends_with_one_full_stop_per_sentence(wtsa20, tmp_path):
    message = refused(tmp_path, other_text("RESOLUTION 2 (Rev. Kigali, 2022)"))
    assert message.endswith("choose the assembly that adopted this text. Nothing was imported.")
    assert ".." not in message
    path = tmp_path / "bad.txt"
    path.write_bytes(b"just some words\n")
    with pytest.raises(CommandError, match=r"found 'just some words'\. Nothing was imported\.$"):
        call_command("import_resolutions", str(path))
