"""Citations of other ITU resolutions: "Resolution 196 (Rev. Dubai, 2018)".

Which conference adopted the cited resolution is decided by, in order:

1. explicit words next to the citation: "WTDC Resolution 63 (...)", "... of the
   World Telecommunication Development Conference", "... of WTDC" -> WTDC;
   "... of the Plenipotentiary Conference" -> PP; "... of this assembly",
   "... of the WTSA" -> WTSA;
2. otherwise the place and year, since every ITU conference meets in a
   different place or year (Dubai 2012 is WTSA, Dubai 2014 WTDC, Dubai 2018 PP);
3. otherwise WTSA: in a WTSA resolution an unqualified resolution is one of the
   assembly's own.

Only citations with a "(place, year)" are extracted: a bare "Resolution 196"
cannot be pinned to a conference or a version.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from .types import CrossReference

# A resolution's number has at most five digits (parsing.lines.MAX_RESOLUTION_NUMBER):
# a longer one is no citation.
_CITATION = r"\d{1,5}\s*\((?:Rev\.\s*)?[^()]*?,\s*\d{4}\)"
_LIST = re.compile(
    r"(?P<prefix>\b(?:WTDC|PP|WTSA)\s+)?\bResolutions?\s+"
    r"(?P<list>" + _CITATION + r"(?:\s*(?:,\s*and|,|and)\s*" + _CITATION + r")*)"
)
_MEMBER = re.compile(r"(?<!\d)(\d{1,5})\s*\(((Rev\.\s*)?([^(),]+?)\s*,\s*(\d{4}))\)")
_SUFFIX = re.compile(
    r"\s*,?\s*of\s+(?:the\s+)?(?P<conference>World\s+Telecommunication\s+Development\s+"
    r"Conference|WTDC\b|Plenipotentiary\s+Conference|PP\b|World\s+Telecommunication\s+"
    r"Standardization\s+Assembly|WTSA\b|this\s+assembly)",
    re.IGNORECASE,
)

_MEETINGS: dict[str, list[tuple[str, int]]] = {
    "PP": [
        ("nice", 1989), ("kyoto", 1994), ("minneapolis", 1998), ("marrakesh", 2002),
        ("antalya", 2006), ("guadalajara", 2010), ("busan", 2014), ("dubai", 2018),
        ("bucharest", 2022),
    ],
    "WTSA": [
        ("helsinki", 1993), ("geneva", 1996), ("montreal", 2000), ("florianopolis", 2004),
        ("johannesburg", 2008), ("dubai", 2012), ("hammamet", 2016), ("geneva", 2022),
        ("new delhi", 2024),
    ],
    "WTDC": [
        ("buenos aires", 1994), ("valletta", 1998), ("istanbul", 2002), ("doha", 2006),
        ("hyderabad", 2010), ("dubai", 2014), ("buenos aires", 2017), ("kigali", 2022),
        ("baku", 2025),
    ],
}  # fmt: skip
_CONFERENCE_OF_MEETING: dict[tuple[str, int], str] = {
    meeting: conference for conference, meetings in _MEETINGS.items() for meeting in meetings
}


def _place_key(place: str) -> str:
    decomposed = unicodedata.normalize("NFKD", place)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold().strip()


def _conference_from_words(words: str) -> str:
    words = words.casefold()
    if "development" in words or "wtdc" in words:
        return "WTDC"
    if "plenipotentiary" in words or words == "pp":
        return "PP"
    return "WTSA"


def conference_of(place: str, year: int, context: str | None = None) -> str:
    """The conference (WTSA, WTDC or PP) of a citation, by the rule in the module docstring."""
    if context:
        return _conference_from_words(context)
    return _CONFERENCE_OF_MEETING.get((_place_key(place), year), "WTSA")


def find_references(text: str) -> list[CrossReference]:
    """Every "(Rev.) place, year" resolution citation in ``text``, in order."""
    found: list[CrossReference] = []
    for match in _LIST.finditer(text):
        suffix = _SUFFIX.match(text, match.end())
        context = (match.group("prefix") or "").strip() or (
            suffix.group("conference") if suffix else None
        )
        for member in _MEMBER.finditer(match.group("list")):
            number, inner, rev, place, year = member.groups()
            found.append(
                CrossReference(
                    text=f"Resolution {number} ({inner})",
                    conference=conference_of(place, int(year), context),
                    number=int(number),
                    is_revision=rev is not None,
                    place=place.strip(),
                    year=int(year),
                )
            )
    return found


def unique_references(texts: Iterable[str]) -> list[CrossReference]:
    """References of several texts, first citation kept per (conference, number, year)."""
    seen: dict[tuple[str, int, int], CrossReference] = {}
    for text in texts:
        for reference in find_references(text):
            seen.setdefault((reference.conference, reference.number, reference.year), reference)
    return list(seen.values())
