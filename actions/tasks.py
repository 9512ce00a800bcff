"""Background work: reminders before Council document deadlines; large CSV exports."""

from celery import shared_task
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _

from .filtersets import ActionFilterSet
from .models import Action, Export
from .services.exports import export_fail, export_write
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
