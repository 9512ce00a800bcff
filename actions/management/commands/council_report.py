"""Write the report to Council for a session, as Word or a spreadsheet."""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from actions.choices import ReportFormat
from actions.council_report import (
    NoResolutionInPeriod,
    council_meeting_by_code,
    resolution_in_period,
)
from actions.models import Body, GoverningBodyMeeting
from actions.selectors import reporting_period
from actions.services.council_report import council_report_write
from resolutions.models import Resolution


class Command(BaseCommand):
    help = (
        "Write the report to ITU Council for one session and its reporting period: every "
        "action that reports to Council, its approved progress and the confirmed assessments."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--meeting", required=True, help="The Council session: C27, C2027 or its name."
        )
        parser.add_argument(
            "--format", dest="fmt", choices=ReportFormat.values, default=ReportFormat.DOCX
        )
        parser.add_argument(
            "--output",
            type=Path,
            help=(
                "Where to write it (default: <document number>-WTSA-implementation-"
                "[scope-]<date>.<format> here, e.g. C27-35-E-WTSA-implementation-2027-04-25.docx)."
            ),
        )
        parser.add_argument("--document-number", default="", help="e.g. C27/35-E.")
        parser.add_argument("--bureau", help="Only the actions this Bureau owns or contributes to.")
        parser.add_argument(
            "--resolution",
            type=int,
            help="Only this resolution's actions, in the version in force in the period.",
        )
        parser.add_argument(
            "--assembly",
            help="With --resolution: this assembly's version rather than the period's.",
        )

    def handle(self, *args, meeting, fmt, output, document_number, **options):
        try:
            session = council_meeting_by_code(meeting)
        except GoverningBodyMeeting.DoesNotExist as missing:
            raise CommandError(str(missing)) from None
        bureau = resolution = None
        if options["bureau"]:
            bureau = Body.objects.filter(code=options["bureau"]).first()
            if bureau is None:
                raise CommandError(f"No Bureau “{options['bureau']}”.")
        if options["resolution"] is not None:
            resolution = self._resolution(session, options["resolution"], options["assembly"])
        try:
            name, content = council_report_write(
                meeting=session,
                fmt=fmt,
                document_number=document_number,
                bureau=bureau,
                resolution=resolution,
            )
        except ValidationError as refused:
            raise CommandError(" ".join(refused.messages)) from None
        path = output or Path(name)
        path.write_bytes(content)
        self.stdout.write(f"Wrote {path} ({len(content)} bytes) for {session}.")

    @staticmethod
    def _resolution(session: GoverningBodyMeeting, number: int, assembly: str | None):
        if assembly:
            found = Resolution.objects.filter(assembly__code=assembly, number=number).first()
            if found is None:
                raise CommandError(f"No Resolution {number} of {assembly}.")
            return found
        try:
            return resolution_in_period(number, reporting_period(session))
        except NoResolutionInPeriod as missing:
            raise CommandError(str(missing)) from None
