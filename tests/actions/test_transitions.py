import datetime

import pytest
from django.core.exceptions import PermissionDenied

from actions.choices import ALLOWED_TRANSITIONS, ActionStatus
from actions.models import Action, StatusChange
from actions.services.actions import action_transition
from tests import builders
from wtsa_tracker.errors import StaleVersion, TransitionRefused

NOW = datetime.datetime(2025, 5, 2, 9, 30, tzinfo=datetime.UTC)

ALLOWED_PAIRS = [(src, dst) for src, targets in ALLOWED_TRANSITIONS.items() for dst in targets]
REFUSED_PAIRS = [
    (src, dst)
    for src in ActionStatus
    for dst in ActionStatus
    if src != dst and dst not in ALLOWED_TRANSITIONS[src]
]


@pytest.mark.parametrize(("source", "target"), ALLOWED_PAIRS)
def test_allowed_transition_changes_status_bumps_version_and_writes_history(
    tsb_staff, source, target
):
    action = builders.action(owner="TSB", status=source)

    action_transition(action=action, to=target, by=tsb_staff, note="  why  ", now=NOW)

    stored = Action.objects.get(pk=action.pk)
    assert stored.status == target
    assert stored.version == 2
    change = StatusChange.objects.get(action=action)
    assert (change.from_status, change.to_status) == (source, target)
    assert change.changed_by == tsb_staff
    assert change.changed_at == NOW
    assert change.note == "why"


@pytest.mark.parametrize(("source", "target"), REFUSED_PAIRS)
def test_disallowed_transition_is_refused_and_writes_nothing(tsb_staff, source, target):
    action = builders.action(owner="TSB", status=source)

    with pytest.raises(TransitionRefused):
        action_transition(action=action, to=target, by=tsb_staff)

    stored = Action.objects.get(pk=action.pk)
    assert (stored.status, stored.version) == (source, 1)
    assert not StatusChange.objects.exists()


def test_transition_from_completed_to_not_started_is_refused_with_the_allowed_next_step(
    tsb_staff,
):
    action = builders.action(owner="TSB", status=ActionStatus.COMPLETED)

    with pytest.raises(TransitionRefused, match="Allowed next: In progress"):
        action_transition(action=action, to=ActionStatus.NOT_STARTED, by=tsb_staff)


def test_unknown_status_is_refused_with_the_valid_choices(tsb_staff, tsb_action):
    with pytest.raises(TransitionRefused, match="not a status.*in_progress"):
        action_transition(action=tsb_action, to="finished", by=tsb_staff)


def test_transition_to_the_current_status_writes_nothing(tsb_staff, tsb_action):
    action_transition(action=tsb_action, to=ActionStatus.NOT_STARTED, by=tsb_staff)

    assert Action.objects.get(pk=tsb_action.pk).version == 1
    assert not StatusChange.objects.exists()


def test_stale_transition_is_refused_and_nothing_is_written(tsb_staff, tsb_action):
    first = Action.objects.get(pk=tsb_action.pk)
    second = Action.objects.get(pk=tsb_action.pk)
    action_transition(action=first, to=ActionStatus.IN_PROGRESS, by=tsb_staff)

    with pytest.raises(StaleVersion) as refused:
        action_transition(action=second, to=ActionStatus.ONGOING, by=tsb_staff)

    assert refused.value.current.status == ActionStatus.IN_PROGRESS
    stored = Action.objects.get(pk=tsb_action.pk)
    assert (stored.status, stored.version) == (ActionStatus.IN_PROGRESS, 2)
    assert StatusChange.objects.count() == 1


def test_transition_with_an_explicit_stale_version_is_refused(tsb_staff, tsb_action):
    with pytest.raises(StaleVersion):
        action_transition(
            action=tsb_action, to=ActionStatus.IN_PROGRESS, by=tsb_staff, expected_version=7
        )
    assert not StatusChange.objects.exists()


@pytest.mark.parametrize(
    ("persona", "allowed"),
    [
        ("tsb_staff", True),
        ("tsb_coordinator", True),
        ("administrator", True),
        ("superuser", True),
        ("bdt_staff", False),  # collaborates, does not own
        ("bdt_coordinator", False),
        ("br_staff", False),
        ("reader", False),
        ("outsider", False),
    ],
)
def test_only_the_owning_bureau_and_administrators_change_status(
    request, tsb_action, persona, allowed
):
    person = request.getfixturevalue(persona)

    if allowed:
        action_transition(action=tsb_action, to=ActionStatus.IN_PROGRESS, by=person)
        assert Action.objects.get(pk=tsb_action.pk).status == ActionStatus.IN_PROGRESS
    else:
        with pytest.raises(PermissionDenied):
            action_transition(action=tsb_action, to=ActionStatus.IN_PROGRESS, by=person)
        assert Action.objects.get(pk=tsb_action.pk).status == ActionStatus.NOT_STARTED


def test_staff_of_the_supporting_bureau_change_status_of_a_study_group_action(tsb_staff):
    action = builders.action(owner="T-SG17")

    action_transition(action=action, to=ActionStatus.ONGOING, by=tsb_staff)

    assert Action.objects.get(pk=action.pk).status == ActionStatus.ONGOING


def test_inactive_user_cannot_change_status_even_with_a_role(tsb_staff, tsb_action):
    tsb_staff.is_active = False
    tsb_staff.save()

    with pytest.raises(PermissionDenied):
        action_transition(action=tsb_action, to=ActionStatus.IN_PROGRESS, by=tsb_staff)
