"""The assessments resource: proposing, revising and confirming under the ETag rules."""

import datetime

import pytest

from actions.choices import AssessmentState
from actions.models import Assessment
from tests import builders

from .support import client_for, etag_of

PERSONAS = [
    "tsb_staff",
    "tsb_coordinator",
    "bdt_staff",
    "bdt_coordinator",
    "br_staff",
    "reader",
    "outsider",
    "administrator",
]


@pytest.fixture
def council(db):
    return builders.meeting(datetime.date(2027, 5, 18))


@pytest.fixture
def res73(db):
    res = builders.resolution(73)
    builders.action(res, owner="TSB", collaborators=("BDT",))
    return res


def _body(res, council, **extra):
    return {
        "resolution": res.pk,
        "meeting": council.pk,
        "rating": "partly_met",
        "rationale": "Half done.",
        **extra,
    }


def _stored():
    return list(Assessment.objects.values_list("pk", "rating", "rationale", "state", "version"))


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("tsb_coordinator", 201),
        ("bdt_coordinator", 201),
        ("administrator", 201),
        ("tsb_staff", 403),
        ("bdt_staff", 403),
        ("br_staff", 403),
        ("reader", 403),
        ("outsider", 403),
    ],
)
def test_who_may_propose_an_assessment(request, council, res73, persona, expected):
    client = client_for(request.getfixturevalue(persona))

    response = client.post("/api/assessments/", _body(res73, council), format="json")

    assert response.status_code == expected, response.content
    if expected == 201:
        assert response["ETag"] == f'W/"assessment-{response.json()["id"]}-v1"'
        assert response.json()["state"] == "proposed"
    else:
        assert not Assessment.objects.exists()


def test_an_uninvolved_coordinator_is_refused_by_the_service(council, res73):
    br_coordinator = builders.user("brc", bureau="BR", role="Bureau coordinator")

    response = client_for(br_coordinator).post(
        "/api/assessments/", _body(res73, council), format="json"
    )

    assert response.status_code == 403
    assert not Assessment.objects.exists()


def test_a_second_proposal_for_the_period_is_a_412_naming_the_first(
    council, res73, bdt_coordinator, tsb_coordinator
):
    client_for(bdt_coordinator).post("/api/assessments/", _body(res73, council), format="json")

    response = client_for(tsb_coordinator).post(
        "/api/assessments/", _body(res73, council, rationale="Mine."), format="json"
    )

    assert response.status_code == 412
    assert response["ETag"] == f'W/"assessment-{Assessment.objects.get().pk}-v1"'
    # Not "changed by someone else": the client sent no version to be stale.
    assert "exists already (version 1): revise it" in response.json()["detail"]
    assert Assessment.objects.get().rationale == "Half done."


def test_a_bad_rating_is_a_400_naming_the_field(council, res73, tsb_coordinator):
    response = client_for(tsb_coordinator).post(
        "/api/assessments/", _body(res73, council, rating="superb"), format="json"
    )

    assert response.status_code == 400
    assert "rating" in response.json()["errors"]
    assert not Assessment.objects.exists()


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        # Each would otherwise be read as the right object, its fraction dropped.
        (lambda res, council: {"resolution": res.pk + 0.5}, "resolution"),
        (lambda res, council: {"meeting": f"{council.pk}.9"}, "meeting"),
        (lambda res, council: {"rationale": "x" * 5001}, "rationale"),
    ],
)
def test_a_fractional_id_or_an_overlong_rationale_is_a_400_naming_the_field(
    council, res73, tsb_coordinator, extra, field
):
    response = client_for(tsb_coordinator).post(
        "/api/assessments/", _body(res73, council, **extra(res73, council)), format="json"
    )

    assert response.status_code == 400, response.content
    assert list(response.json()["errors"]) == [field]
    assert not Assessment.objects.exists()


@pytest.fixture
def proposed(council, res73, bdt_coordinator):
    return builders.assessment(res73, council, by=bdt_coordinator)


def test_revising_needs_if_match_and_a_stale_one_changes_nothing(proposed, bdt_coordinator):
    client = client_for(bdt_coordinator)
    url = f"/api/assessments/{proposed.pk}/"
    before = _stored()

    assert client.patch(url, {"rationale": "x"}, format="json").status_code == 428
    stale = client.patch(
        url, {"rationale": "x"}, format="json", HTTP_IF_MATCH='W/"assessment-1-v9"'
    )
    assert stale.status_code == 412
    assert _stored() == before

    current = etag_of(client, url)
    response = client.patch(url, {"rationale": "Better."}, format="json", HTTP_IF_MATCH=current)
    assert response.status_code == 200, response.content
    assert response.json()["rationale"] == "Better."
    assert response["ETag"] == f'W/"assessment-{proposed.pk}-v2"'


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("tsb_coordinator", 200),
        ("administrator", 200),
        ("bdt_coordinator", 403),
        ("tsb_staff", 403),
        ("reader", 403),
        ("outsider", 403),
    ],
)
def test_who_may_confirm(request, proposed, persona, expected):
    client = client_for(request.getfixturevalue(persona))
    url = f"/api/assessments/{proposed.pk}/confirm/"

    response = client.post(url, format="json", HTTP_IF_MATCH=f'W/"assessment-{proposed.pk}-v1"')

    assert response.status_code == expected, response.content
    state = Assessment.objects.get().state
    assert state == (AssessmentState.CONFIRMED if expected == 200 else AssessmentState.PROPOSED)


def test_a_coordinator_may_not_confirm_their_own_proposal(res73, council, tsb_coordinator):
    client = client_for(tsb_coordinator)
    created = client.post("/api/assessments/", _body(res73, council), format="json")
    assert created.status_code == 201, created.content
    pk = created.json()["id"]

    response = client.post(
        f"/api/assessments/{pk}/confirm/", HTTP_IF_MATCH=f'W/"assessment-{pk}-v1"'
    )

    assert response.status_code == 403
    assert "You proposed this rating" in response.json()["detail"]
    assert Assessment.objects.get().state == AssessmentState.PROPOSED


def test_confirming_without_if_match_is_a_428(proposed, tsb_coordinator):
    response = client_for(tsb_coordinator).post(f"/api/assessments/{proposed.pk}/confirm/")

    assert response.status_code == 428
    assert Assessment.objects.get().state == AssessmentState.PROPOSED


def test_a_confirmed_assessment_cannot_be_revised(proposed, tsb_coordinator, bdt_coordinator):
    url = f"/api/assessments/{proposed.pk}/"
    client_for(tsb_coordinator).post(
        url + "confirm/", HTTP_IF_MATCH=f'W/"assessment-{proposed.pk}-v1"'
    )

    response = client_for(bdt_coordinator).patch(
        url, {"rationale": "x"}, format="json", HTTP_IF_MATCH=f'W/"assessment-{proposed.pk}-v2"'
    )

    assert response.status_code == 400
    assert response.json()["code"] == "transition_refused"


@pytest.mark.parametrize("persona", PERSONAS)
def test_everybody_signed_in_reads_assessments(request, proposed, persona):
    client = client_for(request.getfixturevalue(persona))

    listed = client.get("/api/assessments/?resolution=73&state=proposed")

    assert listed.status_code == 200
    assert [row["id"] for row in listed.json()["results"]] == [proposed.pk]


def test_an_anonymous_client_is_refused(proposed):
    assert client_for().get("/api/assessments/").status_code == 401


@pytest.mark.parametrize("rows", [3, 30])
def test_listing_assessments_costs_a_fixed_number_of_queries(
    rows, tsb_staff, bdt_coordinator, django_assert_num_queries
):
    for year in range(rows):
        meeting = builders.meeting(datetime.date(2030 + year, 5, 1))
        builders.assessment(builders.resolution(), meeting, by=bdt_coordinator)
    client = client_for(tsb_staff)

    # session/token, count, page
    with django_assert_num_queries(3):
        response = client.get("/api/assessments/?page_size=50")

    assert len(response.json()["results"]) == rows
