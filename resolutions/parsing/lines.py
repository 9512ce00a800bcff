"""The line grammar: every source line is classified before anything is built.

Kinds: a resolution heading ("RESOLUTION 44 (Rev. Geneva, 2022)"), the
heading of another kind of text in a proceedings volume ("OPINION 1"), a part
heading (a verb such as "instructs", possibly followed by its addressee, or
"SECTION 1"), an item label ("1\\tto ...", "1bis", "b)bis", "iii)", "1.11.1"),
a skipped heading (annex and
study-group-mandate titles, which are not clauses), free text (a title, an
addressee, an unnumbered paragraph or the continuation of a wrapped item) and
blank lines. ``builder`` turns the classified lines into resolutions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import Enum

from .cleaning import collapse_spaces, extract_footnotes, normalise_chars, quote
from .types import Footnote, ParseError


class Kind(Enum):
    """What a logical line is, by its form alone."""

    BLANK = "blank"
    RESOLUTION = "resolution"
    OTHER = "other"
    PART = "part"
    LABEL = "label"
    SKIPPED = "skipped"
    TEXT = "text"


@dataclass(frozen=True)
class Line:
    """One logical line: a source line, or a fragment of a run-on source line."""

    kind: Kind
    number: int
    text: str  # cleaned content (for LABEL: the text after the label)
    footnotes: list[Footnote] = field(default_factory=list)
    label: str = ""
    verb: str = ""
    heading: str = ""
    resolution: int = 0
    revision: str = ""


# Upper case and alone on its line, as ITU writes headings: a line holding only
# a citation such as "Resolution 196 (Rev. Dubai, 2018)" is not a heading. A
# footnote mark may follow ("RESOLUTION 83 (Rev. Geneva, 2022)*"): ITU marks
# notes on a whole resolution with an asterisk.
# WTSA has adopted about a hundred resolutions: a number of six digits or more is a
# slip (or a file made to overflow the database's integers).
MAX_RESOLUTION_NUMBER = 99_999
RESOLUTION_HEADING = re.compile(r"^RESOLUTION\s+(\d+)(?:\s*\(([^()]*)\))?[\s*†‡⁰¹²³⁴⁵⁶⁷⁸⁹]*$")
# Other texts of a proceedings volume ("OPINION 1 (Rev. ...)", "RECOMMENDATION
# ITU-T A.1", "PART II – ..."): each ends the resolution before it, and what
# follows up to the next resolution heading is not a resolution.
OTHER_HEADING = re.compile(
    r"^(?:(?:OPINION|RECOMMENDATION|DECISION)S?(?:\s+\S.*)?|PART\s+[IVX]+\b.*)$"
)
# A part of numbered paragraphs, as the rules of procedure (Resolution 1) are
# written: "SECTION 1 – General", then "1.1", "1.11.1"...
SECTION_HEADING = re.compile(r"^SECTION\s+\d+[A-Z]?\b")
# The line of underscores that ends an ITU text is layout, not text.
_RULE_LINE = re.compile(r"^[_\-–—*=\s]{3,}$")

_MODIFIER = r"(?:\s+(?:further|also|furthermore|moreover|in\s+particular|with\s+\w+))?"
_PREAMBLE = [
    (r"(?:further\s+)?considering" + _MODIFIER, "considering"),
    (r"(?:further\s+)?recalling" + _MODIFIER, "recalling"),
    (r"(?:further\s+)?noting" + _MODIFIER, "noting"),
    (r"(?:further\s+)?recogni[sz]ing" + _MODIFIER, "recognizing"),
    (r"(?:further\s+)?bearing\s+in\s+mind" + _MODIFIER, "bearing_in_mind"),
]
_ALSO = r"(?:(?:further|also)\s+)?"
_OPERATIVE = [
    (r"resolves\s+to\s+instruct", "instructs"),
    (r"resolves\s+to\s+invite", "invites"),
    (r"further\s+resolves|resolves\s+further|resolves\s+also|also\s+resolves", "resolves_further"),
    (r"resolves", "resolves"),
    (r"further\s+instructs|instructs\s+further|also\s+instructs", "further_instructs"),
    (r"instructs", "instructs"),
    (_ALSO + r"invites(?:\s+further)?", "invites"),
    (_ALSO + r"calls\s+(?:up)?on", "calls_upon"),
    (_ALSO + r"encourages(?:\s+further)?", "encourages"),
    (_ALSO + r"requests(?:\s+further)?", "requests"),
]
_END_OF_VERB = r"(?=$|[\s:,])"
PREAMBLE_HEADINGS = [
    (re.compile(rf"^({pattern}){_END_OF_VERB}[\s:,]*$", re.IGNORECASE), verb)
    for pattern, verb in _PREAMBLE
]
OPERATIVE_HEADINGS = [
    (re.compile(rf"^({pattern}){_END_OF_VERB}[\s:,]*(.*)$", re.IGNORECASE), verb)
    for pattern, verb in _OPERATIVE
]

# Typed numbering: "1\tto ...", "5 that ...", "1bis", "4 ter". After a space the
# text must start with a letter, a bracket or a quote, so that a wrapped "2020
# and beyond" is not read as item 2020; after a tab, as ITU types a label (and
# as the Word reader writes Word's own), it may start with anything:
# "2\t5G and IMT-2030 studies", "3\t...and to report".
NUMBERED = re.compile(
    r"^(\d{1,2})(?:\s?(bis|ter|quater|quinquies)(?=\s))?"
    r"(?:\s+(?=[A-Za-z\"“‘(«])|\t\s*(?=\S))(.*)$"
)
# "1.1", "1.11.1" (paragraphs of a section); only a section reads them as items.
DOTTED = re.compile(r"^(\d{1,2}(?:\.\d{1,2}){1,3})\.?\s+(?=[A-Za-z\"“‘(])(.*)$")
_NUMBER_LABEL = re.compile(r"^\d{1,2}(?:bis|ter|quater|quinquies)?$")


def is_number_label(label: str) -> bool:
    """Whether ``label`` numbers a paragraph ("4", "1bis", "4ter"), not a sub-item."""
    return bool(_NUMBER_LABEL.match(label))


def is_dotted_label(label: str) -> bool:
    """Whether ``label`` numbers a paragraph of a section ("1.1", "1.11.1")."""
    return "." in label


# "a)", "b)bis", "iii)", "vii)"; the text may follow on the next line.
LETTERED = re.compile(r"^([ivx]{1,5}\)|[a-z]{1,2}\))\s?((?:bis|ter|quater)\b)?\s*(.*)$")

# Headings that are not clauses (annexes, study-group mandates). ITU places
# annexes after the operative part, so everything after one is skipped too.
# ITU names the resolution in an annex heading, its revision in brackets within
# the brackets: "ANNEX A (to Resolution 44 (Rev. Geneva, 2022))", "Annex 1 to
# Resolution 44". An annex's id is short ("A", "1", "A and B"): a longer one
# would let a long word be split into ids and "and"s in exponentially many ways.
_BRACKETS = r"\((?:[^()]|\([^()]*\))*\)"
SKIPPED_HEADINGS = [
    re.compile(
        r"^(?:ANNEX|APPENDIX|ATTACHMENT)(?:ES)?"
        r"(?:\s+[A-Z0-9]{1,4}(?:\s*[,&]\s*[A-Z0-9]{1,4}|\s+and\s+[A-Z0-9]{1,4})*)?"
        rf"(?:\s*{_BRACKETS}|\s+to\s+Resolution\s+\d+(?:\s*{_BRACKETS})?)?\s*(?:[:.\-–].*)?$",
        re.IGNORECASE,
    ),
    re.compile(r"^Mandates?\s+of\b", re.IGNORECASE),
    re.compile(r"^ITU-[TDR]\s+Study\s+Group\s+\d+\s*:"),
    re.compile(r"^[IVX]+\.\s+\S"),
]

# A ";4\tto provide ..." glued to the end of the previous item (Res 97): split
# before the number. A tab after the number is required, as typed numbering has.
# A full stop after a digit is a paragraph number ("1.1\tThe assembly"), not an end.
_RUN_ON = re.compile(r"(?:(?<=[;:,])|(?<=\D\.))[ ]*(?=\d{1,2}\t\S)")


def split_run_ons(text: str) -> list[str]:
    """Split a source line where a numbered item was run into the previous one."""
    pieces: list[str] = []
    start = 0
    # Where the text proper begins: a split needs text before it (computed once,
    # as testing the whole prefix at every match made long lines quadratic).
    first = len(text) - len(text.lstrip())
    for match in _RUN_ON.finditer(text):
        if match.start() > first:
            pieces.append(text[start : match.start()])
            start = match.end()
    pieces.append(text[start:])
    return [piece for piece in pieces if piece.strip()] or [text]


def classify(number: int, raw: str) -> Line:
    """Classify one logical line by its form."""
    text, footnotes = extract_footnotes(normalise_chars(raw))
    stripped = text.strip()
    if not stripped or _RULE_LINE.match(stripped):
        return Line(Kind.BLANK, number, "", footnotes)
    heading = RESOLUTION_HEADING.match(stripped)
    if heading:
        revision = collapse_spaces(heading.group(2) or "")
        digits = heading.group(1)
        # Read before int(): a number of thousands of digits is refused at once.
        if len(digits) > len(str(MAX_RESOLUTION_NUMBER)) or not 1 <= int(digits) <= (
            MAX_RESOLUTION_NUMBER
        ):
            raise ParseError(
                number,
                f"{quote(stripped)} is no resolution number: WTSA resolutions are "
                f"numbered from 1 to {MAX_RESOLUTION_NUMBER:,}",
            )
        resolution = int(digits)
        return Line(
            Kind.RESOLUTION, number, stripped, footnotes, resolution=resolution, revision=revision
        )
    if OTHER_HEADING.match(stripped):
        return Line(Kind.OTHER, number, collapse_spaces(stripped), footnotes)
    section = SECTION_HEADING.match(stripped)
    if section:
        # "SECTION 2 – Study group management": the title is read like an addressee.
        title = collapse_spaces(stripped[section.end() :].lstrip(" \t:.-–—"))
        heading = collapse_spaces(section.group(0))
        return Line(Kind.PART, number, title, footnotes, verb="section", heading=heading)
    part = _match_part(stripped)
    if part is not None:
        verb, written, rest = part
        return Line(Kind.PART, number, collapse_spaces(rest), footnotes, verb=verb, heading=written)
    label = _match_label(stripped)
    if label is not None:
        return Line(Kind.LABEL, number, collapse_spaces(label[1]), footnotes, label=label[0])
    if any(pattern.match(stripped) for pattern in SKIPPED_HEADINGS):
        return Line(Kind.SKIPPED, number, collapse_spaces(stripped), footnotes)
    return Line(Kind.TEXT, number, collapse_spaces(stripped), footnotes)


def _match_part(text: str) -> tuple[str, str, str] | None:
    for pattern, verb in PREAMBLE_HEADINGS:
        match = pattern.match(text)
        if match:
            return verb, collapse_spaces(match.group(1)), ""
    for pattern, verb in OPERATIVE_HEADINGS:
        match = pattern.match(text)
        if match:
            rest = match.group(2)
            # "invites 10, Member States ..." cites a paragraph; it is not a heading.
            if rest and not rest[0].isalpha():
                return None
            return verb, collapse_spaces(match.group(1)), rest
    return None


def _match_label(text: str) -> tuple[str, str] | None:
    numbered = NUMBERED.match(text)
    if numbered:
        return numbered.group(1) + (numbered.group(2) or ""), numbered.group(3)
    dotted = DOTTED.match(text)
    if dotted:
        return dotted.group(1), dotted.group(2)
    lettered = LETTERED.match(text)
    if lettered:
        return lettered.group(1) + (lettered.group(2) or ""), lettered.group(3)
    return None


# A proposal to an assembly (a contribution, not the adopted text) marks each
# change with "MOD", "ADD", "SUP" or "NOC" and its reference ("EUR/36A2/1"), and
# follows it with "Reasons: ...". Its texts are drafts: importing them would
# glue the reasons into items and merge draft resolutions into others.
_PROPOSAL = re.compile(r"^(?:MOD|ADD|SUP|NOC)(?:\s+[A-Z]{2,6}/[0-9A-Za-z()]+/\d+\b|\s*$)")
# "Reasons:" alone may open a paragraph of an adopted text; in a file with a
# marker it is a proposal's, and refused as one.
_REASONS = re.compile(r"^Reasons\s*:")
PROPOSAL_REFUSAL = (
    "marks a proposal to the assembly (MOD, ADD, SUP or NOC markers, 'Reasons:' paragraphs), "
    "not the text the assembly adopted: import the resolutions as published after the assembly"
)


def classify_lines(numbered_lines: list[tuple[int, str]]) -> list[Line]:
    """Classify (line number, raw text) pairs, splitting run-on items first.

    Raises ``ParseError`` on the first line that marks a proposal to an assembly.
    """
    lines: list[Line] = []
    texts = [(number, collapse_spaces(normalise_chars(raw)), raw) for number, raw in numbered_lines]
    proposal = any(_PROPOSAL.match(text) for _, text, _ in texts)
    for number, text, raw in texts:
        if proposal and (_PROPOSAL.match(text) or _REASONS.match(text)):
            raise ParseError(number, f"{quote(text)} {PROPOSAL_REFUSAL}")
        for piece in split_run_ons(raw):
            lines.append(classify(number, piece))
    return lines
