import datetime

import pytest
import time_machine

from actions.choices import ActionStatus, Strength
from actions.filtersets import ActionFilterSet, ProgressReportFilterSet
from actions.models import Action, ProgressReport, ReportingObligation
from tests import builders


def filtered(**params) -> set[Action]:
    filterset = ActionFilterSet(params, queryset=Action.objects.all())
    assert filterset.is_valid(), filterset.errors
    return set(filterset.qs)


@pytest.fixture
def actions(db):
    res73 = builders.resolution(73, title="ICTs, environment, climate change")
    res44 = builders.resolution(44, title="Bridging the standardization gap")
    reporting = builders.action(res73, owner="TSB", collaborators=("BDT", "BR"))
    ReportingObligation.objects.create(action=reporting, recipient="council_annual")
    ReportingObligation.objects.create(action=reporting, recipient="next_wtsa")
    bdt = builders.action(res73, owner="BDT", status=ActionStatus.IN_PROGRESS)
    sg17 = builders.action(
        res44,
        owner="T-SG17",
        strength=Strength.INVITES,
        target_date=datetime.date(2025, 1, 1),
    )
    return {"reporting": reporting, "bdt": bdt, "sg17": sg17}


def test_filters_by_several_statuses_at_once(actions):
    assert filtered(status=["not_started", "in_progress"]) == set(actions.values())
    assert filtered(status=["in_progress"]) == {actions["bdt"]}


def test_filters_by_owner_code_and_by_owning_bureau(actions):
    assert filtered(owner=["BDT"]) == {actions["bdt"]}
    assert filtered(bureau="TSB") == {actions["reporting"], actions["sg17"]}


def test_filters_by_collaborator_without_duplicates(actions):
    assert list(ActionFilterSet({"collaborator": ["BDT", "BR"]}, Action.objects.all()).qs) == [
        actions["reporting"]
    ]


def test_filters_by_resolution_number_strength_and_reporting_obligation(actions):
    assert filtered(resolution=73, reports_to=["council_annual"]) == {actions["reporting"]}
    assert filtered(strength=["invites"]) == {actions["sg17"]}


def test_filters_by_several_reporting_duties_without_duplicates_or_distinct(actions):
    qs = ActionFilterSet({"reports_to": ["council_annual", "next_wtsa"]}, Action.objects.all()).qs

    assert list(qs) == [actions["reporting"]]
    # EXISTS keeps one row per action: DISTINCT over every column costs more.
    assert "DISTINCT" not in str(qs.query).upper()


@time_machine.travel(datetime.datetime(2025, 6, 1, 12, tzinfo=datetime.UTC))
def test_filters_overdue_and_due_date_range(actions):
    assert filtered(overdue="true") == {actions["sg17"]}
    assert actions["sg17"] not in filtered(overdue="false")
    assert filtered(target_date_after="2024-12-01", target_date_before="2025-01-31") == {
        actions["sg17"]
    }


def test_free_text_matches_every_word_in_clause_or_title(actions):
    assert filtered(q="climate environment") == {actions["reporting"], actions["bdt"]}
    assert filtered(q="climate nonexistentword") == set()


def test_unknown_choice_is_a_validation_error_not_an_empty_list(actions):
    filterset = ActionFilterSet({"status": ["finished"]}, queryset=Action.objects.all())
    assert not filterset.is_valid()
    assert "status" in filterset.errors


def test_sorting_by_resolution_orders_by_resolution_then_action_number(actions):
    res44_second = builders.action(actions["sg17"].resolution)
    ordered = ActionFilterSet({"ordering": "resolution"}, queryset=Action.objects.all()).qs

    assert list(ordered) == [
        actions["sg17"],
        res44_second,
        actions["reporting"],
        actions["bdt"],
    ]
    descending = ActionFilterSet({"ordering": "-resolution"}, queryset=Action.objects.all()).qs
    assert list(descending) == list(reversed(list(ordered)))


@pytest.mark.parametrize("value", ["maybe", "2x", "yes please", "2", "3"])  # 2, 3: old Django codes
def test_an_unreadable_yes_no_value_is_an_error_not_an_empty_filter(actions, value):
    filterset = ActionFilterSet({"overdue": value}, queryset=Action.objects.all())

    assert not filterset.is_valid()
    assert "overdue" in filterset.errors


@pytest.mark.parametrize(("value", "expected"), [("true", True), ("false", False), ("", None)])
def test_yes_no_values_are_read(actions, value, expected):
    filterset = ActionFilterSet({"needs_review": value}, queryset=Action.objects.all())

    assert filterset.is_valid(), filterset.errors
    assert filterset.form.cleaned_data["needs_review"] is expected


def test_a_focal_point_is_found_by_username_in_any_case_but_never_by_e_mail_address(actions):
    person = builders.user("jsmith", bureau="TSB", email="John.Smith@itu.int")
    Action.objects.filter(pk=actions["bdt"].pk).update(focal_point=person)

    assert filtered(focal_point="jsmith") == {actions["bdt"]}
    assert filtered(focal_point="JSmith") == {actions["bdt"]}
    # The list is open to every signed-in person: it must not tell whose an address is.
    for typed in ("john.smith@itu.int", "John Smith"):
        refused = ActionFilterSet({"focal_point": typed}, queryset=Action.objects.all())
        assert not refused.is_valid()
        assert refused.errors["focal_point"] == ["No account has this username."]


def test_reports_are_filtered_by_a_bureau_and_never_offered_other_bodies(actions):
    choices = ProgressReportFilterSet({}, queryset=ProgressReport.objects.all()).form
    offered = {body.code for body in choices.fields["bureau"].queryset}
    assert {"TSB", "BDT", "BR"} <= offered
    assert "T-SG17" not in offered
    study_group = ProgressReportFilterSet(
        {"bureau": "T-SG17"}, queryset=ProgressReport.objects.all()
    )
    assert not study_group.is_valid()
