"""Background work: reminders before Council document deadlines; Council reports."""

from celery import shared_task
from django.utils import timezone

from .services.council_report import council_report_generate
from .services.reminders import reminder_send, reminders_claim_due


@shared_task
def send_deadline_reminders() -> int:
    """Sweep every upcoming Council deadline; queue one task per reminder to send.

    Run daily by beat. A missed day catches up, and a double run is harmless:
    reminders are claimed under a unique key before anything is sent.
    """
    reminder_ids = reminders_claim_due(today=timezone.localdate())
    for reminder_id in reminder_ids:
        send_reminder.delay(reminder_id)
    return len(reminder_ids)


@shared_task
def send_reminder(reminder_id: int) -> bool:
    """Send one claimed reminder by e-mail."""
    return reminder_send(reminder_id=reminder_id)


@shared_task(name="actions.tasks.generate_council_report")
def generate_council_report(run_id: int) -> bool:
    """Generate a requested Council report: its data, Word file and spreadsheet."""
    return council_report_generate(run_id=run_id)
