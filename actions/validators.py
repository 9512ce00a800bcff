"""Limits on what people type, shared by the models, forms, API and admin.

One definition each, so a page, the API and the admin never disagree on what
is accepted.
"""

from django.core.validators import MaxLengthValidator, URLValidator
from django.utils.translation import gettext_lazy as _

# A progress report is a paragraph or a few for Council, not a document: a
# report longer than this belongs in a linked document.
REPORT_TEXT_MAX_LENGTH = 4000
# A note on a status change or a reason for returning a report.
NOTE_MAX_LENGTH = 2000
EVIDENCE_URL_MAX_LENGTH = 500

WEB_ADDRESS_MESSAGE = _(
    "Enter a web address that starts with http:// or https://, for example https://www.itu.int/."
)

# Evidence is opened by readers in a browser: only web pages, never ftp:,
# file: or javascript: links.
web_address_validator = URLValidator(schemes=["http", "https"], message=WEB_ADDRESS_MESSAGE)

# Django's own validators fill in the limit and the length the user typed.
TOO_LONG_MESSAGE = _(
    "Keep this to %(limit_value)s characters or fewer (it has %(show_value)s): "
    "put longer material in a linked document."
)


def max_length_validator(limit: int) -> MaxLengthValidator:
    return MaxLengthValidator(limit, message=TOO_LONG_MESSAGE)


def text_too_long(limit: int, length: int) -> str:
    """The one message for a text over its limit, on every page and in the API."""
    return TOO_LONG_MESSAGE % {"limit_value": limit, "show_value": length}
