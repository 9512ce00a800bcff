"""Give any account a new password, for instance the first administrator's when it is lost."""

import secrets
import sys

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from actions.models import User
from actions.services.accounts import user_send_password_link, user_set_password


class Command(BaseCommand):
    help = (
        "Set a new password for USERNAME (default: the first administrator). "
        "Without options a random one is printed once; --stdin reads it from standard "
        "input instead, --send-link e-mails the user a link to choose their own."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "username", nargs="?", help="whose password; default: the first administrator"
        )
        how = parser.add_mutually_exclusive_group()
        how.add_argument(
            "--stdin", action="store_true", help="read the new password from standard input"
        )
        how.add_argument(
            "--send-link",
            action="store_true",
            help="e-mail a one-time link to choose a password instead of setting one",
        )

    def handle(self, *args, username=None, stdin=False, send_link=False, **options):
        user = self._user(username)
        if send_link:
            try:
                user_send_password_link(user=user)
            except (ValidationError, OSError) as error:
                raise CommandError(" ".join(getattr(error, "messages", [str(error)]))) from None
            self.stdout.write(f"A link to choose a password went to {user.email}.")
            return
        password = sys.stdin.readline().rstrip("\n") if stdin else secrets.token_urlsafe(12)
        try:
            user_set_password(user=user, password=password)
        except ValidationError as invalid:
            raise CommandError("Password not changed: " + " ".join(invalid.messages)) from None
        if stdin:
            self.stdout.write(f"Password of {user.get_username()} changed.")
        else:
            self.stdout.write(
                f"New password of {user.get_username()} (shown once, note it): {password}"
            )

    def _user(self, username: str | None) -> User:
        if username:
            try:
                return User.objects.get(username=username)
            except User.DoesNotExist:
                raise CommandError(f"No user is called {username!r}.") from None
        # The first administrator: the one `bootstrap` created, the oldest superuser.
        first = User.objects.filter(is_superuser=True).order_by("date_joined", "pk").first()
        if first is None:
            raise CommandError("There is no administrator yet: run `manage.py bootstrap`.")
        return first
