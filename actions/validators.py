"""Limits on what people type, shared by the models, forms, API and admin.

One definition each, so a page, the API and the admin never disagree on what
is accepted.
"""

import datetime
import re
import unicodedata

from django.core.exceptions import ValidationError
from django.core.validators import (
    MaxLengthValidator,
    MaxValueValidator,
    MinValueValidator,
    ProhibitNullCharactersValidator,
    URLValidator,
)
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

from wtsa_tracker.characters import CONTROL_CHARACTER_MESSAGE, codepoint, control_character

# A progress report is a paragraph or a few for Council, not a document: a
# report longer than this belongs in a linked document.
REPORT_TEXT_MAX_LENGTH = 4000
# A note on a status change or a reason for returning a report.
NOTE_MAX_LENGTH = 2000
# Why a Resolution 83 assessment rates a resolution as it does.
RATIONALE_MAX_LENGTH = 5000
EVIDENCE_URL_MAX_LENGTH = 500

# The days a target date or a meeting may fall on. Outside them a date is a
# slip of the keyboard, and at the very end of the calendar (9999-12-31) the
# day after, which every calendar feed needs, does not exist.
EARLIEST_PLANNING_DATE = datetime.date(1900, 1, 1)
LATEST_PLANNING_DATE = datetime.date(2199, 12, 31)
_PLANNING_DATE_MESSAGE = _("Choose a date between 1 January 1900 and 31 December 2199.")
planning_date_validators = [
    MinValueValidator(EARLIEST_PLANNING_DATE, message=_PLANNING_DATE_MESSAGE),
    MaxValueValidator(LATEST_PLANNING_DATE, message=_PLANNING_DATE_MESSAGE),
]

WEB_ADDRESS_MESSAGE = _(
    "Enter a web address that starts with http:// or https://, for example https://www.itu.int/."
)

# Characters that turn the text around them right to left, unseen: in an
# address they make it read as another. (A document number allows only plain
# characters, which leaves them out too.)
DIRECTION_MARKS = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
DIRECTION_MARK_MESSAGE = _(
    "Remove the invisible direction mark %(character)s: it makes this read as something else."
)


@deconstructible
class WebAddressValidator(URLValidator):
    """Evidence is opened by readers in a browser: only web pages, never ftp:,
    file: or javascript: links, and no direction mark disguising the address."""

    def __init__(self):
        super().__init__(schemes=["http", "https"], message=WEB_ADDRESS_MESSAGE)

    def __call__(self, value) -> None:
        _refuse_direction_marks(value)
        super().__call__(value)


def _refuse_direction_marks(value) -> None:
    found = DIRECTION_MARKS.search(str(value))
    if found is not None:
        raise ValidationError(
            DIRECTION_MARK_MESSAGE,
            code="direction_mark",
            params={"character": codepoint(found.group())},
        )


web_address_validator = WebAddressValidator()

# A Council document's number, as the secretariat assigns it: C27/35-E,
# C27/35(Rev.1)-E, C27/INF/5-E. One line, no direction mark: it heads the
# Word file and its footer, and a frozen report keeps it for good.
DOCUMENT_NUMBER_MAX_LENGTH = 40
DOCUMENT_NUMBER_MESSAGE = _(
    "Write the document number as the secretariat assigned it, e.g. C27/35-E: letters, "
    "digits, spaces and / - . ( ) + only, and %(character)s is not one of them."
)
_DOCUMENT_NUMBER_CHARACTERS = re.compile(r"[A-Za-z0-9/().+\- ]")
# What Word makes of a typed hyphen (an en dash by autocorrect, a non-breaking
# hyphen in ITU's templates), read as the hyphen it stands for.
_WORD_DASHES = dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2014\u2015\u2212"), "-")


def normalized_document_number(text: str) -> str:
    """A document number as typed or pasted from Word: full-width or compatibility
    forms read as plain ones (NFKC: "Ｃ２７" is "C27", a no-break space a space),
    Word's dashes as hyphens, and no space around it."""
    return unicodedata.normalize("NFKC", text).translate(_WORD_DASHES).strip()


@deconstructible
class DocumentNumberValidator:
    """Refuses a document number with any other character, naming the first."""

    message = DOCUMENT_NUMBER_MESSAGE
    code = "document_number"

    def __call__(self, value) -> None:
        for character in str(value):
            if not _DOCUMENT_NUMBER_CHARACTERS.fullmatch(character):
                shown = codepoint(character)
                if character.isprintable() and not character.isspace():
                    shown = f"“{character}” ({shown})"
                raise ValidationError(self.message, code=self.code, params={"character": shown})

    def __eq__(self, other) -> bool:
        return isinstance(other, DocumentNumberValidator)


document_number_validator = DocumentNumberValidator()

# Django's own refusal of a NUL, which every form and the API give: PostgreSQL
# keeps no such character in a text. For services that read text no form checked.
NULL_CHARACTERS_MESSAGE = ProhibitNullCharactersValidator.message


def check_characters(**texts: str) -> None:
    """Refuse a NUL or a control character in any of the texts, named by field.

    For services that take text no form or serializer checked: a NUL is kept
    by no PostgreSQL text, a control character by no Word file.
    """
    errors = {}
    for field, text in texts.items():
        found = control_character(text)
        if "\x00" in text:
            errors[field] = NULL_CHARACTERS_MESSAGE
        elif found is not None:
            errors[field] = CONTROL_CHARACTER_MESSAGE % {"character": found}
    if errors:
        raise ValidationError(errors)


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
