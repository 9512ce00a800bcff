from actions.models import Action, Body
from tests import builders

TOO_LARGE = 10**20


def test_in_leaves_out_numbers_no_column_can_hold(db):
    action = builders.action()

    assert list(Action.objects.filter(pk__in=[action.pk, TOO_LARGE, -TOO_LARGE])) == [action]
    assert not Action.objects.filter(pk__in=[TOO_LARGE]).exists()
    # Through a relation too: the owner's id is the Body's.
    assert list(Action.objects.filter(owner__id__in=[action.owner_id, TOO_LARGE])) == [action]
    assert list(Action.objects.filter(owner__in=[action.owner_id, TOO_LARGE])) == [action]
    assert not Action.objects.filter(owner__in=[TOO_LARGE]).exists()
    assert Body.objects.filter(pk__in=[TOO_LARGE]).count() == 0
