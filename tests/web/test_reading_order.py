"""A resolution's page and its actions read in the same order (issue 14)."""

import re

import pytest
from django.core.management import call_command
from django.urls import reverse

from actions.models import Action
from resolutions.models import Resolution


@pytest.fixture
def shipped(db):
    call_command("loaddata", "assemblies", "bodies", "wtsa20", verbosity=0)


def action_links(html: str) -> list[int]:
    """Action ids in the order the page first links them."""
    seen: list[int] = []
    for pk in map(int, re.findall(r'href="/actions/(\d+)/"', html)):
        if pk not in seen:
            seen.append(pk)
    return seen


def test_resolution_73_page_action_list_and_api_give_the_actions_in_one_order(
    shipped, login, reader
):
    client = login(reader)
    res73 = Resolution.objects.get(assembly__code="WTSA-20", number=73)
    by_number = list(res73.actions.order_by("number").values_list("pk", flat=True))

    page = client.get(reverse("resolution_detail", args=["WTSA-20", 73])).content.decode()
    listed = client.get(reverse("action_list"), {"resolution": 73}).content.decode()
    api = client.get("/api/actions/", {"resolution": 73, "page_size": 50}).json()

    assert len(by_number) == 10
    assert action_links(page) == by_number
    assert action_links(listed) == by_number
    assert [row["id"] for row in api["results"]] == by_number
    first = Action.objects.select_related("clause").get(pk=by_number[0])
    assert (first.number, first.clause.label) == (1, "1")
    assert "Telecommunication Standardization Bureau" in first.clause.addressee


def test_every_shipped_resolution_page_links_its_actions_in_number_order(shipped, login, reader):
    # Every shipped resolution: the page's action links follow the action numbers.
    client = login(reader)
    for resolution in Resolution.objects.filter(actions__isnull=False).distinct():
        page = client.get(
            reverse("resolution_detail", args=["WTSA-20", resolution.number])
        ).content.decode()
        by_number = list(resolution.actions.order_by("number").values_list("pk", flat=True))
        assert action_links(page) == by_number, f"Resolution {resolution.number}"
