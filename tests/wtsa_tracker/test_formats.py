import datetime

from django import forms
from django.urls import reverse
from django.utils import formats

from tests import builders


def test_dates_are_written_day_month_year_and_typed_day_before_month():
    day = datetime.date(2026, 12, 5)

    assert formats.date_format(day) == "5 December 2026"
    assert formats.date_format(day, "SHORT_DATE_FORMAT") == "5 Dec 2026"
    moment = datetime.datetime(2026, 12, 5, 14, 5, tzinfo=datetime.UTC)
    assert formats.date_format(moment, "DATETIME_FORMAT") == "5 December 2026, 14:05"
    for typed in ("2026-12-05", "05/12/2026", "05.12.2026", "5 December 2026"):
        assert forms.DateField().clean(typed) == day, typed


def test_the_admin_shows_dates_as_the_pages_do(client, superuser):
    builders.action(target_date=datetime.date(2027, 3, 1))
    client.force_login(superuser)

    page = client.get(reverse("admin:actions_action_changelist")).content.decode()

    assert "1 March 2027" in page
    assert "March 1, 2027" not in page
