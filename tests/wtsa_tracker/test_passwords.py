"""The password validators apply wherever an administrator sets a password."""

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from actions.models import User

pytestmark = pytest.mark.django_db


def test_an_invited_colleague_cannot_choose_a_one_letter_password(client):
    # The admin's add form invites (no password is typed there); the
    # colleague chooses one on the invitation page, under the validators.
    invited = User.objects.create_user("newcomer", email="new@itu.int")
    invited.set_unusable_password()
    invited.save()
    uid = urlsafe_base64_encode(force_bytes(invited.pk))
    token = default_token_generator.make_token(invited)
    page = client.get(reverse("invitation_confirm", args=[uid, token]), follow=True)

    response = client.post(page.redirect_chain[-1][0], {"new_password1": "a", "new_password2": "a"})

    assert response.status_code == 200
    assert "This password is too short." in response.content.decode()
    assert not User.objects.get(pk=invited.pk).has_usable_password()


def test_the_admin_refuses_to_set_a_common_password(client, superuser, tsb_staff):
    client.force_login(superuser)

    response = client.post(
        f"/admin/actions/user/{tsb_staff.pk}/password/",
        {"usable_password": "true", "password1": "password123", "password2": "password123"},
    )

    assert response.status_code == 200
    assert "This password is too common." in response.content.decode()
    tsb_staff.refresh_from_db()
    assert tsb_staff.check_password("secret-pass-123")
