"""Uploading a resolution text in the admin: a preview first, then the import.

The upload is kept in storage under a random token, never in the session; a
large file is previewed and imported by a Celery task (run here by a real
worker) while the page polls its progress.
"""

import datetime
import time
from contextlib import contextmanager

import pytest
from celery.contrib.testing.worker import start_worker
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from actions.choices import ImportState
from actions.importing import import_jobs_expire
from actions.models import Action, ImportJob
from resolutions.models import Assembly, Resolution
from tests import builders
from tests.resolutions.test_import import SEED_TEXT, word_resolution
from wtsa_tracker.celery import app

IMPORT_URL = reverse("admin:resolutions_resolution_import")


def upload(client, assembly, name: str, data: bytes, **extra):
    return client.post(
        IMPORT_URL, {"assembly": assembly.pk, "source": SimpleUploadedFile(name, data), **extra}
    )


def job_url(job: ImportJob, name: str = "import_job") -> str:
    return reverse(f"admin:resolutions_resolution_{name}", kwargs={"token": job.token})


def apply(client):
    return client.post(job_url(ImportJob.objects.get()), {"apply": "1"})


def test_upload_shows_a_preview_and_writes_nothing_until_applied(client, superuser, wtsa20):
    client.force_login(superuser)

    preview = upload(client, wtsa20, "seed.txt", SEED_TEXT.encode())

    assert preview.status_code == 200
    page = preview.content.decode()
    assert "Resolutions: 28 created" in page
    assert "Apply this import" in page
    assert not Resolution.objects.exists()

    applied = apply(client)

    assert applied.status_code == 302
    assert Resolution.objects.count() == 28
    assert Action.objects.exists()


def test_word_upload_is_previewed_and_applied(client, superuser, wtsa20):
    client.force_login(superuser)

    upload(client, wtsa20, "Res99.docx", word_resolution())
    apply(client)

    assert Resolution.objects.get(number=99).actions.count() == 2


def test_malformed_upload_shows_the_error_and_writes_nothing(client, superuser, wtsa20):
    client.force_login(superuser)

    response = upload(client, wtsa20, "bad.txt", b"just some words\n")

    assert response.status_code == 200
    assert "Nothing was imported" in response.content.decode()
    assert "Apply this import" not in response.content.decode()
    assert not Resolution.objects.exists()


def test_a_refused_upload_says_so_in_sentences_with_one_full_stop_each(client, superuser, wtsa20):
    client.force_login(superuser)
    builders.assembly("WTSA-24", start=datetime.date(2024, 10, 15))

    upload(client, Assembly.objects.get(code="WTSA-24"), "Res99.docx", word_resolution())

    error = ImportJob.objects.get().error
    assert error.endswith("choose the assembly that adopted this text. Nothing was imported.")
    assert ".." not in error


def test_apply_without_a_preview_imports_nothing(client, superuser, wtsa20):
    client.force_login(superuser)

    response = client.post(IMPORT_URL, {"apply": "1"}, follow=True)

    assert "upload the file again" in response.content.decode()
    assert not Resolution.objects.exists()


def test_same_file_again_has_nothing_to_apply(client, superuser, wtsa20):
    client.force_login(superuser)
    upload(client, wtsa20, "seed.txt", SEED_TEXT.encode())
    apply(client)
    ImportJob.objects.all().delete()

    again = upload(client, wtsa20, "seed.txt", SEED_TEXT.encode())

    assert "nothing to import" in again.content.decode()


def test_staff_without_admin_rights_cannot_import(client, tsb_staff, wtsa20):
    tsb_staff.is_staff = True
    tsb_staff.save()
    client.force_login(tsb_staff)

    response = upload(client, wtsa20, "seed.txt", SEED_TEXT.encode())

    assert response.status_code == 403
    assert not Resolution.objects.exists()


def test_the_upload_waits_in_storage_under_a_token_and_not_in_the_session(
    client, superuser, wtsa20
):
    client.force_login(superuser)

    upload(client, wtsa20, "seed.txt", SEED_TEXT.encode())

    job = ImportJob.objects.get()
    assert len(job.token) >= 32
    assert job.token in job.stored_as
    with default_storage.open(job.stored_as, "rb") as stored:
        assert stored.read() == SEED_TEXT.encode()
    session = client.session
    assert all(SEED_TEXT[:200] not in str(value) for value in session.values())
    assert len(session.encode(dict(session.items()))) < 2000

    apply(client)

    assert not default_storage.exists(job.stored_as)  # imported: no longer kept


def test_an_upload_is_applied_only_once(client, superuser, wtsa20):
    client.force_login(superuser)
    upload(client, wtsa20, "seed.txt", SEED_TEXT.encode())
    apply(client)

    again = client.post(job_url(ImportJob.objects.get()), {"apply": "1"}, follow=True)

    assert "already imported" in again.content.decode()
    assert Resolution.objects.count() == 28


def test_an_import_address_with_a_nul_is_not_found(client, superuser, db):
    client.force_login(superuser)
    url = job_url(ImportJob(token="a")).replace("/a/", "/a%00b/")

    # PostgreSQL refuses a NUL in a query: the address is still only not found.
    assert client.get(url).status_code == 404


def test_another_persons_upload_cannot_be_seen_or_applied(client, superuser, administrator, wtsa20):
    administrator.is_staff = True
    administrator.save()
    client.force_login(superuser)
    upload(client, wtsa20, "seed.txt", SEED_TEXT.encode())
    job = ImportJob.objects.get()
    client.force_login(administrator)

    seen = client.get(job_url(job))
    applied = client.post(job_url(job), {"apply": "1"})

    assert seen.status_code in {403, 404}
    assert applied.status_code in {403, 404}
    assert not Resolution.objects.exists()


def test_the_complete_set_option_is_kept_with_the_upload(client, superuser, wtsa20):
    client.force_login(superuser)

    upload(client, wtsa20, "seed.txt", SEED_TEXT.encode(), suppress_missing="on")

    assert ImportJob.objects.get().suppress_missing


def wait_for(job: ImportJob, *states: str) -> ImportJob:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.state in states:
            return job
        time.sleep(0.2)
    raise AssertionError(f"import still {job.state}: {job.stage}")


@contextmanager
def tasks_unknown_to_this_process(*names: str):
    """As in a web process, which never imports ``actions.tasks``."""
    removed = {name: app.tasks.pop(name, None) for name in names}
    try:
        yield
    finally:
        app.tasks.update({name: task for name, task in removed.items() if task is not None})


@pytest.mark.broker
@pytest.mark.django_db(transaction=True)
def test_a_large_file_is_previewed_and_applied_by_a_worker_with_progress_shown(client, settings):
    call_command("loaddata", "bodies", verbosity=0)
    wtsa20 = builders.assembly("WTSA-20")
    admin_user = builders.user("root", is_staff=True, is_superuser=True)
    settings.IMPORT_SYNC_MAX_BYTES = 1024  # the seed (80 kB) counts as large
    client.force_login(admin_user)

    # A web process has not loaded the tasks: the upload is queued by name.
    with tasks_unknown_to_this_process("actions.tasks.preview_import"):
        uploaded = upload(client, wtsa20, "seed.txt", SEED_TEXT.encode())
    job = ImportJob.objects.get()
    assert uploaded.status_code == 302
    assert uploaded["Location"] == job_url(job)
    page = client.get(job_url(job)).content.decode()
    assert 'id="import-progress"' in page

    # A worker still busy when the test ends must stop before the next broker test
    # starts one: celery's default 10 s left it running, taking that test's messages.
    with start_worker(
        app, pool="solo", perform_ping_check=False, loglevel="WARNING", shutdown_timeout=60
    ):
        wait_for(job, ImportState.PREVIEWED, ImportState.FAILED)
        assert job.state == ImportState.PREVIEWED, job.error
        assert job.done == job.total == 28
        assert "28 created" in job.report["summary"]
        progress = client.get(job_url(job, "import_progress"))
        assert progress["HX-Refresh"] == "true"  # done: the page reloads to show the preview
        assert "Apply this import" in client.get(job_url(job)).content.decode()
        assert not Resolution.objects.exists()

        applied = client.post(job_url(job), {"apply": "1"})
        assert applied["Location"] == job_url(job)
        wait_for(job, ImportState.APPLIED, ImportState.FAILED)

    assert job.state == ImportState.APPLIED, job.error
    assert Resolution.objects.count() == 28
    assert Action.objects.exists()
    assert "was imported" in client.get(job_url(job)).content.decode()


def test_a_running_import_page_polls_its_progress(client, superuser, wtsa20):
    client.force_login(superuser)
    job = ImportJob.objects.create(
        file_name="big.txt",
        stored_as="imports/x/big.txt",
        size=10,
        assembly=wtsa20,
        created_by=superuser,
        done=7,
        total=28,
        stage="Comparing with the database",
    )

    page = client.get(job_url(job)).content.decode()
    progress = client.get(job_url(job, "import_progress"))

    assert 'hx-trigger="every 1s"' in page
    assert "7 of 28 resolutions" in page
    assert 'value="25"' in page
    assert "HX-Refresh" not in progress


def test_uploads_left_unapplied_for_a_day_are_deleted_with_their_files(client, superuser, wtsa20):
    client.force_login(superuser)
    upload(client, wtsa20, "seed.txt", SEED_TEXT.encode())
    job = ImportJob.objects.get()
    later = job.created_at + datetime.timedelta(hours=25)

    kept = import_jobs_expire(before=job.created_at)
    removed = import_jobs_expire(before=later)

    assert (kept, removed) == (0, 1)
    assert not ImportJob.objects.exists()
    assert not default_storage.exists(job.stored_as)


def test_a_damaged_word_upload_is_refused_with_its_reason(client, superuser, wtsa20):
    client.force_login(superuser)
    data = bytearray(word_resolution())
    start = data.find(b"word/document.xml") + len("word/document.xml")
    data[start : start + 8] = b"\xff" * 8  # the part's deflated data, damaged

    response = upload(client, wtsa20, "Res99.docx", bytes(data))

    assert response.status_code == 200
    job = ImportJob.objects.get()
    assert job.state == ImportState.FAILED
    assert job.error.startswith("not a Word document (")
    assert job.error in response.content.decode()
    assert not Resolution.objects.exists()


def test_a_text_upload_with_a_nul_is_refused_at_its_preview(client, superuser, wtsa20):
    client.force_login(superuser)
    lines = SEED_TEXT.split("\n")
    lines[200] += "\x00"

    response = upload(client, wtsa20, "seed.txt", "\n".join(lines).encode())

    assert "line 201: this line holds a NUL character" in response.content.decode()
    assert ImportJob.objects.get().state == ImportState.FAILED
    assert not Resolution.objects.exists()


def test_an_unexpected_error_in_a_preview_fails_the_upload_and_says_so(
    client, superuser, wtsa20, monkeypatch, caplog
):
    def broken(**kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr("actions.importing.import_plan", broken)
    client.force_login(superuser)

    response = upload(client, wtsa20, "seed.txt", SEED_TEXT.encode())

    assert response.status_code == 200
    assert "The import stopped on an unexpected error. Nothing was imported." in (
        response.content.decode()
    )
    job = ImportJob.objects.get()
    assert job.state == ImportState.FAILED
    assert not default_storage.exists(job.stored_as)
    assert "a bug" in caplog.text


def test_an_unexpected_error_while_writing_says_what_was_imported_and_a_new_upload_completes_it(
    client, superuser, wtsa20, monkeypatch
):
    from actions import importing

    written = importing.resolution_plan_apply
    calls = []

    def breaks_on_the_third(**kwargs):
        calls.append(1)
        if len(calls) == 3:
            raise RuntimeError("a bug")
        return written(**kwargs)

    monkeypatch.setattr(importing, "resolution_plan_apply", breaks_on_the_third)
    client.force_login(superuser)
    upload(client, wtsa20, "seed.txt", SEED_TEXT.encode())

    response = apply(client)

    assert response.status_code == 302
    job = ImportJob.objects.get()
    assert job.state == ImportState.FAILED
    assert job.error == (
        "The import stopped on an unexpected error after 2 of 28 resolutions, which are "
        "imported: import the file again to import the rest."
    )
    assert Resolution.objects.count() == 2
    assert job.error in client.get(response.url).content.decode()

    monkeypatch.setattr(importing, "resolution_plan_apply", written)
    upload(client, wtsa20, "seed.txt", SEED_TEXT.encode())
    client.post(job_url(ImportJob.objects.latest("pk")), {"apply": "1"})

    assert Resolution.objects.count() == 28


def test_an_upload_whose_worker_was_lost_is_forgotten_after_a_day(client, superuser, wtsa20):
    client.force_login(superuser)
    upload(client, wtsa20, "seed.txt", SEED_TEXT.encode())
    job = ImportJob.objects.get()
    ImportJob.objects.filter(pk=job.pk).update(state=ImportState.APPLYING, stage="Writing")

    kept = import_jobs_expire(before=job.created_at)
    removed = import_jobs_expire(before=job.created_at + datetime.timedelta(hours=25))

    assert (kept, removed) == (0, 1)
    assert not default_storage.exists(job.stored_as)
