"""Make a consistent copy of the database while the site runs."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from wtsa_tracker.backup import BackupError, database_backup


class Command(BaseCommand):
    help = (
        "Write a consistent copy of the database to PATH while the site runs "
        "(SQLite: the online backup API; PostgreSQL: pg_dump). Put it back with "
        "`manage.py restore PATH`."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="The backup file to write.")

    def handle(self, *args, path: Path, **options):
        try:
            written = database_backup(path=path)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(self.style.SUCCESS(f"Backup written to {written}."))
