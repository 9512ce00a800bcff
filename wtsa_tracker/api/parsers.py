"""Request bodies the API reads: JSON, bounded in depth.

Python's JSON reader recurses once per nested list or object, so a body of a
hundred thousand ``[`` ends in a RecursionError (a 500) rather than a refusal.
No request of this API nests deeper than a few levels.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from rest_framework import parsers
from rest_framework.exceptions import ParseError

MAX_DEPTH = 32


def _depth(data: Any) -> int:
    """How deeply lists and objects nest in ``data``, counted without recursion."""
    deepest, stack = 0, [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict):
            children = value.values()
        elif isinstance(value, list):
            children = value
        else:
            continue
        deepest = max(deepest, depth)
        if deepest > MAX_DEPTH:
            break
        stack.extend((child, depth + 1) for child in children)
    return deepest


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, refusing with 400 a body nested deeper than ``MAX_DEPTH``."""

    def parse(self, stream, media_type=None, parser_context=None) -> Any:
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            data = None
            too_deep = True
        except ParseError as refused:
            raise ParseError(_plain(str(refused.detail))) from None
        else:
            too_deep = _depth(data) > MAX_DEPTH
        if too_deep:
            raise ParseError(
                _("JSON parse error - lists and objects nest deeper than %(depth)d levels.")
                % {"depth": MAX_DEPTH}
            )
        return data


# What Python's readers say, for the API's users rather than for a Python programmer.
_PLAIN_MESSAGES = {
    "set_int_max_str_digits": gettext_noop(
        "JSON parse error - a number has more digits than any field takes."
    ),
    "does not start with BOM": gettext_noop(
        "JSON parse error - the body is not UTF-8: send it as UTF-8."
    ),
}


def _plain(message: str) -> str:
    for words, plain in _PLAIN_MESSAGES.items():
        if words in message:
            return _(plain)
    return message
