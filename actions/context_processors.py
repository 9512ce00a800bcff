"""What every page's header shows: the signed-in user's unread notifications."""

from django.http import HttpRequest

from . import selectors


def notifications(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notifications": selectors.unread_notification_count(user)}
