import pytest
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command

from actions.models import Action, Body, GoverningBodyMeeting, User
from resolutions.models import Assembly, Resolution


@pytest.mark.django_db
def test_role_groups_exist_after_migration_with_view_rights_for_readers():
    assert set(Group.objects.values_list("name", flat=True)) >= {
        "Bureau staff",
        "Bureau coordinator",
        "Reader",
        "Administrator",
    }
    reader_rights = set(
        Group.objects.get(name="Reader").permissions.values_list("codename", flat=True)
    )
    assert "view_action" in reader_rights
    assert "change_action" not in reader_rights
    assert "change_action" in Group.objects.get(name="Administrator").permissions.values_list(
        "codename", flat=True
    )


@pytest.mark.django_db
def test_bootstrap_loads_reference_data_and_creates_one_administrator(capsys, monkeypatch):
    monkeypatch.delenv("ADMIN_PASSWORD", raising=False)

    call_command("bootstrap")

    output = capsys.readouterr().out
    assert Body.objects.get(code="T-SG13").supporting_bureau.code == "TSB"
    assert Assembly.objects.get(code="WTSA-20").place == "Geneva"
    assert GoverningBodyMeeting.objects.filter(kind="council").count() >= 4
    admin = User.objects.get(username="admin")
    assert admin.is_superuser
    password = output.split("Password (shown once, note it): ")[1].split()[0]
    assert admin.check_password(password)


@pytest.mark.django_db
def test_bootstrap_again_overwrites_nothing_an_administrator_changed(monkeypatch):
    monkeypatch.setenv("ADMIN_PASSWORD", "chosen-password-1")
    call_command("bootstrap")
    Body.objects.filter(code="TSB").update(name="Renamed by an administrator")
    bodies = Body.objects.count()

    call_command("bootstrap")

    assert Body.objects.get(code="TSB").name == "Renamed by an administrator"
    assert Body.objects.count() == bodies
    assert User.objects.filter(is_superuser=True).count() == 1
    assert User.objects.get(username="admin").check_password("chosen-password-1")


@pytest.mark.django_db
def test_bootstrap_starts_with_the_wtsa20_resolutions_and_their_actions(monkeypatch):
    monkeypatch.setenv("ADMIN_PASSWORD", "chosen-password-1")

    call_command("bootstrap")

    assert Resolution.objects.filter(assembly__code="WTSA-20").count() == 28
    assert Action.objects.filter(resolution__number=73).exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("a", "This password is too short. It must contain at least 8 characters."),
        ("password123", "This password is too common."),
        ("12345678901", "This password is entirely numeric."),
    ],
)
def test_bootstrap_refuses_a_weak_admin_password_with_the_validators_message(
    monkeypatch, password, message
):
    monkeypatch.setenv("ADMIN_PASSWORD", password)

    with pytest.raises(CommandError) as refused:
        call_command("bootstrap")

    assert message in str(refused.value)
    assert not User.objects.filter(is_superuser=True).exists()
