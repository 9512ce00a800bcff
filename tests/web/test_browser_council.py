"""A TSB coordinator checks readiness for the next Council session and approves in bulk.

Drives Debian's Chromium against the live server, and runs axe-core on every
page: no accessibility violation is allowed.
"""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from actions.choices import ReportingRecipient, ReportState, Role
from actions.models import ProgressReport, ResolutionReportingDuty
from tests import builders
from tests.web.test_browser import assert_accessible, assert_cards_fit, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def council_year(db):
    """Resolution 73 reports annually to Council; two TSB reports await approval."""
    today = timezone.localdate()
    builders.meeting(today - datetime.timedelta(days=200), name="Council last year")
    builders.meeting(today + datetime.timedelta(days=90), name="Council next")
    res73 = builders.resolution(
        73, title="Information and communication technologies, environment and climate change"
    )
    ResolutionReportingDuty.objects.create(
        resolution=res73, recipient=ReportingRecipient.COUNCIL_ANNUAL
    )
    actions = [builders.action(res73, owner="TSB", collaborators=("BDT",)) for _ in range(3)]
    writer = builders.user("tomas", bureau="TSB", role=Role.BUREAU_STAFF)
    builders.user("carla", bureau="TSB", role=Role.COORDINATOR, first_name="Carla")
    period = {
        "period_start": today - datetime.timedelta(days=100),
        "period_end": today - datetime.timedelta(days=10),
        "report_date": today - datetime.timedelta(days=5),
    }
    for action in actions[:2]:
        builders.report(action, author=writer, state=ReportState.SUBMITTED, **period)
    return actions


def test_a_coordinator_sees_what_is_missing_and_approves_reports_in_bulk(
    page: Page, live_server, council_year
):
    log_in(page, live_server.url, "carla")
    expect(page.get_by_role("heading", name="Ready for Council")).to_be_visible()
    assert_accessible(page)

    nav = page.get_by_role("navigation", name="Main")
    nav.get_by_role("link", name="Readiness").click()
    expect(page.get_by_role("heading", level=1, name="Readiness for Council")).to_be_visible()
    expect(page.get_by_role("heading", name="Still missing for TSB")).to_be_visible()
    expect(page.get_by_text("3 actions.", exact=True)).to_be_visible()
    gaps = page.locator("#gaps-heading ~ ul li")
    expect(gaps).to_have_count(3)
    row = page.get_by_role("row", name="TSB (yours) Res. 73 3 0 2 0 1")
    expect(row).to_be_visible()
    assert_accessible(page)
    # On a phone each Bureau and resolution is a card, its counts named.
    page.set_viewport_size({"width": 390, "height": 844})
    card = page.locator("table.data--cards tbody tr").first
    expect(card.get_by_role("cell", name="Approved: 0")).to_be_visible()  # not a bare "0"
    assert_cards_fit(page)
    page.set_viewport_size({"width": 1280, "height": 800})

    nav.get_by_role("link", name="Reports").click()
    expect(page.get_by_role("heading", level=1, name="Progress reports")).to_be_visible()
    page.get_by_role("checkbox", name="Submitted").check()
    page.get_by_role("button", name="Show reports").click()
    expect(page.get_by_role("heading", name="2 reports")).to_be_visible()
    assert_accessible(page)
    for checkbox in page.get_by_role("checkbox", name="Select the report of").all():
        checkbox.check()
    # Returning asks for a reason first, and the ticks stay.
    page.get_by_role("button", name="Return selected").click()
    expect(page.get_by_label("Reason for returning")).to_be_focused()
    expect(page.get_by_role("checkbox", name="Select the report of").first).to_be_checked()
    assert set(ProgressReport.objects.values_list("state", flat=True)) == {"submitted"}
    page.get_by_role("button", name="Approve selected").click()
    expect(page.get_by_text("2 reports approved.")).to_be_visible()
    expect(page.get_by_role("heading", name="0 reports")).to_be_visible()
    assert_accessible(page)
    assert set(ProgressReport.objects.values_list("state", flat=True)) == {"approved"}

    nav.get_by_role("link", name="Readiness").click()
    expect(gaps).to_have_count(1)
    expect(page.get_by_role("row", name="TSB (yours) Res. 73 3 2 0 0 1")).to_be_visible()
