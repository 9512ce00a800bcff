"""Prepare a database for use: migrate, load reference data, create an administrator.

Safe to run on every start: reference data is loaded only into empty tables,
so what administrators changed later (a Council deadline, a body's name, an
action's status) is never overwritten.
"""

import os
import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import models
from django.utils import timezone

from actions.choices import Role
from actions.models import Body, GoverningBodyMeeting, MeetingRule
from actions.services.calendar import meetings_project
from resolutions.models import Assembly, Resolution

# Fixture name → the model whose emptiness means "never loaded".
REFERENCE_FIXTURES: list[tuple[str, type[models.Model]]] = [
    ("assemblies", Assembly),
    ("bodies", Body),
    ("meetings", GoverningBodyMeeting),
    ("meeting_rules", MeetingRule),
    ("wtsa20", Resolution),
]


class Command(BaseCommand):
    help = (
        "Migrate, load the reference data and WTSA-20 resolutions into empty tables, "
        "and create a superuser (ADMIN_USERNAME, default 'admin') if none exists. "
        "Its password is ADMIN_PASSWORD, or a random one printed once."
    )

    def handle(self, *args, **options):
        call_command("migrate", interactive=False, verbosity=0)
        for fixture, model in REFERENCE_FIXTURES:
            if model.objects.exists():
                self.stdout.write(f"{fixture}: already loaded, left as it is.")
            else:
                call_command("loaddata", fixture, verbosity=0)
                self.stdout.write(
                    f"{fixture}: loaded {model.objects.count()} {model._meta.verbose_name_plural}."
                )
        for meeting in meetings_project(today=timezone.localdate()):
            self.stdout.write(
                f"No {meeting.get_kind_display()} session ahead: projected {meeting.name} "
                f"opening {meeting.start_date:%d.%m.%Y} (provisional, confirm it in the admin)."
            )
        self._create_first_admin()

    # (username, password): the password only when this run chose it, for `manage.py run`.
    first_admin: tuple[str, str | None] = ("", None)

    def _create_first_admin(self) -> None:
        User = get_user_model()
        existing = User.objects.filter(is_superuser=True).order_by("date_joined", "pk").first()
        if existing is not None:
            self.first_admin = (existing.get_username(), None)
            self.stdout.write("An administrator already exists; none created.")
            return
        username = os.environ.get("ADMIN_USERNAME", "admin")
        chosen = os.environ.get("ADMIN_PASSWORD", "")
        password = chosen or secrets.token_urlsafe(12)
        # The validators the admin and `changepassword` apply: an administrator
        # account is the last one that may have a guessable password.
        email = os.environ.get("ADMIN_EMAIL", "")
        try:
            validate_password(password, user=User(username=username, email=email))
        except ValidationError as error:
            raise CommandError(
                "ADMIN_PASSWORD refused: " + " ".join(error.messages) + " No administrator created."
            ) from error
        user = User.objects.create_superuser(username=username, email=email, password=password)
        user.groups.add(Group.objects.get(name=Role.ADMINISTRATOR))
        self.first_admin = (username, None if chosen else password)
        self.stdout.write(self.style.SUCCESS(f"Administrator created: {username}"))
        if not chosen:
            self.stdout.write(self.style.WARNING(f"Password (shown once, note it): {password}"))
