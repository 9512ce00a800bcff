"""Build resolutions from classified lines (see ``lines`` for the grammar).

One ``_ResolutionBuilder`` consumes the lines from a "RESOLUTION n" heading up
to the next heading: the first non-blank line is the title, then parts (a verb
heading, an optional addressee, items), then skipped annex material.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

from .bodies import find_bodies
from .cleaning import fill_footnotes, merge_footnotes
from .directives import analyse_directive, split_addressee
from .lines import Kind, Line
from .references import unique_references
from .types import (
    DIRECTIVE_STRENGTH,
    PREAMBLE_VERBS,
    Footnote,
    ParsedItem,
    ParsedPart,
    ParsedResolution,
    ParseError,
)

_TO_INSTRUCT = re.compile(r"^to\s+(instruct|invite)\b[\s,:]*(.*)$", re.IGNORECASE)
_TO_OR_THAT = re.compile(r"^(?:to|that)\b", re.IGNORECASE)
_LEADING_THAT = re.compile(r"^that\s+", re.IGNORECASE)
_LEADING_FILLER = re.compile(r"^(?:(?:the|all|relevant)\s+)+", re.IGNORECASE)
_ROMAN = re.compile(r"^[ivx]+\)$")
# Between the title and the first part an official text has the adoption
# history "(Montreal, 2000; ...; Geneva, 2022)" and "The World Telecommunication
# Standardization Assembly (Geneva, 2022)," -- neither is a clause.
_PREFACE = re.compile(
    r"^\(.*\b\d{4}\b.*\)$|^The\s+World\s+Telecommunication\s+Standardization\s+Assembly\b",
    re.IGNORECASE,
)
_EXPECTED_PART = "a part heading such as 'considering', 'resolves' or 'instructs'"


def quote(text: str, limit: int = 70) -> str:
    """Quote source text for an error message, shortened if long."""
    return repr(text if len(text) <= limit else text[: limit - 1] + "…")


def build_resolutions(lines: list[Line], source: Sequence[str]) -> list[ParsedResolution]:
    """Build every resolution; ``lines[0]`` must be a resolution heading.

    ``source[n - 1]`` is the raw text of line ``n`` (kept as ``source_text``).
    """
    groups: list[list[Line]] = []
    for line in lines:
        if line.kind is Kind.RESOLUTION:
            groups.append([line])
        else:
            groups[-1].append(line)
    return [_ResolutionBuilder(group, source).build() for group in groups]


def _describe(line: Line) -> str:
    if line.kind is Kind.LABEL:
        return f"item {quote(line.label + ' ' + line.text)}"
    if line.kind is Kind.PART:
        return f"part heading {quote(line.heading)}"
    return quote(line.text)


class _ResolutionBuilder:
    def __init__(self, lines: list[Line], source: Sequence[str]) -> None:
        self.heading = lines[0]
        self.number = self.heading.resolution
        self.body = [line for line in lines[1:] if line.kind is not Kind.BLANK]
        self.last_line = max(line.number for line in lines if line.kind is not Kind.BLANK)
        self.source = source
        self.parts: list[ParsedPart] = []
        self.skipped: list[str] = []
        self.footnotes: list[Footnote] = list(self.heading.footnotes)
        self.current: ParsedItem | None = None
        self.in_annex = False

    # -- driving -------------------------------------------------------------

    def build(self) -> ParsedResolution:
        title = self._title()
        for index, line in enumerate(self.body[1:], start=1):
            following = self.body[index + 1] if index + 1 < len(self.body) else None
            self._feed(line, following)
        self._finish_parts()
        return self._result(title)

    def _title(self) -> str:
        heading = f"RESOLUTION {self.number}"
        if not self.body:
            raise ParseError(
                self.heading.number,
                f"{heading} has no title: expected the title on the next line, "
                "found the end of the text",
            )
        first = self.body[0]
        untitled = first.kind in (Kind.RESOLUTION, Kind.LABEL) or (
            first.kind is Kind.PART and not first.text
        )
        if untitled:
            raise ParseError(
                first.number,
                f"{heading} has no title: expected its title after the heading, "
                f"found {_describe(first)}",
            )
        self.footnotes.extend(first.footnotes)
        if first.kind is Kind.PART:  # a title that happens to start with a verb
            return f"{first.heading} {first.text}"
        return first.text

    def _feed(self, line: Line, following: Line | None) -> None:
        if self.in_annex or line.kind is Kind.SKIPPED:
            # Annexes and mandate lists follow the operative part; nothing after
            # their heading is a clause of this text, but keep it visible.
            self.in_annex = True
            shown = f"{line.label} {line.text}" if line.kind is Kind.LABEL else line.text
            self.skipped.append(shown.strip())
            return
        if line.kind is Kind.PART:
            self._open_part(line)
            if line.text:  # "instructs Study Group 17": the rest is the addressee
                self._text(line, following)
        elif line.kind is Kind.LABEL:
            self._label(line)
        else:
            self._text(line, following)

    # -- parts and addressees ------------------------------------------------

    def _open_part(self, line: Line) -> None:
        kind = "preamble" if line.verb in PREAMBLE_VERBS else "operative"
        self.parts.append(ParsedPart(kind, line.verb, line.heading, "", "", line.number, []))
        self.current = None

    def _text(self, line: Line, following: Line | None) -> None:
        if not self.parts:
            if _PREFACE.match(line.text):
                self.skipped.append(line.text)
                return
            raise ParseError(
                line.number,
                f"expected {_EXPECTED_PART} after the title of RESOLUTION {self.number}, "
                f"found {quote(line.text)}",
            )
        part = self.parts[-1]
        text = line.text
        if part.verb == "resolves" and not part.items and not part.addressee:
            converted = _TO_INSTRUCT.match(text)
            if converted:
                # "resolves / to instruct the Director ..." is an instruction.
                verb = converted.group(1).lower()
                part.verb = "instructs" if verb == "instruct" else "invites"
                part.heading = f"{part.heading} to {verb}"
                self._addressee(part, converted.group(2), line)
                return
        if self._is_lead_in(part, text, following):
            # "resolves further / that ITU regional offices / 1 be engaged ..."
            part.addressee = _LEADING_THAT.sub("", text).strip(" ,;:")
            self.footnotes.extend(line.footnotes)
            return
        if part.verb in DIRECTIVE_STRENGTH:
            if not part.items and not _TO_OR_THAT.match(text):
                self._addressee(part, text, line)
                return
            if self._starts_new_addressee(part, text):
                # Res 92: "instructs / Study Group 3 / to ... / Study Group 5 / to ..."
                # -- each addressee with its paragraph is a part of its own.
                new = ParsedPart(part.kind, part.verb, part.heading, "", "", line.number, [])
                self.parts.append(new)
                self.current = None
                self._addressee(new, text, line)
                return
        if self.current is not None:
            self._continue(line)
        else:
            self._new_item(part, "", text, line)

    @staticmethod
    def _is_lead_in(part: ParsedPart, text: str, following: Line | None) -> bool:
        return (
            part.verb in ("resolves", "resolves_further")
            and not part.items
            and not part.addressee
            and following is not None
            and following.kind is Kind.LABEL
            and following.label.isdigit()
            and not text.endswith((";", ".", ","))
        )

    def _addressee(self, part: ParsedPart, text: str, line: Line) -> None:
        addressee, rest = split_addressee(text)
        part.addressee = f"{part.addressee} {addressee}".strip()
        if rest:
            self._new_item(part, "", rest, line)
        else:
            self.footnotes.extend(line.footnotes)

    @staticmethod
    def _starts_new_addressee(part: ParsedPart, text: str) -> bool:
        last = part.items[-1] if part.items else None
        if last is None or last.label or last.children or _TO_OR_THAT.match(text):
            return False
        if not last.text.endswith((",", ";", ".")):
            return False
        bare = _LEADING_FILLER.sub("", text)
        mentions = find_bodies(bare)
        return bool(mentions) and mentions[0].start == 0

    # -- items ---------------------------------------------------------------

    def _new_item(self, part: ParsedPart, label: str, text: str, line: Line) -> ParsedItem:
        item = ParsedItem(label, text, "", line.number, list(line.footnotes), [], None)
        part.items.append(item)
        self.current = item
        return item

    def _label(self, line: Line) -> None:
        if not self.parts:
            raise ParseError(
                line.number,
                f"item {quote(line.label)} comes before any part heading; expected "
                f"{_EXPECTED_PART} after the title of RESOLUTION {self.number}",
            )
        part = self.parts[-1]
        parent = part.items[-1] if part.items else None
        if line.label.isdigit() or parent is None or not self._is_sub_item(part, parent, line):
            self._new_item(part, line.label, line.text, line)
            return
        child = ParsedItem(line.label, line.text, "", line.number, list(line.footnotes), [], None)
        parent.children.append(child)
        self.current = child

    @staticmethod
    def _is_sub_item(part: ParsedPart, parent: ParsedItem, line: Line) -> bool:
        introduces = parent.text.endswith(":")
        if part.kind == "preamble":
            # Preamble items are themselves lettered; only roman numerals after
            # a paragraph ending with ":" are sub-items.
            return introduces and bool(_ROMAN.match(line.label))
        return parent.label.isdigit() or introduces

    def _continue(self, line: Line) -> None:
        # A wrapped line: neither a label nor a verb, so it carries on the item.
        assert self.current is not None
        joined = f"{self.current.text} {line.text}" if self.current.text else line.text
        self.current.text = joined
        self.current.footnotes = merge_footnotes(self.current.footnotes, line.footnotes)

    # -- finishing -------------------------------------------------------------

    def _finish_parts(self) -> None:
        if not self.parts:
            raise ParseError(
                self.heading.number,
                f"RESOLUTION {self.number} has no parts: expected {_EXPECTED_PART} after its title",
            )
        counts: Counter[str] = Counter()
        for part in self.parts:
            if not part.items:
                raise ParseError(
                    part.line,
                    f"part {quote(part.heading)} of RESOLUTION {self.number} has no text: "
                    "expected an item or a paragraph after it",
                )
            part.items = self._merge_repeats(part.items)
            counts[part.verb] += 1
            part.key = f"{part.verb}.{counts[part.verb]}"
            for item in part.items:
                item.children = self._merge_repeats(item.children)
                item.key = f"{part.key}/{item.label}" if item.label else part.key
                for child in item.children:
                    child.key = f"{item.key}/{child.label}"
                if not item.text and not item.children:
                    raise ParseError(item.line, f"item {quote(item.label)} has no text")

    def _merge_repeats(self, items: list[ParsedItem]) -> list[ParsedItem]:
        # The hand conversion sometimes repeats an item (Res 97 item 4 both run
        # into item 3 and on its own line). Identical repeats, or one being the
        # start of the other, are one item; a label with two different texts is
        # ambiguous and must be fixed at the source.
        kept: dict[str, ParsedItem] = {}
        merged: list[ParsedItem] = []
        for item in items:
            first = kept.get(item.label)
            if first is None:
                kept[item.label] = item
                merged.append(item)
                continue
            if item.text.startswith(first.text):
                first.text = item.text
            elif not first.text.startswith(item.text):
                raise ParseError(
                    item.line,
                    f"item {quote(item.label)} of RESOLUTION {self.number} appears twice "
                    f"with different text (first at line {first.line})",
                )
            first.footnotes = merge_footnotes(first.footnotes, item.footnotes)
            first.children = self._merge_repeats(first.children + item.children)
        return merged

    def _result(self, title: str) -> ParsedResolution:
        items = [item for part in self.parts for item in part.items]
        everything = items + [child for item in items for child in item.children]
        all_notes = merge_footnotes(self.footnotes, *(item.footnotes for item in everything))
        bodies = {note.number: note.text for note in all_notes if note.text}
        for item in everything:
            item.footnotes = fill_footnotes(item.footnotes, bodies)
        for part in self.parts:
            strength = DIRECTIVE_STRENGTH.get(part.verb)
            if strength is None:
                continue
            for item in part.items:
                text = " ".join([item.text, *(child.text for child in item.children)])
                item.directive = analyse_directive(strength, part.addressee, text)
        texts = [title]
        for part in self.parts:
            texts.append(part.addressee)
            texts.extend(item.text for item in part.items)
            texts.extend(child.text for item in part.items for child in item.children)
        return ParsedResolution(
            number=self.number,
            title=title,
            marker="",
            overview="",
            revision_text=self.heading.revision,
            line=self.heading.number,
            parts=self.parts,
            footnotes=fill_footnotes(all_notes, bodies),
            cross_references=unique_references(texts),
            skipped_headings=self.skipped,
            source_text="\n".join(self.source[self.heading.number - 1 : self.last_line]),
        )
