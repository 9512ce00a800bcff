import datetime
import logging
import zoneinfo

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from actions.choices import ActionStatus, ReminderKind, ReportState, Role
from actions.models import Action, Notification, Reminder, ReportingObligation
from actions.services.common import DeliveryFailed
from actions.services.reminders import reminder_send, reminders_sweep
from tests import builders

GENEVA = zoneinfo.ZoneInfo("Europe/Zurich")
# Council opens 16 June 2026; secretariat documents are due 28 days earlier, 19 May.
OPENING = datetime.date(2026, 6, 16)
DEADLINE = datetime.date(2026, 5, 19)


@pytest.fixture
def council(db):
    return builders.meeting(OPENING)


@pytest.fixture
def reporting_action(db):
    action = builders.action(owner="TSB")
    ReportingObligation.objects.create(action=action, recipient="council_annual")
    return action


@pytest.fixture
def tsb_people(db):
    return [
        builders.user("tsb_a", bureau="TSB", role=Role.BUREAU_STAFF, email="a@itu.int"),
        builders.user("tsb_b", bureau="TSB", role=Role.COORDINATOR, email="b@itu.int"),
    ]


def at(day: datetime.date, hour: int = 6) -> datetime.datetime:
    """That day in Geneva, at the hour beat runs the sweep."""
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=GENEVA)


def days_before_deadline(days: int) -> datetime.datetime:
    return at(DEADLINE - datetime.timedelta(days=days))


def reminded(kind=ReminderKind.REMINDER) -> list[tuple[str, int]]:
    return sorted(
        Reminder.objects.filter(kind=kind).values_list("recipient__username", "days_before")
    )


def test_no_reminder_is_due_more_than_thirty_days_before_the_deadline(
    council, reporting_action, tsb_people
):
    assert reminders_sweep(now=days_before_deadline(31)) == []
    assert not Reminder.objects.exists()


def test_thirty_days_before_the_deadline_each_owning_bureau_member_is_reminded_once(
    council, reporting_action, tsb_people
):
    reminders_sweep(now=days_before_deadline(30))
    reminders_sweep(now=days_before_deadline(30))  # a double tick

    assert reminded() == [("tsb_a", 30), ("tsb_b", 30)]


def test_each_reminder_also_appears_in_the_app(council, reporting_action, tsb_people):
    reminders_sweep(now=days_before_deadline(30))

    assert sorted(Notification.objects.values_list("recipient__username", "subject")) == [
        ("tsb_a", "Council 2026: documents due 19 May 2026"),
        ("tsb_b", "Council 2026: documents due 19 May 2026"),
    ]


def test_a_missed_sweep_sends_the_stage_now_due_not_every_stage_passed(
    council, reporting_action, tsb_people
):
    reminders_sweep(now=days_before_deadline(5))

    assert set(Reminder.objects.values_list("days_before", flat=True)) == {7}


def test_staff_of_bureaux_without_open_council_actions_get_no_reminder(
    council, reporting_action, tsb_people
):
    builders.user("br_a", bureau="BR", role=Role.BUREAU_STAFF, email="c@itu.int")
    builders.user("tsb_reader", bureau="TSB", role=Role.READER, email="d@itu.int")
    completed = builders.action(owner="BR", status=ActionStatus.COMPLETED)
    ReportingObligation.objects.create(action=completed, recipient="council")

    reminders_sweep(now=days_before_deadline(7))

    assert reminded() == [("tsb_a", 7), ("tsb_b", 7)]


def test_the_focal_point_is_reminded_even_outside_the_owning_bureau(
    council, reporting_action, tsb_people
):
    focal = builders.user("gs_focal", bureau="GS", role=Role.READER, email="f@itu.int")
    reporting_action.focal_point = focal
    reporting_action.save()

    reminders_sweep(now=days_before_deadline(7))

    assert ("gs_focal", 7) in reminded()


def test_staff_of_a_contributing_bureau_are_reminded_of_the_actions_they_contribute_to(
    council, reporting_action, tsb_people
):
    reporting_action.collaborators.set([builders.body("BDT")])
    bdt = builders.user("bdt_a", bureau="BDT", role=Role.BUREAU_STAFF, email="c@itu.int")

    reminders_sweep(now=days_before_deadline(7))
    reminder = Reminder.objects.get(recipient=bdt)
    reminder_send(reminder_id=reminder.pk, now=days_before_deadline(7))

    assert f"Res. {reporting_action.resolution.number} · action 1" in mail.outbox[0].body
    assert "involves=BDT" in mail.outbox[0].body


def test_sent_reminder_lists_the_open_council_actions_and_is_sent_only_once(
    council, reporting_action, tsb_people
):
    now = days_before_deadline(14)
    reminder_id = reminders_sweep(now=now)[0]

    assert reminder_send(reminder_id=reminder_id, now=now) is True
    assert reminder_send(reminder_id=reminder_id, now=now) is False

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.subject == "Council 2026: documents due 19 May 2026"
    assert f"Res. {reporting_action.resolution.number} · action 1 (owner TSB" in message.body
    assert f"http://127.0.0.1:8000/actions/{reporting_action.pk}/" in message.body
    assert "in 14 days" in message.body
    reminder = Reminder.objects.get(pk=reminder_id)
    assert message.extra_headers["Message-ID"] == f"<{reminder.key}@127.0.0.1>"
    assert reminder.sent_at == now
    assert reminder_id not in reminders_sweep(now=now)


def test_a_long_list_is_counted_and_linked_not_written_out(council, tsb_people):
    resolution = builders.resolution()
    for _ in range(12):
        action = builders.action(resolution, owner="TSB")
        ReportingObligation.objects.create(action=action, recipient="council")
    now = days_before_deadline(7)
    reminder_send(reminder_id=reminders_sweep(now=now)[0], now=now)

    body = mail.outbox[0].body
    assert "12 open actions that concern you report to Council" in body
    assert body.count("· action ") == 5
    assert "The first 5 of 12 are shown." in body
    assert "/actions/?reports_to=council&reports_to=council_annual&status=" in body


def test_a_reminder_offered_twice_by_two_sweeps_is_sent_once(council, reporting_action, tsb_people):
    now = days_before_deadline(14)
    first = reminders_sweep(now=now)
    second = reminders_sweep(now=now)  # a double tick before any worker ran

    sent = [reminder_send(reminder_id=pk, now=now) for pk in first + second]

    assert sent.count(True) == len(first) == 2
    assert len(mail.outbox) == 2


def test_a_claim_never_completed_is_taken_over_by_the_sweep_after_the_lease(
    council, reporting_action, tsb_people, settings
):
    settings.REMINDER_LEASE_SECONDS = 600
    now = days_before_deadline(14)
    ids = reminders_sweep(now=now)
    # A worker claims one and dies before sending it.
    Reminder.objects.filter(pk=ids[0]).update(claimed_at=now)

    soon = now + datetime.timedelta(seconds=599)
    assert ids[0] not in reminders_sweep(now=soon)
    assert reminder_send(reminder_id=ids[0], now=soon) is False

    later = now + datetime.timedelta(seconds=601)
    assert ids[0] in reminders_sweep(now=later)
    assert reminder_send(reminder_id=ids[0], now=later) is True
    assert len(mail.outbox) == 1


def test_failed_send_is_recorded_logged_as_an_error_and_retried_after_a_growing_delay(
    council, reporting_action, tsb_people, settings, caplog
):
    settings.EMAIL_BACKEND = "tests.actions.test_reminders.FailingBackend"
    settings.REMINDER_RETRY_SECONDS = 300
    now = days_before_deadline(14)
    reminder_id = reminders_sweep(now=now)[0]

    with caplog.at_level(logging.ERROR, logger="actions.mail"), pytest.raises(DeliveryFailed):
        reminder_send(reminder_id=reminder_id, now=now)

    reminder = Reminder.objects.get(pk=reminder_id)
    assert (reminder.sent_at, reminder.claimed_at) == (None, None)
    assert reminder.error == "ConnectionError: SMTP server unreachable"
    assert reminder.next_attempt_at == now + datetime.timedelta(seconds=300)
    assert [r.levelname for r in caplog.records] == ["ERROR"]
    assert reminder_id not in reminders_sweep(now=now + datetime.timedelta(seconds=299))
    assert reminder_id in reminders_sweep(now=now + datetime.timedelta(seconds=300))

    with pytest.raises(DeliveryFailed) as second:
        reminder_send(reminder_id=reminder_id, now=now + datetime.timedelta(seconds=300))
    assert second.value.retry_in == 600


def test_when_the_deadline_passes_coordinators_get_one_escalation_listing_unreported_actions(
    council, reporting_action, tsb_people
):
    reported = builders.action(owner="TSB")
    ReportingObligation.objects.create(action=reported, recipient="council")
    builders.report(
        reported,
        author=tsb_people[0],
        state=ReportState.APPROVED,
        period_start=datetime.date(2025, 7, 1),
        period_end=datetime.date(2026, 5, 1),
    )
    after = at(DEADLINE + datetime.timedelta(days=1))

    ids = reminders_sweep(now=after)
    reminders_sweep(now=after + datetime.timedelta(days=1))

    assert reminded(ReminderKind.ESCALATION) == [("tsb_b", 0)]
    assert reminded(ReminderKind.REMINDER) == []
    reminder_send(reminder_id=ids[0], now=after)
    body = mail.outbox[0].body
    assert "1 action of your Bureau that reports to Council has no approved" in body
    assert f"Res. {reporting_action.resolution.number} · action" in body
    assert f"/actions/{reported.pk}/" not in body


def test_no_escalation_once_the_session_has_opened(council, reporting_action, tsb_people):
    assert reminders_sweep(now=at(OPENING + datetime.timedelta(days=1))) == []


def test_the_sweep_follows_geneva_dates_across_a_daylight_saving_change(db, tsb_people):
    """Summer time starts on 28 March 2027: Geneva moves from UTC+1 to UTC+2."""
    utc = datetime.UTC
    council = builders.meeting(datetime.date(2027, 4, 27))  # documents due 30 March
    assert council.document_deadline == datetime.date(2027, 3, 30)
    action = builders.action(owner="TSB")
    ReportingObligation.objects.create(action=action, recipient="council")

    # The 7-day reminder is due on 23 March in Geneva (UTC+1), not on 22 March in UTC.
    reminders_sweep(now=datetime.datetime(2027, 3, 22, 22, 30, tzinfo=utc))  # 23:30 on the 22nd
    assert reminded() == [("tsb_a", 14), ("tsb_b", 14)]
    reminders_sweep(now=datetime.datetime(2027, 3, 22, 23, 30, tzinfo=utc))  # 00:30 on the 23rd
    assert reminded() == [("tsb_a", 7), ("tsb_a", 14), ("tsb_b", 7), ("tsb_b", 14)]

    # After the change the escalation starts on 31 March in Geneva (UTC+2).
    reminders_sweep(now=datetime.datetime(2027, 3, 30, 21, 30, tzinfo=utc))  # 23:30 on the 30th
    assert reminded(ReminderKind.ESCALATION) == []
    reminders_sweep(now=datetime.datetime(2027, 3, 30, 22, 30, tzinfo=utc))  # 00:30 on the 31st
    assert reminded(ReminderKind.ESCALATION) == [("tsb_b", 0)]


def test_the_sweep_costs_the_same_queries_for_many_actions_as_for_one(
    council, reporting_action, tsb_people, django_assert_num_queries
):
    now = days_before_deadline(14)
    # Every e-mail's text is written by the sweep, not one query at a time:
    # + the recipients and the actions named (the due actions are read once);
    # on PostgreSQL, + ANALYZE of the reminders just written.
    expected = 14 if connection.vendor == "postgresql" else 13
    with django_assert_num_queries(expected):
        reminders_sweep(now=now)
    resolution = builders.resolution()
    for code in ("TSB", "BDT", "BR", "TSB"):
        action = builders.action(resolution, owner=code, collaborators=("GS",))
        ReportingObligation.objects.create(action=action, recipient="council")
        builders.user(bureau=code, role=Role.BUREAU_STAFF, email=f"{code}@itu.int")
    with django_assert_num_queries(expected):
        reminders_sweep(now=now + datetime.timedelta(days=1))
    assert Reminder.objects.count() == 6


def test_on_postgresql_the_planner_is_told_of_the_reminders_a_sweep_wrote(
    council, reporting_action, tsb_people
):
    with CaptureQueriesContext(connection) as captured:
        reminders_sweep(now=days_before_deadline(14))

    analyzed = [q["sql"] for q in captured if q["sql"].startswith("ANALYZE")]
    if connection.vendor == "postgresql":
        assert analyzed == ['ANALYZE "actions_reminder"']
        with connection.cursor() as cursor:
            cursor.execute("SELECT reltuples FROM pg_class WHERE relname = 'actions_reminder'")
            assert cursor.fetchone()[0] == Reminder.objects.count() == 2
    else:
        assert analyzed == []


def test_a_sweep_with_nothing_due_is_cheap(
    council, reporting_action, tsb_people, django_assert_num_queries
):
    with django_assert_num_queries(3):
        assert reminders_sweep(now=days_before_deadline(40)) == []


class FailingBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionError("SMTP server unreachable")


def test_staff_are_reminded_of_an_action_whose_resolution_reports_to_council(council, tsb_people):
    from actions.models import ResolutionReportingDuty

    action = builders.action(owner="TSB")
    ResolutionReportingDuty.objects.create(resolution=action.resolution, recipient="council_annual")
    now = days_before_deadline(14)
    reminder_id = reminders_sweep(now=now)[0]

    assert reminder_send(reminder_id=reminder_id, now=now) is True
    assert f"http://127.0.0.1:8000/actions/{action.pk}/" in mail.outbox[0].body


def test_the_sweeps_texts_are_those_written_one_at_a_time_and_a_later_day_writes_afresh(
    council, tsb_people
):
    """The sweep writes every e-mail's text at once; each must read as if written alone."""
    from actions.services.reminders import _reminder_message

    resolution = builders.resolution()
    for code, partners in (("TSB", ()), ("BDT", ("TSB",)), ("BR", ()), ("T-SG17", ()), ("BDT", ())):
        action = builders.action(resolution, owner=code, collaborators=partners)
        ReportingObligation.objects.create(action=action, recipient="council")
    for _ in range(6):  # more than an e-mail names, so it counts and links the rest
        action = builders.action(resolution, owner="TSB")
        ReportingObligation.objects.create(action=action, recipient="council_annual")
    outsider = builders.user("focal_gs", bureau="GS", role=Role.BUREAU_STAFF, email="g@itu.int")
    Action.objects.filter(owner__code="BR").update(focal_point=outsider)
    builders.user("bdt_a", bureau="BDT", role=Role.BUREAU_STAFF, email="d@itu.int")
    builders.user("bdt_c", bureau="BDT", role=Role.COORDINATOR, email="c@itu.int")

    def texts(now):
        """Each recipient's text as the sweep stored it, and as written alone at ``now``."""
        written = {}
        for reminder in Reminder.objects.select_related("meeting", "recipient__bureau"):
            reminder.claimed_at = now
            stored = _reminder_message(reminder)
            reminder.body = ""
            alone = _reminder_message(reminder)
            assert stored.subject == alone.subject
            written[reminder.recipient.username] = (stored.body, alone.body)
        return written

    now = days_before_deadline(14)
    reminders_sweep(now=now)
    same_day = texts(now)
    assert set(same_day) == {"tsb_a", "tsb_b", "bdt_a", "bdt_c", "focal_gs"}
    assert all(stored == alone for stored, alone in same_day.values())
    assert "9 open actions that concern you" in same_day["tsb_a"][0]
    assert "The first 5 of 9 are shown." in same_day["tsb_a"][0]
    assert "1 open action that concerns you" in same_day["focal_gs"][0]
    assert Reminder.objects.exclude(body="").count() == 5

    # A retry two days later says two days less, as written that day.
    later = days_before_deadline(12)
    stored, afresh = texts(later)["tsb_a"]
    assert stored == afresh
    assert "in 12 days" in stored

    # Escalations too, once the deadline has passed.
    after = days_before_deadline(-1)
    reminders_sweep(now=after)
    escalation = Reminder.objects.get(kind=ReminderKind.ESCALATION, recipient__username="bdt_c")
    escalation.claimed_at = after
    assert escalation.body
    escalation_alone = Reminder.objects.get(pk=escalation.pk)
    escalation_alone.body, escalation_alone.claimed_at = "", after
    assert _reminder_message(escalation).body == _reminder_message(escalation_alone).body
