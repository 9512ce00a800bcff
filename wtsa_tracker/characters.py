"""Characters that no Word file or spreadsheet can hold.

Both are XML, and XML 1.0 has no place for the C0 control characters other
than tab, line feed and carriage return, nor for U+FFFE and U+FFFF:
python-docx and openpyxl refuse a text holding one. A vertical tab pasted
from a PDF into one progress report would otherwise stop every Council
report that quotes it. So typed and imported text is refused with
``ControlCharacterValidator``, and a document being written drops what older
data may still hold (``without_control_characters``).
"""

import re

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

# NUL is left to Django's ProhibitNullCharactersValidator, which every form and
# API field already applies with its own message.
CONTROL_CHARACTERS = re.compile("[\x01-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_UNWRITABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

CONTROL_CHARACTER_MESSAGE = _(
    "Remove the invisible control character %(character)s from this text: Word and Excel "
    "files cannot hold it. It usually comes with text pasted from a PDF or another program."
)


def codepoint(character: str) -> str:
    """How a message names a character the reader may not see: "U+000B"."""
    return f"U+{ord(character):04X}"


def control_character(text: str) -> str | None:
    """The first control character in ``text`` (as U+000B), or None."""
    match = CONTROL_CHARACTERS.search(text)
    return None if match is None else codepoint(match.group())


def without_control_characters(text: str) -> str:
    """``text`` with every character a Word file or spreadsheet refuses removed."""
    return _UNWRITABLE.sub("", text)


@deconstructible
class ControlCharacterValidator:
    message = CONTROL_CHARACTER_MESSAGE
    code = "control_character"

    def __call__(self, value) -> None:
        found = control_character(str(value))
        if found is not None:
            raise ValidationError(self.message, code=self.code, params={"character": found})

    def __eq__(self, other) -> bool:
        return isinstance(other, ControlCharacterValidator)


control_character_validator = ControlCharacterValidator()
