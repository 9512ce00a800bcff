"""An import is a plan made by reading, then applied: a plan overtaken by another import."""

from actions.importing import import_apply, import_plan, resolution_import
from actions.models import Action
from resolutions.models import Clause
from resolutions.parsing import parse_text
from tests.resolutions.test_import import SEED_TEXT, revise


def test_a_plan_overtaken_by_another_import_is_made_again_and_writes_nothing_twice(wtsa20):
    resolution_import(document=parse_text(SEED_TEXT), assembly=wtsa20)
    stale = import_plan(document=parse_text(revise(SEED_TEXT)), assembly=wtsa20)
    resolution_import(document=parse_text(revise(SEED_TEXT)), assembly=wtsa20)
    clauses, actions = Clause.objects.count(), Action.objects.count()

    report = import_apply(plan=stale)

    assert Clause.objects.count() == clauses
    assert Action.objects.count() == actions
    assert report.actions_created == 0
    assert report.updated == []
    assert {58, 73} <= set(report.unchanged)


def test_applying_a_plan_writes_what_its_preview_said(wtsa20):
    resolution_import(document=parse_text(SEED_TEXT), assembly=wtsa20)
    plan = import_plan(document=parse_text(revise(SEED_TEXT)), assembly=wtsa20)

    report = import_apply(plan=plan)

    assert report.updated == plan.report.updated == [58, 73]
    assert report.actions_created == plan.report.actions_created == 1
    assert report.actions_flagged == plan.report.actions_flagged == 2
    assert report.clauses_withdrawn == plan.report.clauses_withdrawn == 1
