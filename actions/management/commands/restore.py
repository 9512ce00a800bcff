"""Put a backup made by `manage.py backup` back into the database."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from wtsa_tracker.backup import BackupError, database_restore


class Command(BaseCommand):
    help = (
        "Replace the database's content with the backup at PATH (made by "
        "`manage.py backup`). Stop the web server, workers and beat first."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="The backup file to restore.")
        parser.add_argument(
            "--noinput",
            "--no-input",
            action="store_false",
            dest="interactive",
            help="Do not ask for confirmation.",
        )

    def handle(self, *args, path: Path, interactive: bool, **options):
        if interactive:
            answer = input(
                f"Every row in the database will be replaced by the content of {path}. "
                "Type 'yes' to continue: "
            )
            if answer != "yes":
                raise CommandError("Restore cancelled; nothing changed.")
        try:
            database_restore(path=path)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(self.style.SUCCESS(f"Restored from {path}."))
