"""A Council session's reporting period runs from the previous session's deadline to its own."""

import datetime

from actions.selectors import open_reporting_period, report_period_default, reporting_period
from tests import builders

D = datetime.date


def test_first_session_after_an_assembly_reports_from_the_day_after_it_closed(db):
    builders.assembly("WTSA-20", start=D(2022, 3, 1))  # closes 9 March 2022
    council = builders.meeting(D(2023, 7, 11))

    period = reporting_period(council)

    assert (period.start, period.end) == (D(2022, 3, 10), D(2023, 6, 13))


def test_a_session_reports_from_the_day_after_the_previous_deadline(db):
    builders.assembly("WTSA-20", start=D(2022, 3, 1))
    builders.meeting(D(2023, 7, 11))  # documents due 13 June 2023
    council = builders.meeting(D(2024, 6, 4))

    period = reporting_period(council)

    assert (period.start, period.end) == (D(2023, 6, 14), D(2024, 5, 7))


def test_a_new_assembly_leaves_no_gap_between_two_sessions(db):
    """Work on WTSA-20's texts from June to October 2024 goes to Council 2025 too."""
    builders.assembly("WTSA-20", start=D(2022, 3, 1))
    builders.meeting(D(2024, 6, 4))  # documents due 7 May 2024
    builders.assembly("WTSA-24", start=D(2024, 10, 15))  # closes 23 October 2024
    council = builders.meeting(D(2025, 6, 17))

    assert reporting_period(council).start == D(2024, 5, 8)


def test_overrides_of_the_start_and_the_deadline_are_used(db):
    builders.meeting(D(2023, 7, 11))
    council = builders.meeting(
        D(2024, 6, 4),
        reporting_period_start_override=D(2023, 7, 1),
        document_deadline_override=D(2024, 5, 1),
    )

    period = reporting_period(council)

    assert (period.start, period.end) == (D(2023, 7, 1), D(2024, 5, 1))


def test_other_bodies_sessions_do_not_cut_a_council_period(db):
    builders.meeting(D(2023, 7, 11))
    builders.meeting(D(2024, 1, 22), kind="tsag", name="TSAG 2024")
    council = builders.meeting(D(2024, 6, 4))

    assert reporting_period(council).start == D(2023, 6, 14)


def test_the_open_period_is_that_of_the_next_council_session(db):
    builders.meeting(D(2023, 7, 11))
    next_council = builders.meeting(D(2024, 6, 4))

    period = open_reporting_period(D(2024, 1, 15))

    assert period.meeting == next_council
    assert (period.start, period.end) == (D(2023, 6, 14), D(2024, 5, 7))


def test_no_open_period_without_a_next_session(db):
    builders.meeting(D(2023, 7, 11))

    assert open_reporting_period(D(2024, 1, 15)) is None


def test_a_report_on_a_new_assemblys_action_starts_at_its_close(db):
    builders.meeting(D(2024, 6, 4))  # documents due 7 May 2024
    builders.meeting(D(2025, 6, 17))
    wtsa20 = builders.assembly("WTSA-20", start=D(2022, 3, 1))
    wtsa24 = builders.assembly("WTSA-24", start=D(2024, 10, 15))  # closes 23 October 2024

    assert report_period_default(D(2024, 11, 1), wtsa24)[0] == D(2024, 10, 24)
    assert report_period_default(D(2024, 11, 1), wtsa20)[0] == D(2024, 5, 8)
    assert report_period_default(D(2024, 11, 1))[0] == D(2024, 5, 8)


def test_a_report_on_an_assembly_that_closed_after_the_deadline_runs_from_its_close(db):
    builders.meeting(D(2024, 6, 4))  # documents due 7 May 2024
    builders.meeting(D(2024, 11, 20))  # documents due 23 October 2024; opens later
    wtsa24 = builders.assembly("WTSA-24", start=D(2024, 10, 20))  # closes 28 October 2024

    # Not the open period (8 May – 23 October), which its texts never saw.
    assert report_period_default(D(2024, 11, 1), wtsa24) == (D(2024, 10, 29), D(2024, 11, 1))
