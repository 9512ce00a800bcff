"""The lists' order kept on each action (issue 13): assembly's opening, resolution, number.

``Action.sort_key`` lets a page of the list be read from an index; these
tests hold it to the order it replaces, however the action was written
(a save, an import's bulk insert, the shipped data) and when an assembly's
dates or a resolution's number change afterwards.
"""

from __future__ import annotations

import datetime
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from actions.importing import resolution_import
from actions.models import Action, ResolutionReportingDuty
from resolutions.models import Clause, Resolution, ResolutionReference
from resolutions.parsing import parse_text
from tests import builders
from tests.api.support import client_for

SEED = Path(__file__).resolve().parents[2] / "fixtures" / "wtsa20_itud_background.txt"


def _expected_order() -> list[int]:
    """The order the lists used before the key: through the joins, as the key must give."""
    return list(
        Action.objects.order_by(
            "resolution__assembly__start_date", "resolution__number", "number", "pk"
        ).values_list("pk", flat=True)
    )


def test_the_lists_order_actions_by_assembly_then_resolution_then_number(reader):
    later = builders.assembly("WTSA-24", start=datetime.date(2024, 10, 15))
    earlier = builders.assembly("WTSA-16", start=datetime.date(2016, 10, 25))
    for assembly, number in ((later, 2), (earlier, 73), (later, 1), (earlier, 9)):
        res = builders.resolution(number, assembly_code=assembly.code)
        builders.action(res)
        builders.action(res)

    listed = [row["id"] for row in client_for(reader).get("/api/actions/").json()["results"]]

    assert listed == _expected_order() == list(Action.objects.values_list("pk", flat=True))
    first = Action.objects.get(pk=listed[0])
    assert (first.resolution.assembly.code, first.resolution.number, first.number) == (
        "WTSA-16",
        9,
        1,
    )
    assert first.sort_key == "20161025.000009.000001"


def test_moving_an_assembly_or_renumbering_a_resolution_moves_its_actions(reader):
    later = builders.assembly("WTSA-24", start=datetime.date(2024, 10, 15))
    builders.assembly("WTSA-20")
    builders.action(builders.resolution(5, assembly_code="WTSA-20"))
    moved = builders.action(builders.resolution(3, assembly_code="WTSA-24"))
    assert _expected_order()[-1] == moved.pk

    later.start_date, later.end_date = datetime.date(2012, 11, 20), datetime.date(2012, 11, 29)
    later.save()

    assert list(Action.objects.values_list("pk", flat=True))[0] == moved.pk
    assert list(Action.objects.values_list("pk", flat=True)) == _expected_order()

    resolution = moved.resolution
    resolution.assembly = builders.assembly("WTSA-20")
    resolution.number = 9
    resolution.save()
    assert Action.objects.get(pk=moved.pk).sort_key == "20220301.000009.000001"
    assert list(Action.objects.values_list("pk", flat=True)) == _expected_order()


def test_an_import_writes_the_key_of_every_action_it_creates(db):
    call_command("loaddata", "bodies", verbosity=0)
    resolution_import(
        document=parse_text(SEED.read_text(encoding="utf-8")), assembly=builders.assembly()
    )

    assert Action.objects.count() > 100
    assert not Action.objects.filter(sort_key="").exists()
    assert list(Action.objects.values_list("pk", flat=True)) == _expected_order()


def test_the_shipped_actions_carry_their_keys(db):
    call_command("loaddata", "assemblies", "bodies", "wtsa20", verbosity=0)

    assert Action.objects.count() == 129
    assert not Action.objects.filter(sort_key="").exists()
    assert list(Action.objects.values_list("pk", flat=True)) == _expected_order()


@pytest.mark.django_db(transaction=True)
def test_the_migration_writes_the_key_of_every_action_already_there():
    before, after = (
        [("actions", "0020_report_latest_approved_index")],
        [("actions", "0021_action_sort_key")],
    )
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    try:
        Old = executor.loader.project_state(before).apps.get_model("actions", "Action")
        builders.assembly("WTSA-24", start=datetime.date(2024, 10, 15))
        later = builders.resolution(2, assembly_code="WTSA-24")
        earlier = builders.resolution(73)
        for res in (later, earlier, later):
            clause = builders.clause(res)
            Old.objects.create(
                resolution_id=res.pk,
                clause_id=clause.pk,
                number=res.clauses.count(),
                strength="instructs",
            )

        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(after)

        assert list(Action.objects.values_list("sort_key", flat=True)) == [
            "20220301.000073.000001",
            "20241015.000002.000001",
            "20241015.000002.000002",
        ]
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())


def test_actions_loaded_from_a_dump_written_before_sort_keys_get_theirs(db, tmp_path):
    call_command("loaddata", "assemblies", "bodies", "wtsa20", verbosity=0)
    dump = tmp_path / "before-sort-keys.json"
    call_command("dumpdata", "actions.action", output=str(dump), verbosity=0)
    rows = json.loads(dump.read_text())
    for row in rows:
        del row["fields"]["sort_key"]
    dump.write_text(json.dumps(rows))
    Action.objects.update(sort_key="")

    call_command("loaddata", str(dump), verbosity=0)

    assert not Action.objects.filter(sort_key="").exists()
    assert list(Action.objects.values_list("pk", flat=True)) == _expected_order()


def test_actions_loaded_before_their_resolutions_are_keyed_once_those_arrive(db, tmp_path):
    call_command("loaddata", "assemblies", "bodies", "wtsa20", verbosity=0)
    dump = tmp_path / "dump.json"
    # Foreign keys as ids: a dump that names its resolutions by natural key
    # cannot be loaded before them at all.
    models = ["resolutions.resolution", "resolutions.clause", "actions.action"]
    call_command("dumpdata", *models, output=str(dump), verbosity=0)
    rows = json.loads(dump.read_text())
    actions = [row for row in rows if row["model"] == "actions.action"]
    for row in actions:
        del row["fields"]["sort_key"]
    dump.write_text(json.dumps(actions + [row for row in rows if row not in actions]))
    ResolutionReportingDuty.objects.all().delete()
    Action.objects.all().delete()
    ResolutionReference.objects.all().delete()
    Clause.objects.all().delete()
    Resolution.objects.all().delete()

    call_command("loaddata", str(dump), verbosity=0)

    assert Action.objects.count() == len(actions)
    assert not Action.objects.filter(sort_key="").exists()
    assert list(Action.objects.values_list("pk", flat=True)) == _expected_order()
