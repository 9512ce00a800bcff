"""A control character that no Word file can hold is refused where text comes in.

A vertical tab or a form feed pasted from a PDF once made every later Council
report fail for good ("All strings must be XML compatible"). Forms, the API,
the admin and the services refuse it with a sentence and write nothing; an
imported text reads it as a space; and the report still writes any that older
data holds (tests/actions/test_council_report.py).
"""

import datetime
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from actions.choices import ReportState
from actions.models import Assessment, CouncilReportRun, GoverningBodyMeeting
from actions.services.council_report import council_report_request
from actions.services.reports import progress_report_transition
from resolutions.parsing import parse_text
from tests import builders
from tests.api.support import client_for, etag_of, snapshot
from wtsa_tracker.characters import (
    ControlCharacterValidator,
    control_character,
    without_control_characters,
)

SEED_TEXT = (
    Path(__file__).resolve().parents[1] / "fixtures" / "wtsa20_itud_background.txt"
).read_text(encoding="utf-8")
REFUSED = "Remove the invisible control character U+000B from this text"


@pytest.mark.parametrize("character", ["\x01", "\x08", "\x0b", "\x0c", "\x1f", "\ufffe", "\uffff"])
def test_every_character_xml_has_no_place_for_is_found_and_removed(character):
    text = f"Workshop{character} held."

    assert control_character(text) == f"U+{ord(character):04X}"
    assert without_control_characters(text) == "Workshop held."
    with pytest.raises(ValidationError):
        ControlCharacterValidator()(text)


@pytest.mark.parametrize("text", ["Tab\there.", "Two\nlines.", "Windows\r\nlines.", "Genève – ✓"])
def test_tabs_line_ends_and_any_other_text_are_kept(text):
    assert control_character(text) is None
    assert without_control_characters(text) == text
    ControlCharacterValidator()(text)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"text": "Workshop\x0b held."}, "text"),
        (
            {"text": "Held.", "evidence_links": [{"url": "https://itu.int/", "title": "A\x0bB"}]},
            None,
        ),
    ],
)
def test_an_api_report_with_a_control_character_is_refused_and_nothing_written(
    tsb_staff, tsb_action, body, field
):
    before = snapshot()

    response = client_for(tsb_staff).post(
        "/api/progress-reports/",
        {"action": tsb_action.pk, "period_start": "2025-06-01", "period_end": "2026-03-01", **body},
        format="json",
    )

    assert response.status_code == 400, response.content
    assert "U+000B" in str(response.json()["errors"])
    if field:
        assert list(response.json()["errors"]) == [field]
    assert snapshot() == before


def test_a_status_note_with_a_control_character_is_refused(tsb_staff, tsb_action):
    client = client_for(tsb_staff)
    url = f"/api/actions/{tsb_action.pk}/"
    before = snapshot()

    response = client.post(
        f"{url}transition/",
        {"status": "in_progress", "note": "Kick-off\x0c held."},
        format="json",
        HTTP_IF_MATCH=etag_of(client, url),
    )

    assert response.status_code == 400, response.content
    assert "U+000C" in response.json()["errors"]["note"][0]
    assert snapshot() == before


def test_a_return_reason_with_a_control_character_is_refused(
    tsb_staff, tsb_coordinator, tsb_action
):
    report = builders.report(tsb_action, author=tsb_staff, state=ReportState.SUBMITTED)

    with pytest.raises(ValidationError) as refused:
        progress_report_transition(
            report=report, to=ReportState.RETURNED, by=tsb_coordinator, note="Redo\x0b."
        )

    assert "U+000B" in refused.value.message_dict["note"][0]
    report.refresh_from_db()
    assert report.state == ReportState.SUBMITTED


def test_an_assessment_rationale_with_a_control_character_is_refused(tsb_coordinator, tsb_action):
    council = builders.meeting(datetime.date(2027, 5, 18))

    response = client_for(tsb_coordinator).post(
        "/api/assessments/",
        {
            "resolution": tsb_action.resolution.pk,
            "meeting": council.pk,
            "rating": "partly_met",
            "rationale": "Half\x01 done.",
        },
        format="json",
    )

    assert response.status_code == 400, response.content
    assert "U+0001" in response.json()["errors"]["rationale"][0]
    assert not Assessment.objects.exists()


@pytest.mark.parametrize(
    "number", ["C27/\x0b35", 'C26/1"\r\nX-Evil: 1', "C26/\u202egpj.exe-E", "C27/35\x00-E"]
)
def test_a_council_document_number_of_another_shape_than_one_line_is_refused(
    tsb_coordinator, number
):
    council = builders.meeting(datetime.date(2027, 5, 18))

    with pytest.raises(ValidationError) as refused:
        council_report_request(meeting=council, by=tsb_coordinator, document_number=number)

    assert "e.g. C27/35-E: letters, digits" in refused.value.message_dict["document_number"][0]
    assert not CouncilReportRun.objects.exists()


def test_the_shapes_of_council_document_numbers_are_taken_as_word_writes_them(tsb_coordinator):
    council = builders.meeting(datetime.date(2027, 5, 18))
    typed = [
        "C27/35-E",
        "C27/35(Rev.1)-E",
        "C27/INF/5-E",
        "C27/35-Add.1-E",
        "",
        "C27/35\u2013E",  # Word's autocorrect: an en dash
        "C27/35\u2011E",  # a non-breaking hyphen, as in ITU's templates
        "\uff23\uff12\uff17/35-E ",  # full-width, and a space after it
        "C27/35\u00a0Rev.1-E",  # a no-break space
    ]

    for number in typed:
        council_report_request(meeting=council, by=tsb_coordinator, document_number=number)

    assert list(
        CouncilReportRun.objects.order_by("pk").values_list("document_number", flat=True)
    ) == [
        "C27/35-E",
        "C27/35(Rev.1)-E",
        "C27/INF/5-E",
        "C27/35-Add.1-E",
        "C27/xx-E",
        "C27/35-E",
        "C27/35-E",
        "C27/35-E",
        "C27/35 Rev.1-E",
    ]


def test_a_refused_document_number_names_the_character_to_change(tsb_coordinator):
    council = builders.meeting(datetime.date(2027, 5, 18))

    with pytest.raises(ValidationError) as cyrillic:
        council_report_request(meeting=council, by=tsb_coordinator, document_number="\u042127/35-E")
    with pytest.raises(ValidationError) as line_break:
        council_report_request(meeting=council, by=tsb_coordinator, document_number="C27/1\nX")

    assert cyrillic.value.message_dict["document_number"] == [
        "Write the document number as the secretariat assigned it, e.g. C27/35-E: letters, "
        "digits, spaces and / - . ( ) + only, and “\u0421” (U+0421) is not one of them."
    ]
    assert "and U+000A is not one of them" in line_break.value.message_dict["document_number"][0]


def test_the_admin_refuses_a_session_name_with_a_control_character(client, superuser):
    council = builders.meeting(datetime.date(2027, 5, 18), name="Council 2027")
    client.force_login(superuser)
    url = reverse("admin:actions_governingbodymeeting_change", args=[council.pk])
    form = client.get(url).context["adminform"].form
    data = {
        name: value
        for name, value in form.initial.items()
        if value is not None and not isinstance(value, list)
    }
    data.update(name="Council\x0c 2027", start_date="2027-05-18", end_date="2027-05-28")

    response = client.post(url, data)

    assert response.status_code == 200
    assert "U+000C" in str(response.context["adminform"].form.errors["name"])
    assert GoverningBodyMeeting.objects.get().name == "Council 2027"


def test_an_imported_text_reads_a_form_feed_or_vertical_tab_as_a_space():
    paged = SEED_TEXT.replace("\n\tRESOLUTION 73\n", "\n\f\tRESOLUTION 73\n", 1).replace(
        "\tto keep up to date the calendar", "\tto keep up to date\x0bthe calendar", 1
    )
    assert (paged.count("\f"), paged.count("\x0b")) == (1, 1)

    document = parse_text(paged)

    texts = [item.text for parsed in document.resolutions for item in parsed.iter_items()]
    assert not any(control_character(text) for text in texts)
    assert not any(control_character(parsed.source_text) for parsed in document.resolutions)
    assert [parsed.number for parsed in document.resolutions] == [
        parsed.number for parsed in parse_text(SEED_TEXT).resolutions
    ]
    assert any(text.startswith("to keep up to date the calendar") for text in texts)
