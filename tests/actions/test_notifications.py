import datetime
import re

import pytest
from django.core import mail
from django.db import transaction

from actions.choices import EmailDelivery, NotificationKind, ReportState, Role
from actions.models import Notification
from actions.services.actions import action_transition
from actions.services.notifications import (
    digest_recipients,
    digest_send,
    notification_email_send,
    notification_settings_update,
    notifications_mark_read,
    notifications_to_email,
)
from actions.services.reports import progress_report_create, progress_report_transition
from tests import builders

PERIOD = {"period_start": datetime.date(2025, 6, 1), "period_end": datetime.date(2026, 3, 1)}


def inbox(user) -> list[tuple[str, str]]:
    return [(n.kind, n.subject) for n in Notification.objects.filter(recipient=user)]


def submit(action, author):
    return progress_report_create(
        action=action, by=author, text="Two workshops.", submit=True, **PERIOD
    )


def test_a_submitted_report_notifies_the_coordinators_of_its_bureau_and_nobody_else(
    tsb_action, tsb_staff, tsb_coordinator, bdt_coordinator
):
    other = builders.user("tsb_coordinator2", bureau="TSB", role=Role.COORDINATOR)

    report = submit(tsb_action, tsb_staff)

    label = f"Res. {tsb_action.resolution.number} · action {tsb_action.number}"
    expected = [
        (NotificationKind.REPORT_SUBMITTED, f"{label}: a progress report awaits your approval")
    ]
    assert inbox(tsb_coordinator) == expected
    assert inbox(other) == expected
    assert inbox(bdt_coordinator) == []
    assert inbox(tsb_staff) == []
    assert Notification.objects.get(recipient=tsb_coordinator).url.endswith(
        f"/actions/{tsb_action.pk}/#report-{report.pk}"
    )


def test_a_returned_report_tells_its_author_why(tsb_action, tsb_staff, tsb_coordinator):
    report = submit(tsb_action, tsb_staff)

    progress_report_transition(
        report=report, to=ReportState.RETURNED, by=tsb_coordinator, note="Add the evidence."
    )

    [notification] = Notification.objects.filter(recipient=tsb_staff)
    assert notification.kind == NotificationKind.REPORT_RETURNED
    assert notification.subject.endswith("your report was returned")
    assert notification.body == "Reason: Add the evidence."


def test_an_approved_report_tells_its_author(tsb_action, tsb_staff, tsb_coordinator):
    report = submit(tsb_action, tsb_staff)

    progress_report_transition(report=report, to=ReportState.APPROVED, by=tsb_coordinator)

    [notification] = Notification.objects.filter(recipient=tsb_staff)
    assert notification.kind == NotificationKind.REPORT_APPROVED
    assert notification.body == f"Approved by {tsb_coordinator}."


def test_once_reviewed_no_coordinator_is_still_asked_to_review_the_report(
    tsb_action, tsb_staff, tsb_coordinator
):
    other = builders.user("tsb_coordinator2", bureau="TSB", role=Role.COORDINATOR)
    report = submit(tsb_action, tsb_staff)
    elsewhere = submit(builders.action(owner="TSB"), tsb_staff)

    progress_report_transition(report=report, to=ReportState.APPROVED, by=tsb_coordinator)

    unread = Notification.objects.filter(read_at__isnull=True, kind="report_submitted")
    assert {(n.recipient, n.url.rsplit("-", 1)[1]) for n in unread} == {
        (tsb_coordinator, str(elsewhere.pk)),
        (other, str(elsewhere.pk)),
    }


def test_the_period_of_a_submitted_report_reads_as_on_the_pages(
    tsb_action, tsb_staff, tsb_coordinator
):
    submit(tsb_action, tsb_staff)

    body = Notification.objects.get(recipient=tsb_coordinator).body
    assert "for 1 June 2025 – 1 March 2026." in body
    assert not re.search(r"\d\d\.\d\d\.\d{4}", body)


def test_a_resubmitted_report_notifies_the_coordinator_again(
    tsb_action, tsb_staff, tsb_coordinator
):
    report = submit(tsb_action, tsb_staff)
    progress_report_transition(report=report, to=ReportState.RETURNED, by=tsb_coordinator, note="x")

    progress_report_transition(report=report, to=ReportState.SUBMITTED, by=tsb_staff)

    assert Notification.objects.filter(recipient=tsb_coordinator).count() == 2


def test_a_status_change_notifies_the_focal_point_and_collaborators_who_reported(
    tsb_action, tsb_staff, bdt_staff, br_staff
):
    focal = builders.user("focal", bureau="TSB", role=Role.BUREAU_STAFF)
    tsb_action.focal_point = focal
    tsb_action.save()
    builders.report(tsb_action, author=bdt_staff)  # BDT contributes and reported
    builders.report(tsb_action, author=tsb_staff)  # the owner's own report: not a collaborator

    action_transition(action=tsb_action, to="in_progress", by=tsb_staff, note="Kick-off")

    recipients = set(Notification.objects.values_list("recipient__username", flat=True))
    assert recipients == {"focal", "bdt_staff"}
    notification = Notification.objects.get(recipient=focal)
    assert notification.subject.endswith("is now “In progress”")
    assert notification.body == "Kick-off"


def test_nobody_is_notified_of_their_own_change(tsb_action, tsb_staff):
    tsb_action.focal_point = tsb_staff
    tsb_action.save()

    action_transition(action=tsb_action, to="in_progress", by=tsb_staff)

    assert not Notification.objects.exists()


def test_a_refused_change_notifies_nobody(tsb_action, br_staff):
    with pytest.raises(Exception):  # noqa: B017, PT011 (refused: which refusal is tested elsewhere)
        action_transition(action=tsb_action, to="in_progress", by=br_staff)

    assert not Notification.objects.exists()


def test_notifications_are_marked_read_one_or_all(tsb_action, tsb_staff, tsb_coordinator):
    for _ in range(3):
        builders_report = submit(tsb_action, tsb_staff)
    first = Notification.objects.filter(recipient=tsb_coordinator).first()

    assert notifications_mark_read(user=tsb_coordinator, ids=[first.pk]) == 1
    assert Notification.objects.filter(recipient=tsb_coordinator).unread().count() == 2
    assert notifications_mark_read(user=tsb_staff) == 0  # not theirs
    assert notifications_mark_read(user=tsb_coordinator) == 2
    assert builders_report is not None


@pytest.mark.django_db(transaction=True)
def test_an_immediate_e_mail_reaches_a_real_smtp_server_with_a_stable_message_id(
    smtp_server, settings
):
    for name, value in smtp_server.settings().items():
        setattr(settings, name, value)
    author = builders.user("author", bureau="TSB", role=Role.BUREAU_STAFF)
    coordinator = builders.user("coord", bureau="TSB", role=Role.COORDINATOR, email="c@itu.int")
    action = builders.action(owner="TSB")
    with transaction.atomic():
        submit(action, author)
    now = datetime.datetime.now(tz=datetime.UTC)

    [notification_id] = notifications_to_email(now=now)
    assert notification_email_send(notification_id=notification_id, now=now) is True
    assert notifications_to_email(now=now) == []

    [message] = smtp_server.messages
    assert message["To"] == "c@itu.int"
    assert "awaits your approval" in message["Subject"]
    notification = Notification.objects.get(recipient=coordinator)
    assert message["Message-ID"] == f"<{notification.key}@127.0.0.1>"
    assert f"http://127.0.0.1:8000/actions/{action.pk}/#report-" in message.get_content()


def test_a_user_who_chose_no_e_mail_is_only_told_in_the_app(tsb_action, tsb_staff, tsb_coordinator):
    tsb_coordinator.email = "c@itu.int"
    tsb_coordinator.save()
    notification_settings_update(user=tsb_coordinator, email_delivery=EmailDelivery.NONE)

    submit(tsb_action, tsb_staff)

    assert Notification.objects.filter(recipient=tsb_coordinator).count() == 1
    assert notifications_to_email(now=datetime.datetime.now(tz=datetime.UTC)) == []


def test_an_unknown_e_mail_choice_is_refused_and_changes_nothing(tsb_coordinator):
    with pytest.raises(ValueError, match="weekly"):
        notification_settings_update(user=tsb_coordinator, email_delivery="weekly")


def test_a_daily_digest_gathers_the_day_in_one_e_mail_sent_once(
    tsb_action, tsb_staff, tsb_coordinator
):
    tsb_coordinator.email = "c@itu.int"
    tsb_coordinator.save()
    notification_settings_update(user=tsb_coordinator, email_delivery=EmailDelivery.DAILY)
    submit(tsb_action, tsb_staff)
    submit(tsb_action, tsb_staff)
    now = datetime.datetime.now(tz=datetime.UTC)

    assert notifications_to_email(now=now) == []  # not one by one
    assert digest_recipients(now=now) == [tsb_coordinator.pk]
    assert digest_send(user_id=tsb_coordinator.pk, now=now) == 2
    assert digest_send(user_id=tsb_coordinator.pk, now=now) == 0

    [message] = mail.outbox
    assert message.subject == "WTSA Implementation Tracker: 2 notifications"
    assert message.body.count("awaits your approval") == 2
    assert digest_recipients(now=now) == []


def test_an_event_queues_the_e_mails_of_its_own_notifications_and_no_backlog(
    tsb_action, tsb_staff, tsb_coordinator, monkeypatch, django_capture_on_commit_callbacks
):
    from actions import tasks
    from actions.services import notifications

    tsb_coordinator.email = "c@itu.int"
    tsb_coordinator.save()
    queued_tasks, queued_ids = [], []
    monkeypatch.setattr(
        notifications.current_app,
        "send_task",
        lambda name, kwargs: queued_tasks.append((name, kwargs)),
    )
    monkeypatch.setattr(tasks.send_notification_email, "delay", queued_ids.append)
    with django_capture_on_commit_callbacks(execute=True):
        submit(tsb_action, tsb_staff)  # left unsent: a backlog
    with django_capture_on_commit_callbacks(execute=True):
        submit(tsb_action, tsb_staff)
    first, second = Notification.objects.filter(recipient=tsb_coordinator).order_by("pk")

    assert queued_tasks[-1] == (notifications.DELIVER_TASK, {"keys": [second.key]})
    assert tasks.send_notification_emails(**queued_tasks[-1][1]) == 1
    assert queued_ids == [second.pk]


def test_the_periodic_sweep_sends_every_due_e_mail_itself_queueing_none(
    tsb_action, tsb_staff, tsb_coordinator, monkeypatch
):
    from actions import tasks

    tsb_coordinator.email = "c@itu.int"
    tsb_coordinator.save()
    submit(tsb_action, tsb_staff)
    submit(tsb_action, tsb_staff)
    monkeypatch.setattr(tasks.send_notification_email, "delay", pytest.fail)

    assert tasks.send_notification_emails() == 2

    assert sorted(message.to[0] for message in mail.outbox) == ["c@itu.int", "c@itu.int"]
    assert notifications_to_email(now=datetime.datetime.now(tz=datetime.UTC)) == []


def test_one_notification_that_fails_to_build_does_not_stop_the_sweep(
    tsb_action, tsb_staff, tsb_coordinator, monkeypatch
):
    from actions import tasks
    from actions.services import notifications

    tsb_coordinator.email = "c@itu.int"
    tsb_coordinator.save()
    submit(tsb_action, tsb_staff)
    submit(tsb_action, tsb_staff)
    first = Notification.objects.order_by("pk").first()
    build = notifications._notification_message

    def broken_for_the_first(notification):
        if notification.pk == first.pk:
            raise KeyError("a template fault")
        return build(notification)

    monkeypatch.setattr(notifications, "_notification_message", broken_for_the_first)

    assert tasks.send_notification_emails() == 1

    assert len(mail.outbox) == 1
    assert Notification.objects.filter(emailed_at__isnull=True).get() == first
