"""Import resolution texts (the seed text or an ITU Word file) into an assembly."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from actions.importing import ImportRefused, refusal_message, resolution_import
from resolutions.models import Assembly
from resolutions.parsing import ParseError, parse_document


class Command(BaseCommand):
    help = (
        "Read resolutions from a text or .docx file and create or update their clauses "
        "and actions. Re-importing the same text changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "path",
            type=Path,
            help="A .txt (UTF-8, or UTF-16 with a byte order mark) or .docx file.",
        )
        parser.add_argument(
            "--assembly", default="WTSA-20", help="Assembly code (default: WTSA-20)."
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Print the differences and write nothing."
        )
        parser.add_argument(
            "--complete-set",
            action="store_true",
            help=(
                "The file holds every resolution the assembly kept: mark the resolutions "
                "of earlier assemblies still in force and missing from it as suppressed."
            ),
        )

    def handle(
        self, *args, path: Path, assembly: str, dry_run: bool, complete_set: bool, **options
    ):
        try:
            target = Assembly.objects.get(code=assembly)
        except Assembly.DoesNotExist:
            known = ", ".join(Assembly.objects.values_list("code", flat=True)) or "none"
            raise CommandError(f"Unknown assembly {assembly!r}. Known: {known}.") from None
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror}.") from None
        self.stdout.write(f"Reading {path} ({len(data):,} bytes)…")
        try:
            document = parse_document(name=path.name, data=data)
            report = resolution_import(
                document=document,
                assembly=target,
                dry_run=dry_run,
                suppress_missing=complete_set,
            )
        except (ParseError, ImportRefused) as error:
            raise CommandError(f"{path}: {refusal_message(error)}") from None
        for line in report.notices:
            self.stdout.write(self.style.WARNING(f"  Note: {line}"))
        for line in report.changes:
            self.stdout.write(f"  {line}")
        self.stdout.write(self.style.SUCCESS(report.summary()))
        if dry_run:
            self.stdout.write(self.style.WARNING("Dry run: nothing was written."))
