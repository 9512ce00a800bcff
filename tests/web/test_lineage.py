"""The lineage page: a resolution's versions across assemblies and a word-level diff."""

import datetime
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from actions.display import word_diff
from actions.importing import resolution_import
from actions.models import Action
from resolutions.models import Resolution
from resolutions.parsing import parse_text
from tests import builders

ROOT = Path(__file__).resolve().parents[2]
SEED = (ROOT / "fixtures" / "wtsa20_itud_background.txt").read_text(encoding="utf-8")
REVISED = (ROOT / "tests" / "resolutions" / "data" / "wtsa24_revised.txt").read_text(
    encoding="utf-8"
)


@pytest.fixture
def two_assemblies(db):
    call_command("loaddata", "bodies", verbosity=0)
    wtsa20 = builders.assembly("WTSA-20")
    wtsa24 = builders.assembly("WTSA-24", start=datetime.date(2024, 10, 15))
    resolution_import(document=parse_text(SEED), assembly=wtsa20)
    resolution_import(document=parse_text(REVISED), assembly=wtsa24, suppress_missing=True)
    return wtsa20, wtsa24


def lineage_url(code: str, number: int) -> str:
    return reverse("resolution_lineage", args=[code, number])


def test_word_diff_strikes_out_removed_words_and_marks_inserted_ones():
    runs = word_diff(
        "to keep up to date the calendar", "to keep up to date and publish the calendar"
    )

    assert runs == [
        ("same", "to keep up to date"),
        ("ins", "and publish"),
        ("same", "the calendar"),
    ]


def test_the_lineage_page_lists_both_versions_and_the_changed_items(client, reader, two_assemblies):
    client.force_login(reader)

    page = client.get(lineage_url("WTSA-24", 73)).content.decode()

    assert "WTSA-20 (Geneva)" in page
    assert "WTSA-24 (New Delhi)" in page
    assert "<ins>and publish</ins>" in page
    assert "dropped" in page  # the Joint Task Force item
    assert "ITU/WMO/UNESCO" in page
    old = Action.objects.get(
        resolution__assembly__code="WTSA-20", clause__text__startswith="to keep up to date the"
    )
    assert reverse("action_detail", args=[old.pk]) in page
    assert reverse("action_detail", args=[old.continued_by.pk]) in page


def test_the_lineage_of_the_older_version_shows_the_same_chain(client, reader, two_assemblies):
    client.force_login(reader)

    page = client.get(lineage_url("WTSA-20", 73) + "?from=WTSA-20&to=WTSA-24").content.decode()

    assert "<ins>and publish</ins>" in page


def test_a_suppressed_resolution_says_so_on_its_page_and_its_lineage(
    client, reader, two_assemblies
):
    client.force_login(reader)

    detail = client.get(reverse("resolution_detail", args=["WTSA-20", 29])).content.decode()
    lineage = client.get(lineage_url("WTSA-20", 29)).content.decode()

    assert "Suppressed by WTSA-24" in detail
    assert "suppressed by WTSA-24" in lineage
    assert "No other assembly" in lineage


def test_versions_may_be_named_in_any_case(client, reader, two_assemblies):
    client.force_login(reader)

    response = client.get(lineage_url("WTSA-24", 73), {"from": "wtsa-20", "to": "wtsa-24"})

    assert response.status_code == 200
    assert response.context["before"].assembly.code == "WTSA-20"
    assert response.context["after"].assembly.code == "WTSA-24"


@pytest.mark.parametrize(
    "asked", [{"from": "WTSA-16"}, {"to": "WTSA-28"}, {"from": "WTSA-12", "to": "WTSA-28"}]
)
def test_a_version_the_resolution_does_not_have_is_refused_with_a_400_that_says_so(
    client, reader, two_assemblies, asked
):
    client.force_login(reader)

    response = client.get(lineage_url("WTSA-24", 73), asked)

    assert response.status_code == 400
    for code in asked.values():
        assert f"Resolution 73 has no version of “{code}”" in response.content.decode()


def test_a_loop_of_revises_links_typed_in_the_admin_ends_the_lineage(db):
    first = builders.resolution(73)
    second = builders.resolution(73, assembly_code="WTSA-24", revises=first)
    Resolution.objects.filter(pk=first.pk).update(revises=second)  # a loop
    alone = builders.resolution(44)
    Resolution.objects.filter(pk=alone.pk).update(revises=alone)  # revises itself

    assert [r.pk for r in second.lineage()] == [first.pk, second.pk]
    assert [r.pk for r in Resolution.objects.get(pk=alone.pk).lineage()] == [alone.pk]


def test_the_lineage_page_needs_a_login(client, two_assemblies):
    response = client.get(lineage_url("WTSA-24", 73))

    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_the_lineage_page_makes_the_same_queries_however_long_the_text(
    client, reader, two_assemblies
):
    client.force_login(reader)
    client.get(lineage_url("WTSA-24", 100))  # warm the session and the user

    with CaptureQueriesContext(connection) as short:
        client.get(lineage_url("WTSA-24", 100))
    with CaptureQueriesContext(connection) as long:
        client.get(lineage_url("WTSA-24", 73))

    assert Resolution.objects.get(assembly__code="WTSA-24", number=73).clauses.count() > (
        Resolution.objects.get(assembly__code="WTSA-24", number=100).clauses.count()
    )
    assert len(long) == len(short)


def test_the_api_exposes_the_links_between_versions_and_actions(client, reader, two_assemblies):
    client.force_login(reader)
    new = Resolution.objects.get(assembly__code="WTSA-24", number=73)
    old = new.revises
    action = Action.objects.filter(resolution=new, continues__isnull=False).first()

    resolutions = client.get("/api/resolutions/", {"number": 73}).json()
    detail = client.get(f"/api/actions/{action.pk}/").json()
    previous = client.get(f"/api/actions/{action.continues_id}/").json()
    res29 = client.get(f"/api/resolutions/{Resolution.objects.get(number=29).pk}/").json()

    rows = {row["assembly"]: row for row in resolutions["results"]}
    assert rows["WTSA-24"]["revises"] == old.pk
    assert rows["WTSA-20"]["revised_by"] == new.pk
    assert detail["continues"] == action.continues_id
    assert previous["continued_by"] == action.pk
    assert previous["status"] == "superseded"
    assert res29["suppressed_by"] == "WTSA-24"


def test_an_action_page_links_to_the_action_it_carries_on_and_back(client, reader, two_assemblies):
    client.force_login(reader)
    new = Action.objects.filter(
        resolution__assembly__code="WTSA-24", continues__isnull=False
    ).first()

    later = client.get(reverse("action_detail", args=[new.pk])).content.decode()
    earlier = client.get(reverse("action_detail", args=[new.continues_id])).content.decode()

    assert "Carries on" in later
    assert reverse("action_detail", args=[new.continues_id]) in later
    assert "Superseded: the work goes on in" in earlier
    assert reverse("action_detail", args=[new.pk]) in earlier
    assert "status changed by an import" in earlier


def test_the_dashboard_counts_the_actions_in_force_not_the_superseded_ones(
    client, reader, two_assemblies
):
    client.force_login(reader)
    in_force = Action.objects.exclude(status="superseded").count()

    response = client.get(reverse("dashboard"))

    assert Action.objects.filter(status="superseded").exists()
    assert "superseded" not in {row["value"] for row in response.context["by_status"]}
    charted = sum(row.total for row in response.context["chart_by_bureau"])
    assert charted == in_force
