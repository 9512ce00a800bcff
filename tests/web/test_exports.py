"""CSV exports: small ones stream, large ones are written by a Celery task and downloaded."""

import csv
import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from actions.choices import ActionStatus, ExportState, ReportingRecipient, ReportState, Strength
from actions.models import (
    Action,
    Body,
    Export,
    ProgressReport,
    ReportingObligation,
    ResolutionReportingDuty,
    User,
)
from actions.services.exports import EXPORT_LOST_AFTER, EXPORTS_AT_ONCE
from actions.tasks import write_export
from resolutions.choices import ClauseVerb
from resolutions.models import Clause
from tests import builders
from wtsa_tracker.celery import app


@pytest.fixture
def actions(db):
    res73 = builders.resolution(73, title="ICTs, environment and climate change")
    res44 = builders.resolution(44, title="Bridging the standardization gap")
    made = [
        builders.action(res73, owner="BDT", status=ActionStatus.IN_PROGRESS),
        builders.action(res73, owner="BDT", collaborators=("TSB",)),
        builders.action(res44, owner="TSB", collaborators=("BDT", "BR")),
        builders.action(res44, owner="T-SG17", status=ActionStatus.ONGOING),
    ]
    ReportingObligation.objects.create(action=made[2], recipient=ReportingRecipient.COUNCIL)
    return made


@pytest.fixture
def eager_tasks():
    """Tasks run in the caller, as a worker would run them, once their transaction commits."""
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


def streamed(client, query: str) -> bytes:
    response = client.get(f"{reverse('action_export')}?{query}")
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def ask_for_export(client, query, django_capture_on_commit_callbacks) -> Export:
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{reverse('export_create')}?{query}")
    export = Export.objects.latest("pk")
    assert response.status_code == 302
    assert response["Location"] == reverse("export_detail", args=[export.pk])
    return export


def test_a_small_export_streams_chunked_without_a_length_so_a_cut_download_shows(
    login, reader, actions, settings
):
    settings.EXPORT_STREAM_MAX_ROWS = 10

    response = login(reader).get(reverse("action_export"))

    assert response.streaming
    assert not response.has_header("Content-Length")
    assert len(b"".join(response.streaming_content).decode("utf-8-sig").splitlines()) == 5
    assert not Export.objects.exists()


def test_an_export_over_the_threshold_is_offered_as_a_background_job_and_not_streamed(
    login, reader, actions, settings
):
    settings.EXPORT_STREAM_MAX_ROWS = 3
    client = login(reader)

    response = client.get(reverse("action_export"), {"owner": ["BDT", "TSB", "T-SG17"]})
    listed = client.get(reverse("action_list")).content.decode()

    assert not response.streaming
    assert "These filters select 4 actions" in response.content.decode()
    assert f'action="{reverse("export_create")}?owner=BDT&amp;owner=TSB' in (
        response.content.decode()
    )
    assert "Prepare these actions as CSV" in listed
    assert "Download these actions as CSV" not in listed
    assert not Export.objects.exists()


def test_the_job_writes_the_same_bytes_as_the_stream_for_the_same_filters(
    login, bdt_staff, actions, settings, eager_tasks, django_capture_on_commit_callbacks
):
    settings.EXPORT_STREAM_MAX_ROWS = 100
    client = login(bdt_staff)
    query = "involves=BDT&status=not_started&status=in_progress&ordering=-resolution"

    expected = streamed(client, query)
    export = ask_for_export(client, query, django_capture_on_commit_callbacks)
    export.refresh_from_db()
    download = client.get(reverse("export_download", args=[export.pk]))

    assert export.state == ExportState.READY, export.error
    assert (export.rows_done, export.rows_total) == (3, 3)
    assert download.status_code == 200
    assert "attachment" in download["Content-Disposition"]
    assert b"".join(download.streaming_content) == expected
    assert len(expected.decode("utf-8-sig").splitlines()) == 4


def test_a_user_sees_and_downloads_only_their_own_export(
    login, bdt_staff, tsb_staff, actions, eager_tasks, django_capture_on_commit_callbacks
):
    export = ask_for_export(login(bdt_staff), "", django_capture_on_commit_callbacks)
    other = login(tsb_staff)

    assert other.get(reverse("export_detail", args=[export.pk])).status_code == 404
    assert other.get(reverse("export_download", args=[export.pk])).status_code == 404
    assert login(bdt_staff).get(reverse("export_download", args=[export.pk])).status_code == 200


def test_a_person_has_at_most_three_exports_unfinished_and_is_told_so(
    login, reader, tsb_staff, actions, time_machine
):
    time_machine.move_to(datetime.datetime(2026, 12, 4, 9, 0, tzinfo=datetime.UTC))
    client = login(reader)
    for _ in range(EXPORTS_AT_ONCE):
        assert client.post(f"{reverse('export_create')}?owner=BDT").status_code == 302

    with CaptureQueriesContext(connection) as queries:
        refused = client.post(f"{reverse('export_create')}?owner=BDT")

    page = refused.content.decode()
    assert refused.status_code == 429
    assert refused["Retry-After"] == "30"
    assert "You have 3 exports waiting or being written" in page
    for export in Export.objects.all():  # the three to wait for, each to follow
        assert f'href="{reverse("export_detail", args=[export.pk])}"' in page
    assert "Prepare these actions as CSV" in page  # to try again later
    counted = [q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"]]
    assert not [sql for sql in counted if 'FROM "actions_action"' in sql]
    assert Export.objects.count() == EXPORTS_AT_ONCE
    # A finished export frees its place.
    first = Export.objects.filter(requested_by=reader).earliest("pk")
    first.state = ExportState.READY
    first.save()
    assert client.post(reverse("export_create")).status_code == 302
    assert client.post(reverse("export_create")).status_code == 429
    # One unfinished an hour on no longer counts, and its page says its worker may
    # have stopped; a fresh one's does not.
    time_machine.shift(EXPORT_LOST_AFTER + datetime.timedelta(minutes=1))
    assert client.post(reverse("export_create")).status_code == 302
    old = Export.objects.filter(requested_by=reader, state=ExportState.QUEUED).earliest("pk")
    fresh = Export.objects.filter(requested_by=reader).latest("pk")
    assert "has waited more than an hour" in detail(client, old)
    assert "has waited more than an hour" not in detail(client, fresh)
    # Another person is not held up.
    assert login(tsb_staff).post(reverse("export_create")).status_code == 302


def detail(client, export) -> str:
    return client.get(reverse("export_detail", args=[export.pk])).content.decode()


def test_an_anonymous_visitor_is_sent_to_log_in_and_asks_for_no_export(client, actions):
    response = client.post(reverse("export_create"))

    assert response.status_code == 302
    assert "login" in response["Location"]
    assert not Export.objects.exists()


def test_the_export_page_shows_progress_and_keeps_asking_until_the_file_is_ready(login, reader, db):
    export = Export.objects.create(
        requested_by=reader, state=ExportState.RUNNING, rows_done=1500, rows_total=6000
    )
    client = login(reader)

    page = client.get(reverse("export_detail", args=[export.pk])).content.decode()
    partial = client.get(
        reverse("export_detail", args=[export.pk]),
        headers={"HX-Request": "true", "HX-Target": "export-status"},
    ).content.decode()

    assert "1500 of 6000 actions written" in page
    assert '<progress max="100" value="25">' in page
    # When it was asked for, as every page writes a moment: "4 December 2026, 21:55".
    asked = timezone.localtime(export.created_at)
    assert f"Asked for on {asked.day} {asked:%B %Y, %H:%M}. You can leave" in page
    assert 'hx-trigger="every 2s"' in page
    assert partial.lstrip().startswith('<div id="export-status"')
    assert "<html" not in partial
    assert client.get(reverse("export_download", args=[export.pk])).status_code == 404


def test_a_finished_export_page_stops_asking_and_offers_the_file(
    login, reader, actions, django_capture_on_commit_callbacks
):
    export = Export.objects.create(requested_by=reader, rows_total=4)
    write_export(export.pk)

    page = login(reader).get(reverse("export_detail", args=[export.pk])).content.decode()

    assert "4 actions written." in page
    assert reverse("export_download", args=[export.pk]) in page
    assert "hx-trigger" not in page


def test_a_failed_job_says_why_and_offers_no_file(login, reader, actions):
    # The body was there when the export was asked for, and deleted since.
    export = Export.objects.create(requested_by=reader, query="owner=GONE", rows_total=4)

    state = write_export(export.pk)
    export.refresh_from_db()
    page = login(reader).get(reverse("export_detail", args=[export.pk])).content.decode()

    assert state == ExportState.FAILED
    assert "GONE" in export.error
    assert not export.file
    assert "The export failed:" in page
    assert "GONE" in page
    assert "hx-trigger" not in page


def test_a_job_that_breaks_while_writing_is_marked_failed_with_the_reason(
    reader, actions, monkeypatch
):
    def broken(*args, **kwargs):
        yield ["header"]
        raise OSError("No space left on device")

    monkeypatch.setattr("actions.services.exports.action_csv_rows", broken)
    export = Export.objects.create(requested_by=reader, rows_total=4)

    write_export(export.pk)
    export.refresh_from_db()

    assert export.state == ExportState.FAILED
    assert export.error == "No space left on device"
    assert not export.file


def test_the_job_reads_the_actions_in_a_number_of_queries_that_does_not_grow(reader, actions):
    def queries_for_export() -> int:
        export = Export.objects.create(requested_by=reader)
        with CaptureQueriesContext(connection) as captured:
            assert write_export(export.pk) == ExportState.READY
        return len(captured)

    few = queries_for_export()
    for _ in range(6):
        builders.action(owner="BR", collaborators=("TSB",))

    assert queries_for_export() == few


# --- What a row holds, byte for byte, and what reading the rows costs (issue 13) -----


@pytest.fixture
def varied_actions(db, bdt_staff):
    """Actions with every kind of cell: lists, duties of both kinds, reports, awkward text."""
    D = datetime.date
    # Bodies listed in their own order, which is not the codes' alphabetical one.
    builders.body("BR")
    builders.body("BDT")
    Body.objects.filter(code="BR").update(sort_order=1)
    Body.objects.filter(code="BDT").update(sort_order=2)
    res73 = builders.resolution(73, title="ICTs, environment and climate change")
    res44 = builders.resolution(44, title="Bridging the standardization gap")
    focal = builders.user("ana", first_name="Ana", last_name="Lima")
    plain = builders.user("plain_username")
    reported = builders.action(
        res73,
        owner="TSB",
        collaborators=("BDT", "T-SG17", "BR"),
        status=ActionStatus.IN_PROGRESS,
        focal_point=focal,
        target_date=D(2020, 1, 31),
    )
    reported.clause.text = 'to report, with "figures",\nevery year;'
    reported.clause.save()
    ReportingObligation.objects.create(action=reported, recipient=ReportingRecipient.TSAG)
    ReportingObligation.objects.create(action=reported, recipient=ReportingRecipient.COUNCIL_ANNUAL)
    ResolutionReportingDuty.objects.create(
        resolution=res73, recipient=ReportingRecipient.COUNCIL_ANNUAL
    )
    ResolutionReportingDuty.objects.create(resolution=res73, recipient=ReportingRecipient.COUNCIL)
    silent = builders.action(
        res73, owner="BDT", status=ActionStatus.COMPLETED, target_date=D(2020, 1, 31)
    )
    invited = builders.action(
        res44,
        owner="T-SG17",
        strength=Strength.INVITES,
        focal_point=plain,
        needs_review=True,
        target_date=D(2999, 12, 31),
    )
    invited.clause.verb, invited.clause.label = ClauseVerb.INVITES, ""
    invited.clause.save()
    builders.report(
        reported,
        author=bdt_staff,
        state=ReportState.APPROVED,
        text='Held two workshops, "hands-on".\nMore in 2025.',
        period_start=D(2024, 6, 1),
        period_end=D(2025, 5, 1),
        report_date=D(2025, 5, 2),
    )
    builders.report(reported, author=bdt_staff, state=ReportState.SUBMITTED, text="Not yet.")
    when = datetime.datetime(2025, 3, 4, 23, 30, tzinfo=datetime.UTC)
    Action.objects.filter(pk__in=[reported.pk, silent.pk]).update(changed_at=when)
    return [reported, silent, invited]


# Lines end with \r\n; a cell with a comma, a quote or a line break is quoted.
EXPECTED_CSV = (
    "\ufeffAssembly,Resolution,Action,Name,Strength,Owner,Collaborators,Status,Focal point,"
    "Target date,Overdue,Reports to,Needs review,Item,Text,Last updated,Latest approved report,"
    "Report period from,Report period to,Report text\r\n"
    "WTSA-20,44,1,Res. 44 · action 1 (invites),Invites,T-SG17,,Not started,plain_username,"
    "2999-12-31,no,,yes,,to do thing number 1;,,,,,\r\n"  # nobody changed it: no date
    'WTSA-20,73,1,Res. 73 · action 1 (instructs 1),Instructs,TSB,"T-SG17, BR, BDT",In progress,'
    'Ana Lima,2020-01-31,yes,"ITU Council; ITU Council, annually; TSAG",no,1,'
    '"to report, with ""figures"",\nevery year;",2025-03-05T00:30:00+01:00,2025-05-02,'
    '2024-06-01,2025-05-01,"Held two workshops, ""hands-on"".\nMore in 2025."\r\n'
    "WTSA-20,73,2,Res. 73 · action 2 (instructs 2),Instructs,BDT,,Completed,,2020-01-31,no,"
    '"ITU Council; ITU Council, annually",no,2,to do thing number 2;,'
    "2025-03-05T00:30:00+01:00,,,,\r\n"
).encode()


def test_an_export_gives_these_bytes_for_lists_duties_reports_and_awkward_text(
    login, reader, varied_actions
):
    assert streamed(login(reader), "ordering=resolution") == EXPECTED_CSV


def test_the_stream_reads_the_actions_in_a_fixed_number_of_queries(login, reader, varied_actions):
    client = login(reader)
    client.get(reverse("dashboard"))  # the session is read once signed in, whatever the page

    def queries_for_stream() -> int:
        with CaptureQueriesContext(connection) as captured:
            streamed(client, "")
        return len(captured)

    few = queries_for_stream()
    for _ in range(6):
        builders.action(owner="BR", collaborators=("TSB", "BDT"))

    # The session and its user, the count that chooses streaming, the
    # actions' collaborators, own duties and resolutions' duties, the rows.
    assert (few, queries_for_stream()) == (7, 7)


def test_the_job_reads_the_actions_in_a_fixed_number_of_queries(reader, varied_actions):
    def queries_for_job() -> int:
        export = Export.objects.create(requested_by=reader)
        with CaptureQueriesContext(connection) as captured:
            assert write_export(export.pk) == ExportState.READY
        return len(captured)

    few = queries_for_job()
    for _ in range(6):
        builders.action(owner="BR", collaborators=("TSB", "BDT"))

    # The export, marking it running, the rows' three lists, the rows, saving it finished.
    assert (few, queries_for_job()) == (7, 7)


def test_text_that_a_spreadsheet_would_run_as_a_formula_is_written_as_text(
    login, reader, varied_actions
):
    reported = varied_actions[0]
    link = '=HYPERLINK("https://evil.example/","Click")'
    ProgressReport.objects.filter(action=reported, state=ReportState.APPROVED).update(text=link)
    Clause.objects.filter(pk=reported.clause_id).update(text="+1 and more", label="-1")
    User.objects.filter(username="ana").update(first_name="@SUM(A1)", last_name="")
    Clause.objects.filter(pk=varied_actions[1].clause_id).update(text="\tindented")

    rows = list(csv.reader(io.StringIO(streamed(login(reader), "ordering=resolution").decode())))

    header, cells = rows[0], {row[3]: dict(zip(rows[0], row, strict=True)) for row in rows[1:]}
    first = cells["Res. 73 · action 1 (instructs -1)"]
    assert first["Report text"] == f"'{link}"
    assert (first["Text"], first["Item"], first["Focal point"]) == (
        "'+1 and more",
        "'-1",
        "'@SUM(A1)",
    )
    assert cells["Res. 73 · action 2 (instructs 2)"]["Text"] == "'\tindented"
    assert header[0] == "\ufeffAssembly"


def test_the_export_address_opened_rather_than_posted_gives_the_export_of_its_filters(
    login, reader, actions
):
    client = login(reader)

    opened = client.get(f"{reverse('export_create')}?owner=BDT&status=not_started")

    assert opened.status_code == 302
    assert opened["Location"] == f"{reverse('action_export')}?owner=BDT&status=not_started"
    assert not Export.objects.exists()
    assert client.get(opened["Location"]).status_code == 200


def test_a_background_export_refuses_a_filter_it_cannot_read_naming_the_field(login, reader):
    response = login(reader).post(f"{reverse('export_create')}?target_date_after=notadate")

    assert response.status_code == 400
    assert response.content.decode() == (
        "Nothing was exported: these filters could not be read.\nTarget date: Enter a valid date.\n"
    )
    assert not Export.objects.exists()
