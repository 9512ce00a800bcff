import datetime

import pytest
from django.contrib import admin
from django.urls import reverse
from rest_framework.authtoken.models import Token

from actions.choices import ActionStatus, ReportState
from actions.models import Action, EvidenceLink, Reminder, ReportingObligation, StatusChange
from actions.services import action_transition
from tests import builders


@pytest.fixture
def populated(tsb_action, tsb_staff, superuser):
    """At least one row of every model the admin shows."""
    action_transition(action=tsb_action, to=ActionStatus.IN_PROGRESS, by=tsb_staff)
    report = builders.report(tsb_action, author=tsb_staff, state=ReportState.SUBMITTED)
    EvidenceLink.objects.create(report=report, url="https://example.org/a")
    ReportingObligation.objects.create(action=tsb_action, recipient="council_annual")
    session = builders.meeting(datetime.date(2026, 6, 16))
    Reminder.objects.create(key="k1", meeting=session, recipient=tsb_staff, days_before=7)
    tsb_action.resolution.references.create(
        conference="PP", number=196, is_revision=True, place="Dubai", year=2018, text="x"
    )
    Token.objects.create(user=tsb_staff)
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


def test_admin_refuses_a_disallowed_status_change(client, superuser, tsb_action):
    client.force_login(superuser)

    response = client.post(
        reverse("admin:actions_action_change", args=[tsb_action.pk]),
        _action_form_data(tsb_action, new_status="completed"),
    )

    assert response.status_code == 200
    assert "cannot become" in response.content.decode()
    assert not StatusChange.objects.exists()


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


def test_status_history_cannot_be_edited_in_the_admin(client, superuser, populated):
    client.force_login(superuser)
    change = StatusChange.objects.first()

    response = client.post(
        reverse("admin:actions_statuschange_change", args=[change.pk]), {"note": "rewritten"}
    )

    assert response.status_code == 403
    change.refresh_from_db()
    assert change.note == ""
