"""Middleware of the whole site."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse


class PrivateCacheControlMiddleware:
    """Keep what a signed-in user was shown out of every cache but their own.

    Pages and API answers for a signed-in user carry data their role may see
    and others may not: a shared proxy, or the browser's back button on a
    shared computer after logging out, must not serve them again.
    ``request.user`` is read after the view ran, so a user the API signed in
    by token counts too (DRF sets it on the underlying request).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            response["Cache-Control"] = "private, no-store"
        return response
