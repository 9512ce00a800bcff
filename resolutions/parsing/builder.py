"""Build resolutions from classified lines (see ``lines`` for the grammar).

One ``_ResolutionBuilder`` consumes the lines from a "RESOLUTION n" heading up
to the next heading: the first non-blank line is the title, then parts (a verb
heading, an optional addressee, items, or a "SECTION n" of numbered
paragraphs), then annexes, kept as text. In a proceedings volume the heading
of another text ("OPINION 1") ends the resolution before it; that text is
skipped and reported.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import replace

from .bodies import body_at
from .cleaning import fill_footnotes, merge_footnotes, quote
from .directives import analyse_directive, split_addressee
from .lines import Kind, Line, is_dotted_label, is_number_label
from .references import unique_references
from .types import (
    DIRECTIVE_STRENGTH,
    PREAMBLE_VERBS,
    SECTION_VERBS,
    Footnote,
    Notice,
    ParsedAnnex,
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
_LETTER = re.compile(r"^[a-z]{1,2}\)(?:bis|ter|quater)?")
# Between the title and the first part an official text has the adoption
# history "(Montreal, 2000; ...; Geneva, 2022)" and "The World Telecommunication
# Standardization Assembly (Geneva, 2022)," -- neither is a clause.
# In an official Word file the history line carries footnote calls run into it
# ("(Hammamet, 2016)1, bis"), which a text export leaves as typed marks, and
# a typed superscript mark with no footnote of its number stays as "¹".
# Another conference's text opens with its own name ("The Plenipotentiary
# Conference ...", "The World Telecommunication Development Conference ..."):
# kept as the preface, so that the import refuses it as no WTSA text.
_PREFACE = re.compile(
    r"^\(.*\b\d{4}\b.*\)(?:[\s,*]*(?:\d{1,2}|[¹²³⁴⁵⁶⁷⁸⁹⁰]{1,2}|bis|ter|quater)\b)*[\s,.;*]*$"
    r"|^The\s+(?:World\s+Telecommunication\s+(?:Standardization\s+Assembly|Development\s+Conference)"
    r"|Plenipotentiary\s+Conference|(?:ITU\s+)?Radiocommunication\s+Assembly"
    r"|World\s+Radiocommunication\s+Conference)\b",
    re.IGNORECASE,
)
# Word draws the line above a page's footnotes; a copied text keeps it as underscores.
_FOOTNOTE_SEPARATOR = re.compile(r"^\s*_{5,}\s*$")
# The longest item of a WTSA text runs to a few thousand characters; one of
# hundreds of thousands is a file without paragraph breaks, or a damaged one.
ITEM_MAX_CHARACTERS = 100_000
_EXPECTED_PART = "a part heading such as 'considering', 'resolves' or 'instructs'"


def build_resolutions(
    lines: list[Line],
    source: Sequence[str],
    *,
    footnote_bodies: Mapping[str, str] | None = None,
) -> tuple[list[ParsedResolution], list[Notice]]:
    """Build every resolution; ``lines[0]`` must be a resolution heading.

    ``source[n - 1]`` is the raw text of line ``n`` (kept as ``source_text``);
    ``footnote_bodies`` gives the text of footnotes called by number (a Word
    file keeps them apart from the paragraphs). Returns the resolutions and
    the notices about them, in source order.
    """
    groups: list[list[Line]] = []
    notices: list[Notice] = []
    for line in lines:
        if line.kind is Kind.RESOLUTION:
            groups.append([line])
        elif line.kind is Kind.OTHER:
            groups.append([])
            notices.append(
                Notice(
                    "not_a_resolution",
                    line.number,
                    f"{quote(line.text)} is not a resolution: its text was skipped",
                )
            )
        elif groups[-1]:
            groups[-1].append(line)
    resolutions: list[ParsedResolution] = []
    for group in groups:
        if group:
            builder = _ResolutionBuilder(group, source, footnote_bodies or {})
            resolutions.append(builder.build())
            notices.extend(builder.notices)
    return resolutions, notices


def check_unique(resolutions: list[ParsedResolution]) -> None:
    """Refuse a source that holds the same resolution twice (which text is right?)."""
    seen: dict[int, int] = {}
    for resolution in resolutions:
        if resolution.number in seen:
            raise ParseError(
                resolution.line,
                f"RESOLUTION {resolution.number} appears twice "
                f"(first at line {seen[resolution.number]})",
            )
        seen[resolution.number] = resolution.line


def _describe(line: Line) -> str:
    if line.kind is Kind.LABEL:
        return f"item {quote(line.label + ' ' + line.text)}"
    if line.kind is Kind.PART:
        return f"part heading {quote(line.heading)}"
    return quote(line.text)


def _as_text(line: Line) -> Line:
    """A numbered paragraph ("1.5 billion ...") outside a section is plain text."""
    return replace(line, kind=Kind.TEXT, text=f"{line.label} {line.text}".strip(), label="")


class _ResolutionBuilder:
    def __init__(
        self, lines: list[Line], source: Sequence[str], footnote_bodies: Mapping[str, str]
    ) -> None:
        self.heading = lines[0]
        self.number = self.heading.resolution
        self.source = source
        self.last_line = max(line.number for line in lines if line.kind is not Kind.BLANK)
        lines, written_under = self._footnotes_at_end(lines)
        self.body = [line for line in lines[1:] if line.kind is not Kind.BLANK]
        self.footnote_bodies = {**footnote_bodies, **written_under}
        self.parts: list[ParsedPart] = []
        self.skipped: list[str] = []
        self.annexes: list[ParsedAnnex] = []
        self.annex_lines: list[str] = []
        self.notices: list[Notice] = []
        self.footnotes: list[Footnote] = list(self.heading.footnotes)
        self.current: ParsedItem | None = None
        # Continuation lines of ``current`` not yet joined to its text: joining
        # line by line made a long item quadratic.
        self.pending: list[str] = []
        self.in_annex = False
        self.preface = ""

    def _footnotes_at_end(self, lines: list[Line]) -> tuple[list[Line], dict[str, str]]:
        """The lines before footnotes written at the end, under Word's separator line.

        A text copied from Word or a PDF keeps the line above the footnotes
        (underscores) and the footnotes under it ("1<TAB>These include…"):
        their texts, by number, are returned for the calls ("countries1").
        Unless only numbered paragraphs follow the line, nothing is taken.
        """
        for index, line in enumerate(lines):
            if line.kind is Kind.BLANK and _FOOTNOTE_SEPARATOR.match(self.source[line.number - 1]):
                bodies: dict[str, str] = {}
                number = None
                for note in lines[index + 1 :]:
                    if note.kind is Kind.LABEL and note.label.isdigit():
                        number = note.label
                        bodies[number] = note.text
                    elif note.kind is Kind.TEXT and number is not None:
                        bodies[number] = f"{bodies[number]} {note.text}"
                    elif note.kind is not Kind.BLANK:
                        return lines, {}
                if bodies:
                    return lines[:index], bodies
        return lines, {}

    # -- driving -------------------------------------------------------------

    def build(self) -> ParsedResolution:
        title = self._title()
        for index, line in enumerate(self.body[1:], start=1):
            following = self.body[index + 1] if index + 1 < len(self.body) else None
            self._feed(line, following)
        self._settle()
        self._close_annex()
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
        if first.kind is Kind.LABEL and is_dotted_label(first.label):
            first = _as_text(first)
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
            shown = line.text
            if line.kind is Kind.LABEL:
                shown = f"{line.label} {line.text}"
            elif line.kind is Kind.PART:  # "instructs the Director…" in an annex's table
                shown = f"{line.heading} {line.text}"
            self.skipped.append(shown.strip())
            self.footnotes.extend(line.footnotes)
            if line.kind is Kind.SKIPPED:
                self._close_annex()
                self.annexes.append(ParsedAnnex(line.text, line.number, ""))
            else:
                self.annex_lines.append(shown.strip())
            self.in_annex = True
            return
        in_section = bool(self.parts) and self.parts[-1].kind == "section"
        if line.kind is Kind.LABEL and is_dotted_label(line.label) and not in_section:
            line = _as_text(line)
        if line.kind is Kind.PART:
            self._settle()
            self._open_part(line)
            if line.text:  # "instructs Study Group 17": the rest is the addressee
                self._text(line, following)
        elif line.kind is Kind.LABEL:
            self._settle()
            self._label(line)
        else:
            self._text(line, following)

    def _settle(self) -> None:
        """Join the pending continuation lines to the current item's text."""
        if self.pending:
            assert self.current is not None
            pieces = [self.current.text, *self.pending] if self.current.text else self.pending
            self.current.text = " ".join(pieces)
            self.pending = []

    def _close_annex(self) -> None:
        if self.annexes and self.annex_lines:
            self.annexes[-1].text = "\n".join(self.annex_lines)
        self.annex_lines = []

    # -- parts and addressees ------------------------------------------------

    def _open_part(self, line: Line) -> None:
        if line.verb in SECTION_VERBS:
            kind = "section"
        else:
            kind = "preamble" if line.verb in PREAMBLE_VERBS else "operative"
        self.parts.append(ParsedPart(kind, line.verb, line.heading, "", "", line.number, []))
        self.current = None
        if not line.text:
            # A footnote called from the heading alone ("instructs¹") is the resolution's.
            self.footnotes.extend(line.footnotes)

    def _text(self, line: Line, following: Line | None) -> None:
        if not self.parts:
            if _PREFACE.match(line.text):
                # Footnotes called from the history line are the resolution's.
                self.skipped.append(line.text)
                if line.text[:4].casefold() == "the ":
                    self.preface = line.text
                self.footnotes.extend(line.footnotes)
                return
            raise ParseError(
                line.number,
                f"expected {_EXPECTED_PART} after the title of RESOLUTION {self.number}, "
                f"found {quote(line.text)}",
            )
        part = self.parts[-1]
        text = line.text
        if part.kind == "section" and not part.items:
            # The title of a section, on its heading's line or the next: kept
            # where a part keeps its addressee, as the heading is short.
            part.addressee = f"{part.addressee} {text}".strip()
            self.footnotes.extend(line.footnotes)
            return
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
                self._settle()
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
            and is_number_label(following.label)
            and not text.endswith((";", ".", ","))
        )

    def _addressee(self, part: ParsedPart, text: str, line: Line) -> None:
        addressee, rest = split_addressee(text)
        part.addressee = f"{part.addressee} {addressee}".strip()
        if rest:
            self._new_item(part, "", rest, line)
        else:
            self.footnotes.extend(line.footnotes)

    def _starts_new_addressee(self, part: ParsedPart, text: str) -> bool:
        last = part.items[-1] if part.items else None
        if last is None or last.label or last.children or _TO_OR_THAT.match(text):
            return False
        # The end of the item's text, read without joining its pending lines.
        end = self.pending[-1] if last is self.current and self.pending else last.text
        if not end.endswith((",", ";", ".")):
            return False
        return body_at(_LEADING_FILLER.sub("", text), 0) is not None

    # -- items ---------------------------------------------------------------

    def _new_item(self, part: ParsedPart, label: str, text: str, line: Line) -> ParsedItem:
        self._settle()
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
        if part.kind == "section":
            self._section_label(part, parent, line)
            return
        if (
            is_number_label(line.label)
            or parent is None
            or not self._is_sub_item(part, parent, line)
        ):
            self._new_item(part, line.label, line.text, line)
            return
        label = self._sub_item_label(parent, line.label)
        child = ParsedItem(label, line.text, "", line.number, list(line.footnotes), [], None)
        parent.children.append(child)
        self.current = child

    def _section_label(self, part: ParsedPart, parent: ParsedItem | None, line: Line) -> None:
        # Numbered paragraphs ("1", "1.1", "1.11.1") are the items of a section,
        # side by side as the label shows the nesting; "a)" and "i)" are their
        # sub-items. A roman sub-item of a lettered one ("a)" ending with ":")
        # stays one level down, labelled "a)i)", so that keys remain unique.
        if parent is None or is_number_label(line.label) or is_dotted_label(line.label):
            self._new_item(part, line.label, line.text, line)
            return
        label = self._sub_item_label(parent, line.label)
        child = ParsedItem(label, line.text, "", line.number, list(line.footnotes), [], None)
        parent.children.append(child)
        self.current = child

    @staticmethod
    def _sub_item_label(parent: ParsedItem, label: str) -> str:
        """A roman sub-item of a lettered one ("a)" ending with ":") is labelled "a)i)".

        So "1 … a) …: i) ii) b) …: i) ii)" keeps its keys unique. After "h)"
        not ending with ":", "i)" is the next letter.
        """
        last = parent.children[-1] if parent.children else None
        letter = _LETTER.match(last.label) if last is not None else None
        if (
            last is not None
            and letter is not None
            and _ROMAN.match(label)
            and not _ROMAN.match(letter.group(0))
            and (last.label != letter.group(0) or last.text.endswith(":"))
        ):
            return f"{letter.group(0)}{label}"
        return label

    @staticmethod
    def _is_sub_item(part: ParsedPart, parent: ParsedItem, line: Line) -> bool:
        introduces = parent.text.endswith(":")
        if part.kind == "preamble" or _LETTER.match(parent.label):
            # Preamble items are themselves lettered, and so may an operative
            # part's be ("a) …:", "i)", "ii)", "b) …"): only roman numerals
            # after a paragraph ending with ":" are sub-items of a lettered one.
            return bool(_ROMAN.match(line.label)) and (introduces or bool(parent.children))
        return is_number_label(parent.label) or introduces

    def _continue(self, line: Line) -> None:
        # A wrapped line: neither a label nor a verb, so it carries on the item.
        assert self.current is not None
        self.pending.append(line.text)
        if line.footnotes:
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
                for one in (item, *item.children):
                    if len(one.text) > ITEM_MAX_CHARACTERS:
                        raise ParseError(
                            one.line,
                            f"item {quote(one.label or one.text)} of RESOLUTION {self.number} "
                            f"is {len(one.text):,} characters long, more than any resolution's "
                            f"item ({ITEM_MAX_CHARACTERS:,} at most): is a paragraph break "
                            "missing, or the file damaged?",
                        )

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
        bodies = dict(self.footnote_bodies)
        bodies.update({note.number: note.text for note in all_notes if note.text})
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
        for annex in self.annexes:
            self.notices.append(
                Notice(
                    "annex_kept_as_text",
                    annex.line,
                    f"{quote(annex.heading)} of RESOLUTION {self.number} was kept as text, "
                    "not as clauses",
                    self.number,
                )
            )
        if not any(part.verb in DIRECTIVE_STRENGTH for part in self.parts):
            self.notices.append(
                Notice(
                    "no_directive_part",
                    self.heading.number,
                    f"RESOLUTION {self.number} has no part that instructs, invites, calls upon, "
                    "encourages or requests: no action comes from it",
                    self.number,
                )
            )
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
            annexes=self.annexes,
            preface=self.preface,
        )
