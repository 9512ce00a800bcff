"""The audit trail: every change to actions, reports, evidence, meetings and users,
with who, when, the old and new values and the note. The services write with a
compare-and-set (``QuerySet.update``, no signal), so each is checked here."""

import datetime
import re

import pytest
from django.urls import reverse

from actions.choices import ActionStatus, ReportState, Role
from actions.models import Action, EvidenceLink, GoverningBodyMeeting, ProgressReport
from actions.services.accounts import user_role_set
from actions.services.actions import action_flag_for_review, action_transition, action_update
from actions.services.reports import (
    Evidence,
    progress_report_create,
    progress_report_transition,
    progress_report_update,
)
from tests import builders
from wtsa_tracker.errors import StaleVersion

START, END = datetime.date(2024, 6, 1), datetime.date(2025, 5, 31)


def latest(history):
    return history.order_by("-history_date", "-history_id").first()


def test_a_status_change_is_recorded_with_who_the_old_and_new_status_and_the_note(
    tsb_action, tsb_staff
):
    action_transition(action=tsb_action, to=ActionStatus.IN_PROGRESS, by=tsb_staff, note="Kick-off")

    record = latest(tsb_action.history.all())
    assert record.history_type == "~"
    assert record.history_user == tsb_staff
    assert record.history_change_reason == "Kick-off"
    assert record.status == ActionStatus.IN_PROGRESS
    changes = {c.field: (c.old, c.new) for c in record.diff_against(record.prev_record).changes}
    assert changes["status"] == (ActionStatus.NOT_STARTED, ActionStatus.IN_PROGRESS)


def test_a_note_of_the_longest_allowed_length_is_kept_whole_in_the_history(tsb_action, tsb_staff):
    from actions.validators import NOTE_MAX_LENGTH

    note = "n" * NOTE_MAX_LENGTH
    action_transition(action=tsb_action, to=ActionStatus.IN_PROGRESS, by=tsb_staff, note=note)

    assert latest(tsb_action.history.all()).history_change_reason == note


def test_a_plan_change_records_the_old_and_new_focal_point_and_target_date(tsb_action, tsb_staff):
    before = tsb_action.history.count()

    action_update(
        action=tsb_action,
        by=tsb_staff,
        expected_version=tsb_action.version,
        changes={"focal_point": tsb_staff, "target_date": datetime.date(2026, 12, 31)},
    )

    assert tsb_action.history.count() == before + 1
    record = latest(tsb_action.history.all())
    assert record.history_user == tsb_staff
    changes = {c.field: (c.old, c.new) for c in record.diff_against(record.prev_record).changes}
    assert changes["focal_point"] == (None, tsb_staff.pk)
    assert changes["target_date"] == (None, datetime.date(2026, 12, 31))


def test_a_refused_stale_write_leaves_no_history(tsb_action, tsb_staff):
    before = tsb_action.history.count()
    with pytest.raises(StaleVersion):
        action_update(
            action=tsb_action,
            by=tsb_staff,
            expected_version=tsb_action.version + 5,
            changes={"target_date": datetime.date(2026, 12, 31)},
        )
    assert tsb_action.history.count() == before


def test_collaborators_changed_by_an_administrator_are_recorded_with_their_name(
    tsb_action, administrator
):
    action_update(
        action=tsb_action,
        by=administrator,
        expected_version=tsb_action.version,
        changes={},
        collaborators=[builders.body("BR")],
    )

    record = latest(tsb_action.history.all())
    assert record.history_user == administrator
    assert [row.body.code for row in record.collaborators.all()] == ["BR"]


def test_an_import_flag_is_recorded_with_its_reason_and_nobody_as_author(tsb_action):
    action_flag_for_review(action=tsb_action, reason="The clause changed.")

    record = latest(tsb_action.history.all())
    assert record.needs_review is True
    assert record.history_change_reason == "The clause changed."
    assert record.history_user is None


def test_every_version_of_a_reports_text_is_kept(tsb_action, tsb_staff, tsb_coordinator):
    report = progress_report_create(
        action=tsb_action, by=tsb_staff, text="First text.", period_start=START, period_end=END
    )
    progress_report_update(
        report=report,
        by=tsb_coordinator,
        expected_version=report.version,
        text="Second text.",
        period_start=START,
        period_end=END,
    )

    versions = list(report.history.order_by("history_date", "history_id"))
    assert [(v.text, v.history_user) for v in versions] == [
        ("First text.", tsb_staff),
        ("Second text.", tsb_coordinator),
    ]
    assert [v.history_type for v in versions] == ["+", "~"]


def test_approving_and_returning_are_recorded_with_the_reviewer_and_the_reason(
    tsb_action, tsb_staff, tsb_coordinator
):
    report = progress_report_create(
        action=tsb_action,
        by=tsb_staff,
        text="Held a workshop.",
        period_start=START,
        period_end=END,
        submit=True,
    )
    progress_report_transition(
        report=report, to=ReportState.RETURNED, by=tsb_coordinator, note="Add the dates."
    )
    progress_report_update(
        report=report,
        by=tsb_staff,
        expected_version=report.version,
        text="Held a workshop on 3 May.",
        period_start=START,
        period_end=END,
        submit=True,
    )
    progress_report_transition(report=report, to=ReportState.APPROVED, by=tsb_coordinator)

    trail = [
        (v.state, v.history_user.username, v.history_change_reason)
        for v in report.history.order_by("history_date", "history_id")
    ]
    assert trail == [
        (ReportState.SUBMITTED, "tsb_staff", None),
        (ReportState.RETURNED, "tsb_coordinator", "Add the dates."),
        (ReportState.RETURNED, "tsb_staff", ""),
        (ReportState.SUBMITTED, "tsb_staff", ""),
        (ReportState.APPROVED, "tsb_coordinator", ""),
    ]


def test_evidence_links_added_and_removed_are_recorded_with_the_editor(tsb_action, tsb_staff):
    report = progress_report_create(
        action=tsb_action,
        by=tsb_staff,
        text="Held a workshop.",
        period_start=START,
        period_end=END,
        evidence=[Evidence(url="https://example.org/one")],
    )
    progress_report_update(
        report=report,
        by=tsb_staff,
        expected_version=report.version,
        text="Held a workshop.",
        period_start=START,
        period_end=END,
        evidence=[Evidence(url="https://example.org/two")],
    )

    trail = [
        (v.history_type, v.url, v.history_user)
        for v in EvidenceLink.history.filter(report_id=report.pk).order_by("history_id")
    ]
    assert trail == [
        ("+", "https://example.org/one", tsb_staff),
        ("-", "https://example.org/one", tsb_staff),
        ("+", "https://example.org/two", tsb_staff),
    ]


def test_a_role_change_is_recorded_with_who_made_it(tsb_staff, administrator):
    user_role_set(user=tsb_staff, role=Role.COORDINATOR, by=administrator)

    record = latest(tsb_staff.history.all())
    assert record.history_user == administrator
    assert [row.group.name for row in record.groups.all()] == [Role.COORDINATOR]


def test_a_bureau_change_in_the_admin_is_recorded_with_the_administrator(
    client, superuser, tsb_staff
):
    client.force_login(superuser)
    url = reverse("admin:actions_user_change", args=[tsb_staff.pk])
    form = client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and k != "groups"}
    data.update(
        bureau=builders.body("BDT").pk,
        role=Role.BUREAU_STAFF,
        date_joined_0="2025-01-01",
        date_joined_1="10:00:00",
        password="unused",
    )
    data.pop("date_joined", None)
    data.pop("user_permissions", None)
    data.pop("last_login", None)

    response = client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    record = latest(tsb_staff.history.all())
    assert record.history_user == superuser
    changes = {c.field: (c.old, c.new) for c in record.diff_against(record.prev_record).changes}
    assert changes["bureau"] == (builders.body("TSB").pk, builders.body("BDT").pk)
    assert not hasattr(record, "password")


def test_a_meeting_corrected_through_the_api_is_recorded_with_the_administrator(
    client, administrator
):
    meeting = builders.meeting(datetime.date(2027, 6, 1))
    client.force_login(administrator)
    url = reverse("api:meeting-detail", args=[meeting.pk])
    tag = client.get(url)["ETag"]

    response = client.patch(
        url, {"place": "Geneva"}, content_type="application/json", headers={"If-Match": tag}
    )

    assert response.status_code == 200, response.json()
    record = latest(meeting.history.all())
    assert record.history_user == administrator
    assert record.place == "Geneva"
    assert record.prev_record.place == ""


def test_history_rows_cannot_be_changed_through_the_admin(client, superuser, tsb_action):
    action_transition(action=tsb_action, to=ActionStatus.IN_PROGRESS, by=superuser, note="Go")
    record = tsb_action.history.filter(status=ActionStatus.NOT_STARTED).first()
    client.force_login(superuser)
    url = reverse("admin:actions_action_simple_history", args=[tsb_action.pk, record.history_id])

    assert client.get(url).status_code == 200
    response = client.post(url, {"status": ActionStatus.NOT_STARTED})

    assert response.status_code == 403
    tsb_action.refresh_from_db()
    assert tsb_action.status == ActionStatus.IN_PROGRESS
    history_models = {
        Action.history.model,
        ProgressReport.history.model,
        GoverningBodyMeeting.history.model,
        EvidenceLink.history.model,
    }
    from django.contrib import admin

    assert not history_models & set(admin.site._registry)


def test_the_admin_lists_an_actions_history_with_the_note(client, superuser, tsb_action):
    action_transition(
        action=tsb_action, to=ActionStatus.IN_PROGRESS, by=superuser, note="Budget approved"
    )
    client.force_login(superuser)

    response = client.get(reverse("admin:actions_action_history", args=[tsb_action.pk]))

    assert response.status_code == 200
    assert "Budget approved" in response.content.decode()


def test_the_admins_history_words_changes_as_the_pages_do(client, superuser, tsb_action, tsb_staff):
    action_transition(action=tsb_action, to=ActionStatus.IN_PROGRESS, by=superuser, note="Go")
    action_update(
        action=tsb_action,
        by=superuser,
        expected_version=tsb_action.version,
        changes={"focal_point": tsb_staff},
    )
    client.force_login(superuser)

    page = client.get(reverse("admin:actions_action_history", args=[tsb_action.pk]))

    text = re.sub(r"\s+", " ", page.content.decode())
    assert "<strong>Status:</strong> Not started &nbsp;&rarr;&nbsp;&nbsp;In progress" in text
    assert f"<strong>Focal point:</strong> — &nbsp;&rarr;&nbsp;&nbsp;{tsb_staff}" in text
    assert "Deleted" not in text


# --- The "Changes" section of the pages -------------------------------------------


def test_the_action_page_shows_who_changed_which_field_from_what_to_what(
    client, tsb_action, tsb_staff
):
    action_transition(action=tsb_action, to=ActionStatus.IN_PROGRESS, by=tsb_staff, note="Go")
    action_update(
        action=tsb_action,
        by=tsb_staff,
        expected_version=tsb_action.version,
        changes={"target_date": datetime.date(2026, 12, 31)},
    )
    client.force_login(tsb_staff)

    response = client.get(reverse("action_detail", args=[tsb_action.pk]))

    changes = response.context["changes"]
    assert [[(f.label, f.old, f.new) for f in c.fields] for c in changes[:2]] == [
        [("target date", "—", "31 December 2026")],
        [("status", "Not started", "In progress")],
    ]
    assert changes[1].by == tsb_staff
    assert changes[1].note == "Go"
    page = response.content.decode()
    assert 'id="changes"' in page
    assert "status: Not started → In progress" in page
    # Its first entry: made by the import, which nobody signs.
    assert changes[-1].created
    assert changes[-1].by is None
    assert re.search(r"the system \(an import or a scheduled task\)</p>\s*<p>Created\.</p>", page)


def test_the_action_page_shows_the_latest_changes_only_and_says_so(client, tsb_action, tsb_staff):
    from actions.selectors import CHANGES_SHOWN

    for day in range(CHANGES_SHOWN + 2):
        action_update(
            action=tsb_action,
            by=tsb_staff,
            expected_version=tsb_action.version,
            changes={"target_date": datetime.date(2026, 1, 1) + datetime.timedelta(days=day)},
        )
    client.force_login(tsb_staff)

    response = client.get(reverse("action_detail", args=[tsb_action.pk]))

    assert len(response.context["changes"]) == CHANGES_SHOWN
    assert response.context["changes_more"] is True
    assert f"The latest {CHANGES_SHOWN} changes are shown." in response.content.decode()
    # Staff do not open the admin: no link to it.
    assert response.context["history_url"] == ""


def test_the_report_page_shows_each_version_of_the_text(client, tsb_action, tsb_staff):
    report = progress_report_create(
        action=tsb_action, by=tsb_staff, text="First text.", period_start=START, period_end=END
    )
    progress_report_update(
        report=report,
        by=tsb_staff,
        expected_version=report.version,
        text="Second text.",
        period_start=START,
        period_end=END,
    )
    client.force_login(tsb_staff)

    response = client.get(reverse("report_edit", args=[report.pk]))

    newest, first = response.context["changes"]
    assert [(f.label, f.old, f.new) for f in newest.fields] == [
        ("text", "First text.", "Second text.")
    ]
    assert first.created is True
    assert "text: First text. → Second text." in response.content.decode()


def _queries_for_action_page(client, action):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as context:
        assert client.get(reverse("action_detail", args=[action.pk])).status_code == 200
    return len(context)


def test_the_action_page_reads_the_same_queries_whatever_the_number_of_changes(
    client, tsb_staff, tsb_coordinator
):
    counts = []
    for n in (3, 30):
        action = builders.action(owner="TSB")
        for i in range(n):
            action_update(
                action=action,
                by=tsb_staff if i % 2 else tsb_coordinator,
                expected_version=action.version,
                changes={
                    "target_date": datetime.date(2026, 1, 1) + datetime.timedelta(days=i),
                    "focal_point": tsb_staff if i % 2 else tsb_coordinator,
                },
            )
        client.force_login(tsb_staff)
        counts.append(_queries_for_action_page(client, action))
    assert counts[0] == counts[1]


def test_the_report_page_shows_evidence_links_added_and_removed(client, tsb_action, tsb_staff):
    report = progress_report_create(
        action=tsb_action,
        by=tsb_staff,
        text="Held a workshop.",
        period_start=START,
        period_end=END,
        evidence=[Evidence(url="https://example.org/one")],
    )
    progress_report_update(
        report=report,
        by=tsb_staff,
        expected_version=report.version,
        text="Held a workshop.",
        period_start=START,
        period_end=END,
        evidence=[Evidence(url="https://example.org/two")],
    )
    client.force_login(tsb_staff)

    changes = client.get(reverse("report_edit", args=[report.pk])).context["changes"]

    shown = {(f.label, f.old, f.new) for c in changes for f in c.fields}
    assert {
        ("evidence link", "—", "https://example.org/one"),
        ("evidence link", "https://example.org/one", "—"),
        ("evidence link", "—", "https://example.org/two"),
    } <= shown


def test_logging_in_adds_nothing_to_the_users_history(client, tsb_staff):
    before = tsb_staff.history.count()

    # Through the login page, as a person does (django-axes needs the request).
    response = client.post(
        "/accounts/login/", {"username": "tsb_staff", "password": "secret-pass-123"}
    )
    assert response.status_code == 302

    tsb_staff.refresh_from_db()
    assert tsb_staff.last_login is not None
    assert tsb_staff.history.count() == before
