import datetime
import re

import pytest
from django.urls import reverse

from actions.choices import ActionStatus
from actions.models import Action
from actions.views.resolutions import RESOLUTIONS_PER_PAGE
from resolutions.choices import ClauseVerb, PartKind
from tests import builders


def detail_url(resolution):
    return reverse("resolution_detail", args=[resolution.assembly.code, resolution.number])


@pytest.fixture
def res73(db):
    """Resolution 73 as printed: a preamble, then "instructs" with items and sub-items."""
    res = builders.resolution(73, title="ICTs, environment and climate change")
    builders.clause(
        res,
        verb=ClauseVerb.CONSIDERING,
        part=PartKind.PREAMBLE,
        key="considering.a",
        label="a)",
        text="that climate change is a global concern;",
    )
    instructs = dict(
        verb=ClauseVerb.INSTRUCTS,
        addressee="the Director of the Telecommunication Development Bureau",
    )
    first = builders.clause(
        res,
        key="instructs.1",
        label="1",
        text="to assist developing countries",
        footnotes=[{"number": "2", "text": "Including least developed countries."}],
        **instructs,
    )
    builders.clause(
        res, key="instructs.1.i", label="i)", parent=first, text="on e-waste;", **instructs
    )
    second = builders.clause(
        res, key="instructs.7", label="7", text="to report to Council annually;", **instructs
    )
    for clause, status in ((first, ActionStatus.IN_PROGRESS), (second, ActionStatus.COMPLETED)):
        Action.objects.create(
            resolution=res,
            clause=clause,
            number=res.actions.count() + 1,
            strength="instructs",
            owner=builders.body("BDT"),
            status=status,
        )
    return res


def test_resolution_list_shows_each_resolution_with_its_action_counts(login, reader, res73):
    builders.resolution(44, title="Bridging the standardization gap")

    response = login(reader).get(reverse("resolution_list"))

    page = response.content.decode()
    assert "Resolution 73" in page
    assert "Resolution 44" in page
    assert f'href="{detail_url(res73)}"' in page
    counts = {r.number: (r.action_count, r.open_count) for r in response.context["resolutions"]}
    assert counts == {73: (2, 1), 44: (0, 0)}


def test_resolution_list_filters_by_assembly(login, reader, res73):
    builders.resolution(12, assembly_code="WTSA-16")

    response = login(reader).get(reverse("resolution_list"), {"assembly": "WTSA-16"})

    assert [r.number for r in response.context["resolutions"]] == [12]
    assert '<label for="assembly">Assembly</label>' in response.content.decode()


def test_resolution_list_says_when_nothing_was_imported(login, reader):
    page = login(reader).get(reverse("resolution_list")).content.decode()

    assert "No resolution has been imported yet" in page


def test_resolution_detail_shows_the_text_in_order_with_verbs_as_headings(login, reader, res73):
    page = login(reader).get(detail_url(res73)).content.decode()

    headings = re.findall(r'<h3 class="part__verb">(.*?)</h3>', page)
    assert headings == ["considering", "instructs"]
    addressee = (
        '<p class="part__addressee">the Director of the Telecommunication Development Bureau'
    )
    assert page.count(addressee) == 1
    order = [page.index(text) for text in ("a)", "to assist", "on e-waste", "to report")]
    assert order == sorted(order)


@pytest.mark.parametrize(
    "page", ["resolution_detail", "resolution_lineage", "resolution_assessments"]
)
def test_an_address_with_the_assembly_in_other_letters_leads_to_the_resolution(
    login, reader, res73, page
):
    client = login(reader)
    code = res73.assembly.code

    response = client.get(reverse(page, args=[code.lower(), 73]) + "?x=1")
    unknown = client.get(reverse(page, args=["wtsa-99", 73]))

    assert response.status_code == 302
    assert response["Location"] == reverse(page, args=[code, 73]) + "?x=1"
    assert client.get(response["Location"]).status_code == 200
    assert unknown.status_code == 404


def test_resolution_detail_indents_sub_items_under_their_item(login, reader, res73):
    page = login(reader).get(detail_url(res73)).content.decode()

    item = page[page.index("to assist developing countries") :]
    sub_list = item.index('<ul class="items items--sub">')
    assert sub_list < item.index("on e-waste;") < item.index("to report to Council")


def test_resolution_detail_links_each_directive_item_to_its_action(login, reader, res73):
    page = login(reader).get(detail_url(res73)).content.decode()

    for action in res73.actions.all():
        assert f'<a href="{reverse("action_detail", args=[action.pk])}">' in page
    for text in (
        "Res. 73 · action 1",
        "Res. 73 · action 2",
        "badge--in_progress",
        "badge--completed",
    ):
        assert text in page


def test_resolution_detail_shows_footnotes_and_links_to_them(login, reader, res73):
    page = login(reader).get(detail_url(res73)).content.decode()

    assert '<a href="#note-2" aria-label="note 2">2</a>' in page
    assert 'id="note-2"' in page
    assert "Including least developed countries." in page


def test_an_unknown_resolution_is_not_found(login, reader, res73):
    url = reverse("resolution_detail", args=["WTSA-20", 999])

    assert login(reader).get(url).status_code == 404


def test_an_assembly_without_resolutions_says_so_and_offers_the_others(login, reader, res73):
    builders.assembly("WTSA-24")

    response = login(reader).get(reverse("resolution_list"), {"assembly": "WTSA-24"})

    page = response.content.decode()
    assert "No resolution of WTSA-24 has been imported yet." in page
    assert "No resolution has been imported yet" not in page
    assert f'<a href="{reverse("resolution_list")}?assembly=WTSA-20">WTSA-20 (Geneva)</a>' in page
    assert "1 resolution" in page


def test_an_unknown_assembly_is_named_as_such_with_a_400(login, reader, res73):
    response = login(reader).get(reverse("resolution_list"), {"assembly": "WTSA-99"})

    page = response.content.decode()
    assert response.status_code == 400
    assert "There is no assembly “WTSA-99” in the tracker." in page
    assert "?assembly=WTSA-20" in page


def test_an_assembly_may_be_named_in_any_case(login, reader, res73):
    response = login(reader).get(reverse("resolution_list"), {"assembly": "wtsa-20"})

    assert response.status_code == 200
    assert [r.number for r in response.context["resolutions"]] == [73]
    assert response.context["chosen"] == "WTSA-20"


def test_an_empty_tracker_says_no_resolution_has_been_imported(login, reader):
    page = login(reader).get(reverse("resolution_list")).content.decode()

    assert "No resolution has been imported yet." in page


def test_each_item_names_its_action_with_the_item_reference(login, reader, res73):
    page = login(reader).get(detail_url(res73)).content.decode()

    assert "Res. 73 · action 1 (instructs 1)" in page
    assert "Res. 73 · action 2 (instructs 7)" in page


def test_resolution_list_pages_through_many_resolutions_latest_assembly_first(login, reader, db):
    builders.assembly("WTSA-16", start=datetime.date(2016, 10, 25))
    for number in range(1, RESOLUTIONS_PER_PAGE + 1):
        builders.resolution(number, assembly_code="WTSA-16")
    builders.resolution(1, assembly_code="WTSA-20")
    client = login(reader)

    first = client.get(reverse("resolution_list"))
    second = client.get(reverse("resolution_list"), {"page": 2})

    assert len(first.context["resolutions"]) == RESOLUTIONS_PER_PAGE
    assert first.context["resolutions"][0].assembly.code == "WTSA-20"
    assert [(r.assembly.code, r.number) for r in second.context["resolutions"]] == [
        ("WTSA-16", RESOLUTIONS_PER_PAGE)
    ]
    page = first.content.decode()
    assert f"{RESOLUTIONS_PER_PAGE + 1} resolutions · showing 1–{RESOLUTIONS_PER_PAGE}" in page
    assert 'href="?page=2"' in page
