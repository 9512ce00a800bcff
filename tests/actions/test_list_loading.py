"""What lists load: no resolution texts or credentials, and labels without rebuilding choices."""

from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from actions.choices import ActionStatus, ReportingRecipient, ReportState, Strength, choice_label
from actions.models import Action, ProgressReport, ReportingObligation, StatusChange
from tests import builders


def test_choice_label_gives_the_translated_label_of_a_stored_value():
    assert choice_label(ActionStatus, "in_progress") == "In progress"
    assert choice_label(ReportingRecipient, "council_annual") == "ITU Council, annually"


def test_choice_label_gives_back_a_value_outside_the_choices_unchanged():
    assert choice_label(ActionStatus, "abandoned") == "abandoned"


def test_choice_label_translates_each_label_once_per_language():
    choice_label(Strength, "invites")
    with mock.patch.object(translation, "gettext", side_effect=AssertionError) as gettext:
        for _ in range(100):
            assert choice_label(Strength, "invites") == "Invites"
    gettext.assert_not_called()


@pytest.mark.django_db
def test_display_methods_read_the_cached_labels(tsb_action, tsb_staff):
    tsb_action.status = ActionStatus.ONGOING
    assert tsb_action.get_status_display() == "Ongoing"
    assert tsb_action.get_strength_display() == "Instructs"
    duty = ReportingObligation(action=tsb_action, recipient=ReportingRecipient.NEXT_WTSA)
    assert duty.get_recipient_display() == str(duty) == "Next WTSA"
    change = StatusChange(from_status="not_started", to_status="completed")
    assert str(change) == "Not started → Completed"
    report = builders.report(tsb_action, author=tsb_staff, state=ReportState.SUBMITTED)
    assert report.get_state_display() == "Submitted"


@pytest.mark.django_db
def test_listing_actions_reads_neither_resolution_texts_nor_passwords(tsb_staff):
    res = builders.resolution(source_text="A long imported text. " * 100, overview="Overview")
    builders.action(res, focal_point=tsb_staff)
    with CaptureQueriesContext(connection) as captured:
        actions = list(Action.objects.for_list())
    sql = " ".join(q["sql"] for q in captured.captured_queries)
    assert actions[0].focal_point.username == "tsb_staff"
    assert actions[0].resolution.number == res.number
    assert "source_text" not in sql
    assert '"overview"' not in sql
    assert "password" not in sql


@pytest.mark.django_db
def test_listing_reports_reads_neither_resolution_texts_nor_passwords(tsb_action, tsb_staff):
    builders.report(tsb_action, author=tsb_staff)
    with CaptureQueriesContext(connection) as captured:
        reports = list(ProgressReport.objects.for_list())
    sql = " ".join(q["sql"] for q in captured.captured_queries)
    assert reports[0].author.username == "tsb_staff"
    assert "source_text" not in sql
    assert "password" not in sql
