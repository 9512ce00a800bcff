"""Write the report to Council for a session, as Word or a spreadsheet."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from actions.choices import ReportFormat
from actions.council_report import council_meeting_by_code
from actions.models import Body, GoverningBodyMeeting
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
            help="Where to write it (default: C27-WTSA-implementation-<date>.<format> here).",
        )
        parser.add_argument("--document-number", default="", help="e.g. C27/35-E.")
        parser.add_argument("--bureau", help="Only the actions this Bureau owns or contributes to.")
        parser.add_argument("--resolution", type=int, help="Only this resolution's actions.")
        parser.add_argument(
            "--assembly", default="WTSA-20", help="The assembly of --resolution (WTSA-20)."
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
            resolution = Resolution.objects.filter(
                assembly__code=options["assembly"], number=options["resolution"]
            ).first()
            if resolution is None:
                raise CommandError(
                    f"No Resolution {options['resolution']} of {options['assembly']}."
                )
        name, content = council_report_write(
            meeting=session,
            fmt=fmt,
            document_number=document_number,
            bureau=bureau,
            resolution=resolution,
        )
        path = output or Path(name)
        path.write_bytes(content)
        self.stdout.write(f"Wrote {path} ({len(content)} bytes) for {session}.")
