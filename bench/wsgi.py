"""The project's WSGI application, plus one raw view, for the API comparisons.

``/bench/raw-actions/`` answers a page of /api/actions/ (``page``,
``page_size`` and one of the filters ``bench.raw`` knows) from ``bench.raw``
after checking the same token, with no middleware, no DRF and no serializer:
what the same answer costs in the same process, or under the same gunicorn.
Only ``bench.run`` serves this module, in process or on 127.0.0.1.
"""

from __future__ import annotations

import hmac
from base64 import b64decode
from urllib.parse import parse_qsl

from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, connection
from django.utils import timezone
from knox.crypto import hash_token
from knox.settings import CONSTANTS

django_application = get_wsgi_application()

RAW_PATH = "/bench/raw-actions/"


def _raw_actions(environ) -> tuple[str, bytes]:
    from actions.models import User
    from bench.raw import action_filter, action_page

    key = environ.get("HTTP_AUTHORIZATION", "").removeprefix("Token ")
    # Opened and closed per request, as Django does for its own views.
    close_old_connections()
    try:
        # The token is checked as knox checks it: looked up by its prefix, its
        # hash compared, its expiry read.
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT user_id, digest FROM knox_authtoken WHERE token_key = %s"
                " AND (expiry IS NULL OR expiry > %s)",
                [key[: CONSTANTS.TOKEN_KEY_LENGTH], timezone.now()],
            )
            row = cursor.fetchone()
        if row is None or not hmac.compare_digest(row[1], hash_token(key)):
            return "401 Unauthorized", b'{"detail": "Invalid token."}'
        user = User(pk=row[0], bureau_id=_bureau_of(row[0]))
        query = dict(parse_qsl(environ.get("QUERY_STRING", ""), keep_blank_values=True))
        page, page_size = int(query.pop("page", 1)), int(query.pop("page_size", 50))
        cursor = query.pop("cursor", None)
        # DRF's cursor: "p=<id>" in base64, or empty for the first page.
        after = None if cursor is None else int(b64decode(cursor).decode()[2:] or 0)
        name, value = next(iter(query.items()), ("", None))
        return "200 OK", action_page(
            action_filter(name, value), page=page, page_size=page_size, user=user, after=after
        )
    finally:
        close_old_connections()


def _bureau_of(user_id: int) -> int | None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT bureau_id FROM actions_user WHERE id = %s", [user_id])
        return cursor.fetchone()[0]


def application(environ, start_response):
    if environ.get("PATH_INFO") == RAW_PATH:
        status, body = _raw_actions(environ)
        start_response(
            status, [("Content-Type", "application/json"), ("Content-Length", str(len(body)))]
        )
        return [body]
    return django_application(environ, start_response)
