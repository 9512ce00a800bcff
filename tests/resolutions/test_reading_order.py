"""Reading order: actions are numbered as a reader expects, instructs first and by item number."""

from dataclasses import dataclass
from pathlib import Path

import pytest
from django.core.management import call_command

from actions.importing import resolution_import
from actions.models import Action
from resolutions.choices import ClauseVerb
from resolutions.ordering import item_number, reading_order
from resolutions.parsing import parse_text

SEED = Path(__file__).resolve().parents[2] / "fixtures" / "wtsa20_itud_background.txt"


@dataclass
class Item:
    verb: str
    addressee: str
    label: str
    order: int
    parent_id: int | None = None


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("6", (6, 0)),
        ("6bis", (6, 1)),
        ("6 ter", (6, 2)),
        ("1quater", (1, 3)),
        ("a)", (1, 0)),
        ("b)bis", (2, 1)),
        ("", None),
    ],
)
def test_item_labels_read_as_a_number_and_the_latin_ordinal_after_it(label, expected):
    assert item_number(label) == expected


def test_instructs_before_invites_and_a_part_from_item_one_before_a_part_from_item_six():
    text = [
        Item(ClauseVerb.RESOLVES, "", "1", 1),
        Item(ClauseVerb.INVITES, "Member States", "1", 2),
        Item(ClauseVerb.INSTRUCTS, "all ITU-T study groups", "6", 3),
        Item(ClauseVerb.INSTRUCTS, "the Director of TSB", "2", 4),
        Item(ClauseVerb.INSTRUCTS, "the Director of TSB", "1", 5),
        Item(ClauseVerb.INSTRUCTS, "the Director of TSB", "1bis", 6),
        Item(ClauseVerb.ENCOURAGES, "Sector Members", "", 7),
        Item(ClauseVerb.REQUESTS, "the Secretary-General", "", 8),
        Item(ClauseVerb.INSTRUCTS, "the Director of TSB", "", 9, parent_id=5),
    ]

    ordered = reading_order(text)

    assert [(item.verb, item.label, item.order) for item in ordered] == [
        (ClauseVerb.RESOLVES, "1", 1),
        (ClauseVerb.INSTRUCTS, "1", 5),
        (ClauseVerb.INSTRUCTS, "1bis", 6),
        (ClauseVerb.INSTRUCTS, "2", 4),
        (ClauseVerb.INSTRUCTS, "6", 3),
        (ClauseVerb.REQUESTS, "", 8),
        (ClauseVerb.INVITES, "1", 2),
        (ClauseVerb.ENCOURAGES, "", 7),
    ]


def test_resolution_73_first_action_is_tsb_item_1_and_the_study_groups_item_comes_last(wtsa20):
    resolution_import(document=parse_text(SEED.read_text(encoding="utf-8")), assembly=wtsa20)

    actions = list(
        Action.objects.filter(resolution__number=73).select_related("clause").order_by("number")
    )

    assert actions[0].clause.label == "1"
    assert "Telecommunication Standardization Bureau" in actions[0].clause.addressee
    assert [a.clause.label for a in actions] == ["1", "2", "3", "4", "5", "6", "7", "8", "9", "6"]
    assert actions[-1].clause.addressee == "all ITU-T study groups"
    # The text itself still reads as printed: the study groups' item comes first there.
    assert actions[-1].clause.order < actions[0].clause.order


def test_shipped_fixture_numbers_every_action_as_a_fresh_import_does(wtsa20):
    resolution_import(document=parse_text(SEED.read_text(encoding="utf-8")), assembly=wtsa20)
    fresh = {
        (a.resolution.number, a.clause.key): a.number
        for a in Action.objects.select_related("resolution", "clause")
    }
    Action.objects.all().delete()
    for resolution in wtsa20.resolutions.all():
        resolution.clauses.all().delete()
    wtsa20.resolutions.all().delete()

    call_command("loaddata", "wtsa20", verbosity=0)
    shipped = {
        (a.resolution.number, a.clause.key): a.number
        for a in Action.objects.select_related("resolution", "clause")
    }

    assert len(shipped) == 129
    assert shipped == fresh, "rebuild it: make fixtures/wtsa20.json"
