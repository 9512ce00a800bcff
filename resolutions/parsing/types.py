"""Data classes returned by the resolution parsers, and the error they raise.

The parsers are pure: they turn text (or a Word stream) into these objects and
never touch the database. The import service maps them onto the Django models.
"""

from __future__ import annotations

from dataclasses import dataclass, field

PREAMBLE_VERBS: tuple[str, ...] = (
    "considering",
    "recalling",
    "noting",
    "recognizing",
    "bearing_in_mind",
)
OPERATIVE_VERBS: tuple[str, ...] = (
    "resolves",
    "resolves_further",
    "instructs",
    "further_instructs",
    "invites",
    "calls_upon",
    "encourages",
    "requests",
)
# Verbs whose items are directives addressed to somebody ("resolves" merely states
# a decision of the assembly, even when its text says "to encourage ...").
DIRECTIVE_STRENGTH: dict[str, str] = {
    "instructs": "instructs",
    "further_instructs": "instructs",
    "invites": "invites",
    "calls_upon": "calls_upon",
    "encourages": "encourages",
    "requests": "requests",
}
REPORT_TARGETS: tuple[str, ...] = ("council", "council_annual", "next_wtsa", "pp", "tsag")


class ParseError(ValueError):
    """Malformed input; ``str(error)`` is ``"line <n>: <what was expected>"``.

    ``line`` is 1-based in the text (or the Word paragraph number); 0 means the
    input as a whole (e.g. a file that is not a Word document).
    """

    def __init__(self, line: int, message: str) -> None:
        self.line = line
        self.message = message
        # A fault of the file as a whole (not a Word document…) has no line to name.
        super().__init__(f"line {line}: {message}" if line else message)


@dataclass(frozen=True)
class Footnote:
    """A footnote found in the source; ``text`` is "" when only its number survived."""

    number: str
    text: str


@dataclass(frozen=True)
class CrossReference:
    """A citation of another resolution, e.g. "Resolution 196 (Rev. Dubai, 2018)"."""

    text: str
    conference: str
    number: int
    is_revision: bool
    place: str
    year: int


@dataclass(frozen=True)
class Directive:
    """Who must act on an item, with whom, and to whom they report.

    ``owner`` and ``collaborators`` are body codes (see ``parsing.bodies``);
    ``collaborators`` never contains ``owner``; both tuples are sorted.
    """

    strength: str
    owner: str | None
    collaborators: tuple[str, ...]
    reports_to: tuple[str, ...]
    # The duties among ``reports_to`` that cover every item of the resolution
    # ("to report annually to Council on progress in implementing this resolution").
    resolution_reports_to: tuple[str, ...] = ()


@dataclass
class ParsedItem:
    """A numbered (or single unnumbered) paragraph of a part, with its sub-items."""

    label: str
    text: str
    key: str
    line: int
    footnotes: list[Footnote] = field(default_factory=list)
    children: list[ParsedItem] = field(default_factory=list)
    directive: Directive | None = None


@dataclass
class ParsedPart:
    """A preamble or operative part introduced by a verb such as "instructs"."""

    kind: str
    verb: str
    heading: str
    addressee: str
    key: str
    line: int
    items: list[ParsedItem] = field(default_factory=list)


@dataclass
class ParsedResolution:
    """One resolution: its Table 1 overview (if any) and the parts quoted in Table 2."""

    number: int
    title: str
    marker: str
    overview: str
    revision_text: str
    line: int
    parts: list[ParsedPart] = field(default_factory=list)
    footnotes: list[Footnote] = field(default_factory=list)
    cross_references: list[CrossReference] = field(default_factory=list)
    skipped_headings: list[str] = field(default_factory=list)
    source_text: str = ""

    def iter_items(self) -> list[ParsedItem]:
        """Every item of every part, parents before their sub-items, in source order."""
        found: list[ParsedItem] = []
        for part in self.parts:
            for item in part.items:
                found.append(item)
                found.extend(item.children)
        return found


@dataclass
class ParsedDocument:
    """The resolutions found in one source, in order of number."""

    resolutions: list[ParsedResolution] = field(default_factory=list)

    def get(self, number: int) -> ParsedResolution:
        """The resolution with this number; ``KeyError`` if the source has none."""
        for resolution in self.resolutions:
            if resolution.number == number:
                return resolution
        raise KeyError(number)
