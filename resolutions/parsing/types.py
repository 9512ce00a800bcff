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
# Parts of numbered paragraphs ("SECTION 1", then "1.1", "1.11.1"), as the
# rules of procedure are written: structure, never an action.
SECTION_VERBS: tuple[str, ...] = ("section",)
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


@dataclass(frozen=True)
class Notice:
    """Something the reader did that the person importing should know about.

    ``code`` says what kind (one of ``NOTICE_CODES``), so the import layer can
    word it in the user's language; ``message`` is the English wording;
    ``line`` is the source line (0: the file as a whole); ``resolution`` the
    number of the resolution it concerns, if any.
    """

    code: str
    line: int
    message: str
    resolution: int | None = None


# What a notice can say: the file had revision marks (their accepted text was
# read); the cover page, foreword and contents before the first resolution
# were skipped; a picture, chart or equation was skipped; a table was read as
# text; a text of a proceedings volume that is not a resolution was skipped; a
# resolution has no directive part, so no action comes from it; an annex was
# kept as text, not as clauses.
NOTICE_CODES: tuple[str, ...] = (
    "tracked_changes",
    "front_matter_skipped",
    "picture_skipped",
    "table_as_text",
    "not_a_resolution",
    "no_directive_part",
    "annex_kept_as_text",
)


@dataclass
class ParsedAnnex:
    """An annex or appendix of a resolution: kept as text, never turned into clauses."""

    heading: str
    line: int
    text: str


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
    """A preamble or operative part introduced by a verb such as "instructs".

    A section ("SECTION 1", kind and verb "section") keeps its title in
    ``addressee``; its items are numbered paragraphs ("1.1", "1.11.1").
    """

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
    annexes: list[ParsedAnnex] = field(default_factory=list)
    # The line naming who adopted the text: "The World Telecommunication
    # Standardization Assembly (Geneva, 2022)," (or another conference's name).
    preface: str = ""

    @property
    def has_directive_part(self) -> bool:
        """Whether any part asks somebody to act (and so gives actions)."""
        return any(part.verb in DIRECTIVE_STRENGTH for part in self.parts)

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
    """The resolutions found in one source, in order of number, and what to tell about it.

    ``notices`` (in source order) say what was read differently from the text
    as printed, skipped, or not turned into actions; the import shows them.
    """

    resolutions: list[ParsedResolution] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)

    def get(self, number: int) -> ParsedResolution:
        """The resolution with this number; ``KeyError`` if the source has none."""
        for resolution in self.resolutions:
            if resolution.number == number:
                return resolution
        raise KeyError(number)
