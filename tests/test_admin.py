import datetime
import re

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import connection, models
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from knox.models import AuthToken
from simple_history.models import ModelChange

from actions.admin import LATEST_ON_ACTION_PAGE, _HistoryChanges
from actions.choices import ActionStatus, ReportState, Role
from actions.models import (
    Action,
    CouncilReportRun,
    CouncilReportSnapshot,
    EvidenceLink,
    Export,
    GoverningBodyMeeting,
    MeetingRule,
    Notification,
    ProgressReport,
    Reminder,
    ReportingObligation,
    ResolutionReportingDuty,
    StatusChange,
)
from actions.services.actions import action_transition
from actions.services.council_report import (
    council_report_freeze,
    council_report_generate,
    council_report_request,
)
from actions.services.reports import MAX_EVIDENCE_LINKS, progress_report_update
from resolutions.models import Resolution
from tests import builders
from wtsa_tracker.admin_base import CheckedJSONField
from wtsa_tracker.errors import StaleVersion


@pytest.fixture
def populated(tsb_action, tsb_staff, superuser):
    """At least one row of every model the admin shows."""
    action_transition(action=tsb_action, to=ActionStatus.IN_PROGRESS, by=tsb_staff)
    report = builders.report(tsb_action, author=tsb_staff, state=ReportState.SUBMITTED)
    EvidenceLink.objects.create(report=report, url="https://example.org/a")
    ReportingObligation.objects.create(action=tsb_action, recipient="council_annual")
    ResolutionReportingDuty.objects.create(
        resolution=tsb_action.resolution, recipient="next_wtsa", clause=tsb_action.clause
    )
    session = builders.meeting(datetime.date(2026, 6, 16))
    Reminder.objects.create(key="k1", meeting=session, recipient=tsb_staff, days_before=7)
    Export.objects.create(requested_by=tsb_staff, query="bureau=TSB", rows_total=1)
    tsb_action.resolution.references.create(
        conference="PP", number=196, is_revision=True, place="Dubai", year=2018, text="x"
    )
    AuthToken.objects.create(user=tsb_staff)
    seen = {"username": "tsb_staff", "ip_address": "192.0.2.1", "user_agent": "test"}
    seen.update(http_accept="*/*", path_info="/accounts/login/")
    AccessAttempt.objects.create(**seen, get_data="", post_data="", failures_since_start=1)
    AccessLog.objects.create(**seen)
    AccessFailureLog.objects.create(**seen)
    # Issue 9b: an assessment, a generated Council report and its frozen snapshot.
    builders.assessment(tsb_action.resolution, session, by=superuser)
    run = council_report_request(meeting=session, by=superuser)
    council_report_generate(run_id=run.pk)
    council_report_freeze(run=CouncilReportRun.objects.get(), by=superuser)
    # issue 10: deadline rules and notifications.
    MeetingRule.objects.create(kind="council", secretariat_days=28, contribution_days=14)
    Notification.objects.create(key="n1", recipient=tsb_staff, kind="escalation", subject="x")
    return tsb_action


def test_every_admin_changelist_and_change_form_loads_with_data(client, superuser, populated):
    client.force_login(superuser)
    for model, model_admin in admin.site._registry.items():
        meta = model._meta
        changelist = reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")
        response = client.get(changelist)
        assert response.status_code == 200, changelist
        obj = model_admin.get_queryset(response.wsgi_request).first()
        assert obj is not None, f"no {meta.model_name} row to open"
        change = reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk])
        assert client.get(change).status_code == 200, change
        if model_admin.has_add_permission(response.wsgi_request):
            add = reverse(f"admin:{meta.app_label}_{meta.model_name}_add")
            assert client.get(add).status_code == 200, add


def test_action_changelist_filters_by_status_and_owner(client, superuser, populated):
    builders.action(owner="BDT")
    client.force_login(superuser)

    response = client.get(
        reverse("admin:actions_action_changelist"),
        {"status__exact": ActionStatus.IN_PROGRESS, "owner__id__exact": populated.owner_id},
    )

    assert list(response.context["cl"].result_list) == [populated]


def _action_form_data(action, **overrides):
    data = {
        "strength": action.strength,
        "owner": action.owner_id,
        "collaborators": [b.pk for b in action.collaborators.all()],
        "focal_point": "",
        "target_date": "",
        "new_status": "",
        "status_note": "",
        "needs_review": "",
        "review_reason": "",
        "expected_version": action.version,
        "obligations-TOTAL_FORMS": 0,
        "obligations-INITIAL_FORMS": 0,
        "status_changes-TOTAL_FORMS": 0,
        "status_changes-INITIAL_FORMS": 0,
        "reports-TOTAL_FORMS": 0,
        "reports-INITIAL_FORMS": 0,
    }
    data.update(overrides)
    return data


def test_status_change_in_the_admin_goes_into_the_history_with_who_and_when(
    client, superuser, tsb_action
):
    client.force_login(superuser)
    url = reverse("admin:actions_action_change", args=[tsb_action.pk])

    response = client.post(
        url, _action_form_data(tsb_action, new_status="in_progress", status_note="Kick-off held")
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    change = StatusChange.objects.get(action=tsb_action)
    assert (change.from_status, change.to_status) == ("not_started", "in_progress")
    assert change.changed_by == superuser
    assert change.note == "Kick-off held"
    assert change.changed_at is not None
    assert Action.objects.get(pk=tsb_action.pk).version == 2


def test_admin_offers_only_the_statuses_that_may_follow_and_refuses_others(
    client, superuser, tsb_action
):
    client.force_login(superuser)
    url = reverse("admin:actions_action_change", args=[tsb_action.pk])

    offered = client.get(url).context["adminform"].form.fields["new_status"].choices
    response = client.post(url, _action_form_data(tsb_action, new_status="completed"))

    assert [value for value, _label in offered] == ["", "in_progress", "ongoing"]
    assert response.status_code == 200
    assert "new_status" in response.context["adminform"].form.errors
    assert not StatusChange.objects.exists()


def test_collaborators_changed_in_the_admin_make_older_copies_stale(client, superuser, tsb_action):
    client.force_login(superuser)

    client.post(
        reverse("admin:actions_action_change", args=[tsb_action.pk]),
        _action_form_data(tsb_action, collaborators=[builders.body("BR").pk]),
    )

    stored = Action.objects.get(pk=tsb_action.pk)
    assert [b.code for b in stored.collaborators.all()] == ["BR"]
    assert stored.version == 2


def test_reporting_duty_added_in_the_admin_makes_older_copies_stale(client, superuser, tsb_action):
    client.force_login(superuser)

    client.post(
        reverse("admin:actions_action_change", args=[tsb_action.pk]),
        _action_form_data(
            tsb_action,
            **{
                "obligations-TOTAL_FORMS": 1,
                "obligations-0-recipient": "council",
                "obligations-0-action": tsb_action.pk,
            },
        ),
    )

    assert list(tsb_action.obligations.values_list("recipient", flat=True)) == ["council"]
    assert Action.objects.get(pk=tsb_action.pk).version == 2


def test_an_action_added_in_the_admin_belongs_to_its_clauses_resolution(client, superuser):
    clause = builders.clause()
    client.force_login(superuser)

    response = client.post(
        reverse("admin:actions_action_add"),
        {
            "clause": clause.pk,
            "number": 1,
            "strength": "instructs",
            "owner": builders.body("TSB").pk,
            "new_status": "",
            "obligations-TOTAL_FORMS": 0,
            "obligations-INITIAL_FORMS": 0,
            "status_changes-TOTAL_FORMS": 0,
            "status_changes-INITIAL_FORMS": 0,
            "reports-TOTAL_FORMS": 0,
            "reports-INITIAL_FORMS": 0,
        },
    )

    assert response.status_code == 302, response.content.decode()[:3000]
    assert Action.objects.get(clause=clause).resolution == clause.resolution


def test_admin_refuses_a_stale_edit_and_keeps_the_other_change(
    client, superuser, tsb_action, tsb_staff
):
    client.force_login(superuser)
    stale = _action_form_data(tsb_action, target_date="2026-01-31")
    action_transition(action=tsb_action, to=ActionStatus.IN_PROGRESS, by=tsb_staff)

    response = client.post(reverse("admin:actions_action_change", args=[tsb_action.pk]), stale)

    assert response.status_code == 200
    assert "Someone else changed this record" in response.content.decode()
    stored = Action.objects.get(pk=tsb_action.pk)
    assert (stored.status, stored.target_date) == (ActionStatus.IN_PROGRESS, None)


def test_admin_approves_submitted_reports_through_the_service(
    client, superuser, tsb_action, tsb_staff
):
    report = builders.report(tsb_action, author=tsb_staff, state=ReportState.SUBMITTED)
    client.force_login(superuser)

    client.post(
        reverse("admin:actions_progressreport_changelist"),
        {"action": "mark_approved", "_selected_action": [report.pk]},
    )

    report.refresh_from_db()
    assert (report.state, report.reviewed_by) == (ReportState.APPROVED, superuser)
    assert report.review_note == ""


def test_an_approved_report_cannot_be_rewritten_in_the_admin(
    client, superuser, tsb_action, tsb_staff
):
    report = builders.report(tsb_action, author=tsb_staff, state=ReportState.APPROVED)
    client.force_login(superuser)
    url = reverse("admin:actions_progressreport_change", args=[report.pk])

    form = client.get(url).context["adminform"].form
    response = client.post(
        url,
        {
            "text": "Rewritten after approval",
            "expected_version": 1,
            "evidence_links-TOTAL_FORMS": 0,
            "evidence_links-INITIAL_FORMS": 0,
        },
    )

    assert response.status_code == 403
    assert "text" not in form.fields
    report.refresh_from_db()
    assert report.text == "Held two workshops."


def test_a_draft_edited_in_the_admin_goes_through_the_service(
    client, superuser, tsb_action, tsb_staff
):
    report = builders.report(tsb_action, author=tsb_staff)
    client.force_login(superuser)

    response = client.post(
        reverse("admin:actions_progressreport_change", args=[report.pk]),
        {
            "text": "Held three workshops.",
            "report_date": "2025-05-01",
            "period_start": "2024-06-01",
            "period_end": "2025-05-01",
            "review_note": "",
            "expected_version": 1,
            "evidence_links-TOTAL_FORMS": 0,
            "evidence_links-INITIAL_FORMS": 0,
        },
    )

    assert response.status_code == 302, response.content.decode()[:3000]
    report.refresh_from_db()
    assert (report.text, report.version) == ("Held three workshops.", 2)


def _draft_form(report, links):
    data = {
        "text": report.text,
        "period_start": report.period_start.isoformat(),
        "period_end": report.period_end.isoformat(),
        "expected_version": report.version,
        "evidence_links-TOTAL_FORMS": len(links),
        "evidence_links-INITIAL_FORMS": 0,
    }
    for index, (url, title) in enumerate(links):
        data.update({f"evidence_links-{index}-url": url, f"evidence_links-{index}-title": title})
    return data


def test_evidence_added_in_the_admin_is_an_edit_of_the_report(
    client, superuser, tsb_action, tsb_staff
):
    report = builders.report(tsb_action, author=tsb_staff)
    client.force_login(superuser)

    response = client.post(
        reverse("admin:actions_progressreport_change", args=[report.pk]),
        _draft_form(report, [("https://www.itu.int/ws", "Workshop page")]),
    )

    assert response.status_code == 302, response.content.decode()[:3000]
    report.refresh_from_db()
    assert report.version == 2
    assert list(report.evidence_links.values_list("url", "title")) == [
        ("https://www.itu.int/ws", "Workshop page")
    ]
    assert superuser in report.editors.all()
    # A page opened before the admin's edit now saves nothing over it.
    with pytest.raises(StaleVersion):
        progress_report_update(
            report=report,
            by=tsb_staff,
            expected_version=1,
            text=report.text,
            period_start=report.period_start,
            period_end=report.period_end,
            evidence=[],
        )
    assert report.evidence_links.count() == 1


def test_more_evidence_links_than_a_report_takes_are_refused_in_the_admin(
    client, superuser, tsb_action, tsb_staff
):
    report = builders.report(tsb_action, author=tsb_staff)
    client.force_login(superuser)
    links = [(f"https://www.itu.int/doc/{n}", "") for n in range(MAX_EVIDENCE_LINKS + 1)]

    response = client.post(
        reverse("admin:actions_progressreport_change", args=[report.pk]),
        _draft_form(report, links),
    )

    assert response.status_code == 200
    assert f"Please submit at most {MAX_EVIDENCE_LINKS} forms." in response.content.decode()
    report.refresh_from_db()
    assert (report.version, report.evidence_links.count()) == (1, 0)


def test_a_drafts_date_and_review_note_are_shown_not_offered_for_editing(
    client, superuser, tsb_action, tsb_staff
):
    report = builders.report(tsb_action, author=tsb_staff)
    client.force_login(superuser)

    form = (
        client.get(reverse("admin:actions_progressreport_change", args=[report.pk]))
        .context["adminform"]
        .form
    )

    assert "text" in form.fields
    assert not {"report_date", "review_note"} & set(form.fields)


@pytest.mark.parametrize("path", ["abc/history/", "{pk}/history/abc/", "{pk}/history/1.5/"])
def test_a_history_address_with_an_id_that_is_no_number_is_a_404(
    client, superuser, tsb_action, path
):
    client.force_login(superuser)
    url = reverse("admin:actions_action_changelist") + path.format(pk=tsb_action.pk)

    assert client.get(url).status_code == 404


def test_a_sessions_page_shows_the_dates_its_rules_and_overrides_make(client, superuser):
    session = builders.meeting(
        datetime.date(2027, 5, 18), reporting_period_start_override=datetime.date(2026, 5, 1)
    )
    client.force_login(superuser)

    page = client.get(
        reverse("admin:actions_governingbodymeeting_change", args=[session.pk])
    ).content.decode()

    # Council: documents four weeks before the opening, contributions 14 days before.
    assert (
        "Documents due 20 April 2027 · contributions due 4 May 2027 · "
        "reports cover 1 May 2026 – 20 April 2027"
    ) in page


def test_the_session_filters_of_assessments_and_report_runs_offer_only_their_sessions(
    client, superuser, tsb_coordinator, tsb_action
):
    sessions = [
        builders.meeting(datetime.date(2027, 5, 18), name="Council 2027"),
        builders.meeting(datetime.date(2028, 5, 16), name="Council 2028"),
    ]
    builders.meeting(datetime.date(2027, 9, 1), kind="tsag", name="TSAG 2027")
    builders.meeting(datetime.date(2029, 5, 15), name="Council 2029")
    for session in sessions:
        builders.assessment(tsb_action.resolution, session, by=tsb_coordinator)
        council_report_request(meeting=session, by=tsb_coordinator)
    client.force_login(superuser)

    for name in ("assessment", "councilreportrun"):
        page = client.get(reverse(f"admin:actions_{name}_changelist")).content.decode()
        offered = re.findall(r'href="\?meeting__id__exact=(\d+)"', page)
        assert offered == [str(session.pk) for session in sessions], name


def test_the_admin_index_names_the_sign_in_and_token_sections_for_what_they_hold(client, superuser):
    client.force_login(superuser)

    page = client.get(reverse("admin:index")).content.decode()

    assert "Sign-in attempts and lockouts" in page
    assert "API tokens" in page
    assert ">Axes<" not in page
    assert ">Knox<" not in page


def test_a_session_with_a_council_report_keeps_its_kind_in_the_admin(
    client, superuser, tsb_coordinator
):
    session = builders.meeting(datetime.date(2027, 5, 18), name="Council 2027")
    council_report_request(meeting=session, by=tsb_coordinator)
    client.force_login(superuser)
    url = reverse("admin:actions_governingbodymeeting_change", args=[session.pk])

    response = client.post(
        url,
        {
            "kind": "tsag",
            "name": "Council 2027",
            "place": "",
            "start_date": "2027-05-18",
            "end_date": "2027-05-27",
            "ordinary": "on",
        },
    )

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "stays a session of ITU Council" in errors["kind"][0]
    assert GoverningBodyMeeting.objects.get(pk=session.pk).kind == "council"


def test_a_session_redrawn_with_a_refused_opening_shows_the_saved_dates(client, superuser):
    session = builders.meeting(datetime.date(2027, 5, 18), name="Council 2027")
    client.force_login(superuser)

    response = client.post(
        reverse("admin:actions_governingbodymeeting_change", args=[session.pk]),
        {"kind": "council", "name": "Council 2027", "start_date": "0001-01-01"}
        | {"end_date": "2027-05-27", "ordinary": "on"},
    )

    assert response.status_code == 200
    assert "start_date" in response.context["adminform"].form.errors
    assert "Documents due 20 April 2027" in response.content.decode()
    assert GoverningBodyMeeting.objects.get(pk=session.pk).start_date == datetime.date(2027, 5, 18)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("secretariat_days", "1000000"),
        ("secretariat_days", "367"),
        ("contribution_days", "2147483648"),
        ("rhythm_months", "0"),
        ("rhythm_months", "121"),
    ],
)
def test_a_deadline_rule_out_of_the_calendar_is_refused_and_the_pages_still_open(
    client, superuser, tsb_action, field, value
):
    rule = MeetingRule.objects.create(kind="council", secretariat_days=28, contribution_days=14)
    builders.meeting(datetime.date(2027, 5, 18))
    client.force_login(superuser)
    data = {"kind": "council", "secretariat_days": "28", "contribution_days": "14"}
    data |= {"rhythm_months": "12", field: value}

    response = client.post(reverse("admin:actions_meetingrule_change", args=[rule.pk]), data)

    assert response.status_code == 200
    assert field in response.context["adminform"].form.errors
    rule.refresh_from_db()
    assert (rule.secretariat_days, rule.contribution_days) == (28, 14)
    assert client.get(reverse("dashboard")).status_code == 200


def test_status_history_cannot_be_edited_in_the_admin(client, superuser, populated):
    client.force_login(superuser)
    change = StatusChange.objects.first()

    response = client.post(
        reverse("admin:actions_statuschange_change", args=[change.pk]), {"note": "rewritten"}
    )

    assert response.status_code == 403
    change.refresh_from_db()
    assert change.note == ""


def test_reports_are_not_written_in_the_admin_and_only_drafts_may_be_deleted(
    client, superuser, tsb_action, tsb_staff
):
    draft = builders.report(tsb_action, author=tsb_staff)
    approved = builders.report(tsb_action, author=tsb_staff, state=ReportState.APPROVED)
    client.force_login(superuser)

    add = client.get(reverse("admin:actions_progressreport_add"))
    refused = client.post(
        reverse("admin:actions_progressreport_delete", args=[approved.pk]), {"post": "yes"}
    )
    bulk = client.post(
        reverse("admin:actions_progressreport_changelist"),
        {"action": "delete_selected", "_selected_action": [approved.pk], "post": "yes"},
    )
    allowed = client.post(
        reverse("admin:actions_progressreport_delete", args=[draft.pk]), {"post": "yes"}
    )

    assert add.status_code == 403
    assert refused.status_code == 403
    assert bulk.status_code in {200, 302}
    assert allowed.status_code == 302
    assert list(ProgressReport.objects.all()) == [approved]


def test_nobody_changes_or_deletes_a_frozen_council_report_in_the_admin(
    client, superuser, populated
):
    client.force_login(superuser)
    snapshot = CouncilReportSnapshot.objects.get()
    change = reverse("admin:actions_councilreportsnapshot_change", args=[snapshot.pk])
    delete = reverse("admin:actions_councilreportsnapshot_delete", args=[snapshot.pk])

    assert client.post(change, {"document_number": "forged"}).status_code == 403
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert CouncilReportSnapshot.objects.get().document_number == snapshot.document_number


def _grow(action, staff, n: int) -> None:
    """``n`` more resolutions with an action each; ``n`` more reports and changes of ``action``."""
    for _ in range(n):
        other = builders.action(builders.resolution())
        person = builders.user(f"staff-{other.pk}", bureau="TSB", role=Role.BUREAU_STAFF)
        builders.report(other, author=person)
        action_transition(action=other, to=ActionStatus.IN_PROGRESS, by=person)
        builders.report(action, author=staff)
        StatusChange.objects.create(
            action=action,
            from_status="in_progress",
            to_status="ongoing",
            changed_by=person,
            changed_at=timezone.now(),
        )


def test_the_big_tables_admin_pages_cost_the_same_whatever_the_years_of_data(
    client, superuser, tsb_action, tsb_staff, django_assert_num_queries
):
    pages = {
        "action": reverse("admin:actions_action_change", args=[tsb_action.pk]),
        "report": reverse(
            "admin:actions_progressreport_change",
            args=[builders.report(tsb_action, author=tsb_staff).pk],
        ),
        "actions": reverse("admin:actions_action_changelist"),
        "reports": reverse("admin:actions_progressreport_changelist"),
        "changes": reverse("admin:actions_statuschange_changelist"),
        "resolution": reverse(
            "admin:resolutions_resolution_change", args=[tsb_action.resolution_id]
        ),
        "new resolution": reverse("admin:resolutions_resolution_add"),
    }
    client.force_login(superuser)
    _grow(tsb_action, tsb_staff, 3)
    queries = {}
    for name, url in pages.items():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200, name
        queries[name] = len(captured.captured_queries)

    _grow(tsb_action, tsb_staff, LATEST_ON_ACTION_PAGE + 5)

    for name, url in pages.items():
        with django_assert_num_queries(queries[name]):
            page = client.get(url)
        # No list that grows with the data: no resolution or person to choose from.
        assert page.content.decode().count("<option") < 20, name
    page = client.get(pages["action"])
    inlines = {
        formset.formset.prefix: formset.formset for formset in page.context["inline_admin_formsets"]
    }
    assert len(inlines["reports"].forms) == LATEST_ON_ACTION_PAGE
    assert len(inlines["status_changes"].forms) == LATEST_ON_ACTION_PAGE
    reports = reverse("admin:actions_progressreport_changelist")
    text = page.content.decode()
    assert f'<a href="{reports}?action__id__exact={tsb_action.pk}">29 progress reports</a>' in text


def _inline_data(page) -> dict:
    """What the browser sends back for the page's inlines: their management forms and rows."""
    data = {}
    for inline in page.context["inline_admin_formsets"]:
        formset = inline.formset
        for name in formset.management_form.fields:
            data[formset.management_form.add_prefix(name)] = formset.management_form[name].value()
        for form in formset.forms:
            for name in form.fields:
                value = form[name].value()
                if value not in (None, ""):
                    data[form.add_prefix(name)] = value
    return data


def test_an_action_with_more_reports_than_its_page_shows_is_saved_from_that_page(
    client, superuser, tsb_action, tsb_staff
):
    _grow(tsb_action, tsb_staff, LATEST_ON_ACTION_PAGE + 3)
    tsb_action.refresh_from_db()
    client.force_login(superuser)
    url = reverse("admin:actions_action_change", args=[tsb_action.pk])
    page = client.get(url)
    posted = {
        **_action_form_data(tsb_action, target_date="2027-06-30"),
        **_inline_data(page),
    }
    assert posted["reports-INITIAL_FORMS"] == LATEST_ON_ACTION_PAGE

    response = client.post(url, posted)

    assert response.status_code == 302, response.context and response.context["errors"]
    stored = Action.objects.get(pk=tsb_action.pk)
    assert stored.target_date == datetime.date(2027, 6, 30)
    assert stored.reports.count() == LATEST_ON_ACTION_PAGE + 3
    assert stored.status_changes.count() == LATEST_ON_ACTION_PAGE + 3


@pytest.mark.parametrize("who", ["br_staff", "reader"])
def test_a_focal_point_who_may_not_follow_the_action_is_refused_on_the_form(
    request, client, superuser, tsb_action, who
):
    client.force_login(superuser)
    person = request.getfixturevalue(who)

    response = client.post(
        reverse("admin:actions_action_change", args=[tsb_action.pk]),
        _action_form_data(tsb_action, focal_point=person.pk, target_date="2026-12-31"),
    )

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "must be an active member of staff (not a reader)" in errors["focal_point"][0]
    stored = Action.objects.get(pk=tsb_action.pk)
    assert (stored.focal_point, stored.target_date, stored.version) == (None, None, 1)


def test_removing_the_focal_points_bureau_is_refused_on_the_form(
    client, superuser, tsb_action, bdt_staff
):
    Action.objects.filter(pk=tsb_action.pk).update(focal_point=bdt_staff)
    client.force_login(superuser)

    response = client.post(
        reverse("admin:actions_action_change", args=[tsb_action.pk]),
        _action_form_data(
            Action.objects.get(pk=tsb_action.pk), collaborators=[], focal_point=bdt_staff.pk
        ),
    )

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "of a Bureau that owns or contributes" in errors["focal_point"][0]
    stored = Action.objects.get(pk=tsb_action.pk)
    assert [body.code for body in stored.collaborators.all()] == ["BDT"]


def test_an_administrator_adds_a_collaborator_and_chooses_one_of_its_staff_at_once(
    client, superuser, tsb_action, br_staff
):
    client.force_login(superuser)
    bodies = [builders.body("BDT").pk, builders.body("BR").pk]

    response = client.post(
        reverse("admin:actions_action_change", args=[tsb_action.pk]),
        _action_form_data(tsb_action, collaborators=bodies, focal_point=br_staff.pk),
    )

    assert response.status_code == 302
    stored = Action.objects.get(pk=tsb_action.pk)
    assert stored.focal_point == br_staff
    assert {body.code for body in stored.collaborators.all()} == {"BDT", "BR"}


TOO_LARGE = "99999999999999999999"


@pytest.mark.parametrize("year", [TOO_LARGE, "10000", "0", "-5"])
def test_a_year_no_date_can_have_reopens_every_change_list_unfiltered(client, superuser, year):
    client.force_login(superuser)
    tried = 0
    for model, model_admin in admin.site._registry.items():
        meta = model._meta
        changelist = reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")
        for field in meta.get_fields():
            if isinstance(field, models.DateField):
                response = client.get(changelist, {f"{field.name}__year": year})
                # Django's answer to a wrong parameter: the list again, flagged.
                assert response.status_code == 302, (changelist, field.name)
                assert response["Location"] == f"{changelist}?e=1"
                tried += 1
        if model_admin.date_hierarchy:
            response = client.get(changelist, {f"{model_admin.date_hierarchy}__year": year})
            assert response.status_code == 302, changelist
    assert tried > 20


def test_a_key_no_row_can_have_is_a_form_error_in_the_admin(client, superuser, tsb_action):
    client.force_login(superuser)
    url = reverse("admin:actions_action_change", args=[tsb_action.pk])

    for field in ("owner", "focal_point", "collaborators"):
        for forged in (TOO_LARGE, "abc"):
            response = client.post(url, _action_form_data(tsb_action, **{field: [forged]}))

            assert response.status_code == 200, (field, forged)
            errors = str(response.context["adminform"].form.errors[field])
            assert "Select a valid choice" in errors or "is not a valid value" in errors
    assert Action.objects.get(pk=tsb_action.pk).version == 1


def test_an_actions_history_reads_created_then_who_changed_it_and_why_never_none(
    client, superuser, tsb_action, tsb_staff
):
    # An import makes actions in bulk, with no history row: the first row of
    # their trail is the change that sets their collaborators, by no one.
    tsb_action.history.all().delete()
    tsb_action.collaborators.add(builders.body("BR"))
    action_transition(
        action=tsb_action, to=ActionStatus.IN_PROGRESS, by=tsb_staff, note="Kick-off held"
    )
    client.force_login(superuser)

    page = client.get(reverse("admin:actions_action_history", args=[tsb_action.pk]))

    table = re.search(r'<table id="change-history".*?</table>', page.content.decode(), re.S)
    rows = [
        [
            re.sub(r"<[^>]+>|\s+", " ", cell).strip()
            for cell in re.findall(r"<td>(.*?)</td>", row, re.S)
        ]
        for row in re.findall(r"<tr>(.*?)</tr>", table[0], re.S)[1:]
    ]
    # Newest first: object, date, comment, changed by, change reason, changes.
    assert [row[2:5] for row in rows] == [
        ["Changed", "tsb_staff", "Kick-off held"],
        ["Created", "the system (an import or a scheduled task)", ""],
    ]


def test_a_change_of_collaborators_reads_as_their_codes_in_the_admin_history(tsb_action):
    record = tsb_action.history.first()
    helper = _HistoryChanges(Action, record)
    bdt, br = builders.body("BDT"), builders.body("BR")
    change = ModelChange("collaborators", [], [{"action": tsb_action, "body": bdt}, {"body": br}])

    shown = [helper.prepare_delta_change_value(change, value) for value in (change.old, change.new)]

    assert shown == ["—", "BDT, BR"]


def test_json_nested_too_deep_to_read_is_a_form_error_in_every_admin_form(rf, superuser):
    request = rf.get("/admin/")
    request.user = superuser
    field = admin.site._registry[Resolution].get_form(request)().fields["footnotes"]
    nested = "[" * 100_000 + "]" * 100_000

    assert isinstance(field, CheckedJSONField)
    with pytest.raises(ValidationError, match="nested too deeply"):
        field.clean(nested)
    assert field.bound_data(nested, []) == nested


def test_deleting_an_object_many_rows_depend_on_counts_them_by_kind_in_few_queries(
    client, superuser, tsb_staff
):
    action = builders.action(owner="T-SG99")
    ProgressReport.objects.bulk_create(
        ProgressReport(
            action=action,
            author=tsb_staff,
            bureau=tsb_staff.bureau,
            report_date=datetime.date(2025, 5, 1),
            period_start=datetime.date(2024, 6, 1),
            period_end=datetime.date(2025, 5, 1),
            text=f"Report {number}",
            state=ReportState.APPROVED,
        )
        for number in range(150)
    )
    client.force_login(superuser)

    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("admin:actions_action_delete", args=[action.pk]))

    text = page.content.decode()
    # Named one by one, 150 reports cost two queries each.
    assert len(queries) < 40
    assert "Report 17" not in text
    assert page.context["protected"] == ["150 progress reports"]
    assert "<li>150 progress reports</li>" in text


def test_deleting_an_object_few_rows_depend_on_names_each(client, superuser, tsb_staff):
    action = builders.action(owner="TSB")
    builders.report(action, author=tsb_staff)
    client.force_login(superuser)

    page = client.get(reverse("admin:actions_action_delete", args=[action.pk])).content.decode()

    assert "Progress report: " in page
