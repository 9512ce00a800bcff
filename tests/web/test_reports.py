import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from actions.choices import ReportState
from actions.models import EvidenceLink, ProgressReport
from actions.services.reports import progress_report_transition, progress_report_update
from tests import builders


def report_data(**overrides):
    data = {
        "period_start": "2025-01-01",
        "period_end": "2025-06-30",
        "text": "Held a workshop on e-waste in Nairobi.",
        "evidence-TOTAL_FORMS": "3",
        "evidence-INITIAL_FORMS": "0",
        "evidence-MIN_NUM_FORMS": "0",
        "evidence-MAX_NUM_FORMS": "10",
        "evidence-0-url": "https://www.itu.int/workshop",
        "evidence-0-title": "Workshop page",
        "evidence-1-url": "",
        "evidence-1-title": "",
        "evidence-2-url": "",
        "evidence-2-title": "",
    }
    data.update(overrides)
    return data


def create_report(client, action, **overrides):
    return client.post(reverse("report_create", args=[action.pk]), report_data(**overrides))


def transition(client, report, to, version=None, note=""):
    return client.post(
        reverse("report_transition", args=[report.pk]),
        {"to": to, "version": version or report.version, "note": note},
    )


# Who may report on an action TSB owns with BDT collaborating.
WRITE_RIGHTS = [
    ("tsb_staff", True),
    ("tsb_coordinator", True),
    ("bdt_staff", True),
    ("bdt_coordinator", True),
    ("gs_administrator", True),
    ("administrator", False),  # no Bureau to file the report under
    ("br_staff", False),
    ("reader", False),
    ("outsider", False),
]


@pytest.mark.parametrize(("persona", "allowed"), WRITE_RIGHTS)
def test_the_report_form_is_shown_to_owners_and_collaborators_only(
    request, login, tsb_action, persona, allowed
):
    page = (
        login(request.getfixturevalue(persona))
        .get(reverse("action_detail", args=[tsb_action.pk]))
        .content.decode()
    )

    assert ("Add a progress report" in page) is allowed
    assert (reverse("report_create", args=[tsb_action.pk]) in page) is allowed


@pytest.mark.parametrize(("persona", "allowed"), WRITE_RIGHTS)
def test_a_report_is_saved_for_owners_and_collaborators_and_refused_with_403_for_others(
    request, login, tsb_action, persona, allowed
):
    person = request.getfixturevalue(persona)

    response = create_report(login(person), tsb_action)

    if allowed:
        report = ProgressReport.objects.get()
        assert response.status_code == 302
        assert response["Location"].endswith(f"#report-{report.pk}")
        assert (report.author, report.state) == (person, ReportState.DRAFT)
        assert report.period_end == datetime.date(2025, 6, 30)
        assert [(e.url, e.title) for e in report.evidence_links.all()] == [
            ("https://www.itu.int/workshop", "Workshop page")
        ]
    else:
        assert response.status_code == 403
        assert not ProgressReport.objects.exists()


def test_a_report_can_be_submitted_for_approval_at_once(login, tsb_staff, tsb_action):
    client = login(tsb_staff)

    response = create_report(client, tsb_action, submit="1")

    assert ProgressReport.objects.get().state == ReportState.SUBMITTED
    assert "submitted for approval" in client.get(response["Location"]).content.decode()


def test_a_saved_draft_is_confirmed_and_shown_in_the_history(login, bdt_staff, tsb_action):
    client = login(bdt_staff)

    response = create_report(client, tsb_action)
    page = client.get(response["Location"]).content.decode()

    assert "Your report was saved as a draft." in page
    assert "Held a workshop on e-waste in Nairobi." in page
    # Said again in the report's entry, where the page opens (#report-N), far below the top.
    report = ProgressReport.objects.get()
    assert response["Location"].endswith(f"#report-{report.pk}")
    entry = page.split(f'id="report-{report.pk}"')[1].split("</li>")[0]
    assert "Your report was saved as a draft." in entry
    assert '<a href="https://www.itu.int/workshop">Workshop page</a>' in page
    assert "a contribution from a collaborating Bureau" in page


NOT_A_WEB_ADDRESS = "starts with http:// or https://"


def focused_field(page: str) -> str:
    """The name of the one field the page puts the focus on as it loads."""
    (field,) = re.findall(r"<(?:input|textarea|select)\b[^>]*\bautofocus\b[^>]*>", page)
    return re.search(r'name="([^"]+)"', field).group(1)


@pytest.mark.parametrize(
    ("overrides", "error", "field"),
    [
        ({"text": "   "}, "A progress report needs some text.", "text"),
        (
            {"period_end": "2024-12-31"},
            "The reporting period cannot end before it starts.",
            "period_end",
        ),
        ({"period_start": "someday"}, "Enter a valid date.", "period_start"),
        (
            {"period_start": ""},
            "Give the first day of the period the report covers.",
            "period_start",
        ),
        (
            {"evidence-1-title": "A title alone"},
            "Give the link this title belongs to.",
            "evidence-1-url",
        ),
        (
            {"evidence-0-url": "not a link at all"},
            "starts with http:// or https://",
            "evidence-0-url",
        ),
        (
            {"evidence-0-url": "ftp://ftp.itu.int/report.pdf"},
            NOT_A_WEB_ADDRESS,
            "evidence-0-url",
        ),
        (
            {"evidence-0-url": "javascript:alert(1)"},
            "starts with http:// or https://",
            "evidence-0-url",
        ),
        (
            {"evidence-0-url": "https://ex\u202eample.com/"},
            "Remove the invisible direction mark U+202E",
            "evidence-0-url",
        ),
        (
            {"text": "Pasted\x0b from a PDF."},
            "Remove the invisible control character U+000B",
            "text",
        ),
        (
            {"evidence-0-title": "Workshop\x0c page"},
            "Remove the invisible control character U+000C",
            "evidence-0-title",
        ),
    ],
)
def test_an_invalid_report_shows_the_errors_and_writes_nothing(
    login, tsb_staff, tsb_action, overrides, error, field
):
    response = create_report(login(tsb_staff), tsb_action, **overrides)

    assert response.status_code == 400
    page = response.content.decode()
    assert error in page
    assert "The report was not saved" in page
    assert 'aria-invalid="true"' in page
    # On a phone the page opens on the field to correct, not at its top.
    assert focused_field(page) == field
    assert not ProgressReport.objects.exists()
    assert not EvidenceLink.objects.exists()


def test_a_link_pasted_without_its_scheme_is_saved_as_https_and_the_box_lets_it_through(
    login, tsb_staff, tsb_action
):
    client = login(tsb_staff)
    form = client.get(reverse("action_detail", args=[tsb_action.pk])).content.decode()
    [box] = re.findall(r'<input[^>]*name="evidence-0-url"[^>]*>', form)

    response = create_report(client, tsb_action, **{"evidence-0-url": "www.itu.int/workshop"})

    # A browser's type="url" check would refuse the address before the form took it.
    assert 'type="text"' in box
    assert 'inputmode="url"' in box
    assert response.status_code == 302
    assert list(EvidenceLink.objects.values_list("url", flat=True)) == [
        "https://www.itu.int/workshop"
    ]


def test_drafts_and_returned_reports_of_another_bureau_are_not_shown(
    login, tsb_staff, bdt_staff, tsb_action
):
    builders.report(tsb_action, author=bdt_staff, text="BDT draft", state=ReportState.DRAFT)
    builders.report(tsb_action, author=bdt_staff, text="BDT returned", state=ReportState.RETURNED)
    builders.report(tsb_action, author=bdt_staff, text="BDT submitted", state="submitted")

    page = login(tsb_staff).get(reverse("action_detail", args=[tsb_action.pk])).content.decode()

    assert "BDT submitted" in page
    assert "BDT draft" not in page
    assert "BDT returned" not in page


def test_a_draft_of_another_bureau_cannot_be_opened_or_changed(
    login, tsb_staff, bdt_staff, tsb_action
):
    draft = builders.report(tsb_action, author=bdt_staff)
    client = login(tsb_staff)

    assert client.get(reverse("report_edit", args=[draft.pk])).status_code == 404
    assert transition(client, draft, "submitted").status_code == 404
    assert ProgressReport.objects.get(pk=draft.pk).state == ReportState.DRAFT


@pytest.mark.parametrize("body", ["empty", "complete"])
def test_a_post_to_another_bureaus_report_shows_nothing_of_its_drafts(
    login, tsb_staff, bdt_staff, tsb_action, body
):
    report = builders.report(tsb_action, author=tsb_staff, text="SECRET DRAFT WORDING")
    progress_report_update(
        report=report,
        by=tsb_staff,
        expected_version=report.version,
        text="Public wording.",
        period_start=report.period_start,
        period_end=report.period_end,
        evidence=[],
        submit=True,
    )
    report.refresh_from_db()
    data = {} if body == "empty" else report_data(text="Mine.", version=report.version)

    # BDT collaborates on the action and sees the submitted report; not its drafts.
    response = login(bdt_staff).post(reverse("report_edit", args=[report.pk]), data)

    assert response.status_code == 403
    assert "SECRET DRAFT" not in response.content.decode()
    assert ProgressReport.objects.get(pk=report.pk).text == "Public wording."


# --- Editing ---------------------------------------------------------------------


@pytest.fixture
def tsb_draft(tsb_action, tsb_staff):
    return builders.report(tsb_action, author=tsb_staff, text="First draft.")


def edit(client, report, version=None, **overrides):
    data = report_data(
        text="Second draft.",
        version=version or report.version,
        **{"evidence-0-url": "", "evidence-0-title": ""},
    )
    data.update(overrides)
    return client.post(reverse("report_edit", args=[report.pk]), data)


@pytest.mark.parametrize(
    ("version", "status", "said"),
    [
        ("0", 400, "This page was altered or is out of date: reload it"),
        ("abc", 400, "This page was altered or is out of date: reload it"),
        ("99999999999999999999999", 400, "This page was altered or is out of date: reload it"),
    ],
)
def test_an_edit_with_a_version_the_page_never_held_says_to_reload_and_saves_nothing(
    login, tsb_staff, tsb_draft, version, status, said
):
    response = edit(login(tsb_staff), tsb_draft, version=version)

    assert response.status_code == status
    assert said in response.content.decode()
    tsb_draft.refresh_from_db()
    assert (tsb_draft.text, tsb_draft.version) == ("First draft.", 1)


def test_an_unreadable_one_time_key_is_taken_as_none_and_the_report_is_saved(
    login, tsb_staff, tsb_action
):
    response = create_report(login(tsb_staff), tsb_action, once="not-a-uuid")

    assert response.status_code == 302
    assert ProgressReport.objects.get().text == "Held a workshop on e-waste in Nairobi."


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("tsb_staff", 200),
        ("tsb_coordinator", 200),
        ("administrator", 200),
        ("reader", 404),  # a TSB reader sees only submitted and approved reports
        ("bdt_staff", 404),
        ("br_staff", 404),
        ("outsider", 404),
    ],
)
def test_the_edit_page_opens_for_the_writing_bureau_only(
    request, login, tsb_draft, persona, status
):
    client = login(request.getfixturevalue(persona))

    response = client.get(reverse("report_edit", args=[tsb_draft.pk]))

    assert response.status_code == status
    if status == 200:
        page = response.content.decode()
        assert "First draft." in page
        assert f'name="version" value="{tsb_draft.version}"' in page


@pytest.mark.parametrize(
    ("persona", "status"),
    [("tsb_coordinator", 302), ("reader", 404), ("bdt_staff", 404), ("outsider", 404)],
)
def test_an_edit_is_saved_for_the_writing_bureau_and_refused_for_others(
    request, login, tsb_draft, persona, status
):
    response = edit(login(request.getfixturevalue(persona)), tsb_draft)

    assert response.status_code == status
    expected = "Second draft." if status == 302 else "First draft."
    assert ProgressReport.objects.get(pk=tsb_draft.pk).text == expected


def test_an_edit_can_replace_the_evidence_and_submit_the_report(login, tsb_staff, tsb_draft):
    EvidenceLink.objects.create(report=tsb_draft, url="https://old.example.org/")

    response = edit(
        login(tsb_staff),
        tsb_draft,
        submit="1",
        **{"evidence-0-url": "https://new.example.org/", "evidence-0-title": "New"},
    )

    assert response.status_code == 302
    stored = ProgressReport.objects.get(pk=tsb_draft.pk)
    assert (stored.text, stored.state) == ("Second draft.", ReportState.SUBMITTED)
    assert [link.url for link in stored.evidence_links.all()] == ["https://new.example.org/"]


def test_an_invalid_edit_shows_the_errors_and_writes_nothing(login, tsb_staff, tsb_draft):
    response = edit(login(tsb_staff), tsb_draft, text="")

    assert response.status_code == 400
    assert "A progress report needs some text." in response.content.decode()
    assert focused_field(response.content.decode()) == "text"
    stored = ProgressReport.objects.get(pk=tsb_draft.pk)
    assert (stored.text, stored.version) == ("First draft.", 1)


def test_a_stale_edit_is_refused_and_keeps_the_users_text_for_copying(
    login, tsb_staff, tsb_coordinator, tsb_draft
):
    progress_report_update(
        report=ProgressReport.objects.get(pk=tsb_draft.pk),
        by=tsb_coordinator,
        expected_version=1,
        text="The coordinator's text.",
        period_start=tsb_draft.period_start,
        period_end=tsb_draft.period_end,
    )

    response = edit(login(tsb_staff), tsb_draft, version=1, text="My unsaved words.")

    assert response.status_code == 409
    page = response.content.decode()
    assert "Someone changed this report while you were working on it" in page
    assert "(last changed by tsb_coordinator on" in page
    assert "My unsaved words." in page
    assert "The coordinator&#x27;s text." in page
    assert 'name="version" value="2"' in page
    assert ProgressReport.objects.get(pk=tsb_draft.pk).text == "The coordinator's text."


def test_a_stale_edit_names_the_latest_change_not_an_earlier_review(
    login, tsb_staff, tsb_coordinator, tsb_draft
):
    report = ProgressReport.objects.get(pk=tsb_draft.pk)
    progress_report_transition(report=report, to="submitted", by=tsb_staff)
    progress_report_transition(report=report, to="returned", by=tsb_coordinator, note="Figures?")
    client = login(tsb_staff)
    # Two tabs open on the returned report: the second saves first.
    assert edit(client, report, version=report.version, text="With figures.").status_code == 302

    response = edit(client, report, version=report.version, text="Older words.")

    assert response.status_code == 409
    page = response.content.decode()
    assert "You changed this report in another tab or window on" in page
    assert ProgressReport.objects.get(pk=report.pk).text == "With figures."


def test_an_edit_of_a_report_submitted_meanwhile_is_refused_and_says_so(
    login, tsb_staff, tsb_coordinator, tsb_draft
):
    progress_report_transition(
        report=ProgressReport.objects.get(pk=tsb_draft.pk), to="submitted", by=tsb_coordinator
    )

    response = edit(login(tsb_staff), tsb_draft, version=1, text="Too late.")

    assert response.status_code == 409
    page = response.content.decode()
    assert "it is now “Submitted”" in page
    assert "Too late." in page
    assert ProgressReport.objects.get(pk=tsb_draft.pk).text == "First draft."


def test_opening_the_edit_page_of_a_submitted_report_leads_back_to_the_action(
    login, tsb_staff, tsb_action
):
    submitted = builders.report(tsb_action, author=tsb_staff, state=ReportState.SUBMITTED)
    client = login(tsb_staff)

    response = client.get(reverse("report_edit", args=[submitted.pk]))

    assert response.status_code == 302
    assert "can no longer be edited" in client.get(response["Location"]).content.decode()


# --- Submitting, approving and returning -------------------------------------------------


def test_the_writing_bureau_submits_its_draft(login, tsb_staff, tsb_draft):
    response = transition(login(tsb_staff), tsb_draft, "submitted")

    assert response.status_code == 302
    assert ProgressReport.objects.get(pk=tsb_draft.pk).state == ReportState.SUBMITTED


@pytest.fixture
def bdt_submitted(tsb_action, bdt_staff):
    """A contribution BDT wrote and submitted: BDT's coordinator reviews it."""
    return builders.report(tsb_action, author=bdt_staff, state=ReportState.SUBMITTED)


REVIEW_RIGHTS = [
    ("bdt_coordinator", True),
    ("administrator", True),
    ("bdt_staff", False),
    ("tsb_coordinator", False),  # the owner's coordinator vouches for TSB's reports only
    ("tsb_staff", False),
    ("br_staff", False),
    ("reader", False),
    ("outsider", False),
]


@pytest.mark.parametrize(("persona", "allowed"), REVIEW_RIGHTS)
def test_approve_and_return_buttons_are_shown_to_the_writing_bureaus_coordinator_only(
    request, login, tsb_action, bdt_submitted, persona, allowed
):
    page = (
        login(request.getfixturevalue(persona))
        .get(reverse("action_detail", args=[tsb_action.pk]))
        .content.decode()
    )

    assert ('<input type="hidden" name="to" value="approved">' in page) is allowed
    assert ("Reason for returning" in page) is allowed


@pytest.mark.parametrize(("persona", "allowed"), REVIEW_RIGHTS)
def test_approval_is_saved_for_the_coordinator_and_refused_with_403_for_others(
    request, login, bdt_submitted, persona, allowed
):
    person = request.getfixturevalue(persona)

    response = transition(login(person), bdt_submitted, "approved")

    stored = ProgressReport.objects.get(pk=bdt_submitted.pk)
    if allowed:
        assert response.status_code == 302
        assert (stored.state, stored.reviewed_by) == (ReportState.APPROVED, person)
    else:
        assert response.status_code == 403
        assert (stored.state, stored.version) == (ReportState.SUBMITTED, 1)


def test_returning_a_report_records_the_reason_and_shows_it(
    login, bdt_coordinator, bdt_staff, tsb_action, bdt_submitted
):
    response = transition(
        login(bdt_coordinator), bdt_submitted, "returned", note="Add the attendance figures."
    )

    assert response.status_code == 302
    stored = ProgressReport.objects.get(pk=bdt_submitted.pk)
    assert (stored.state, stored.review_note) == (
        ReportState.RETURNED,
        "Add the attendance figures.",
    )
    page = login(bdt_staff).get(reverse("action_detail", args=[tsb_action.pk])).content.decode()
    assert "Returned by bdt_coordinator on" in page
    assert "Add the attendance figures." in page


def test_returning_a_report_without_a_reason_asks_for_one_and_writes_nothing(
    login, bdt_coordinator, bdt_submitted
):
    response = transition(login(bdt_coordinator), bdt_submitted, "returned", note="  ")

    assert response.status_code == 400
    page = response.content.decode()
    assert "Say why the report is returned." in page
    assert '<details class="return" open>' in page
    # On a phone the page opens on the reason to give, not at its top.
    assert focused_field(page) == "note"
    assert ProgressReport.objects.get(pk=bdt_submitted.pk).state == ReportState.SUBMITTED


def test_a_return_reason_with_a_control_character_is_kept_and_refused_under_its_box(
    login, bdt_coordinator, bdt_submitted
):
    response = transition(login(bdt_coordinator), bdt_submitted, "returned", note="Redo\x0b it.")

    assert response.status_code == 400
    page = response.content.decode()
    assert "Remove the invisible control character U+000B" in page
    assert "That request was incomplete" not in page
    assert focused_field(page) == "note"
    assert "Redo\x0b it.</textarea>" in page
    assert ProgressReport.objects.get(pk=bdt_submitted.pk).state == ReportState.SUBMITTED


def test_a_stale_approval_is_refused_and_says_who_reviewed_it(
    login, bdt_coordinator, administrator, bdt_submitted
):
    progress_report_transition(
        report=ProgressReport.objects.get(pk=bdt_submitted.pk),
        to="returned",
        by=administrator,
        note="Incomplete.",
    )

    response = transition(login(bdt_coordinator), bdt_submitted, "approved", version=1)

    assert response.status_code == 409
    page = response.content.decode()
    assert "Someone changed this report while you were working on it" in page
    assert "it is now “Returned” (last changed by administrator on" in page
    assert ProgressReport.objects.get(pk=bdt_submitted.pk).state == ReportState.RETURNED


def test_a_malformed_review_request_writes_nothing(login, bdt_coordinator, bdt_submitted):
    response = login(bdt_coordinator).post(
        reverse("report_transition", args=[bdt_submitted.pk]), {"to": "approved"}
    )

    assert response.status_code == 400
    assert ProgressReport.objects.get(pk=bdt_submitted.pk).state == ReportState.SUBMITTED


# --- How a report is presented -------------------------------------------------------


def test_a_report_credits_its_writer_and_shows_its_state_and_review_apart(
    login, bdt_staff, bdt_coordinator, tsb_action
):
    builders.report(
        tsb_action,
        author=bdt_staff,
        state=ReportState.APPROVED,
        reviewed_by=bdt_coordinator,
        reviewed_at=datetime.datetime(2025, 5, 10, 9, tzinfo=datetime.UTC),
    )

    page = login(bdt_staff).get(reverse("action_detail", args=[tsb_action.pk])).content.decode()

    assert "Written by bdt_staff (BDT) · covers 1 June 2024 to 1 May 2025" in page
    assert '<span class="report__state-label">State:</span>' in page
    assert "Approved by bdt_coordinator on 10 May 2025." in page
    assert "Approved</span>\n    by bdt_staff" not in page
    assert "by bdt_staff (BDT)" not in page.replace("Written by bdt_staff (BDT)", "")


def test_a_returned_report_shows_who_returned_it_and_why(
    login, bdt_staff, bdt_coordinator, tsb_action
):
    builders.report(
        tsb_action,
        author=bdt_staff,
        state=ReportState.RETURNED,
        reviewed_by=bdt_coordinator,
        reviewed_at=datetime.datetime(2025, 5, 10, 9, tzinfo=datetime.UTC),
        review_note="Name the countries.",
    )

    page = login(bdt_staff).get(reverse("action_detail", args=[tsb_action.pk])).content.decode()

    assert "Written by bdt_staff (BDT)" in page
    assert "Returned by bdt_coordinator on 10 May 2025:" in page
    assert "<q>Name the countries.</q>" in page


def test_a_resubmitted_report_does_not_repeat_its_old_review(
    login, bdt_staff, bdt_coordinator, tsb_action
):
    builders.report(
        tsb_action,
        author=bdt_staff,
        state=ReportState.SUBMITTED,
        reviewed_by=bdt_coordinator,
        review_note="Name the countries.",
    )

    page = login(bdt_staff).get(reverse("action_detail", args=[tsb_action.pk])).content.decode()

    assert "Returned by" not in page
    assert 'class="review-note"' not in page


def test_a_return_refused_because_the_report_was_resubmitted_keeps_the_reason(
    login, bdt_coordinator, bdt_staff, administrator, bdt_submitted
):
    current = ProgressReport.objects.get(pk=bdt_submitted.pk)
    progress_report_transition(report=current, to="returned", by=administrator, note="Dates?")
    progress_report_transition(report=current, to="submitted", by=bdt_staff)

    response = transition(
        login(bdt_coordinator), bdt_submitted, "returned", version=1, note="Add the figures."
    )

    assert response.status_code == 409
    page = response.content.decode()
    assert "Someone changed this report while you were working on it" in page
    assert '<details class="return" open>' in page
    assert ">Add the figures.</textarea>" in page
    assert ProgressReport.objects.get(pk=bdt_submitted.pk).state == ReportState.SUBMITTED


def test_the_edit_page_of_a_returned_report_credits_the_writer_and_says_who_returned_it(
    login, bdt_staff, bdt_coordinator, tsb_action
):
    returned = builders.report(
        tsb_action,
        author=bdt_staff,
        state=ReportState.RETURNED,
        reviewed_by=bdt_coordinator,
        reviewed_at=datetime.datetime(2025, 5, 10, 9, tzinfo=datetime.UTC),
        review_note="Name the countries.",
    )

    page = login(bdt_staff).get(reverse("report_edit", args=[returned.pk])).content.decode()

    assert "Written by bdt_staff (BDT)" in page
    assert "<strong>Returned by bdt_coordinator on 10 May 2025:</strong>" in page
    assert "Name the countries." in page
    name = f"Res. {tsb_action.resolution.number} · action 1 (instructs 1)"
    assert f'<a href="{reverse("action_detail", args=[tsb_action.pk])}">{name}</a>' in page


def test_a_refusal_naming_a_field_the_form_lacks_is_shown_as_the_forms_own(login, tsb_staff):
    # An assembly recorded before it meets: no report on its actions can be dated today.
    builders.assembly("WTSA-28", start=datetime.date(2028, 10, 3))
    action = builders.action(builders.resolution(1, assembly_code="WTSA-28"))

    response = create_report(login(tsb_staff), action)

    assert response.status_code == 400
    page = response.content.decode()
    assert (
        "A report on an action of WTSA-28 cannot be dated before the assembly opened on "
        "3 October 2028." in page
    )
    assert focused_field(page) == "period_start"
    assert not ProgressReport.objects.exists()


def test_every_error_of_a_report_shows_at_once_the_periods_rules_included(
    login, tsb_staff, tsb_action
):
    today = timezone.localdate()
    response = create_report(
        login(tsb_staff),
        tsb_action,
        period_start=today.isoformat(),
        period_end=(today + datetime.timedelta(days=5 * 365)).isoformat(),
        **{"evidence-1-title": "A title alone"},
    )

    page = response.content.decode()
    assert response.status_code == 400
    assert "Give the link this title belongs to." in page
    assert "The reporting period cannot end more than a year ahead." in page
    assert focused_field(page) == "period_end"
    assert not ProgressReport.objects.exists()


def test_the_writer_of_a_submitted_report_is_told_someone_else_approves_it(
    login, tsb_coordinator, tsb_staff, tsb_action
):
    builders.report(
        tsb_action,
        author=tsb_coordinator,
        state=ReportState.SUBMITTED,
        submitted_at=timezone.now(),
    )
    url = reverse("action_detail", args=[tsb_action.pk])

    own = login(tsb_coordinator).get(url).content.decode()
    colleague = login(tsb_staff).get(url).content.decode()

    assert "awaiting approval by a coordinator of its Bureau other than you" in own
    assert "awaiting approval by the coordinator of its Bureau" in colleague
