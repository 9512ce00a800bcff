"""Reader for plain text: the ITU-D background paper, or bare resolution texts.

The background paper has an introduction (ignored), **Table 1** -- one entry per
resolution, "RESOLUTION 2 [Rev] on <title>:" followed by an overview paragraph
-- and **Table 2**, the detailed text of each resolution (see ``lines`` and
``builder``). A text without tables must start with a resolution heading.

Mismatches between the tables:

* a Table 2 resolution missing from Table 1 is an error: its marker (Rev, NOC,
  New) would be unknown and the paper says Table 1 lists them all;
* a Table 1 entry without Table 2 text is an error too: the tracker would
  silently lose a resolution the paper declares relevant;
* a resolution twice in either table is an error (which text is right?);
* different title wording in the two tables is tolerated -- Table 1 paraphrases
  (lower case, "resolves:" run into the title of Res 97) -- and Table 2's title,
  which quotes the resolution, is the one kept;
* a different order in the two tables is tolerated; output is by number.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from wtsa_tracker.characters import CONTROL_CHARACTERS

from .builder import build_resolutions, check_unique
from .cleaning import collapse_spaces, normalise_chars, quote
from .lines import Kind, classify_lines
from .types import Notice, ParsedDocument, ParsedResolution, ParseError

_TABLE_1 = re.compile(r"^\s*Table\s+1\s*[-–—:]\s*\S")
_TABLE_2 = re.compile(r"^\s*Table\s+2\s*[-–—:]\s*\S")
_TABLE_1_ENTRY = re.compile(
    r"^\s*RESOLUTION\s+(\d{1,5})\s*\[\s*([A-Za-z]+)\s*\]\s*(?:on\s+)?(.*?)\s*:?\s*$", re.IGNORECASE
)
_MARKERS = {"rev": "Rev", "noc": "NOC", "new": "New"}
# Column headers of Table 2 ("Number / Resolution", "Relevant text").
_COLUMN_HEADER = re.compile(r"^(?:Number\s*/\s*Resolution|Relevant\s+text)$", re.IGNORECASE)
EXPECTED_HEADING = "expected a resolution heading such as 'RESOLUTION 44'"


@dataclass(frozen=True)
class _Entry:
    line: int
    marker: str
    overview: str


def split_lines(text: str) -> list[str]:
    """Split on \\n, \\r\\n or \\r only, so line numbers match what editors show."""
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def parse_text(text: str) -> ParsedDocument:
    """Parse the background paper (or bare resolution texts) into resolutions.

    Raises ``ParseError`` naming the line and what was expected there.
    """
    # A form feed between pages (as pdftotext writes) or another control
    # character is space to a reader, and no Word file can hold it.
    text = CONTROL_CHARACTERS.sub(" ", text)
    raw = split_lines(text)
    if not text.strip():
        raise ParseError(1, f"the text is empty: {EXPECTED_HEADING}")
    nul = text.find("\x00")
    if nul >= 0:
        # No text of resolutions holds one, and PostgreSQL refuses it in a column.
        raise ParseError(
            len(split_lines(text[:nul])),
            "this line holds a NUL character, so the file is damaged or is not text (UTF-16 "
            "text without its byte order mark reads so): save it again as UTF-8 text",
        )
    normalised = [normalise_chars(line) for line in raw]
    table_1 = next((i for i, line in enumerate(normalised) if _TABLE_1.match(line)), None)
    table_2 = next((i for i, line in enumerate(normalised) if _TABLE_2.match(line)), None)
    entries: dict[int, _Entry] | None = None
    if table_2 is None:
        if table_1 is not None:
            raise ParseError(
                table_1 + 1,
                "found Table 1 but no 'Table 2 - Detailed text of WTSA Resolutions' "
                "heading after it",
            )
        start = 0
    else:
        if table_1 is not None:
            if table_1 > table_2:
                raise ParseError(table_1 + 1, "Table 1 must come before Table 2")
            entries = _read_table_1(raw, table_1, table_2)
        start = table_2 + 1
    resolutions, notices = _read_resolutions(raw, start, in_table=table_2 is not None)
    if entries is not None:
        _match_tables(resolutions, entries)
    return ParsedDocument(sorted(resolutions, key=lambda r: r.number), notices)


def _read_resolutions(
    raw: list[str], start: int, *, in_table: bool
) -> tuple[list[ParsedResolution], list[Notice]]:
    lines = classify_lines([(number, raw[number - 1]) for number in range(start + 1, len(raw) + 1)])
    first = next((i for i, line in enumerate(lines) if line.kind is Kind.RESOLUTION), None)
    for line in lines[: len(lines) if first is None else first]:
        if line.kind is Kind.BLANK or (in_table and _COLUMN_HEADER.match(line.text)):
            continue
        found = f"{line.label} {line.text}".strip() if line.kind is Kind.LABEL else line.text
        raise ParseError(line.number, f"{EXPECTED_HEADING}, found {quote(found)}")
    if first is None:
        where = start if in_table else len(raw)
        raise ParseError(max(where, 1), f"{EXPECTED_HEADING}, found the end of the text")
    resolutions, notices = build_resolutions(lines[first:], raw)
    check_unique(resolutions)
    return resolutions, notices


def _read_table_1(raw: list[str], table_1: int, table_2: int) -> dict[int, _Entry]:
    entries: dict[int, _Entry] = {}
    current: int | None = None
    overview: dict[int, list[str]] = {}
    for index in range(table_1 + 1, table_2):
        text = collapse_spaces(normalise_chars(raw[index]))
        if not text:
            continue
        match = _TABLE_1_ENTRY.match(text)
        if match is None:
            if current is None:
                raise ParseError(
                    index + 1,
                    "expected a Table 1 entry such as 'RESOLUTION 2 [Rev] on <title>:', "
                    f"found {quote(text)}",
                )
            overview[current].append(text)
            continue
        number, marker = int(match.group(1)), match.group(2)
        if marker.casefold() not in _MARKERS:
            raise ParseError(
                index + 1, f"unknown marker [{marker}]: expected [Rev], [NOC] or [New]"
            )
        if number in entries:
            raise ParseError(
                index + 1,
                f"RESOLUTION {number} is listed twice in Table 1 "
                f"(first at line {entries[number].line})",
            )
        entries[number] = _Entry(index + 1, _MARKERS[marker.casefold()], "")
        overview[number] = []
        current = number
    if not entries:
        raise ParseError(table_1 + 1, "Table 1 has no entry such as 'RESOLUTION 2 [Rev] on …'")
    return {
        number: _Entry(entry.line, entry.marker, "\n".join(overview[number]))
        for number, entry in entries.items()
    }


def _match_tables(resolutions: list[ParsedResolution], entries: dict[int, _Entry]) -> None:
    detailed = {resolution.number for resolution in resolutions}
    for resolution in resolutions:
        entry = entries.get(resolution.number)
        if entry is None:
            raise ParseError(
                resolution.line,
                f"RESOLUTION {resolution.number} in Table 2 is not listed in Table 1",
            )
        resolution.marker = entry.marker
        resolution.overview = entry.overview
    for number, entry in entries.items():
        if number not in detailed:
            raise ParseError(
                entry.line,
                f"Resolution {number} is listed in Table 1 but Table 2 has no text for it",
            )
