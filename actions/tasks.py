"""Background work: reminders before Council document deadlines; large imports."""

import datetime

from celery import shared_task
from django.utils import timezone

from .importing import import_job_apply, import_job_fail, import_job_preview, import_jobs_expire
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


@shared_task
def preview_import(job_id: int) -> str:
    """Work out the preview of a large uploaded file, writing progress on its job."""
    try:
        return import_job_preview(job_id=job_id).state
    except Exception:
        import_job_fail(job_id=job_id)
        raise


@shared_task
def apply_import(job_id: int) -> str:
    """Import a large uploaded file once its preview was accepted."""
    try:
        return import_job_apply(job_id=job_id).state
    except Exception:
        import_job_fail(job_id=job_id)
        raise


@shared_task
def expire_imports() -> int:
    """Delete uploads nobody applied within a day, with their stored files (run by beat)."""
    return import_jobs_expire(before=timezone.now() - datetime.timedelta(days=1))
