import datetime

import icalendar
import pytest
import time_machine
from django.urls import reverse

from actions.choices import EmailDelivery, ReportState
from actions.models import (
    Action,
    GoverningBodyMeeting,
    Notification,
    NotificationSettings,
    ReportingObligation,
)
from actions.services.notifications import notification_settings_get
from actions.services.reports import progress_report_create, progress_report_transition
from tests import builders

NOW = datetime.datetime(2026, 12, 2, 9, 0, tzinfo=datetime.UTC)


def submit(action, author):
    return progress_report_create(
        action=action,
        by=author,
        text="Two workshops.",
        period_start=datetime.date(2025, 6, 1),
        period_end=datetime.date(2026, 3, 1),
        submit=True,
    )


def test_a_submitted_report_shows_in_the_coordinators_header_and_page(
    login, tsb_action, tsb_staff, tsb_coordinator
):
    submit(tsb_action, tsb_staff)

    page = login(tsb_coordinator).get(reverse("dashboard")).content.decode()
    assert '<span class="badge">1<span class="visually-hidden"> unread</span>' in page

    page = login(tsb_coordinator).get(reverse("notification_list")).content.decode()
    assert "a progress report awaits your approval" in page
    assert f"/actions/{tsb_action.pk}/#report-" in page


def test_marking_one_read_leaves_the_others_unread(login, tsb_action, tsb_staff, tsb_coordinator):
    submit(tsb_action, tsb_staff)
    submit(tsb_action, tsb_staff)
    first = Notification.objects.filter(recipient=tsb_coordinator).first()
    client = login(tsb_coordinator)

    response = client.post(reverse("notifications_read"), {"id": first.pk})

    assert response.status_code == 302
    assert list(Notification.objects.filter(read_at__isnull=True).values_list("pk", flat=True)) == [
        n.pk for n in Notification.objects.exclude(pk=first.pk)
    ]
    client.post(reverse("notifications_read"))
    assert not Notification.objects.filter(read_at__isnull=True).exists()


@pytest.mark.parametrize(
    "value", ["99999999999999999999999", "-3", "0", "²", "٣", "1_0", " 1 ", "one"]
)
def test_marking_an_unreadable_notification_read_says_so_and_changes_nothing(
    login, tsb_action, tsb_staff, tsb_coordinator, value
):
    submit(tsb_action, tsb_staff)

    response = login(tsb_coordinator).post(
        reverse("notifications_read"), {"id": value}, follow=True
    )

    assert response.status_code == 200
    assert "That notification does not exist." in response.content.decode()
    assert Notification.objects.filter(read_at__isnull=True).count() == 1


def test_nobody_marks_another_users_notifications_read(
    login, tsb_action, tsb_staff, tsb_coordinator
):
    submit(tsb_action, tsb_staff)
    theirs = Notification.objects.get(recipient=tsb_coordinator)

    login(tsb_staff).post(reverse("notifications_read"), {"id": theirs.pk})

    assert Notification.objects.get(pk=theirs.pk).read_at is None


def test_a_user_chooses_a_daily_digest_and_a_bad_choice_changes_nothing(login, tsb_coordinator):
    client = login(tsb_coordinator)

    client.post(reverse("notification_settings"), {"email_delivery": "daily"})
    assert notification_settings_get(user=tsb_coordinator).email_delivery == EmailDelivery.DAILY

    response = client.post(
        reverse("notification_settings"), {"email_delivery": "hourly"}, follow=True
    )
    assert "Choose how notifications reach you: nothing was changed." in response.content.decode()
    assert notification_settings_get(user=tsb_coordinator).email_delivery == EmailDelivery.DAILY


def test_the_notifications_page_costs_the_same_queries_for_many_rows(
    login, tsb_action, tsb_staff, tsb_coordinator, django_assert_num_queries
):
    client = login(tsb_coordinator)
    client.get(reverse("notification_list"))  # makes the settings row
    submit(tsb_action, tsb_staff)
    with django_assert_num_queries(7):
        client.get(reverse("notification_list"))
    for _ in range(5):
        submit(tsb_action, tsb_staff)
    with django_assert_num_queries(7):
        client.get(reverse("notification_list"))


def notices(user, count: int) -> None:
    """``count`` notifications for ``user``, "Notice number 001" the oldest."""
    Notification.objects.bulk_create(
        Notification(
            key=f"test-{number}",
            recipient=user,
            kind="report_submitted",
            subject=f"Notice number {number:03d}",
            created_at=NOW + datetime.timedelta(minutes=number),
            next_attempt_at=NOW,
        )
        for number in range(1, count + 1)
    )


def test_older_notifications_are_on_later_pages(login, tsb_coordinator):
    notices(tsb_coordinator, 94)
    client = login(tsb_coordinator)

    first = client.get(reverse("notification_list")).content.decode()
    second = client.get(reverse("notification_list"), {"page": 2}).content.decode()

    assert "Notice number 094" in first
    assert "Notice number 044" not in first
    assert "Showing 1–50 of 94, the latest first." in first
    assert 'rel="next"' in first
    assert "Notice number 044" in second
    assert "Notice number 001" in second
    assert "Notice number 045" not in second
    assert "Showing 51–94 of 94, the latest first." in second


# --- The calendar feed ----------------------------------------------------------


@pytest.fixture
def council_action(db, tsb_staff):
    builders.meeting(datetime.date(2026, 4, 28), end_date=datetime.date(2026, 5, 8))
    builders.meeting(datetime.date(2027, 6, 1), place="Geneva")
    action = builders.action(
        owner="TSB", focal_point=tsb_staff, target_date=datetime.date(2027, 2, 1)
    )
    ReportingObligation.objects.create(action=action, recipient="council")
    return action


def feed(client, token, **params):
    with time_machine.travel(NOW, tick=False):
        return client.get(reverse("calendar_feed", args=[token]), params)


def events(response):
    calendar = icalendar.Calendar.from_ical(response.content)
    return {
        str(event["uid"]): (str(event["summary"]), event.decoded("dtstart"), str(event["status"]))
        for event in calendar.walk("VEVENT")
    }


def test_the_feed_parses_and_holds_the_deadlines_that_concern_the_user(
    client, council_action, tsb_staff
):
    token = notification_settings_get(user=tsb_staff).calendar_token

    response = feed(client, token)

    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    found = events(response)
    council = GoverningBodyMeeting.objects.get(start_date=datetime.date(2027, 6, 1))
    assert found[f"meeting-{council.pk}-documents@127.0.0.1"] == (
        "Secretariat documents due: Council 2027",
        datetime.date(2027, 5, 4),
        "CONFIRMED",
    )
    assert found[f"meeting-{council.pk}-session@127.0.0.1"][1] == datetime.date(2027, 6, 1)
    assert found[f"action-{council_action.pk}-target@127.0.0.1"] == (
        f"Target date: Res. {council_action.resolution.number} · action 1",
        datetime.date(2027, 2, 1),
        "CONFIRMED",
    )
    # The same UIDs on the next fetch: calendars update events instead of duplicating them.
    assert set(events(feed(client, token))) == set(found)


def test_a_date_stored_at_the_end_of_the_calendar_leaves_the_feed_readable(
    client, council_action, tsb_staff
):
    # Forms and the API refuse such a date now; one stored before still must not break the feed.
    Action.objects.filter(pk=council_action.pk).update(target_date=datetime.date.max)
    token = notification_settings_get(user=tsb_staff).calendar_token

    response = feed(client, token)

    assert response.status_code == 200
    target = events(response)[f"action-{council_action.pk}-target@127.0.0.1"]
    assert target[1] == datetime.date.max
    [event] = [
        event
        for event in icalendar.Calendar.from_ical(response.content).walk("VEVENT")
        if str(event["uid"]).startswith(f"action-{council_action.pk}-")
    ]
    assert "DTEND" not in event  # a day long, as an event without an end is


def test_a_provisional_session_is_marked_so_in_the_feed(client, tsb_staff):
    builders.meeting(datetime.date(2026, 4, 28), end_date=datetime.date(2026, 5, 8))
    action = builders.action(owner="TSB")
    ReportingObligation.objects.create(action=action, recipient="council")
    token = notification_settings_get(user=tsb_staff).calendar_token

    found = events(feed(client, token))

    assert found["projected-council-2027-documents@127.0.0.1"] == (
        "Secretariat documents due: Council 2027 (provisional)",
        datetime.date(2027, 3, 31),
        "TENTATIVE",
    )


def test_a_user_with_nothing_due_at_council_gets_no_council_deadline(
    client, council_action, br_staff
):
    token = notification_settings_get(user=br_staff).calendar_token

    assert events(feed(client, token)) == {}


def test_the_bureau_feed_adds_the_targets_of_every_action_the_bureau_owns(client, tsb_staff):
    def targets(response):
        return {summary for summary, _, _ in events(response).values() if "Target" in summary}

    def action(resolution, number, **extra):
        return builders.action(
            builders.resolution(resolution), target_date=datetime.date(2027, 2, number), **extra
        )

    action(70, 1, owner="TSB", focal_point=tsb_staff)
    action(71, 2, owner="TSB")
    action(72, 3, owner="SG17")  # a study group TSB supports
    action(73, 4, owner="BDT", focal_point=tsb_staff)
    action(74, 5, owner="BDT")
    action(75, 6, owner="TSB", status="completed")
    token = notification_settings_get(user=tsb_staff).calendar_token

    assert targets(feed(client, token)) == {
        "Target date: Res. 70 · action 1",
        "Target date: Res. 73 · action 1",
    }
    assert targets(feed(client, token, scope="bureau")) == {
        "Target date: Res. 70 · action 1",
        "Target date: Res. 71 · action 1",
        "Target date: Res. 72 · action 1",
        "Target date: Res. 73 · action 1",  # the user's own, though BDT owns it
    }


def test_the_feed_goes_back_a_year_of_target_dates_and_no_further(client, tsb_staff):
    # A year before NOW (2026-12-02) is 2025-12-02.
    for number, target in enumerate(
        (datetime.date(2025, 12, 2), datetime.date(2025, 12, 1), datetime.date(1984, 1, 1)),
        start=70,
    ):
        builders.action(
            builders.resolution(number), owner="TSB", focal_point=tsb_staff, target_date=target
        )
    token = notification_settings_get(user=tsb_staff).calendar_token

    for scope in ({}, {"scope": "bureau"}):
        dates = [start for _, start, _ in events(feed(client, token, **scope)).values()]
        assert dates == [datetime.date(2025, 12, 2)]


def test_an_unknown_calendar_scope_is_refused_with_the_two_it_takes(
    client, council_action, tsb_staff
):
    token = notification_settings_get(user=tsb_staff).calendar_token

    response = feed(client, token, scope="bureaux")

    assert response.status_code == 400
    assert "No calendar scope “bureaux”" in response.content.decode()
    assert "scope=bureau" in response.content.decode()


def test_a_rotated_calendar_url_stops_working(login, client, council_action, tsb_staff):
    old = notification_settings_get(user=tsb_staff).calendar_token

    login(tsb_staff).post(reverse("calendar_rotate"))
    client.logout()

    new = NotificationSettings.objects.get(user=tsb_staff).calendar_token
    assert new != old
    assert feed(client, old).status_code == 404
    assert feed(client, new).status_code == 200


def test_an_unknown_calendar_url_is_not_found(client, db):
    assert feed(client, "not-a-token").status_code == 404
    # PostgreSQL refuses a NUL in a query: the address is still only not found.
    assert client.get("/calendar/a%00b.ics").status_code == 404


def test_a_returned_report_shows_its_reason_on_the_authors_page(
    login, tsb_action, tsb_staff, tsb_coordinator
):
    report = submit(tsb_action, tsb_staff)
    progress_report_transition(
        report=report, to=ReportState.RETURNED, by=tsb_coordinator, note="Add the evidence."
    )

    page = login(tsb_staff).get(reverse("notification_list")).content.decode()
    assert "your report was returned" in page
    assert "Reason: Add the evidence." in page


def test_marking_one_read_goes_back_to_the_page_it_was_on(login, tsb_coordinator):
    notices(tsb_coordinator, 59)
    old = Notification.objects.get(key="test-2")
    client = login(tsb_coordinator)

    page = client.get(reverse("notification_list"), {"page": 2}).content.decode()
    response = client.post(reverse("notifications_read"), {"id": old.pk, "page": 2})
    forged = client.post(reverse("notifications_read"), {"id": old.pk, "page": "2x//evil"})

    assert '<input type="hidden" name="page" value="2">' in page
    assert response.url == f"{reverse('notification_list')}?page=2#notification-{old.pk}"
    assert forged.url == reverse("notification_list")
    old.refresh_from_db()
    assert old.read_at is not None
