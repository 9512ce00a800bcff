import csv
import datetime
import io
import re

import pytest
from django.urls import reverse

from actions.choices import ActionStatus, ReportingRecipient, ReportState
from actions.models import ReportingObligation
from actions.views.lists import PAGE_SIZE
from tests import builders


@pytest.fixture
def actions(db):
    res73 = builders.resolution(73, title="ICTs, environment and climate change")
    res44 = builders.resolution(44, title="Bridging the standardization gap")
    bdt_open = builders.action(res73, owner="BDT", status=ActionStatus.IN_PROGRESS)
    bdt_done = builders.action(res73, owner="BDT", status=ActionStatus.COMPLETED)
    tsb = builders.action(res44, owner="TSB", collaborators=("BDT",))
    sg17 = builders.action(
        res44, owner="T-SG17", status=ActionStatus.ONGOING, target_date=datetime.date(2025, 1, 1)
    )
    ReportingObligation.objects.create(action=tsb, recipient=ReportingRecipient.COUNCIL_ANNUAL)
    return {"bdt_open": bdt_open, "bdt_done": bdt_done, "tsb": tsb, "sg17": sg17}


def listed(response):
    return list(response.context["page"].object_list)


def test_the_action_list_shows_every_action_when_nothing_is_filtered(login, reader, actions):
    response = login(reader).get(reverse("action_list"))

    assert response.status_code == 200
    assert len(listed(response)) == 4
    assert "4 actions · showing 1–4" in response.content.decode()


def test_the_action_list_uses_the_same_filters_as_the_api(login, reader, actions):
    client = login(reader)

    by_status = client.get(reverse("action_list"), {"status": ["in_progress", "ongoing"]})
    by_bureau = client.get(reverse("action_list"), {"bureau": "TSB"})
    by_text = client.get(reverse("action_list"), {"q": "standardization gap"})
    by_duty = client.get(reverse("action_list"), {"reports_to": "council_annual"})

    assert set(listed(by_status)) == {actions["bdt_open"], actions["sg17"]}
    assert set(listed(by_bureau)) == {actions["tsb"], actions["sg17"]}
    assert set(listed(by_text)) == {actions["tsb"], actions["sg17"]}
    assert listed(by_duty) == [actions["tsb"]]


def test_the_filter_form_keeps_the_chosen_values_and_labels_every_field(login, reader, actions):
    page = (
        login(reader)
        .get(reverse("action_list"), {"status": "ongoing", "bureau": "TSB"})
        .content.decode()
    )

    assert 'value="ongoing" id="id_status_2" checked' in page
    assert '<option value="TSB" selected>' in page
    for field in ("id_q", "id_involves", "id_bureau", "id_resolution", "id_overdue", "id_ordering"):
        assert f'<label for="{field}">' in page, field
    # Choices are checkboxes in a fieldset: picking several needs no Ctrl-click.
    for legend in ("Status", "Owner", "Collaborator", "Strength", "Reports to"):
        assert f"<legend>{legend}:</legend>" in page, legend
    assert '<div id="id_owner" class="checkbox-scroll">' in page
    assert '<input type="checkbox" name="owner" value="TSB"' in page
    assert '<label for="target_date_after">' in page
    assert '<label for="target_date_before">' in page


def test_the_action_list_sorts_by_a_column_and_marks_it_for_screen_readers(login, reader, actions):
    response = login(reader).get(reverse("action_list"), {"ordering": "-status"})

    statuses = [action.status for action in listed(response)]
    assert statuses == sorted(statuses, reverse=True)
    page = response.content.decode()
    assert '<th scope="col" aria-sort="descending">' in page
    assert "?ordering=status" in page  # the header toggles to ascending


def test_the_action_list_is_paginated_and_keeps_the_filter_across_pages(login, reader):
    res = builders.resolution(73)
    for _ in range(PAGE_SIZE + 2):
        builders.action(res, owner="BDT")

    client = login(reader)
    first = client.get(reverse("action_list"), {"bureau": "BDT"})
    second = client.get(reverse("action_list"), {"bureau": "BDT", "page": 2})

    assert len(listed(first)) == PAGE_SIZE
    assert len(listed(second)) == 2
    assert "?bureau=BDT&amp;page=2" in first.content.decode()


def test_an_htmx_filter_request_gets_the_results_alone(login, reader, actions):
    response = login(reader).get(
        reverse("action_list"),
        {"status": "completed"},
        headers={"HX-Request": "true", "HX-Target": "results"},
    )

    page = response.content.decode()
    assert page.lstrip().startswith('<section id="results"')
    assert "<html" not in page
    assert listed(response) == [actions["bdt_done"]]
    assert 'id="results-announce" hx-swap-oob="innerHTML"' in page
    assert "HX-Request" in response["Vary"]


def test_a_filter_that_matches_nothing_offers_to_clear_the_filters(login, reader, actions):
    page = login(reader).get(reverse("action_list"), {"resolution": 999}).content.decode()

    assert "No action matches these filters." in page
    assert "Clear the filters and show every action" in page


def test_the_csv_link_carries_the_current_filter(login, reader, actions):
    page = login(reader).get(reverse("action_list"), {"bureau": "BDT", "page": 1}).content.decode()

    assert f'href="{reverse("action_export")}?bureau=BDT"' in page


def read_csv(response) -> list[dict]:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="wtsa-actions-')
    content = b"".join(response.streaming_content)
    # A byte order mark first, so that Excel on Windows reads the file as UTF-8.
    assert content.startswith(b"\xef\xbb\xbfAssembly,")
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))


def test_csv_export_contains_the_filtered_actions_with_their_details(login, reader, actions):
    response = login(reader).get(reverse("action_export"), {"bureau": "TSB", "ordering": "owner"})

    rows = read_csv(response)
    assert [row["Name"] for row in rows] == [
        "Res. 44 · action 2 (instructs 2)",
        "Res. 44 · action 1 (instructs 1)",
    ]
    sg17, tsb = rows
    assert sg17["Owner"] == "T-SG17"
    assert sg17["Status"] == "Ongoing"
    assert sg17["Target date"] == "2025-01-01"
    assert sg17["Overdue"] == "yes"
    assert tsb["Collaborators"] == "BDT"
    assert tsb["Reports to"] == "ITU Council, annually"
    assert (tsb["Assembly"], tsb["Resolution"]) == ("WTSA-20", "44")
    assert tsb["Text"] == actions["tsb"].clause.text


def test_csv_export_gives_each_actions_latest_approved_report(login, reader, bdt_staff):
    res = builders.resolution(73)
    reported, silent = builders.action(res, owner="BDT"), builders.action(res, owner="BDT")
    D = datetime.date
    builders.report(
        reported,
        author=bdt_staff,
        state=ReportState.APPROVED,
        text="First year.",
        period_start=D(2023, 6, 14),
        period_end=D(2024, 5, 7),
        report_date=D(2024, 5, 1),
    )
    builders.report(
        reported,
        author=bdt_staff,
        state=ReportState.APPROVED,
        text="Second year.",
        period_start=D(2024, 5, 8),
        period_end=D(2025, 5, 20),
        report_date=D(2025, 5, 2),
    )
    # A later draft is not approved: it is no one's word yet.
    builders.report(
        reported,
        author=bdt_staff,
        state=ReportState.DRAFT,
        text="Third year, unfinished.",
        period_start=D(2025, 5, 21),
        period_end=D(2026, 3, 29),
        report_date=D(2026, 1, 5),
    )

    rows = read_csv(login(reader).get(reverse("action_export"), {"ordering": "resolution"}))

    first, second = rows
    assert first["Action"] == str(reported.number)
    assert first["Latest approved report"] == "2025-05-02"
    assert (first["Report period from"], first["Report period to"]) == ("2024-05-08", "2025-05-20")
    assert first["Report text"] == "Second year."
    assert second["Action"] == str(silent.number)
    assert second["Latest approved report"] == second["Report text"] == ""


def test_csv_export_has_every_row_not_only_the_first_page(login, reader):
    res = builders.resolution(73)
    for _ in range(PAGE_SIZE + 5):
        builders.action(res, owner="BDT")

    rows = read_csv(login(reader).get(reverse("action_export"), {"page": 1}))

    assert len(rows) == PAGE_SIZE + 5


def test_my_actions_lists_where_i_am_focal_point_and_my_bureaus_open_actions(
    login, bdt_staff, actions
):
    actions["sg17"].focal_point = bdt_staff
    actions["sg17"].save()

    response = login(bdt_staff).get(reverse("my_actions"))

    assert response.context["focal"] == [actions["sg17"]]
    # Owned or collaborated on, and open: not the completed one, not SG17's.
    assert set(response.context["page"].object_list) == {actions["bdt_open"], actions["tsb"]}
    page = response.content.decode()
    assert '<td class="cell--role" data-label="Your Bureau">owns</td>' in page
    assert '<td class="cell--role" data-label="Your Bureau">contributes</td>' in page


def test_my_actions_explains_empty_lists(login, bdt_staff):
    page = login(bdt_staff).get(reverse("my_actions")).content.decode()

    assert "You are not the focal point of any action" in page
    assert "BDT has no open action." in page


@pytest.mark.parametrize(
    ("persona", "says"),
    [
        ("tsb_staff", "Open one to add a progress report"),
        ("reader", "Your account reads them; TSB staff report on them and change their status."),
    ],
)
def test_my_actions_says_what_the_user_may_do_with_their_bureaus_actions(
    request, login, persona, says
):
    page = login(request.getfixturevalue(persona)).get(reverse("my_actions")).content.decode()

    assert says in page
    assert ("Open one to add a progress report" in page) is (persona == "tsb_staff")


def test_my_actions_tells_a_user_without_a_bureau_what_to_do(login, outsider):
    page = login(outsider).get(reverse("my_actions")).content.decode()

    assert "Your account belongs to no Bureau" in page


def test_the_involves_filter_lists_what_a_bureau_owns_or_contributes_to(login, reader, actions):
    response = login(reader).get(reverse("action_list"), {"involves": "BDT"})

    assert set(listed(response)) == {actions["bdt_open"], actions["bdt_done"], actions["tsb"]}
    page = response.content.decode()
    assert '<label for="id_involves">Bureau involved:</label>' in page
    assert '<option value="BDT" selected>' in page


@pytest.mark.parametrize(
    ("params", "field", "error"),
    [
        ({"owner": "NOPE"}, "owner", "Select a valid choice. NOPE is not one of the available"),
        ({"status": "finished"}, "status", "Select a valid choice. finished is not one of the"),
        ({"target_date_after": "notadate"}, "target_date", "Enter a valid date."),
        ({"involves": "T-SG17"}, "involves", "Select a valid choice."),
        ({"q": "gap " * 11}, "q", "Search for at most 10 words; this search has 11."),
    ],
)
def test_a_filter_that_cannot_be_read_is_shown_as_an_error_with_no_results(
    login, reader, actions, params, field, error
):
    response = login(reader).get(reverse("action_list"), {"bureau": "BDT", **params})

    assert response.status_code == 400
    assert listed(response) == []
    assert field in response.context["form"].errors
    page = response.content.decode()
    assert "No action is listed: these filters could not be read." in page
    assert page.count(error) == 2  # in the summary, and beside the field
    anchor = "target_date_after" if field == "target_date" else f"id_{field}"
    assert f'<a href="#{anchor}">' in page
    assert "Download these actions as CSV" not in page
    # Filters that were read keep their value; the form submits as a whole page.
    assert '<option value="BDT" selected>' in page
    assert 'hx-get="/actions/"' not in page.split('id="filters"')[1].split(">")[0]


def test_an_error_in_the_more_filters_opens_them(login, reader, actions):
    page = login(reader).get(reverse("action_list"), {"owner": "NOPE"}).content.decode()

    assert '<details class="more-filters" open>' in page
    assert 'aria-describedby="id_owner_error"' in page


def test_an_htmx_request_with_a_filter_in_error_gets_the_errors_and_no_results(
    login, reader, actions
):
    response = login(reader).get(
        reverse("action_list"),
        {"status": "finished"},
        headers={"HX-Request": "true", "HX-Target": "results"},
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert page.lstrip().startswith('<section id="results"')
    assert "No action is listed: these filters could not be read." in page
    assert listed(response) == []


def test_the_csv_export_refuses_a_filter_it_cannot_read_and_says_why(login, reader, actions):
    response = login(reader).get(
        reverse("action_export"), {"owner": "NOPE", "target_date_after": "notadate"}
    )

    assert response.status_code == 400
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    text = response.content.decode()
    assert text.startswith("Nothing was exported: these filters could not be read.\n")
    assert "Owner: Select a valid choice. NOPE is not one of the available choices." in text
    assert "Target date: Enter a valid date." in text


def test_the_csv_keeps_non_ascii_text_for_excel(login, reader):
    res = builders.resolution(73, title="ICTs, environment and climate change")
    builders.action(res, owner="BDT")
    res.clauses.update(text="to support Member States’ e-waste policies;")

    rows = read_csv(login(reader).get(reverse("action_export")))

    assert rows[0]["Name"] == "Res. 73 · action 1 (instructs 1)"
    assert rows[0]["Text"] == "to support Member States’ e-waste policies;"


def test_the_csv_link_is_hidden_when_nothing_is_listed(login, reader, actions):
    page = login(reader).get(reverse("action_list"), {"resolution": 999}).content.decode()

    assert "No action matches these filters." in page
    assert "Download these actions as CSV" not in page


def test_long_titles_and_items_are_cut_between_words_with_the_whole_text_at_hand(login, reader):
    title = (
        "Strengthening and diversifying the resources of the "
        "Telecommunication Standardization Bureau"
    )
    item = (
        "to continue to cooperate with the Director of the Telecommunication Development "
        "Bureau in order to assist developing countries in establishing national "
        "standardization secretariats and in building capacity;"
    )
    res = builders.resolution(32, title=title)
    builders.action(res, owner="TSB")
    res.clauses.update(text=item)

    page = login(reader).get(reverse("action_list")).content.decode()

    assert f'<span title="{title}">Strengthening and diversifying the resources of the…</span>' in (
        page
    )
    assert f'<span title="{item}">to continue to cooperate' in page
    assert "to assist developing countries in…</span>" in page


def test_the_filter_form_is_marked_to_leave_empty_fields_out_of_the_address(login, reader, actions):
    page = login(reader).get(reverse("action_list")).content.decode()

    assert 'id="filters"' in page
    assert "data-drop-empty" in page.split('id="filters"')[1].split(">")[0]


def test_my_actions_lists_my_unfinished_reports(login, bdt_staff, bdt_coordinator, tsb_action):
    returned = builders.report(
        tsb_action,
        author=bdt_staff,
        state=ReportState.RETURNED,
        reviewed_by=bdt_coordinator,
        review_note="Which countries?",
    )

    response = login(bdt_staff).get(reverse("my_actions"))

    assert response.context["unfinished"].first == [returned]
    page = response.content.decode()
    assert "Your unfinished reports" in page
    assert "<q>Which countries?</q>" in page
    assert f'href="{reverse("report_edit", args=[returned.pk])}"' in page


def test_my_actions_says_when_no_report_is_unfinished_and_links_to_the_involving_list(
    login, bdt_staff, tsb_action
):
    page = login(bdt_staff).get(reverse("my_actions")).content.decode()

    assert "You have no unfinished report: no draft, and none returned to you" in page
    assert "everything you wrote has been submitted" not in page
    assert (
        f'href="{reverse("action_list")}?involves=BDT&amp;status=not_started'
        '&amp;status=in_progress&amp;status=ongoing">'
        "Filter, sort or download the open actions involving BDT</a>"
    ) in page


def test_a_target_date_range_that_ends_before_it_starts_says_so(login, tsb_staff):
    refused = login(tsb_staff).get(
        "/actions/?target_date_after=2027-01-01&target_date_before=2020-01-01"
    )

    assert refused.status_code == 400
    assert (
        "The first date (2027-01-01) is after the last (2020-01-01): no row could match."
        in refused.content.decode()
    )
    same_day = "/actions/?target_date_after=2027-01-01&target_date_before=2027-01-01"
    assert login(tsb_staff).get(same_day).status_code == 200


def test_an_unreadable_overdue_value_is_shown_as_an_error(login, tsb_staff):
    refused = login(tsb_staff).get("/actions/?overdue=maybe")

    assert refused.status_code == 400
    # In the words of the control, which offers Yes, No and Any.
    assert "“maybe” is neither Yes nor No: choose Yes (true), No (false) or Any." in (
        refused.content.decode()
    )
    assert login(tsb_staff).get("/actions/?overdue=true").status_code == 200


def test_csv_export_names_the_duties_written_for_the_whole_resolution(login, reader):
    from actions.models import ReportingObligation, ResolutionReportingDuty

    res = builders.resolution(73)
    reporting = builders.action(res, owner="TSB")
    other = builders.action(res, owner="TSB")
    ReportingObligation.objects.create(action=reporting, recipient="council_annual")
    ResolutionReportingDuty.objects.create(resolution=res, recipient="council_annual")
    ResolutionReportingDuty.objects.create(resolution=res, recipient="next_wtsa")

    rows = read_csv(login(reader).get(reverse("action_export"), {"resolution": 73}))

    assert [row["Reports to"] for row in rows] == [
        "ITU Council, annually; Next WTSA",
        "ITU Council, annually; Next WTSA",
    ]
    assert [row["Action"] for row in rows] == [str(reporting.number), str(other.number)]


@pytest.mark.parametrize(
    ("query", "count"),
    [
        ("", ""),
        ("?utm_source=newsletter&ordering=status&page=1", ""),
        ("?owner=BDT&utm_source=newsletter", "(1 in use)"),
        ("?owner=BDT&target_date_after=2026-01-01&q=waste", "(3 in use)"),
    ],
)
def test_the_filters_in_use_count_only_what_a_filter_reads(login, reader, actions, query, count):
    page = login(reader).get(reverse("action_list") + query).content.decode()

    shown = re.search(r'<span id="filter-count"[^>]*>([^<]*)</span>', page).group(1)
    assert shown == count


def test_each_row_names_its_assembly_as_a_resolution_number_recurs_in_each(login, reader, db):
    builders.assembly("WTSA-24", start=datetime.date(2024, 10, 15))
    builders.action(builders.resolution(58, title="National CIRTs"))
    builders.action(builders.resolution(58, assembly_code="WTSA-24", title="CIRTs"))

    page = login(reader).get(reverse("action_list"), {"resolution": 58}).content.decode()

    rows = re.findall(r"(WTSA-2\d) · (National CIRTs|CIRTs)</span>", page)
    assert sorted(rows) == [("WTSA-20", "National CIRTs"), ("WTSA-24", "CIRTs")]
