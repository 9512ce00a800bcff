"""The benchmark's data generator builds the shapes the benchmark relies on."""

import datetime
from collections import Counter

import pytest
from django.db.models import Count

from actions.choices import ALLOWED_TRANSITIONS, ActionStatus, Role
from actions.models import Action, GoverningBodyMeeting, ProgressReport, StatusChange, User
from bench.environment import target_for
from bench.generate import (
    GENERATOR_VERSION,
    SCALES,
    Summary,
    current_stamp,
    generate,
    prepare,
    write_stamp,
)
from resolutions.models import Assembly, Resolution


@pytest.fixture
def generated(db):
    return generate(SCALES["S"])


def test_generating_scale_s_writes_the_counts_it_reports(generated):
    scale = SCALES["S"]
    assert Assembly.objects.count() == scale.assemblies == generated.counts["assemblies"]
    assert Resolution.objects.count() == scale.assemblies * scale.resolutions_per_assembly
    assert User.objects.count() == scale.users == generated.counts["users"]
    assert Action.objects.count() == generated.counts["actions"]
    assert ProgressReport.objects.count() == generated.counts["progress_reports"]
    assert StatusChange.objects.count() == generated.counts["status_changes"]
    assert ProgressReport.objects.count() == round(
        scale.reports_per_action * Action.objects.count()
    )


def test_reports_per_action_are_skewed_with_one_action_holding_hundreds(generated):
    counts = sorted(
        Action.objects.annotate(n=Count("reports")).values_list("n", flat=True), reverse=True
    )
    assert counts[0] == SCALES["S"].hot_actions[0]
    median = counts[len(counts) // 2]
    assert counts[0] > 20 * max(median, 1)
    assert 0 in counts


def test_status_histories_take_only_allowed_transitions_and_end_at_the_status(generated):
    assert StatusChange.objects.exists()
    for action in Action.objects.prefetch_related("status_changes"):
        changes = sorted(action.status_changes.all(), key=lambda change: change.changed_at)
        # Superseded is no transition a person takes: the next text's import sets it, last.
        if action.status == ActionStatus.SUPERSEDED:
            assert changes.pop().to_status == ActionStatus.SUPERSEDED
        for change in changes:
            assert change.to_status in ALLOWED_TRANSITIONS[ActionStatus(change.from_status)]
        if changes and action.status != ActionStatus.SUPERSEDED:
            assert changes[-1].to_status == action.status


def test_resolutions_revise_the_assembly_before_and_their_actions_carry_on(generated):
    first, second = Assembly.objects.order_by("start_date")
    later = Resolution.objects.filter(assembly=second)

    for resolution in later.select_related("revises"):
        if resolution.marker == "New":
            assert resolution.revises is None
        else:
            assert (resolution.revises.assembly_id, resolution.revises.number) == (
                first.pk,
                resolution.number,
            )
    assert later.filter(revises__isnull=False).exists()
    continuing = Action.objects.filter(continues__isnull=False).select_related("continues")
    assert continuing.exists()
    for action in continuing:
        assert action.resolution.revises_id == action.continues.resolution_id
        assert action.number == action.continues.number
    assert not Action.objects.filter(resolution__revises__isnull=True, continues__isnull=False)
    # What was continued was closed by the later assembly's import, a month after it.
    superseded = Action.objects.filter(status=ActionStatus.SUPERSEDED)
    assert set(superseded) == {action.continues for action in continuing}
    for action in continuing:
        closed = action.continues.status_changes.get(to_status=ActionStatus.SUPERSEDED)
        assert closed.changed_at.date() == second.end_date + datetime.timedelta(days=30)
        assert not action.continues.status_changes.filter(changed_at__gt=closed.changed_at)


def test_users_spread_over_the_bureaux_in_every_role_group(generated):
    bureaux = Counter(User.objects.values_list("bureau__code", flat=True))
    assert set(bureaux) == {"TSB", "BDT", "BR", "GS"}
    assert bureaux["TSB"] > bureaux["BR"]
    roles = set(User.objects.values_list("groups__name", flat=True))
    assert roles == {Role.BUREAU_STAFF, Role.COORDINATOR, Role.READER, Role.ADMINISTRATOR}


def test_a_council_session_every_year_up_to_one_still_ahead(generated):
    years = set(
        GoverningBodyMeeting.objects.filter(kind="council").values_list(
            "start_date__year", flat=True
        )
    )
    assert {2024, 2025, 2026, 2027} <= years


def test_generating_into_a_database_that_holds_actions_is_refused_and_writes_nothing(generated):
    users = User.objects.count()
    with pytest.raises(SystemExit, match="already holds actions"):
        generate(SCALES["S"])
    assert User.objects.count() == users


def test_a_sqlite_file_that_is_not_a_benchmark_s_is_never_replaced(tmp_path):
    someones = tmp_path / "db.sqlite3"
    someones.write_bytes(b"data")
    with pytest.raises(SystemExit, match="Refusing to replace"):
        prepare(target_for("S", f"sqlite:///{someones}"), fresh=True)
    assert someones.read_bytes() == b"data"


def test_a_sqlite_file_named_for_a_benchmark_is_replaced(tmp_path):
    scratch = tmp_path / "bench-s.sqlite3"
    scratch.write_bytes(b"old")
    prepare(target_for("S", f"sqlite:///{scratch}"), fresh=True)
    assert not scratch.exists()


def test_a_stamp_marks_generated_data_current_for_this_generator_only(tmp_path, monkeypatch):
    monkeypatch.setattr("bench.environment.BENCH_DIR", tmp_path)
    database = tmp_path / "bench-s.sqlite3"
    database.write_bytes(b"")
    target = target_for("S", f"sqlite:///{database}")
    assert current_stamp(target) is None

    write_stamp(target, Summary(counts={"actions": 3}, seconds=1.0))

    assert current_stamp(target)["counts"] == {"actions": 3}
    monkeypatch.setattr("bench.generate.GENERATOR_VERSION", GENERATOR_VERSION + 1)
    assert current_stamp(target) is None


def test_replacing_the_data_drops_its_stamp_first(tmp_path, monkeypatch):
    # `bench.run --regenerate` and `bench.generate` both replace through prepare():
    # data cut short afterwards must not be reused as complete.
    monkeypatch.setattr("bench.environment.BENCH_DIR", tmp_path)
    database = tmp_path / "bench-s.sqlite3"
    database.write_bytes(b"")
    target = target_for("S", f"sqlite:///{database}")
    write_stamp(target, Summary(counts={"actions": 3}, seconds=1.0))

    prepare(target, fresh=True)
    database.write_bytes(b"")  # the new, unfinished data

    assert current_stamp(target) is None
