"""Run the reminder sweep by hand: what the daily task does, printed."""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from actions.models import Reminder, User
from actions.services.common import DeliveryFailed
from actions.services.reminders import reminder_send, reminders_plan, reminders_sweep


def _parse_now(value: str) -> datetime.datetime:
    parsed = parse_datetime(value)
    if parsed is None:
        try:
            parsed = datetime.datetime.combine(
                datetime.date.fromisoformat(value), datetime.time(6, 0)
            )
        except ValueError:
            raise CommandError(
                f"--now {value!r} is not an ISO date or date-time, e.g. 2027-03-01T06:00"
            ) from None
    if timezone.is_naive(parsed):
        # A bare time is Geneva's, as the daily sweep's is.
        parsed = timezone.make_aware(parsed)
    return parsed


class Command(BaseCommand):
    help = (
        "Sweep the Council deadlines: write the reminders and escalations due and send every "
        "unsent one, printing each. --dry-run prints what would be sent and writes nothing; "
        "--now runs the sweep as if at that time (Geneva time unless an offset is given)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Print, write nothing.")
        parser.add_argument("--now", help="ISO date-time to sweep at (default: now).")

    def handle(self, *args, dry_run=False, now=None, **options):
        now = _parse_now(now) if now else timezone.now()
        if dry_run:
            self._dry_run(now)
            return
        sent = failed = 0
        for reminder_id in reminders_sweep(now=now):
            reminder = Reminder.objects.select_related("recipient", "meeting").get(pk=reminder_id)
            try:
                if reminder_send(reminder_id=reminder_id, now=now):
                    sent += 1
                    self.stdout.write(f"sent    {self._describe(reminder)}")
            except DeliveryFailed as failure:
                failed += 1
                self.stderr.write(f"FAILED  {self._describe(reminder)}: {failure}")
        self.stdout.write(f"{sent} sent, {failed} failed.")
        if failed:
            raise CommandError(f"{failed} reminders could not be sent; they will be retried.")

    def _dry_run(self, now: datetime.datetime) -> None:
        plan = reminders_plan(now=now)
        done = set(
            Reminder.objects.filter(
                key__in=[item.key for item in plan], sent_at__isnull=False
            ).values_list("key", flat=True)
        )
        pending = Reminder.objects.filter(sent_at__isnull=True).exclude(
            key__in=[item.key for item in plan]
        )
        people = User.objects.in_bulk({item.recipient_id for item in plan})
        count = 0
        for item in plan:
            if item.key not in done:
                count += 1
                self.stdout.write(
                    f"would send  {item.key}  to {people[item.recipient_id].email} "
                    f"({item.meeting}, {item.kind.label})"
                )
        for reminder in pending.select_related("recipient", "meeting"):
            count += 1
            self.stdout.write(f"would retry {self._describe(reminder)}")
        self.stdout.write(f"{count} would be sent (dry run: nothing written or sent).")

    @staticmethod
    def _describe(reminder: Reminder) -> str:
        return (
            f"{reminder.key}  to {reminder.recipient.email or reminder.recipient.username} "
            f"({reminder.meeting}, {reminder.get_kind_display()})"
        )
