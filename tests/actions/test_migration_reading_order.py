"""The data migration that renumbers existing actions in reading order (issue 14)."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from resolutions.choices import ClauseVerb
from tests import builders

BEFORE = [("actions", "0018_export")]
RENUMBERED = [("actions", "0019_actions_in_reading_order")]


def action_then():
    """``Action`` as the migrations before it knew it: later columns are not there yet."""
    executor = MigrationExecutor(connection)
    return executor.loader.project_state(BEFORE).apps.get_model("actions", "Action")


def numbered_as_written(resolution, items):
    """Clauses and actions as the old import made them: numbered in text order."""
    Action = action_then()
    actions = []
    for number, (verb, addressee, label) in enumerate(items, start=1):
        clause = builders.clause(
            resolution,
            verb=verb,
            addressee=addressee,
            label=label,
            key=f"{verb}.{addressee}.{label}",
        )
        actions.append(
            Action.objects.create(
                resolution_id=resolution.pk,
                clause_id=clause.pk,
                number=number,
                strength="instructs",
            )
        )
    return actions


@pytest.mark.django_db(transaction=True)
def test_migration_renumbers_each_resolution_in_reading_order_and_keeps_ids_and_dates():
    MigrationExecutor(connection).migrate(BEFORE)
    try:
        res73 = builders.resolution(73)
        invites, groups, tsb2, tsb1 = numbered_as_written(
            res73,
            [
                (ClauseVerb.INVITES, "Member States", "1"),
                (ClauseVerb.INSTRUCTS, "all ITU-T study groups", "6"),
                (ClauseVerb.INSTRUCTS, "the Director of TSB", "2"),
                (ClauseVerb.INSTRUCTS, "the Director of TSB", "1"),
            ],
        )
        res44 = builders.resolution(44)
        in_order = numbered_as_written(
            res44,
            [
                (ClauseVerb.INSTRUCTS, "the Director of TSB", "1"),
                (ClauseVerb.INVITES, "Member States", "1"),
            ],
        )
        Action = action_then()
        before = {a.pk: (a.updated_at, a.version) for a in Action.objects.all()}

        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(RENUMBERED)

        numbers = dict(Action.objects.values_list("pk", "number"))
        assert [numbers[a.pk] for a in (tsb1, tsb2, groups, invites)] == [1, 2, 3, 4]
        assert [numbers[a.pk] for a in in_order] == [1, 2]
        # Same ids (every link still reaches its action); not a change a person made.
        assert {a.pk: (a.updated_at, a.version) for a in Action.objects.all()} == before
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
