import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from actions.choices import Role
from actions.models import Action
from actions.services.actions import action_update
from tests import builders
from wtsa_tracker.errors import StaleVersion

TARGET = datetime.date(2026, 5, 1)


def test_owning_bureau_sets_target_date_and_focal_point(tsb_action, tsb_staff):
    action_update(
        action=tsb_action,
        by=tsb_staff,
        expected_version=1,
        changes={"target_date": TARGET, "focal_point": tsb_staff},
    )

    stored = Action.objects.get(pk=tsb_action.pk)
    assert (stored.target_date, stored.focal_point, stored.version) == (TARGET, tsb_staff, 2)


def test_collaborating_bureau_cannot_edit_the_action(tsb_action, bdt_staff):
    with pytest.raises(PermissionDenied):
        action_update(
            action=tsb_action, by=bdt_staff, expected_version=1, changes={"target_date": TARGET}
        )
    assert Action.objects.get(pk=tsb_action.pk).target_date is None


def test_staff_cannot_change_the_owner(tsb_action, tsb_staff):
    with pytest.raises(PermissionDenied, match="owner"):
        action_update(
            action=tsb_action,
            by=tsb_staff,
            expected_version=1,
            changes={"owner": builders.body("BDT")},
        )
    assert Action.objects.get(pk=tsb_action.pk).owner.code == "TSB"


def test_administrator_corrects_owner_and_collaborators(tsb_action, administrator):
    action_update(
        action=tsb_action,
        by=administrator,
        expected_version=1,
        changes={"owner": builders.body("BDT")},
        collaborators=[builders.body("TSB")],
    )

    stored = Action.objects.get(pk=tsb_action.pk)
    assert stored.owner.code == "BDT"
    assert [b.code for b in stored.collaborators.all()] == ["TSB"]


def test_stale_update_is_refused_and_nothing_changes(tsb_action, tsb_staff):
    action_update(
        action=tsb_action, by=tsb_staff, expected_version=1, changes={"target_date": TARGET}
    )

    with pytest.raises(StaleVersion):
        action_update(
            action=Action.objects.get(pk=tsb_action.pk),
            by=tsb_staff,
            expected_version=1,
            changes={"target_date": None},
        )
    assert Action.objects.get(pk=tsb_action.pk).target_date == TARGET


def test_update_that_changes_nothing_keeps_the_version(tsb_action, tsb_staff):
    action_update(
        action=tsb_action, by=tsb_staff, expected_version=1, changes={"target_date": None}
    )

    assert Action.objects.get(pk=tsb_action.pk).version == 1


def test_keeping_a_focal_point_who_moved_bureau_does_not_block_other_changes(tsb_action, tsb_staff):
    action_update(
        action=tsb_action, by=tsb_staff, expected_version=1, changes={"focal_point": tsb_staff}
    )
    moved = builders.user("moved", bureau="BR")
    Action.objects.filter(pk=tsb_action.pk).update(focal_point=moved)
    action = Action.objects.get(pk=tsb_action.pk)

    action_update(
        action=action,
        by=tsb_staff,
        expected_version=action.version,
        changes={"focal_point": moved, "target_date": TARGET},
    )

    assert Action.objects.get(pk=tsb_action.pk).target_date == TARGET


def test_a_focal_point_outside_the_involved_bureaux_is_refused(tsb_action, tsb_staff, br_staff):
    with pytest.raises(ValidationError, match="focal point"):
        action_update(
            action=tsb_action,
            by=tsb_staff,
            expected_version=1,
            changes={"focal_point": br_staff},
        )
    assert Action.objects.get(pk=tsb_action.pk).focal_point is None


def test_dropping_the_focal_points_bureau_from_the_action_is_refused(
    tsb_action, tsb_staff, bdt_staff, superuser
):
    action_update(
        action=tsb_action, by=tsb_staff, expected_version=1, changes={"focal_point": bdt_staff}
    )
    action = Action.objects.get(pk=tsb_action.pk)

    with pytest.raises(ValidationError, match="focal point"):
        action_update(
            action=action,
            by=superuser,
            expected_version=action.version,
            changes={},
            collaborators=[],
        )
    with pytest.raises(ValidationError, match="focal point"):
        action_update(
            action=action,
            by=superuser,
            expected_version=action.version,
            changes={"owner": builders.body("BR")},
            collaborators=[],
        )

    stored = Action.objects.get(pk=tsb_action.pk)
    assert (stored.focal_point, stored.version) == (bdt_staff, action.version)
    assert [body.code for body in stored.collaborators.all()] == ["BDT"]


def test_dropping_a_bureau_the_focal_point_is_not_of_is_allowed(tsb_action, tsb_staff, superuser):
    action_update(
        action=tsb_action, by=tsb_staff, expected_version=1, changes={"focal_point": tsb_staff}
    )
    action = Action.objects.get(pk=tsb_action.pk)

    action_update(
        action=action, by=superuser, expected_version=action.version, changes={}, collaborators=[]
    )

    stored = Action.objects.get(pk=tsb_action.pk)
    assert (stored.focal_point, list(stored.collaborators.all())) == (tsb_staff, [])


def test_staff_of_a_contributing_bureau_may_be_the_focal_point(tsb_action, tsb_staff, bdt_staff):
    action_update(
        action=tsb_action, by=tsb_staff, expected_version=1, changes={"focal_point": bdt_staff}
    )

    assert Action.objects.get(pk=tsb_action.pk).focal_point == bdt_staff


def test_a_reader_of_an_involved_bureau_may_not_be_the_focal_point(tsb_action, tsb_staff, reader):
    with pytest.raises(ValidationError, match="not a reader"):
        action_update(
            action=tsb_action, by=tsb_staff, expected_version=1, changes={"focal_point": reader}
        )

    assert Action.objects.get(pk=tsb_action.pk).focal_point is None


def test_an_administrator_of_an_involved_bureau_may_be_the_focal_point(tsb_action, tsb_staff):
    tsb_administrator = builders.user("tsb_admin", bureau="TSB", role=Role.ADMINISTRATOR)

    action_update(
        action=tsb_action,
        by=tsb_staff,
        expected_version=1,
        changes={"focal_point": tsb_administrator},
    )

    assert Action.objects.get(pk=tsb_action.pk).focal_point == tsb_administrator
