"""Administrators manage API tokens (django-rest-knox) in the admin, as they
did the plain tokens these replace."""

from django.contrib.auth.management import create_permissions
from django.db import migrations


def grant_token_rights(apps, schema_editor):
    # Permissions are normally created after all migrations ran.
    knox = apps.get_app_config("knox")
    knox.models_module = True
    create_permissions(knox, apps=apps, verbosity=0)
    knox.models_module = None
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    group, _ = Group.objects.get_or_create(name="Administrator")
    group.permissions.add(*Permission.objects.filter(content_type__app_label="knox"))


def revoke_token_rights(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group in Group.objects.filter(name="Administrator"):
        group.permissions.remove(*Permission.objects.filter(content_type__app_label="knox"))


class Migration(migrations.Migration):
    dependencies = [
        ("actions", "0005_people_messages_limits"),
        ("knox", "0009_extend_authtoken_field"),
    ]

    operations = [migrations.RunPython(grant_token_rights, revoke_token_rights)]
