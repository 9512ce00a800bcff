"""The Celery application: configured from Django settings (CELERY_*)."""

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wtsa_tracker.settings")

app = Celery("wtsa_tracker")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

app.conf.beat_schedule = {
    # Once a day, early in Geneva, so staff find reminders in the morning. The
    # task sweeps every due deadline, so a missed day catches up on the next.
    "send-deadline-reminders": {
        "task": "actions.tasks.send_deadline_reminders",
        "schedule": crontab(hour=6, minute=0),
    },
    # Notification e-mails are queued when made; this catches any the queue
    # lost (a broker down at that moment), so none waits more than minutes.
    "send-notification-emails": {
        "task": "actions.tasks.send_notification_emails",
        "schedule": crontab(minute="*/5"),
    },
    # Users who chose a daily digest get it with the morning reminders.
    "send-notification-digests": {
        "task": "actions.tasks.send_notification_digests",
        "schedule": crontab(hour=7, minute=0),
    },
    # Issue 11: uploads previewed in the admin but never applied wait in
    # storage; a nightly sweep deletes those older than a day.
    "expire-imports": {
        "task": "actions.tasks.expire_imports",
        "schedule": crontab(hour=3, minute=30),
    },
    # Expired API tokens are refused whenever presented; this deletes the
    # ones nobody presents again, so that a user's tokens do not pile up.
    "purge-expired-api-tokens": {
        "task": "actions.tasks.purge_expired_api_tokens",
        "schedule": crontab(hour=3, minute=45),
    },
}
