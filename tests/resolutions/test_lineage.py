"""Resolutions followed across assemblies: a revised text of WTSA-24 continues WTSA-20's.

``data/wtsa24_revised.txt`` is the seed revised for the purpose: in it
Resolution 73 has an item reworded (instructs 2) and one removed (the Joint
Task Force report), Resolution 58 has an item removed, one added and the
Radiocommunication Bureau joins its instructs part, Resolution 29 is gone
(suppressed) and Resolution 101 is new.
"""

import datetime
from pathlib import Path

import pytest
from django.core.management import call_command

from actions.choices import OPEN_STATUSES, ActionStatus
from actions.importing import resolution_import
from actions.models import Action, ProgressReport, StatusChange
from actions.services.actions import action_transition, action_update
from resolutions.models import Assembly, Resolution
from resolutions.parsing import parse_text
from resolutions.services import ImportRefused
from tests import builders
from wtsa_tracker.errors import TransitionRefused

DATA = Path(__file__).resolve().parent / "data"
SEED = Path(__file__).resolve().parents[2] / "fixtures" / "wtsa20_itud_background.txt"
REVISED = (DATA / "wtsa24_revised.txt").read_text(encoding="utf-8")


def import_seed(assembly):
    return resolution_import(
        document=parse_text(SEED.read_text(encoding="utf-8")), assembly=assembly
    )


def import_revised(assembly, **options):
    return resolution_import(document=parse_text(REVISED), assembly=assembly, **options)


def action_of(assembly_code: str, number: int, start: str) -> Action:
    return Action.objects.get(
        resolution__assembly__code=assembly_code,
        resolution__number=number,
        clause__text__startswith=start,
    )


def test_each_revised_resolution_is_linked_to_the_one_it_revises(wtsa20, wtsa24):
    import_seed(wtsa20)

    report = import_revised(wtsa24)

    res73 = Resolution.objects.get(assembly=wtsa24, number=73)
    assert res73.revises == Resolution.objects.get(assembly=wtsa20, number=73)
    assert res73.revision_text == "Rev. New Delhi, 2024"
    new = Resolution.objects.get(assembly=wtsa24, number=101)
    assert new.revises is None
    assert len(report.created) == 28
    linked = Resolution.objects.filter(assembly=wtsa24, revises__isnull=False).count()
    assert linked == 27  # every one but the new Resolution 101


def test_an_unchanged_item_continues_its_action_which_is_superseded_with_its_history(
    wtsa20, wtsa24, tsb_staff
):
    import_seed(wtsa20)
    before = action_of("WTSA-20", 73, "to launch pilot projects")
    action_transition(action=before, to=ActionStatus.IN_PROGRESS, by=tsb_staff)
    builders.report(before, author=tsb_staff)

    import_revised(wtsa24, by=tsb_staff)

    after = action_of("WTSA-24", 73, "to launch pilot projects")
    before.refresh_from_db()
    assert after.continues == before
    assert after.status == ActionStatus.IN_PROGRESS
    assert before.status == ActionStatus.SUPERSEDED
    assert ProgressReport.objects.filter(action=before).count() == 1
    closing = StatusChange.objects.filter(action=before).first()
    assert closing.to_status == ActionStatus.SUPERSEDED
    assert closing.changed_by == tsb_staff
    assert f"action {after.number} of Resolution 73 (WTSA-24)" in closing.note
    # The earlier change is still there: the history is kept, not moved.
    assert StatusChange.objects.filter(action=before).count() == 2


def test_the_import_records_each_action_it_creates_and_closes_in_its_history(
    wtsa20, wtsa24, tsb_staff
):
    import_seed(wtsa20)
    before = action_of("WTSA-20", 73, "to launch pilot projects")
    assert [row.history_type for row in before.history.all()] == ["+"]

    import_revised(wtsa24, by=tsb_staff)

    after = action_of("WTSA-24", 73, "to launch pilot projects")
    created = after.history.get()
    assert created.history_type == "+"
    assert created.history_user == tsb_staff
    assert created.history_change_reason == "Created by the import of the resolution's text."
    closed = before.history.order_by("-history_id").first()
    assert (closed.history_type, closed.status) == ("~", ActionStatus.SUPERSEDED)
    assert closed.history_user == tsb_staff
    assert f"action {after.number} of Resolution 73 (WTSA-24)" in closed.history_change_reason


def test_a_closing_history_row_shows_the_action_as_it_is_not_as_the_import_read_it(
    wtsa20, tsb_staff
):
    from actions.services.actions import actions_supersede

    import_seed(wtsa20)
    read_earlier = action_of("WTSA-20", 73, "to launch pilot projects")
    Action.objects.filter(pk=read_earlier.pk).update(focal_point=tsb_staff)  # meanwhile

    actions_supersede(closing=[(read_earlier, "Dropped.")], by=tsb_staff)

    closed = read_earlier.history.order_by("-history_id").first()
    assert (closed.status, closed.focal_point_id) == (ActionStatus.SUPERSEDED, tsb_staff.pk)


def test_correcting_an_earlier_assemblys_text_flags_no_superseded_action(wtsa20, wtsa24):
    import_seed(wtsa20)
    import_revised(wtsa24)
    closed = action_of("WTSA-20", 73, "to keep up to date the calendar")
    assert closed.status == ActionStatus.SUPERSEDED
    corrected = SEED.read_text(encoding="utf-8").replace(
        "to keep up to date the calendar", "to keep up to date, and publish, the calendar"
    )

    report = resolution_import(document=parse_text(corrected), assembly=wtsa20)

    closed.refresh_from_db()
    assert not closed.needs_review
    assert report.actions_flagged == 0
    assert "clause instructs" in " ".join(report.changes)


def test_a_reworded_item_continues_the_action_of_the_item_it_rewords(wtsa20, wtsa24):
    import_seed(wtsa20)
    calendar = action_of("WTSA-20", 73, "to keep up to date the calendar")

    import_revised(wtsa24)

    successor = action_of("WTSA-24", 73, "to keep up to date and publish the calendar")
    assert successor.continues == calendar


def test_the_preview_says_what_a_carried_on_item_rewords(wtsa20, wtsa24):
    import_seed(wtsa20)

    preview = import_revised(wtsa24, dry_run=True)

    [line] = [change for change in preview.changes if "carries on" in change]
    assert line == (
        "Resolution 73: clause instructs.2/2 carries on WTSA-20 clause instructs.2/2, reworded: "
        "“…keep up to date the calendar of events…” becomes "
        "“…keep up to date and publish the calendar of events…”"
    )


def test_the_new_action_keeps_owner_collaborators_and_focal_point_people_set(
    wtsa20, wtsa24, administrator, tsb_staff
):
    import_seed(wtsa20)
    before = action_of("WTSA-20", 73, "to launch pilot projects")
    action_update(
        action=before,
        by=administrator,
        expected_version=before.version,
        changes={"focal_point": tsb_staff},
        collaborators=[builders.body("BDT")],
    )

    import_revised(wtsa24)

    after = action_of("WTSA-24", 73, "to launch pilot projects")
    assert after.owner.code == "TSB"
    assert after.focal_point == tsb_staff
    # The text still names the same bodies, so the correction a person made stays.
    assert list(after.collaborators.values_list("code", flat=True)) == ["BDT"]


def test_collaborators_the_new_text_changed_are_taken_from_the_text(wtsa20, wtsa24):
    import_seed(wtsa20)
    before = action_of("WTSA-20", 58, "to identify best practices")
    assert set(before.collaborators.values_list("code", flat=True)) == {"BDT"}

    import_revised(wtsa24)

    after = action_of("WTSA-24", 58, "to identify best practices")
    assert after.continues == before
    assert set(after.collaborators.values_list("code", flat=True)) == {"BDT", "BR"}


def test_a_dropped_item_closes_its_action_as_superseded_and_never_deletes_it(wtsa20, wtsa24):
    import_seed(wtsa20)
    dropped = action_of("WTSA-20", 58, "to take necessary action")
    task_force = action_of("WTSA-20", 73, "to report on progress of the ITU/WMO/UNESCO")

    import_revised(wtsa24)

    for action in (dropped, task_force):
        action.refresh_from_db()
        assert action.status == ActionStatus.SUPERSEDED
        assert not hasattr(action, "continued_by")
    assert "dropped" in StatusChange.objects.filter(action=dropped).first().note


def test_an_added_item_makes_a_new_action_that_continues_nothing(wtsa20, wtsa24):
    import_seed(wtsa20)

    report = import_revised(wtsa24)

    added = action_of("WTSA-24", 58, "to report annually to Council on the national CIRTs")
    assert added.continues is None
    assert list(added.obligations.values_list("recipient", flat=True)) == ["council_annual"]
    new_resolution = Action.objects.filter(resolution__assembly=wtsa24, resolution__number=101)
    assert new_resolution.count() == 2
    assert not new_resolution.filter(continues__isnull=False).exists()
    continued = Action.objects.filter(resolution__assembly=wtsa24, continues__isnull=False)
    assert report.actions_continued == continued.count()
    assert (
        report.actions_created
        == Action.objects.filter(resolution__assembly=wtsa24, continues__isnull=True).count()
    )


def test_every_previous_action_is_superseded_once_and_none_is_left_open(wtsa20, wtsa24):
    import_seed(wtsa20)
    previous = Action.objects.filter(resolution__assembly=wtsa20)
    ids = set(previous.values_list("pk", flat=True))
    kept = previous.exclude(resolution__number=29)
    total = kept.count()

    report = import_revised(wtsa24)

    assert not kept.filter(status__in=OPEN_STATUSES).exists()
    assert report.actions_superseded == total
    assert set(previous.values_list("pk", flat=True)) == ids  # none deleted


def test_resolutions_the_later_assembly_did_not_keep_are_suppressed_with_their_open_actions(
    wtsa20, wtsa24
):
    import_seed(wtsa20)
    res29 = Resolution.objects.get(assembly=wtsa20, number=29)
    open_before = res29.actions.open().count()
    assert open_before

    report = import_revised(wtsa24, suppress_missing=True)

    res29.refresh_from_db()
    assert res29.suppressed_by == wtsa24
    assert report.suppressed == [29]
    assert not res29.actions.open().exists()
    assert res29.actions.filter(status=ActionStatus.SUPERSEDED).count() == open_before
    assert not Resolution.objects.filter(suppressed_by__isnull=False).exclude(pk=res29.pk).exists()


def test_without_the_complete_set_option_nothing_is_suppressed(wtsa20, wtsa24):
    import_seed(wtsa20)

    import_revised(wtsa24)

    assert not Resolution.objects.filter(suppressed_by__isnull=False).exists()
    assert Resolution.objects.get(assembly=wtsa20, number=29).actions.open().exists()


def test_the_preview_of_a_revision_counts_what_applying_it_does(wtsa20, wtsa24):
    import_seed(wtsa20)

    preview = import_revised(wtsa24, dry_run=True, suppress_missing=True)
    applied = import_revised(wtsa24, suppress_missing=True)

    assert preview.created == applied.created
    for name in ("actions_created", "actions_continued", "actions_superseded", "suppressed"):
        assert getattr(preview, name) == getattr(applied, name), name


def test_reimporting_the_revision_continues_and_supersedes_nothing_more(wtsa20, wtsa24):
    import_seed(wtsa20)
    import_revised(wtsa24, suppress_missing=True)
    count = Action.objects.count()

    report = import_revised(wtsa24, suppress_missing=True)

    assert Action.objects.count() == count
    assert report.actions_continued == report.actions_superseded == 0
    assert report.suppressed == []
    assert len(report.unchanged) == 28


def test_superseded_is_never_set_by_hand(wtsa20, tsb_staff):
    import_seed(wtsa20)
    action = Action.objects.filter(owner__code="TSB").first()

    with pytest.raises(TransitionRefused, match="never by hand"):
        action_transition(action=action, to=ActionStatus.SUPERSEDED, by=tsb_staff)

    action.refresh_from_db()
    assert action.status == ActionStatus.NOT_STARTED


def test_a_superseded_action_cannot_change_status_again(wtsa20, wtsa24, tsb_staff):
    import_seed(wtsa20)
    import_revised(wtsa24)
    closed = Action.objects.filter(
        resolution__assembly=wtsa20, status=ActionStatus.SUPERSEDED, owner__code="TSB"
    ).first()

    with pytest.raises(TransitionRefused, match="closed"):
        action_transition(action=closed, to=ActionStatus.IN_PROGRESS, by=tsb_staff)

    closed.refresh_from_db()
    assert closed.status == ActionStatus.SUPERSEDED


def test_the_command_imports_a_complete_set_and_suppresses_what_it_lacks(wtsa20, wtsa24, capsys):
    import_seed(wtsa20)

    call_command(
        "import_resolutions",
        str(DATA / "wtsa24_revised.txt"),
        "--assembly",
        "WTSA-24",
        "--complete-set",
    )

    out = capsys.readouterr().out
    assert "1 resolutions suppressed" in out
    assert Resolution.objects.get(assembly=wtsa20, number=29).suppressed_by == wtsa24


def seed_block(number: int) -> str:
    """One resolution of the seed, from its heading to the next one's."""
    text = SEED.read_text(encoding="utf-8")
    start = text.index(f"\tRESOLUTION {number}\n")
    end = text.find("\tRESOLUTION", start + 1)
    return text[start : end if end != -1 else None]


def test_a_set_reprinting_a_text_the_assembly_kept_reads_it_as_kept_and_suppresses_none(
    wtsa20, wtsa24
):
    import_seed(wtsa20)
    res29 = Resolution.objects.get(assembly=wtsa20, number=29)
    open_before = set(res29.actions.open().values_list("pk", flat=True))
    kept = seed_block(29).replace("RESOLUTION 29", "RESOLUTION 29 (Rev. Geneva, 2022)", 1)

    report = resolution_import(
        document=parse_text(REVISED + "\n" + kept), assembly=wtsa24, suppress_missing=True
    )

    assert report.suppressed == []
    again = Resolution.objects.get(assembly=wtsa24, number=29)
    assert again.revises == res29
    assert again.revision_text == "Rev. Geneva, 2022"
    assert again.marker == "NOC"
    res29.refresh_from_db()
    assert res29.suppressed_by is None
    # Its open work goes on in WTSA-24's version, as a revision's does.
    carried = set(again.actions.values_list("continues", flat=True))
    assert open_before
    assert open_before <= carried


def test_a_kept_text_can_be_corrected_alone_but_not_imported_alone(wtsa20, wtsa24):
    import_seed(wtsa20)
    kept = seed_block(29).replace("RESOLUTION 29", "RESOLUTION 29 (Rev. Geneva, 2022)", 1)
    alone = seed_block(69).replace("RESOLUTION 69", "RESOLUTION 69 (Rev. Geneva, 2022)", 1)
    resolution_import(document=parse_text(REVISED + "\n" + kept), assembly=wtsa24)

    correction = kept.replace("to continue to cooperate", "to continue cooperating", 1)

    corrected = resolution_import(document=parse_text(correction), assembly=wtsa24)
    with pytest.raises(ImportRefused, match="which is not WTSA-24"):
        resolution_import(document=parse_text(alone), assembly=wtsa24)

    assert corrected.updated == [29]
    text = Resolution.objects.get(assembly=wtsa24, number=29).clauses.get().text
    assert text.startswith("to continue cooperating")


def test_without_an_overview_table_the_heading_tells_what_the_assembly_did(wtsa20, wtsa24):
    import_seed(wtsa20)

    import_revised(wtsa24)

    markers = dict(
        Resolution.objects.filter(assembly=wtsa24, number__in=[73, 101]).values_list(
            "number", "marker"
        )
    )
    assert markers == {73: "Rev", 101: "New"}


def test_a_complete_set_suppresses_a_text_in_force_from_two_assemblies_back(wtsa20, wtsa24):
    wtsa16 = builders.assembly("WTSA-16", start=datetime.date(2016, 10, 25))
    old = builders.resolution(31, assembly_code="WTSA-16", title="Old text no one revised")
    builders.action(old)
    import_seed(wtsa20)

    report = import_revised(wtsa24, suppress_missing=True)

    old.refresh_from_db()
    assert old.suppressed_by == wtsa24
    assert report.suppressed == [29, 31]
    assert not old.actions.open().exists()
    assert wtsa16.resolutions.count() == 1


def test_an_earlier_assemblys_text_after_a_later_ones_is_refused_and_nothing_written(
    wtsa20, capsys
):
    builders.assembly("WTSA-16", start=datetime.date(2016, 10, 25))
    import_seed(wtsa20)
    older = seed_block(58).replace("RESOLUTION 58", "RESOLUTION 58 (Rev. Hammamet, 2016)", 1)
    count = Action.objects.count()

    with pytest.raises(ImportRefused) as refused:
        resolution_import(document=parse_text(older), assembly=Assembly.objects.get(code="WTSA-16"))

    assert str(refused.value).startswith(
        "Resolution 58 (WTSA-20), of a later assembly, is imported already: a text of WTSA-16 "
        "imported now would not be linked to it."
    )
    assert not Resolution.objects.filter(assembly__code="WTSA-16").exists()
    assert Action.objects.count() == count


def test_correcting_an_earlier_text_after_a_later_assembly_is_not_refused(wtsa20, wtsa24):
    import_seed(wtsa20)
    import_revised(wtsa24)

    report = import_seed(wtsa20)

    assert len(report.unchanged) == len(Resolution.objects.filter(assembly=wtsa20))


def _pair_every_one_scored(wanted, previous):
    """The pairing by its definition: every free clause of the verb scored in full."""
    import difflib

    from resolutions.services import REVISION_SIMILARITY

    def words_alike(before: str, after: str) -> float:
        matcher = difflib.SequenceMatcher(None, before.split(), after.split(), autojunk=False)
        return matcher.ratio()

    matched, taken = {}, set()
    for key, verb, text in wanted:
        same = [c for c in previous if (c.verb, c.text) == (verb, text) and c.pk not in taken]
        if same:
            matched[key] = same[0]
            taken.add(same[0].pk)
    for key, verb, text in wanted:
        scored = [
            (words_alike(c.text, text), c.key == key, c)
            for c in previous
            if key not in matched and c.pk not in taken and c.verb == verb
        ]
        if scored:
            score, _same_key, best = max(scored, key=lambda entry: entry[:2])
            if score >= REVISION_SIMILARITY:
                matched[key] = best
                taken.add(best.pk)
    return matched


def test_pairing_reworded_items_gives_what_scoring_every_pair_gives():
    import random

    from resolutions.models import Clause
    from resolutions.services import _pair_by_words

    rng = random.Random(20)
    vocabulary = [f"word{n}" for n in range(40)]

    def variant(words: list[str]) -> list[str]:
        words = list(words)
        for _ in range(rng.randint(0, 4)):
            words[rng.randrange(len(words))] = rng.choice(vocabulary)
        return words

    for _trial in range(200):
        # Clauses alike each other (variants of a few texts), so that several
        # compete for each reworded item and ties happen.
        bases = [[rng.choice(vocabulary) for _ in range(rng.randint(5, 20))] for _ in range(3)]
        previous = []
        for n in range(rng.randint(1, 20)):
            words = variant(rng.choice(bases))
            clause = Clause(key=str(n), verb=rng.choice(["instructs", "invites"]))
            clause.text, clause.pk = " ".join(words), n + 1
            previous.append(clause)
        wanted = {}
        for _ in range(rng.randint(1, 20)):
            words = variant(rng.choice(previous).text.split())
            wanted.setdefault(
                str(rng.randint(0, 25)), (rng.choice(["instructs", "invites"]), words)
            )
        entries = [(key, verb, " ".join(words)) for key, (verb, words) in wanted.items()]

        assert _pair_by_words(entries, previous) == _pair_every_one_scored(entries, previous)
