"""A new member of BDT staff finds their Bureau's open actions and records progress.

Drives Debian's Chromium against the live server, and runs axe-core on every
page: no accessibility violation is allowed.
"""

import datetime
import re
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from actions.choices import ActionStatus, ReportState, Role
from actions.models import Action, Notification, ProgressReport, StatusChange
from actions.services.reports import progress_report_create
from resolutions.choices import ClauseVerb
from tests import builders

# The live server needs committed data, so each test ends by emptying the database.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "secret-pass-123"
AXE = Axe()


@pytest.fixture
def res73_action():
    res73 = builders.resolution(
        73, title="Information and communication technologies, environment and climate change"
    )
    builders.action(res73, owner="TSB", collaborators=("BDT",))
    action = builders.action(res73, owner="BDT", collaborators=("TSB",))
    res73.clauses.update(
        verb=ClauseVerb.INSTRUCTS,
        addressee="the Director of the Telecommunication Development Bureau",
    )
    res73.clauses.filter(pk=action.clause_id).update(
        text="to assist developing countries in managing e-waste;"
    )
    builders.action(owner="BDT", status=ActionStatus.COMPLETED)
    return action


@pytest.fixture
def amina(db):
    return builders.user(
        "amina", bureau="BDT", role=Role.BUREAU_STAFF, first_name="Amina", last_name="Diallo"
    )


@pytest.fixture
def reader_user(db):
    return builders.user("rita", bureau="BDT", role=Role.READER)


# Until htmx has finished a request and its swap, and the faded parts
# (tracker.css: ``.htmx-request``, opacity 0.6) are back: axe judges colour
# contrast as drawn, and mid-fade a grey text reads as too pale.
SETTLED = """() =>
    !document.querySelector(".htmx-request, .htmx-swapping, .htmx-settling")
    && document.getAnimations().every((animation) => animation.playState !== "running")"""


def assert_accessible(page: Page) -> None:
    # Without the fade at all (tracker.css draws it for no-preference only): a page
    # that polls may start a request while axe reads it.
    page.emulate_media(reduced_motion="reduce")
    page.wait_for_function(SETTLED)
    results = AXE.run(page)
    assert results.violations_count == 0, f"{page.url}\n{results.generate_report()}"


def log_in(page: Page, base_url: str, username: str) -> None:
    page.goto(base_url + "/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    assert_accessible(page)
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", level=1, name="Dashboard")).to_be_visible()


def test_bdt_staff_find_their_open_action_report_progress_and_change_its_status(
    page: Page, live_server, amina, res73_action
):
    log_in(page, live_server.url, "amina")
    assert_accessible(page)
    expect(page.get_by_role("banner")).to_contain_text("Amina Diallo · BDT")

    # From the dashboard to the Bureau's open actions.
    # TSB owns one of them and BDT contributes: both are BDT's to work on.
    expect(page.get_by_text("Actions involving BDT: owned or contributed to")).to_be_visible()
    page.get_by_role("link", name="Open actions involving BDT").click()
    expect(page.get_by_role("heading", level=1, name="Actions")).to_be_visible()
    count = page.locator(".results__count")
    expect(count).to_have_text("2 actions · showing 1–2")
    assert_accessible(page)

    # htmx updates the results in place when a filter changes.
    page.get_by_role("checkbox", name="Completed").check()
    expect(count).to_have_text("3 actions · showing 1–3")
    expect(page.locator("#results-announce")).to_have_text("3 actions · showing 1–3")
    expect(page).to_have_url(re.compile(r"status=completed"))
    page.get_by_role("checkbox", name="Completed").uncheck()
    expect(count).to_have_text("2 actions · showing 1–2")
    page.get_by_role("link", name="Target date").click()
    expect(page).to_have_url(re.compile(r"ordering=target_date"))
    expect(page.get_by_label("Sort by")).to_have_value("target_date")
    expect(page.locator("#results-heading")).to_be_focused()

    # "My actions" lists it too.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="My actions").click()
    expect(page.get_by_role("heading", level=1, name="My actions")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Res. 73 · action 2").click()

    # The action's page.
    expect(page.get_by_role("heading", level=1, name="Res. 73 · action 2")).to_be_visible()
    expect(page.get_by_text("to assist developing countries in managing e-waste;")).to_be_visible()
    assert_accessible(page)

    # A progress report with an evidence link, submitted for approval.
    page.get_by_label("What was done").fill("Held a regional workshop on e-waste in Nairobi.")
    # An address pasted without its scheme is taken, as https.
    page.get_by_label("Link 1: address").fill("www.itu.int/en/ITU-D/Environment/")
    page.get_by_label("Link 1: title").fill("ITU-D environment")
    page.get_by_role("button", name="Submit for approval").click()
    expect(
        page.locator("#messages").get_by_text("Your report was submitted for approval.")
    ).to_be_visible()
    expect(page.get_by_role("link", name="ITU-D environment")).to_be_visible()
    assert_accessible(page)
    report = ProgressReport.objects.get()
    assert (report.author, report.state) == (amina, ReportState.SUBMITTED)
    assert [link.url for link in report.evidence_links.all()] == [
        "https://www.itu.int/en/ITU-D/Environment/"
    ]

    # The status buttons swap the status panel in place.
    # A plan being typed meanwhile is kept: only its version follows the action.
    status_panel = page.locator("#status-panel")
    page.get_by_label("Target date").fill("2027-03-31")
    status_panel.get_by_label("Note (optional)").fill("Workshop series started.")
    status_panel.get_by_role("button", name="In progress").click()
    expect(
        page.locator("#messages").get_by_text(
            "Res. 73 · action 2 (instructs 2) is now “In progress”."
        )
    ).to_be_visible()
    expect(status_panel.get_by_role("button", name="Completed")).to_be_visible()
    expect(page.locator("#status-heading")).to_be_focused()
    expect(page.locator("#timeline")).to_contain_text("Workshop series started.")
    expect(page.locator("#planning input[name=version]")).to_have_value("2")
    expect(page.get_by_label("Target date")).to_have_value("2027-03-31")
    assert_accessible(page)
    assert Action.objects.get(pk=res73_action.pk).status == ActionStatus.IN_PROGRESS
    page.get_by_role("button", name="Save the plan").click()
    expect(page.locator("#planning").get_by_text("Saved the target date")).to_be_visible()
    assert Action.objects.get(pk=res73_action.pk).target_date == datetime.date(2027, 3, 31)

    # The dashboard shows it.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Dashboard").click()
    recent = page.get_by_role("region", name="Recent status changes")
    expect(recent).to_contain_text("Res. 73 · action 2")
    expect(recent).to_contain_text("In progress")
    expect(page.get_by_role("link", name=re.compile(r"^1\s+In progress"))).to_be_visible()

    # The resolution, with the item linked to its action.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Resolutions").click()
    expect(page.get_by_role("heading", level=1, name="Resolutions")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Resolution 73").click()
    expect(page.get_by_role("heading", level=3, name="instructs")).to_be_visible()
    expect(
        page.get_by_text("the Director of the Telecommunication Development Bureau")
    ).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Res. 73 · action 2").click()
    expect(page.get_by_role("heading", level=1, name="Res. 73 · action 2")).to_be_visible()

    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("heading", level=1, name="Log in")).to_be_visible()


def test_a_reader_sees_no_forms_and_a_forged_post_is_refused(
    page: Page, live_server, reader_user, res73_action
):
    log_in(page, live_server.url, "rita")
    page.goto(f"{live_server.url}/actions/{res73_action.pk}/")
    expect(page.get_by_role("heading", level=1, name="Res. 73 · action 2")).to_be_visible()
    assert_accessible(page)

    expect(page.get_by_role("heading", name="Add a progress report")).to_have_count(0)
    expect(page.locator("#status-panel button")).to_have_count(0)
    expect(page.get_by_label("What was done")).to_have_count(0)

    token = next(c["value"] for c in page.context.cookies() if c["name"] == "csrftoken")
    headers = {"X-CSRFToken": token, "Referer": page.url}
    status = page.request.post(
        f"{live_server.url}/actions/{res73_action.pk}/status/",
        form={"to": "in_progress", "version": "1"},
        headers=headers,
    )
    report = page.request.post(
        f"{live_server.url}/actions/{res73_action.pk}/reports/",
        form={
            "period_start": "2025-01-01",
            "period_end": "2025-06-30",
            "text": "Forged.",
            "evidence-TOTAL_FORMS": "0",
            "evidence-INITIAL_FORMS": "0",
        },
        headers=headers,
    )

    assert (status.status, report.status) == (403, 403)
    assert Action.objects.get(pk=res73_action.pk).version == 1
    assert not StatusChange.objects.exists()
    assert not ProgressReport.objects.exists()


def test_bdt_staff_correct_a_returned_report_and_submit_it_again(
    page: Page, live_server, amina, res73_action
):
    coordinator = builders.user("carlos", bureau="BDT", role=Role.COORDINATOR)
    builders.report(
        res73_action,
        author=amina,
        state=ReportState.RETURNED,
        text="Held a workshop.",
        reviewed_by=coordinator,
        review_note="Say where and how many took part.",
    )
    log_in(page, live_server.url, "amina")
    page.goto(f"{live_server.url}/actions/{res73_action.pk}/")
    expect(page.locator("#timeline")).to_contain_text("Say where and how many took part.")

    page.get_by_role("link", name="Edit the report of").click()
    expect(
        page.get_by_role("heading", level=1, name=re.compile("Edit the progress report"))
    ).to_be_visible()
    assert_accessible(page)
    page.get_by_label("What was done").fill("Held a workshop in Nairobi for 40 participants.")
    page.get_by_role("button", name="Save and submit for approval").click()

    expect(
        page.locator("#messages").get_by_text("Your report was saved and submitted for approval.")
    ).to_be_visible()
    report = ProgressReport.objects.get()
    assert (report.state, report.text) == (
        ReportState.SUBMITTED,
        "Held a workshop in Nairobi for 40 participants.",
    )


def test_the_filter_form_fits_a_phone_and_leaves_empty_fields_out_of_the_address(
    page: Page, live_server, amina, res73_action
):
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, live_server.url, "amina")
    page.goto(f"{live_server.url}/actions/")
    page.get_by_text("Filters", exact=True).click()
    page.get_by_text("More filters").click()
    expect(page.get_by_role("checkbox", name=re.compile(r"^BDT"))).to_have_count(2)

    # Nothing sticks out sideways: the page does not scroll horizontally.
    widths = page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert widths[0] <= widths[1], widths
    form_box = page.locator("#filters").bounding_box()
    assert form_box["x"] >= 0, form_box
    assert form_box["x"] + form_box["width"] <= 390, form_box
    assert_accessible(page)

    # With htmx: only the filters that were set go into the address.
    page.get_by_label("Text").fill("e-waste")
    page.get_by_role("button", name="Show actions").click()
    expect(page).to_have_url(re.compile(r"/actions/\?q=e-waste$"))
    expect(page.locator(".results__count")).to_have_text("1 action · showing 1–1")


def test_a_filter_in_error_is_shown_and_the_form_then_submits_as_a_page(
    page: Page, live_server, amina, res73_action
):
    log_in(page, live_server.url, "amina")
    response = page.goto(f"{live_server.url}/actions/?owner=NOPE&status=completed")

    assert response.status == 400
    expect(page.get_by_role("alert")).to_contain_text("these filters could not be read")
    expect(page.get_by_text("Download these actions as CSV")).to_have_count(0)
    assert_accessible(page)

    # No htmx while in error: a plain submission, still without the empty fields.
    page.get_by_role("button", name="Show actions").click()
    expect(page).to_have_url(re.compile(r"/actions/\?status=completed$"))
    expect(page.locator(".results__count")).to_have_text("1 action · showing 1–1")
    expect(page.get_by_role("link", name="Download these actions as CSV")).to_be_visible()


PHONE = {"width": 390, "height": 844}


def assert_no_sideways_scroll(page: Page) -> None:
    widths = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"{page.url} scrolls sideways: {widths}"


def assert_cards_fit(page: Page) -> None:
    """Every cell of every table that turns into cards is within the screen's width."""
    outside = page.evaluate(
        """() => Array.from(document.querySelectorAll("table.data--cards tbody > tr > *"))
            .map((cell) => [cell.textContent.trim().slice(0, 40), cell.getBoundingClientRect()])
            .filter(([, box]) => box.left < 0 || box.right > window.innerWidth)
            .map(([text, box]) => [text, box.left, box.right])"""
    )
    assert page.locator("table.data--cards tbody tr").count() > 0, page.url
    assert outside == [], f"{page.url}: cells beyond the screen: {outside}"


def screenshot(page: Page, folder: Path, name: str) -> None:
    """Kept in the test's temporary folder, to look at after a run (--basetemp=DIR)."""
    page.screenshot(path=folder / f"{name}.png", full_page=True)


def test_on_a_phone_actions_are_cards_with_status_and_owner_and_filters_fold_away(
    page: Page, live_server, amina, res73_action, tmp_path
):
    # An unread notification puts a count, with words for screen readers, in the menu.
    Notification.objects.create(
        key="phone-test", recipient=amina, kind="status_changed", subject="Changed."
    )
    page.set_viewport_size(PHONE)
    log_in(page, live_server.url, "amina")
    assert_no_sideways_scroll(page)
    # The charts by Bureau and by resolution: a card per row, its bar included.
    expect(page.locator("table.chart.data--cards").first).to_be_visible()
    assert_cards_fit(page)
    screenshot(page, tmp_path, "phone-dashboard")

    # The resolutions: a card each, nothing hidden sideways in a scrolling box.
    page.goto(f"{live_server.url}/resolutions/")
    assert_cards_fit(page)
    assert_no_sideways_scroll(page)
    screenshot(page, tmp_path, "phone-resolutions")

    page.goto(f"{live_server.url}/actions/?involves=BDT&status=not_started")
    # The header shows every section, on a few short lines, and leaves the screen to the content.
    header = page.locator(".site-header").bounding_box()
    assert header["height"] <= 180, header
    # Who is signed in, in sight as on a laptop.
    expect(page.locator(".account__name")).to_contain_text("Amina")
    expect(page.locator(".account__name")).to_be_in_viewport()
    sections = page.get_by_role("navigation", name="Main").get_by_role("link")
    expect(sections.last).to_contain_text("Notifications 1")
    for index in range(sections.count()):
        box = sections.nth(index).bounding_box()
        assert box["x"] >= 0, (index, box)
        assert box["x"] + box["width"] <= PHONE["width"], (index, box)
    assert_no_sideways_scroll(page)

    # The filters fold behind one button that counts those in use.
    fold_button = page.locator(".filters-fold > summary")
    expect(fold_button).to_have_text(re.compile(r"^Filters\s+\(2 in use\)$"))
    expect(page.get_by_label("Text")).to_be_hidden()
    assert fold_button.bounding_box()["y"] < 300

    # One card per action, its status and owner on screen without scrolling sideways.
    cards = page.locator("table.data--cards tbody tr")
    expect(cards).to_have_count(2)
    first = cards.first
    for cell in (".cell--name", ".cell--status", ".cell--owner"):
        box = first.locator(cell).bounding_box()
        assert box["x"] >= 0, (cell, box)
        assert box["x"] + box["width"] <= PHONE["width"], (cell, box)
    expect(first.locator(".cell--status")).to_contain_text("Not started")
    expect(first.locator(".cell--owner")).to_contain_text("TSB")
    expect(page.locator("table.data--cards thead")).not_to_be_in_viewport()
    assert_no_sideways_scroll(page)
    assert_accessible(page)
    screenshot(page, tmp_path, "phone-actions")

    # Opened, the filters work as on a laptop and the count follows them.
    fold_button.click()
    page.get_by_label("Text").fill("e-waste")
    expect(fold_button).to_have_text(re.compile(r"^Filters\s+\(3 in use\)$"))
    expect(page.locator(".results__count")).to_have_text("1 action · showing 1–1")
    assert_no_sideways_scroll(page)
    assert_accessible(page)
    screenshot(page, tmp_path, "phone-filters-open")

    # "Show actions" folds them away again: the actions chosen are in sight.
    page.get_by_role("button", name="Show actions").click()
    expect(page.get_by_label("Text")).to_be_hidden()
    expect(cards).to_have_count(1)
    expect(cards.first.locator(".cell--status")).to_be_in_viewport()
    assert_cards_fit(page)

    # The action's page: the report box counts its characters as one types.
    page.goto(f"{live_server.url}/actions/{res73_action.pk}/")
    report_box = page.get_by_label("What was done")
    report_box.fill("Held a workshop.")
    expect(page.locator("#report_text-counter")).to_have_text("16 of 4000 characters used")
    assert_no_sideways_scroll(page)
    assert_accessible(page)
    screenshot(page, tmp_path, "phone-action")
    # Where the action stands comes before its history, the report form after.
    tops = [
        page.locator(selector).bounding_box()["y"]
        for selector in ("#facts", "#status-panel", "#timeline", "#new-report")
    ]
    assert tops == sorted(tops), tops
    # Links standing alone (breadcrumb, shortcuts) are 24 px tall at least, for a finger.
    for link in page.locator(".breadcrumb a, .narrow-only a, .panel--plain a").all():
        assert link.bounding_box()["height"] >= 24, link.text_content()

    # A report refused opens on the field to correct, not at the top of the long page.
    page.get_by_label("Period from").fill("2026-06-30")
    page.get_by_label("Period to").fill("2026-01-01")
    page.get_by_role("button", name="Save as draft").click()
    period_end = page.get_by_label("Period to")
    expect(period_end).to_be_focused()
    expect(period_end).to_be_in_viewport()
    expect(
        page.get_by_text("The reporting period cannot end before it starts.")
    ).to_be_in_viewport()
    assert not ProgressReport.objects.exists()

    # The focal point: a few letters of a name, and the box suggests the person.
    focal_point = page.get_by_label("Focal point")
    with page.expect_response(re.compile(r"/people/\?focal_point=dia")):
        focal_point.press_sequentially("dia")
    expect(page.locator("#plan_focal_point_people option")).to_have_count(1)
    expect(page.locator("#plan_focal_point_people option")).to_have_attribute("value", "amina")
    focal_point.fill("amina")
    page.get_by_role("button", name="Save the plan").click()
    expect(page.locator("#planning").get_by_text("Saved the focal point")).to_be_in_viewport()
    assert Action.objects.get(pk=res73_action.pk).focal_point == amina

    # A status change says so where the phone user is, not only at the top of the page.
    status_panel = page.locator("#status-panel")
    status_panel.get_by_role("button", name="In progress").click()
    expect(status_panel.get_by_text("is now “In progress”.")).to_be_in_viewport()
    expect(page.locator("#messages")).not_to_be_in_viewport()

    # The reports to review are cards too; readiness's numbers scroll within their box.
    builders.report(res73_action, author=amina, state=ReportState.SUBMITTED, text="Sent.")
    page.goto(f"{live_server.url}/reports/")
    expect(page.locator("table.data--cards tbody tr")).to_have_count(1)
    # Its filters fold away, so the report is on the first screen.
    expect(page.locator("#report-filters .filters-fold > summary")).to_have_text(
        re.compile(r"^Filters\s*$")
    )
    expect(page.locator("table.data--cards .cell--status")).to_be_in_viewport()
    for cell in (".cell--name", ".cell--status", ".item-cell"):
        box = page.locator(f"table.data--cards {cell}").bounding_box()
        assert box["x"] >= 0, (cell, box)
        assert box["x"] + box["width"] <= PHONE["width"], (cell, box)
    expect(page.locator("table.data--cards thead")).not_to_be_in_viewport()
    assert_no_sideways_scroll(page)
    page.goto(f"{live_server.url}/council/readiness/")
    assert_no_sideways_scroll(page)

    page.get_by_role("navigation", name="Main").get_by_role("link", name="My actions").click()
    expect(page.get_by_role("heading", level=1, name="My actions")).to_be_visible()
    assert_no_sideways_scroll(page)
    assert_accessible(page)


def test_on_a_phone_a_saved_report_says_so_where_the_page_opens(
    page: Page, live_server, amina, res73_action
):
    page.set_viewport_size(PHONE)
    log_in(page, live_server.url, "amina")
    page.goto(f"{live_server.url}/actions/{res73_action.pk}/")
    page.get_by_label("What was done").fill("Held a workshop.")

    page.get_by_role("button", name="Submit for approval").click()

    report = ProgressReport.objects.get()
    entry = page.locator(f"#report-{report.pk}")
    expect(entry.get_by_text("Your report was submitted for approval.")).to_be_in_viewport()
    expect(entry.get_by_text("Held a workshop.")).to_be_visible()
    assert_no_sideways_scroll(page)


def test_on_a_phone_the_invitation_page_shows_only_the_password_boxes(
    page: Page, live_server, amina, settings
):
    from urllib.parse import urlsplit

    from actions.services.accounts import password_link

    page.set_viewport_size(PHONE)
    page.goto(live_server.url + urlsplit(password_link(amina)).path)

    # The username is there for password managers, never a box to type in.
    expect(page.locator('input[name="username"]')).to_be_hidden()
    expect(page.get_by_role("textbox", name="New password:", exact=True)).to_be_visible()
    expect(page.get_by_role("textbox")).to_have_count(2)
    assert_no_sideways_scroll(page)


def test_on_a_laptop_the_filters_stay_open_under_their_heading_and_the_table_has_columns(
    page: Page, live_server, amina, res73_action
):
    log_in(page, live_server.url, "amina")
    page.goto(f"{live_server.url}/actions/?involves=BDT")

    expect(page.get_by_label("Text")).to_be_visible()
    expect(page.locator(".filters-fold > summary")).to_have_text(
        re.compile(r"^Filters\s+\(1 in use\)$")
    )
    page.locator(".filters-fold > summary").click(force=True)
    expect(page.get_by_label("Text")).to_be_visible()
    expect(page.locator("table.data--cards thead")).to_be_visible()
    # "Show actions" leaves them open: there is room beside the table.
    page.get_by_role("button", name="Show actions").click()
    expect(page.get_by_label("Text")).to_be_visible()
    assert_accessible(page)

    # The reports' Author box suggests people by name, as the focal point box does.
    page.goto(f"{live_server.url}/reports/")
    author = page.get_by_label("Author")
    with page.expect_response(re.compile(r"/people/author/\?author=dia")):
        author.press_sequentially("dia")
    expect(page.locator("#author_people option")).to_have_attribute("value", "amina")
    author.fill("amina")
    page.get_by_role("button", name="Show reports").click()
    expect(page).to_have_url(re.compile(r"/reports/\?author=amina$"))

    # Saving the plan returns to its panel, and says so there, not only at the top.
    page.goto(f"{live_server.url}/actions/{res73_action.pk}/")
    # The status sits beside what the resolution asks, not below the history.
    status_box = page.locator("#status-panel").bounding_box()
    clause_box = page.locator("#clause-heading").bounding_box()
    assert status_box["x"] > clause_box["x"] + clause_box["width"], (status_box, clause_box)
    assert status_box["y"] < page.locator("#timeline").bounding_box()["y"]
    page.get_by_label("Target date").fill("2027-06-30")
    page.get_by_role("button", name="Save the plan").click()
    expect(page.locator("#planning").get_by_text("Saved the target date")).to_be_in_viewport()
    assert Action.objects.get(pk=res73_action.pk).target_date == datetime.date(2027, 6, 30)


def test_every_page_has_an_icon_and_the_browser_finds_one_at_the_root(
    page: Page, live_server, amina
):
    log_in(page, live_server.url, "amina")
    icon = page.locator("link[rel=icon]").get_attribute("href")

    linked = page.request.get(live_server.url + icon)
    root = page.request.get(live_server.url + "/favicon.ico")

    assert (linked.status, linked.headers["content-type"]) == (200, "image/svg+xml")
    assert root.status == 200
    assert root.url.endswith(icon)


def test_no_page_breaks_the_content_security_policy(page: Page, live_server, amina, res73_action):
    refused = []
    page.on("console", lambda message: refused.append(f"{page.url}: {message.text}"))
    amina.is_staff = amina.is_superuser = True
    amina.save()

    log_in(page, live_server.url, "amina")
    # The filters swap the results through htmx: its requests must pass too.
    page.goto(f"{live_server.url}/actions/")
    page.locator("#id_q").fill("e-waste")
    page.get_by_role("button", name="Show actions").click()
    expect(page).to_have_url(re.compile(r"q=e-waste"))
    for url in [
        f"/actions/{res73_action.pk}/",
        "/actions/mine/",
        "/resolutions/",
        "/admin/",
        "/admin/actions/action/",
        f"/admin/actions/action/{res73_action.pk}/change/",
        "/api/docs/",
    ]:
        page.goto(live_server.url + url)
        page.wait_for_load_state("networkidle")

    assert [text for text in refused if "Content Security Policy" in text] == []


def test_a_coordinator_sees_a_submitted_report_in_the_header_and_marks_it_read(
    page: Page, live_server, res73_action, amina
):
    builders.user("chidi", bureau="BDT", role=Role.COORDINATOR)
    progress_report_create(
        action=res73_action,
        by=amina,
        text="E-waste workshop held.",
        period_start=datetime.date(2025, 6, 1),
        period_end=datetime.date(2026, 3, 1),
        submit=True,
    )
    log_in(page, live_server.url, "chidi")
    assert_accessible(page)

    page.get_by_role("link", name="Notifications 1 unread").click()
    expect(page.get_by_role("heading", level=1, name="Notifications")).to_be_visible()
    expect(
        page.get_by_role("link", name=re.compile("a progress report awaits your approval"))
    ).to_be_visible()
    assert_accessible(page)

    page.get_by_role("button", name=re.compile(r"^Mark read")).click()
    expect(page.get_by_role("link", name="Notifications", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name=re.compile(r"^Mark read"))).to_have_count(0)


def test_a_large_export_is_prepared_its_page_follows_the_job_and_then_offers_the_file(
    page: Page, live_server, amina, res73_action, settings
):
    from actions.models import Export
    from actions.tasks import write_export

    settings.EXPORT_STREAM_MAX_ROWS = 1  # three actions: over the threshold
    refused = []
    page.on("console", lambda message: refused.append(message.text))
    log_in(page, live_server.url, "amina")
    page.goto(f"{live_server.url}/actions/")
    page.get_by_role("button", name="Prepare these actions as CSV").click()

    expect(page.get_by_role("heading", level=1, name="CSV export")).to_be_visible()
    expect(page.locator("#export-status")).to_contain_text("0 of 3 actions written")
    assert_accessible(page)
    # The worker's part, done here: the page, polling, notices by itself.
    write_export(Export.objects.get().pk)
    expect(page.locator("#export-status")).to_contain_text("3 actions written.", timeout=10000)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the CSV file").click()
    assert_accessible(page)

    lines = Path(download.value.path()).read_text(encoding="utf-8-sig").splitlines()
    assert len(lines) == 4
    assert [text for text in refused if "Content Security Policy" in text] == []


def test_on_a_phone_a_coordinator_finds_reports_to_review_first_and_a_missing_reason_in_view(
    page: Page, live_server, res73_action, amina
):
    builders.user("chidi", bureau="BDT", role=Role.COORDINATOR)
    report = progress_report_create(
        action=res73_action,
        by=amina,
        text="E-waste workshop held.",
        period_start=datetime.date(2025, 6, 1),
        period_end=datetime.date(2026, 3, 1),
        submit=True,
    )
    page.set_viewport_size(PHONE)
    log_in(page, live_server.url, "chidi")

    queue = page.get_by_role("heading", name="Reports awaiting your approval")
    expect(queue).to_be_in_viewport()
    page.locator(f'a[href$="#report-{report.pk}"]').first.click()
    entry = page.locator(f"#report-{report.pk}")
    entry.get_by_text("Return it to the Bureau…").click()
    # Spaces pass the browser's own check of a required box; the tracker refuses them.
    entry.get_by_label("Reason for returning").fill("   ")
    entry.get_by_role("button", name="Return the report").click()

    reason = page.locator(f"#report-{report.pk}").get_by_label("Reason for returning")
    expect(page.get_by_text("Say why the report is returned.")).to_be_in_viewport()
    expect(reason).to_be_focused()
    assert_no_sideways_scroll(page)
    assert_accessible(page)
    report.refresh_from_db()
    assert report.state == ReportState.SUBMITTED

    # On the reports to review, the box that selects one is a finger's size.
    page.goto(f"{live_server.url}/reports/?state=submitted")
    box = page.get_by_label(re.compile("^Select the report of")).bounding_box()
    assert box["width"] >= 24
    assert box["height"] >= 24
