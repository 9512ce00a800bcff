"""Accounts to try the pages as each role, on a development machine only.

A newcomer who ran ``make run`` has one administrator; the pages look
different to Bureau staff, coordinators and readers, and a Resolution 83
rating needs two TSB coordinators (no one confirms their own). This command
creates one account per seat, sharing one password, and leaves any account
that already exists as it is. A production database never gets them: the
command refuses to run unless ``DEBUG`` is on.
"""

import os
import secrets

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from actions.choices import Role
from actions.models import Body, User
from actions.services.accounts import user_role_set

# (username, first name, last name, Bureau, role)
DEMO_ACCOUNTS = [
    ("tsb.staff", "Tomas", "Staff", "TSB", Role.BUREAU_STAFF),
    ("tsb.coordinator", "Ana", "Coordinator", "TSB", Role.COORDINATOR),
    ("tsb.coordinator2", "Kofi", "Coordinator", "TSB", Role.COORDINATOR),
    ("bdt.staff", "Amina", "Staff", "BDT", Role.BUREAU_STAFF),
    ("bdt.coordinator", "Li", "Coordinator", "BDT", Role.COORDINATOR),
    ("reader", "Rita", "Reader", None, Role.READER),
]


class Command(BaseCommand):
    help = (
        "Development only: create an account per role (TSB and BDT staff and coordinators, "
        "a reader) with one password, DEMO_PASSWORD or a random one printed once. "
        "Existing accounts are left as they are."
    )

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError(
                "Demo accounts are for a development machine (DEBUG on, as `make run` sets "
                "it); nothing created. In production, invite people from the admin."
            )
        chosen = os.environ.get("DEMO_PASSWORD", "")
        password = chosen or secrets.token_urlsafe(12)
        try:
            validate_password(password)
        except ValidationError as error:
            raise CommandError(
                "DEMO_PASSWORD refused: " + " ".join(error.messages) + " Nothing created."
            ) from error
        missing = [
            code
            for code in {a[3] for a in DEMO_ACCOUNTS} - {None}
            if not Body.objects.filter(code=code).exists()
        ]
        if missing:
            raise CommandError(
                f"No Bureau {', '.join(sorted(missing))}: run `make run` (or "
                "`manage.py bootstrap`) first to load the reference data. Nothing created."
            )
        created = []
        with transaction.atomic():
            for username, first, last, bureau, role in DEMO_ACCOUNTS:
                if User.objects.filter(username=username).exists():
                    self.stdout.write(f"{username}: already exists, left as it is.")
                    continue
                user = User.objects.create_user(
                    username=username,
                    password=password,
                    first_name=first,
                    last_name=last,
                    email=f"{username}@example.org",
                    bureau=Body.objects.get(code=bureau) if bureau else None,
                )
                user_role_set(user=user, role=role)
                created.append(f"  {username:<18} {bureau or '–':<4} {role.label}")
        if not created:
            return
        self.stdout.write(self.style.SUCCESS("Demo accounts created:"))
        self.stdout.write("\n".join(created))
        if chosen:
            self.stdout.write("Their password is DEMO_PASSWORD.")
        else:
            self.stdout.write(
                self.style.WARNING(f"Their password (shown once, note it): {password}")
            )
