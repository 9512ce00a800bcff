"""Uploading a resolution text in the admin: a preview first, then the import."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from actions.models import Action
from resolutions.models import Resolution
from tests.resolutions.test_import import SEED_TEXT, word_resolution

IMPORT_URL = reverse("admin:resolutions_resolution_import")


def upload(client, assembly, name: str, data: bytes):
    return client.post(
        IMPORT_URL, {"assembly": assembly.pk, "source": SimpleUploadedFile(name, data)}
    )


def test_upload_shows_a_preview_and_writes_nothing_until_applied(client, superuser, wtsa20):
    client.force_login(superuser)

    preview = upload(client, wtsa20, "seed.txt", SEED_TEXT.encode())

    assert preview.status_code == 200
    page = preview.content.decode()
    assert "Resolutions: 28 created" in page
    assert "Apply this import" in page
    assert not Resolution.objects.exists()

    applied = client.post(IMPORT_URL, {"apply": "1"})

    assert applied.status_code == 302
    assert Resolution.objects.count() == 28
    assert Action.objects.exists()


def test_word_upload_is_previewed_and_applied(client, superuser, wtsa20):
    client.force_login(superuser)

    upload(client, wtsa20, "Res99.docx", word_resolution())
    client.post(IMPORT_URL, {"apply": "1"})

    assert Resolution.objects.get(number=99).actions.count() == 2


def test_malformed_upload_shows_the_error_and_writes_nothing(client, superuser, wtsa20):
    client.force_login(superuser)

    response = upload(client, wtsa20, "bad.txt", b"just some words\n")

    assert response.status_code == 200
    assert "Nothing was imported" in response.content.decode()
    assert "Apply this import" not in response.content.decode()
    assert not Resolution.objects.exists()


def test_apply_without_a_preview_imports_nothing(client, superuser, wtsa20):
    client.force_login(superuser)

    response = client.post(IMPORT_URL, {"apply": "1"}, follow=True)

    assert "upload the file again" in response.content.decode()
    assert not Resolution.objects.exists()


def test_same_file_again_has_nothing_to_apply(client, superuser, wtsa20):
    client.force_login(superuser)
    upload(client, wtsa20, "seed.txt", SEED_TEXT.encode())
    client.post(IMPORT_URL, {"apply": "1"})

    again = upload(client, wtsa20, "seed.txt", SEED_TEXT.encode())

    assert "nothing to import" in again.content.decode()


def test_staff_without_admin_rights_cannot_import(client, tsb_staff, wtsa20):
    tsb_staff.is_staff = True
    tsb_staff.save()
    client.force_login(tsb_staff)

    response = upload(client, wtsa20, "seed.txt", SEED_TEXT.encode())

    assert response.status_code == 403
    assert not Resolution.objects.exists()
