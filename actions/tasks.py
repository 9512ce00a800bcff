"""Background work: reminders, notification e-mails, Council reports, imports, CSV exports."""

import datetime
import logging

from celery import shared_task
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _

from wtsa_tracker.authentication import purge_expired_tokens

from .filtersets import ActionFilterSet
from .importing import import_job_apply, import_job_fail, import_job_preview, import_jobs_expire
from .models import Action, Export
from .services.common import DeliveryFailed
from .services.council_report import council_report_generate
from .services.exports import export_fail, export_write
from .services.notifications import (
    digest_recipients,
    digest_send,
    notification_email_send,
    notifications_to_email,
)
from .services.reminders import reminder_send, reminders_sweep

logger = logging.getLogger(__name__)

# A failed send is retried by the task with the delay the service recorded;
# after these retries it fails (an error in the worker's log) and the row
# waits for the next sweep.
MAX_SEND_RETRIES = 3


@shared_task
def send_deadline_reminders() -> int:
    """Sweep every Council deadline; queue one task per reminder to send.

    Run daily by beat. A missed day catches up, and a double run is harmless:
    reminders are written under a unique key and each is sent under a lease.
    """
    reminder_ids = reminders_sweep(now=timezone.now())
    for reminder_id in reminder_ids:
        send_reminder.delay(reminder_id)
    return len(reminder_ids)


@shared_task(bind=True, max_retries=MAX_SEND_RETRIES)
def send_reminder(self, reminder_id: int) -> bool:
    """Send one reminder by e-mail; a failure is retried, then fails loudly."""
    try:
        return reminder_send(reminder_id=reminder_id)
    except DeliveryFailed as failure:
        raise self.retry(countdown=failure.retry_in + 1, exc=failure) from failure


@shared_task
def send_notification_emails(keys: list[str] | None = None) -> int:
    """E-mail immediate notifications not yet sent.

    Queued after an event with the keys of the notifications it made: each of
    those gets a task of its own, retried on failure. Run by beat without keys,
    it sends, one after the other in this task, every one still due (a queue
    lost, retries run out). Queueing the whole backlog from each event or sweep
    made the queue grow with the square of the notifications while workers lagged.
    """
    ids = notifications_to_email(now=timezone.now(), keys=keys)
    if keys is not None:
        for notification_id in ids:
            send_notification_email.delay(notification_id)
        return len(ids)
    sent = 0
    for notification_id in ids:
        try:
            sent += notification_email_send(notification_id=notification_id)
        except DeliveryFailed:
            continue  # recorded, with its next attempt: a later sweep sends it
        except Exception:
            # A fault in one (its text cannot be built) must not hold back the rest;
            # its claim lapses with the lease, and a later sweep tries it again.
            logger.exception(
                "Notification %s not e-mailed; a later sweep tries again", notification_id
            )
    return sent


@shared_task(bind=True, max_retries=MAX_SEND_RETRIES)
def send_notification_email(self, notification_id: int) -> bool:
    """E-mail one notification; a failure is retried, then fails loudly."""
    try:
        return notification_email_send(notification_id=notification_id)
    except DeliveryFailed as failure:
        raise self.retry(countdown=failure.retry_in + 1, exc=failure) from failure


@shared_task
def send_notification_digests() -> int:
    """Send each user who chose a daily digest one e-mail of what waits for them."""
    sent = 0
    for user_id in digest_recipients(now=timezone.now()):
        try:
            sent += bool(digest_send(user_id=user_id))
        except Exception:
            logger.exception("Digest for user %s not sent; tomorrow's digest includes it", user_id)
    return sent


@shared_task(name="actions.tasks.generate_council_report")
def generate_council_report(run_id: int) -> bool:
    """Generate a requested Council report: its data, Word file and spreadsheet."""
    return council_report_generate(run_id=run_id)


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


@shared_task
def purge_expired_api_tokens() -> int:
    """Delete the API tokens that have expired (run by beat); return how many."""
    return purge_expired_tokens()


@shared_task
def write_export(export_id: int) -> str:
    """Write one export's CSV file, with the filters it was asked with; return its state."""
    export = Export.objects.get(pk=export_id)
    filterset = ActionFilterSet(QueryDict(export.query), queryset=Action.objects.for_export())
    if not filterset.is_valid():
        # Checked when the export was asked for; a filter may since have lost
        # its object (a body or user deleted), and the file would not match.
        reason = _("These filters can no longer be read: %(errors)s") % {
            "errors": "; ".join(
                f"{field}: {' '.join(messages)}" for field, messages in filterset.errors.items()
            )
        }
        return export_fail(export=export, reason=reason).state
    return export_write(export=export, actions=filterset.qs, today=timezone.localdate()).state
