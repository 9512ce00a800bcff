"""What every page's header shows: the signed-in user's unread notifications."""

from django.http import HttpRequest

from . import selectors


class _UnreadCount:
    """Counted when the header first shows it (a page fragment never does), then kept."""

    def __init__(self, user) -> None:
        self.user = user
        self.count: int | None = None

    def __call__(self) -> int:
        if self.count is None:
            self.count = selectors.unread_notification_count(self.user)
        return self.count


def notifications(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notifications": _UnreadCount(user)}
