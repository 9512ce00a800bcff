"""Create the role groups. Rights within the tracker follow from the role and
the user's Bureau (see actions/permissions.py); model permissions only decide
what the Django admin shows, so readers and staff get view rights and
administrators get every right on the tracker's models."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ROLE_NAMES = ["Bureau staff", "Bureau coordinator", "Reader", "Administrator"]
TRACKER_APPS = ["resolutions", "actions"]


def create_role_groups(apps, schema_editor):
    # Permissions are normally created after all migrations ran; create them
    # now so the groups can be given theirs on a fresh database.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    tracker = Permission.objects.filter(content_type__app_label__in=TRACKER_APPS)
    for name in ROLE_NAMES:
        group, _ = Group.objects.get_or_create(name=name)
        if name == "Administrator":
            # API token rights are granted by the migration that installs them.
            group.permissions.set(tracker)
        else:
            group.permissions.set(tracker.filter(codename__startswith="view_"))


def remove_role_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLE_NAMES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("actions", "0001_initial"),
        ("resolutions", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(create_role_groups, remove_role_groups)]
