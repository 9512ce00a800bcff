"""The Council report pages and the Resolution 83 assessment page, for every persona."""

import datetime
import io
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from docx import Document

from actions.choices import AssessmentState, ReportRunState, ReportState
from actions.models import (
    Assessment,
    CouncilReportRun,
    CouncilReportSnapshot,
    GoverningBodyMeeting,
)
from actions.services.council_report import council_report_generate
from tests import builders

PERSONAS = [
    "tsb_staff",
    "tsb_coordinator",
    "bdt_staff",
    "bdt_coordinator",
    "br_staff",
    "reader",
    "outsider",
    "administrator",
]
IN_PERIOD = {"period_start": datetime.date(2026, 6, 1), "period_end": datetime.date(2027, 3, 31)}


@pytest.fixture
def council(db):
    return builders.meeting(
        datetime.date(2027, 5, 18),
        name="Council 2027",
        reporting_period_start_override=datetime.date(2026, 5, 1),
    )


@pytest.fixture
def res73(council, tsb_staff):
    res = builders.resolution(73, title="ICTs and climate change")
    action = builders.council_duty(builders.action(res, owner="TSB", collaborators=("BDT",)))
    builders.report(
        action, author=tsb_staff, state=ReportState.APPROVED, text="Workshops held.", **IN_PERIOD
    )
    return res


def _generate(client, council, **form):
    response = client.post(
        reverse("council_report"), {"meeting": council.pk, "document_number": "C27/35-E", **form}
    )
    run = CouncilReportRun.objects.order_by("-pk").first()
    return response, run


@pytest.mark.parametrize(
    ("persona", "bureau", "allowed"),
    [
        ("tsb_coordinator", "", True),
        ("administrator", "", True),
        ("bdt_coordinator", "BDT", True),
        ("bdt_coordinator", "", False),
        ("tsb_staff", "", False),
        ("bdt_staff", "BDT", False),
        ("reader", "", False),
        ("outsider", "", False),
    ],
)
def test_who_may_generate_a_report_from_the_page(
    request, login, council, res73, persona, bureau, allowed
):
    client = login(request.getfixturevalue(persona))
    form = {"bureau": builders.body(bureau).pk} if bureau else {}

    response, run = _generate(client, council, **form)

    if allowed:
        assert response.status_code == 302
        assert response["Location"] == reverse("council_report_run", args=[run.pk])
        assert run.state == ReportRunState.QUEUED
    else:
        assert response.status_code in {400, 403}
        assert run is None


def test_a_bureau_coordinator_is_offered_their_own_bureau_alone(
    login, council, res73, bdt_coordinator
):
    client = login(bdt_coordinator)

    field = client.get(reverse("council_report")).context["form"]["bureau"]
    choices = [label for _, label in field.field.choices]
    response, run = _generate(client, council, bureau=builders.body("TSB").pk)

    [only] = choices  # no "All Bureaux", no TSB
    assert only.startswith("BDT")
    assert "TSB's coordinators report on every Bureau" in str(field.help_text)
    assert response.status_code == 400
    assert run is None


def test_a_document_number_on_two_lines_is_refused_on_the_page_and_asks_nothing(
    login, council, tsb_coordinator
):
    response, run = _generate(login(tsb_coordinator), council, document_number="C27/1\r\nX: 1")

    assert response.status_code == 400
    assert "e.g. C27/35-E: letters, digits" in response.content.decode()
    assert run is None


def test_only_those_who_may_generate_see_the_form(login, council, reader, tsb_coordinator):
    read = login(reader).get(reverse("council_report")).content.decode()
    page = login(tsb_coordinator).get(reverse("council_report"))

    assert 'name="document_number"' not in read
    assert "Coordinators generate the report" in read  # and not a form that is missing
    assert b'name="document_number"' in page.content
    assert b"Coordinators generate the report" not in page.content


def test_the_run_page_polls_until_ready_then_offers_preview_downloads_and_freeze(
    login, council, res73, tsb_coordinator
):
    client = login(tsb_coordinator)
    _, run = _generate(client, council)

    working = client.get(reverse("council_report_run_status", args=[run.pk]))
    assert b'hx-trigger="every 1s"' in working.content
    council_report_generate(run_id=run.pk)
    ready = client.get(reverse("council_report_run_status", args=[run.pk]))
    assert b"hx-trigger" not in ready.content
    assert reverse("council_report_run_freeze", args=[run.pk]).encode() in ready.content

    preview = client.get(reverse("council_report_run_preview", args=[run.pk]))
    assert preview.status_code == 200
    assert b"Workshops held." in preview.content
    assert b"C27/35-E" in preview.content

    download = client.get(reverse("council_report_run_download", args=[run.pk, "docx"]))
    assert download["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    today = timezone.localdate(run.requested_at).isoformat()  # as Geneva dates the file
    assert download["Content-Disposition"] == (
        f'attachment; filename="C27-35-E-WTSA-implementation-{today}.docx"'
    )
    text = "\n".join(p.text for p in Document(io.BytesIO(download.content)).paragraphs)
    assert "Document C27/35-E" in text
    sheet = client.get(reverse("council_report_run_download", args=[run.pk, "xlsx"]))
    assert sheet["Content-Type"].endswith("spreadsheetml.sheet")
    assert (
        client.get(reverse("council_report_run_download", args=[run.pk, "pdf"])).status_code == 404
    )


def test_a_frozen_report_downloads_unchanged_for_a_reader_after_edits(
    login, council, res73, tsb_coordinator, tsb_staff, reader
):
    client = login(tsb_coordinator)
    _, run = _generate(client, council)
    council_report_generate(run_id=run.pk)
    frozen = client.get(reverse("council_report_run_download", args=[run.pk, "docx"])).content
    response = client.post(reverse("council_report_run_freeze", args=[run.pk]), {"confirm": "1"})
    snapshot = CouncilReportSnapshot.objects.get()
    assert response["Location"] == reverse("council_report_snapshot", args=[snapshot.pk])

    action = res73.actions.get()
    builders.report(
        action, author=tsb_staff, state=ReportState.APPROVED, text="Later.", **IN_PERIOD
    )

    client = login(reader)
    page = client.get(reverse("council_report_snapshot", args=[snapshot.pk]))
    assert page.status_code == 200
    assert snapshot.docx_sha256.encode() in page.content
    assert b"Later." not in page.content
    download = client.get(reverse("council_report_snapshot_download", args=[snapshot.pk, "docx"]))
    assert download.content == frozen


def test_freezing_is_confirmed_first_and_a_provisional_session_is_pointed_out(
    login, council, res73, tsb_coordinator
):
    GoverningBodyMeeting.objects.filter(pk=council.pk).update(provisional=True)
    client = login(tsb_coordinator)
    _, run = _generate(client, council)
    council_report_generate(run_id=run.pk)

    page = client.get(reverse("council_report_run_status", args=[run.pk])).content.decode()
    unconfirmed = client.post(reverse("council_report_run_freeze", args=[run.pk]), follow=True)

    assert '<input type="checkbox" name="confirm" value="1" required>' in page
    assert f"The dates of {council.name} are only projected" in page
    # A coordinator has no admin: who can confirm the dates is named instead.
    assert "Ask an administrator to confirm the session's dates" in page
    assert "/admin/" not in page
    assert "Tick the box to confirm: a frozen report cannot be changed or deleted." in (
        unconfirmed.content.decode()
    )
    assert not CouncilReportSnapshot.objects.exists()

    # Confirmed since: the report still calls it provisional, and the page says to regenerate.
    GoverningBodyMeeting.objects.filter(pk=council.pk).update(provisional=False)
    later = client.get(reverse("council_report_run_status", args=[run.pk])).content.decode()
    assert "are only projected, so" not in later
    assert "They are confirmed now: generate the report again before you freeze it." in later


def test_a_double_click_on_freeze_lands_on_the_frozen_report(
    login, council, res73, tsb_coordinator
):
    client = login(tsb_coordinator)
    _, run = _generate(client, council)
    council_report_generate(run_id=run.pk)
    url = reverse("council_report_run_freeze", args=[run.pk])

    opened = client.get(url)  # a reload or the history: the report's page, nothing frozen
    first = client.post(url, {"confirm": "1"})
    second = client.post(url, {"confirm": "1"}, follow=True)

    assert (opened.status_code, opened["Location"]) == (
        303,
        reverse("council_report_run", args=[run.pk]),
    )

    snapshot = CouncilReportSnapshot.objects.get()
    assert first["Location"] == reverse("council_report_snapshot", args=[snapshot.pk])
    assert second.redirect_chain[-1][0] == first["Location"]
    assert "This report is frozen already." in second.content.decode()


def test_a_reader_may_not_open_or_freeze_a_generated_report(
    login, council, res73, tsb_coordinator, reader
):
    _, run = _generate(login(tsb_coordinator), council)
    council_report_generate(run_id=run.pk)
    client = login(reader)

    opened = client.get(reverse("council_report_run", args=[run.pk]))
    frozen = client.post(reverse("council_report_run_freeze", args=[run.pk]))

    # A shared link says who sees a generated report; an address with none is not found.
    assert opened.status_code == 403
    assert "Once TSB freezes it, it is on the Council report page for everyone." in (
        opened.content.decode()
    )
    assert frozen.status_code == 403
    assert not CouncilReportSnapshot.objects.exists()
    missing = client.get(reverse("council_report_run", args=[run.pk + 1]))
    assert missing.status_code == 404


def test_a_bureau_coordinator_may_not_freeze_the_whole_report(
    login, council, res73, tsb_coordinator, bdt_coordinator
):
    _, run = _generate(login(tsb_coordinator), council)
    council_report_generate(run_id=run.pk)

    response = login(bdt_coordinator).post(reverse("council_report_run_freeze", args=[run.pk]))

    assert response.status_code == 403
    assert not CouncilReportSnapshot.objects.exists()


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_persona_reads_the_council_report_and_assessment_pages(
    request, login, council, res73, persona
):
    client = login(request.getfixturevalue(persona))

    assert client.get(reverse("council_report")).status_code == 200
    page = client.get(reverse("resolution_assessments", args=["WTSA-20", 73]))
    assert page.status_code == 200
    assert b"Suggested rating" in page.content


@pytest.mark.parametrize(
    "meeting",
    ["²", "٣", "1_0", "99999999999999999999999", "-1", "99999", "9" * 5000, "tsag", "7\x00\x0b"],
)
def test_a_period_that_is_not_a_session_is_refused_over_the_current_one(
    login, council, res73, tsb_staff, meeting
):
    if meeting == "tsag":  # a meeting, but not of Council
        meeting = str(builders.meeting(datetime.date(2027, 1, 20), kind="tsag").pk)
    page = login(tsb_staff).get(
        reverse("resolution_assessments", args=["WTSA-20", 73]), {"meeting": meeting}
    )

    assert page.status_code == 400
    shown = "".join(c for c in meeting[:20] if c.isprintable())  # never a NUL in the page
    assert f"There is no Council session “{shown}”" in page.content.decode()
    assert "\x00" not in page.content.decode()
    assert page.context["meeting"] == council
    assert b"Suggested rating" in page.content


def _propose(client, council, **extra):
    return client.post(
        reverse("resolution_assessments", args=["WTSA-20", 73]),
        {"meeting": council.pk, "rating": "partly_met", "rationale": "Half done.", **extra},
    )


@pytest.mark.parametrize(
    ("persona", "allowed"),
    [
        ("tsb_coordinator", True),
        ("bdt_coordinator", True),
        ("administrator", True),
        ("tsb_staff", False),
        ("bdt_staff", False),
        ("reader", False),
        ("outsider", False),
    ],
)
def test_who_may_propose_an_assessment_from_the_page(
    request, login, council, res73, persona, allowed
):
    response = _propose(login(request.getfixturevalue(persona)), council)

    if allowed:
        assert response.status_code == 302
        assert Assessment.objects.get().state == AssessmentState.PROPOSED
    else:
        assert response.status_code == 403
        assert not Assessment.objects.exists()


def test_the_form_shows_the_suggested_rating_and_its_reason(login, council, res73, bdt_coordinator):
    page = login(bdt_coordinator).get(
        reverse("resolution_assessments", args=["WTSA-20", 73]) + f"?meeting={council.pk}"
    )

    assert b'name="rationale"' in page.content
    assert b"Fully met" in page.content or b"Largely met" in page.content
    assert b"1 of 1 action is completed or has an approved report" in page.content
    # Read before the rating is chosen (on a phone the form would hide it below).
    assert page.content.index(b"Suggested rating") < page.content.index(b'name="rating"')


def test_the_forms_period_menu_names_a_projected_session_as_the_page_does(
    login, council, res73, bdt_coordinator
):
    GoverningBodyMeeting.objects.filter(pk=council.pk).update(provisional=True)

    page = login(bdt_coordinator).get(
        reverse("resolution_assessments", args=["WTSA-20", 73]) + f"?meeting={council.pk}"
    )

    form = page.content.decode().split('name="meeting"')[-1].split("</select>")[0]
    assert f"{council.name} (provisional)</option>" in form


def test_the_rating_starts_unchosen_and_must_be_chosen(login, council, res73, bdt_coordinator):
    client = login(bdt_coordinator)
    url = reverse("resolution_assessments", args=["WTSA-20", 73])

    page = client.get(url + f"?meeting={council.pk}").content.decode()
    refused = _propose(client, council, rating="")

    assert '<option value="" selected>Choose a rating</option>' in page
    assert refused.status_code == 400
    assert not Assessment.objects.exists()
    # The page opens on the field to correct, its message saying what to do.
    form = refused.content.decode()
    assert form.count("autofocus") == 1
    assert re.search(r'<select name="rating"[^>]* autofocus', form)
    assert "Choose a rating." in form


def test_an_empty_rationale_says_what_to_write_and_has_the_focus(
    login, council, res73, bdt_coordinator
):
    refused = _propose(login(bdt_coordinator), council, rationale=" ")

    form = refused.content.decode()
    assert refused.status_code == 400
    assert "Say why: what was done, what was not, and why this rating." in form
    assert form.count("autofocus") == 1
    assert re.search(r'<textarea name="rationale"[^>]* autofocus', form)


def test_a_bad_proposal_is_refused_with_the_form_and_writes_nothing(
    login, council, res73, bdt_coordinator
):
    response = _propose(login(bdt_coordinator), council, rationale="", rating="superb")

    assert response.status_code == 400
    assert not Assessment.objects.exists()


@pytest.mark.parametrize("version", ["abc", "0"])
def test_a_proposal_with_a_version_the_page_never_held_says_to_reload(
    login, council, res73, bdt_coordinator, version
):
    response = _propose(login(bdt_coordinator), council, version=version)

    assert response.status_code == 400
    assert "This page was altered or is out of date: reload it" in response.content.decode()
    assert not Assessment.objects.exists()


def test_a_tsb_coordinator_confirms_and_a_bdt_coordinator_may_not(
    login, council, res73, bdt_coordinator, tsb_coordinator
):
    _propose(login(bdt_coordinator), council)
    assessment = Assessment.objects.get()
    url = reverse("assessment_confirm", args=[assessment.pk])

    assert login(bdt_coordinator).post(url, {"version": 1}).status_code == 403
    assert Assessment.objects.get().state == AssessmentState.PROPOSED
    # Opened by a reload or from the history, the address leads to the assessment's page.
    opened = login(tsb_coordinator).get(url)
    assert (opened.status_code, opened["Location"]) == (
        303,
        f"/resolutions/WTSA-20/73/assessments/?meeting={council.pk}",
    )
    assert Assessment.objects.get().state == AssessmentState.PROPOSED
    assert login(tsb_coordinator).post(url, {"version": 1}).status_code == 302
    assert Assessment.objects.get().state == AssessmentState.CONFIRMED


def test_a_coordinator_who_proposed_is_told_someone_else_confirms(
    login, council, res73, tsb_coordinator
):
    client = login(tsb_coordinator)
    _propose(client, council)
    assessment = Assessment.objects.get()

    page = client.get(reverse("resolution_assessments", args=["WTSA-20", 73]))
    assert b"Confirm this assessment" not in page.content
    assert "You proposed this rating: another TSB coordinator" in page.content.decode()
    refused = client.post(reverse("assessment_confirm", args=[assessment.pk]), {"version": 1})
    assert refused.status_code == 403
    assert "You proposed this rating" in refused.content.decode()
    assert Assessment.objects.get().state == AssessmentState.PROPOSED

    colleague = builders.user("tsb_coordinator_2", bureau="TSB", role="Bureau coordinator")
    page = login(colleague).get(reverse("resolution_assessments", args=["WTSA-20", 73]))
    assert b"Confirm this assessment" in page.content
    assert b"You proposed this rating" not in page.content
    # Revising it would make it theirs: the form says so before they do.
    assert b"Revised, the proposal becomes yours" in page.content
    assert b"Save the revision" in page.content


def test_a_stale_revision_keeps_the_other_proposal_and_shows_your_text(
    login, council, res73, bdt_coordinator, tsb_coordinator
):
    _propose(login(bdt_coordinator), council)
    _propose(login(tsb_coordinator), council, rationale="TSB view.", version=1)

    response = _propose(login(bdt_coordinator), council, rationale="My late view.", version=1)

    assert response.status_code == 409
    assert b"My late view." in response.content
    assert Assessment.objects.get().rationale == "TSB view."


def test_comparing_two_frozen_reports_lists_the_changed_actions(
    login, council, res73, tsb_coordinator, reader
):
    client = login(tsb_coordinator)
    for status in ("not_started", "in_progress"):
        res73.actions.update(status=status)
        _, run = _generate(client, council)
        council_report_generate(run_id=run.pk)
        client.post(reverse("council_report_run_freeze", args=[run.pk]), {"confirm": "1"})
    first, second = CouncilReportSnapshot.objects.order_by("pk")

    page = login(reader).get(reverse("council_report_compare"), {"a": first.pk, "b": second.pk})

    assert page.status_code == 200
    assert "status: Not started → In progress".encode() in page.content
    itself = login(reader).get(reverse("council_report_compare"), {"a": first.pk, "b": first.pk})
    assert itself.status_code == 400
    assert "Choose two different reports" in itself.content.decode()


def test_every_council_page_sends_an_anonymous_visitor_to_the_login_page(client, council, res73):
    for url in (
        reverse("council_report"),
        reverse("council_report_compare"),
        reverse("resolution_assessments", args=["WTSA-20", 73]),
    ):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"] == f"{reverse('login')}?next={url}", url


def _freeze(client, council):
    _, run = _generate(client, council)
    council_report_generate(run_id=run.pk)
    client.post(reverse("council_report_run_freeze", args=[run.pk]), {"confirm": "1"})


@pytest.mark.parametrize("extra", [0, 4])
def test_the_council_report_page_costs_the_same_queries_for_more_reports(
    login, council, res73, tsb_coordinator, django_assert_num_queries, extra
):
    client = login(tsb_coordinator)
    for _ in range(2 + extra):
        _freeze(client, council)
        _generate(client, council)

    # The same number for 2 and 6 frozen reports: nothing is read per row
    # (and no list of resolutions to choose from).
    with django_assert_num_queries(14):
        page = client.get(reverse("council_report"))

    assert page.content.count(b"frozen by") == 2 + extra


@pytest.mark.parametrize("periods", [1, 5])
def test_the_assessment_page_costs_the_same_queries_for_a_longer_history(
    login, council, res73, bdt_coordinator, django_assert_num_queries, periods
):
    for year in range(periods):
        builders.assessment(
            res73, builders.meeting(datetime.date(2030 + year, 5, 1)), by=bdt_coordinator
        )
    client = login(bdt_coordinator)
    url = reverse("resolution_assessments", args=["WTSA-20", 73]) + f"?meeting={council.pk}"

    # The same number for 1 and 5 periods of history: nothing is read per row.
    with django_assert_num_queries(15):
        page = client.get(url)

    assert page.content.count(b"<li><strong>") == periods


def test_a_report_on_one_resolution_names_it_by_number_and_takes_its_latest_version(
    login, council, res73, tsb_coordinator
):
    builders.assembly("WTSA-16", start=datetime.date(2016, 10, 25))
    builders.assembly("WTSA-24", start=datetime.date(2024, 10, 15))
    builders.resolution(44, assembly_code="WTSA-24")
    builders.resolution(44, revises=builders.resolution(44, assembly_code="WTSA-16"))
    newest = builders.resolution(50, assembly_code="WTSA-24", revises=builders.resolution(50))
    # Suppressed in its latest version; an older one, with no lineage recorded, is no answer.
    builders.resolution(9, assembly_code="WTSA-16")
    builders.resolution(9, suppressed_by=builders.assembly("WTSA-24"))
    client = login(tsb_coordinator)

    page = client.get(reverse("council_report")).content.decode()
    assert 'type="number" name="resolution"' in page
    assert "<option" not in page.split('name="resolution"', 1)[1].split("</div>", 1)[0]

    response, run = _generate(client, council, resolution="73")
    assert response.status_code == 302
    assert run.resolution == res73
    response, run = _generate(client, council, resolution="50")
    assert run.resolution == newest
    response, run = _generate(client, council, resolution="44")
    assert (run.resolution.number, run.resolution.assembly.code) == (44, "WTSA-24")

    runs = CouncilReportRun.objects.count()
    for number, message in (
        ("9", "Resolution 9 was suppressed by WTSA-24."),
        ("999", "There is no Resolution 999."),
        ("x", "Enter a whole number."),
    ):
        refused = client.post(
            reverse("council_report"), {"meeting": council.pk, "resolution": number}
        )
        assert refused.status_code == 400
        assert message in refused.content.decode()
    assert CouncilReportRun.objects.count() == runs


def test_a_resolution_is_refused_only_where_the_period_had_none_of_its_versions(
    login, res73, tsb_coordinator
):
    """Council 2024 reports on texts WTSA-24 (15–23 October 2024) had not yet changed."""
    council_2024 = builders.meeting(
        datetime.date(2024, 6, 18),
        name="Council 2024",
        reporting_period_start_override=datetime.date(2023, 5, 1),
    )
    wtsa24 = builders.assembly("WTSA-24", start=datetime.date(2024, 10, 15))
    builders.resolution(9, suppressed_by=wtsa24)
    builders.resolution(101, assembly_code="WTSA-24")
    # The same number again, with no link between the two: the period's is WTSA-20's.
    builders.resolution(44)
    builders.resolution(44, assembly_code="WTSA-24")
    client = login(tsb_coordinator)

    response, run = _generate(client, council_2024, resolution="9")
    assert response.status_code == 302
    assert (run.resolution.number, run.resolution.assembly.code) == (9, "WTSA-20")
    response, run = _generate(client, council_2024, resolution="44")
    assert (run.resolution.number, run.resolution.assembly.code) == (44, "WTSA-20")

    refused = client.post(
        reverse("council_report"), {"meeting": council_2024.pk, "resolution": "101"}
    )
    assert refused.status_code == 400
    assert (
        "Resolution 101 was adopted by WTSA-24, after this session’s reporting period."
        in refused.content.decode()
    )


def test_the_preview_counts_one_as_one(login, council, res73, tsb_coordinator):
    client = login(tsb_coordinator)
    _, run = _generate(client, council)
    council_report_generate(run_id=run.pk)

    preview = client.get(reverse("council_report_run_preview", args=[run.pk]))

    text = " ".join(preview.content.decode().split())
    assert "1 WTSA resolution (1 action that reports to Council)" in text
    assert "1 action has an approved progress report for the period; 0 have none." in text


def test_the_preview_says_the_day_the_statuses_are_of(
    login, council, res73, tsb_coordinator, time_machine
):
    # Made while the period runs (it ends 20 April 2027): today's statuses.
    time_machine.move_to(datetime.datetime(2027, 3, 1, 9, 0, tzinfo=datetime.UTC))
    client = login(tsb_coordinator)
    _, run = _generate(client, council)
    council_report_generate(run_id=run.pk)

    page = client.get(reverse("council_report_run_preview", args=[run.pk])).content.decode()

    heading = "Status on 1 March 2027"
    assert page.count(f'<th scope="col">{heading}</th>') == 2  # the summary, the actions
    assert f'data-label="{heading}"' in page  # a card's label on a phone


def test_a_projected_session_is_marked_provisional_in_the_menu_the_run_and_the_preview(
    login, council, res73, tsb_coordinator
):
    builders.meeting(datetime.date(2026, 4, 28), name="Council 2026")
    council.provisional = True
    council.save()
    client = login(tsb_coordinator)

    page = client.get(reverse("council_report"))
    menu = {
        str(choice.instance): label
        for choice, label in page.context["form"]["meeting"].field.choices
    }
    _, run = _generate(client, council)
    council_report_generate(run_id=run.pk)
    run_page = client.get(reverse("council_report_run", args=[run.pk]))
    preview = client.get(reverse("council_report_run_preview", args=[run.pk]))

    assert menu == {"Council 2027": "Council 2027 (provisional)", "Council 2026": "Council 2026"}
    assert "Council 2027 (provisional)" in run_page.content.decode()
    assert "Council 2027 (provisional)" in preview.content.decode()
    # The other pages that choose a session say so too.
    for url in (
        reverse("council_readiness") + f"?meeting={council.pk}",
        reverse("resolution_assessments", args=["WTSA-20", 73]) + f"?meeting={council.pk}",
    ):
        page = client.get(url).content.decode()
        assert f'<option value="{council.pk}" selected>Council 2027 (provisional)</option>' in page
        assert "Council 2026</option>" in page


def test_the_run_page_of_a_finished_report_does_not_say_it_is_being_generated(
    login, council, res73, tsb_coordinator
):
    # The message of the request is shown on the first view of the run page,
    # which may come after the worker has finished (or stay on screen while
    # the status panel turns to "ready").
    client = login(tsb_coordinator)
    _, run = _generate(client, council)
    council_report_generate(run_id=run.pk)

    page = client.get(reverse("council_report_run", args=[run.pk])).content.decode()

    assert "The report is ready." in page
    assert "being generated" not in page
    assert "Report C27/35-E requested." in page
