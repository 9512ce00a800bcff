"""A reporting duty written once for a whole resolution covers every one of its actions."""

from pathlib import Path

import pytest
from django.core.management import call_command

from actions.choices import ReportingRecipient
from actions.filtersets import ActionFilterSet
from actions.importing import resolution_import
from actions.models import Action, ResolutionReportingDuty
from resolutions.parsing import parse_text
from resolutions.parsing.directives import reports_to, resolution_reports_to

SEED = Path(__file__).resolve().parents[2] / "fixtures" / "wtsa20_itud_background.txt"


@pytest.mark.parametrize(
    ("text", "whole"),
    [
        (
            "to report on progress on the application of this resolution annually to the "
            "ITU Council and to the next world telecommunication standardization assembly;",
            ("council_annual", "next_wtsa"),
        ),
        (
            "to report annually to the Council on progress in implementing this resolution;",
            ("council_annual",),
        ),
        (
            "to report on progress on the implementation of this resolution annually to the "
            "Council;",
            ("council_annual",),
        ),
        ("to report annually to the Council on the CIRTs established;", ()),
        (
            "to report on the implementation of this plan to future world telecommunication "
            "standardization assemblies, with a view to reviewing this resolution;",
            (),
        ),
        ("to take necessary action to progress implementation of this resolution.", ()),
    ],
)
def test_a_duty_on_progress_in_implementing_this_resolution_covers_the_whole_resolution(
    text, whole
):
    assert resolution_reports_to(text) == whole
    assert set(whole) <= set(reports_to(text))


def _import_seed(assembly):
    return resolution_import(
        document=parse_text(SEED.read_text(encoding="utf-8")), assembly=assembly
    )


def test_on_the_seed_every_action_of_resolution_73_reports_to_council_not_only_one(wtsa20):
    _import_seed(wtsa20)

    res73 = Action.objects.filter(resolution__number=73)
    own_duty = res73.filter(obligations__recipient__in=["council", "council_annual"])

    assert own_duty.count() == 1
    assert res73.count() == 10
    assert res73.reporting_to_council().count() == 10
    assert set(
        ResolutionReportingDuty.objects.filter(resolution__number=73).values_list(
            "recipient", "clause__text"
        )
    ) == {
        (ReportingRecipient.COUNCIL_ANNUAL, own_duty.get().clause.text),
        (ReportingRecipient.NEXT_WTSA, own_duty.get().clause.text),
    }


def test_the_shipped_data_has_the_resolution_duties_too(wtsa20):
    call_command("loaddata", "wtsa20", verbosity=0)

    assert Action.objects.filter(resolution__number=73).reporting_to_council().count() == 10


def test_the_reports_to_filter_finds_actions_by_their_resolutions_duty(wtsa20):
    _import_seed(wtsa20)

    filtered = ActionFilterSet(
        {"resolution": "73", "reports_to": "council_annual"}, queryset=Action.objects.all()
    ).qs

    assert filtered.count() == 10


def test_a_resolution_whose_text_says_nothing_of_itself_keeps_item_duties_only(wtsa20):
    _import_seed(wtsa20)

    cirts = Action.objects.filter(resolution__number=58)

    assert not ResolutionReportingDuty.objects.filter(resolution__number=58).exists()
    assert (
        cirts.reporting_to_council().count()
        == cirts.filter(obligations__recipient__in=["council", "council_annual"]).count()
    )


def test_importing_again_adds_no_duty_twice(wtsa20):
    _import_seed(wtsa20)
    before = list(ResolutionReportingDuty.objects.values_list("pk", "resolution", "recipient"))

    report = _import_seed(wtsa20)

    assert list(ResolutionReportingDuty.objects.values_list("pk", "resolution", "recipient")) == (
        before
    )
    assert not any("every action reports to" in change for change in report.changes)


def test_importing_again_gives_a_database_filled_before_the_duties_its_missing_ones(wtsa20):
    _import_seed(wtsa20)
    ResolutionReportingDuty.objects.all().delete()
    actions_before = list(Action.objects.values_list("pk", "version"))

    report = _import_seed(wtsa20)

    assert ResolutionReportingDuty.objects.count() == 6
    assert Action.objects.filter(resolution__number=73).reporting_to_council().count() == 10
    assert list(Action.objects.values_list("pk", "version")) == actions_before
    assert "Resolution 73: every action reports to ITU Council, annually" in " ".join(
        report.changes
    )
