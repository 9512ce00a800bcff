"""The password validators apply wherever an administrator sets a password."""

import pytest

from actions.models import User

pytestmark = pytest.mark.django_db


def test_the_admin_refuses_a_new_user_with_a_one_letter_password(client, superuser):
    client.force_login(superuser)

    response = client.post(
        "/admin/actions/user/add/",
        {"username": "newcomer", "usable_password": "true", "password1": "a", "password2": "a"},
    )

    assert response.status_code == 200
    assert "This password is too short." in response.content.decode()
    assert not User.objects.filter(username="newcomer").exists()


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
