"""Character and footnote clean-up shared by the text and Word readers."""

from __future__ import annotations

import re

from .types import Footnote

# Word's non-breaking hyphen (U+2011, e.g. "ITU‑T") and the hyphen U+2010 must
# compare equal to "-" or "ITU-T" would not be recognised; non-breaking and
# narrow spaces are layout only. Typographic quotes and dashes (’ –) are kept:
# they are part of the official wording and harmless to matching.
_CHAR_MAP = str.maketrans(
    {
        "\u2011": "-",
        "\u2010": "-",
        "\u00a0": " ",
        "\u202f": " ",
        "\u2007": " ",
        "\u2009": " ",
        "\u200b": "",
        "\u00ad": "",
        "\ufeff": "",
    }
)

# Residue of Word footnotes in the hand conversion: "[footnoteRef:2]" marks the
# call and "[2:  These include ...]" is the body, pasted on the same line.
_FOOTNOTE_REF = re.compile(r"\[footnoteRef:\s*(\d+)\]")
_FOOTNOTE_BODY = re.compile(r"\[(\d+):\s*([^\]]*)\]")
# A footnote call whose superscript was lost glues its number to the word
# ("developing countries1"). Only an all-lowercase word of 3+ letters followed by
# 1-2 digits and a separator qualifies, so "IPv6", "IMT-2020" or "Question3/2"
# are left alone.
_GLUED_CALL = re.compile(r"(?<![\w-])([a-z]{3,})(\d{1,2})(?=[\s,;:.)]|$)")
_SPACES = re.compile(r"\s+")


def normalise_chars(text: str) -> str:
    """Map look-alike characters (U+2011 hyphen, no-break spaces) to plain ASCII."""
    return text.translate(_CHAR_MAP)


def collapse_spaces(text: str) -> str:
    """Collapse runs of whitespace (tabs included) to one space and strip the ends."""
    return _SPACES.sub(" ", text).strip()


def extract_footnotes(text: str) -> tuple[str, list[Footnote]]:
    """Remove footnote residue from ``text`` and return it as ``Footnote`` objects.

    A call without a body yields ``Footnote(number, "")``; ``fill_footnotes``
    completes it later from a body found elsewhere in the same resolution.
    """
    found: dict[str, str] = {}

    def take_body(match: re.Match[str]) -> str:
        found[match.group(1)] = collapse_spaces(match.group(2))
        return " "

    def take_ref(match: re.Match[str]) -> str:
        found.setdefault(match.group(1), "")
        return ""

    def take_glued(match: re.Match[str]) -> str:
        found.setdefault(match.group(2), "")
        return match.group(1)

    text = _FOOTNOTE_BODY.sub(take_body, text)
    text = _FOOTNOTE_REF.sub(take_ref, text)
    text = _GLUED_CALL.sub(take_glued, text)
    return text, [Footnote(number, body) for number, body in found.items()]


def fill_footnotes(footnotes: list[Footnote], bodies: dict[str, str]) -> list[Footnote]:
    """Give number-only footnotes the body of the same number seen elsewhere."""
    return [Footnote(note.number, note.text or bodies.get(note.number, "")) for note in footnotes]


def merge_footnotes(*groups: list[Footnote]) -> list[Footnote]:
    """Union of footnote lists by number, keeping the first non-empty body."""
    merged: dict[str, str] = {}
    for group in groups:
        for note in group:
            if not merged.get(note.number):
                merged[note.number] = note.text
    return [Footnote(number, text) for number, text in merged.items()]


def quote(text: str, limit: int = 70) -> str:
    """Quote source text for an error message, shortened if long."""
    return repr(text if len(text) <= limit else text[: limit - 1] + "…")
