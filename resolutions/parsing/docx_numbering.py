"""Word's automatic list numbering, written into the text as ITU types it.

A paragraph that Word numbers itself (``w:numPr``, set on the paragraph or
on its style) holds no number in its text: Word draws "1.", "a)" or "iii)"
from the numbering part. Read as it is, an "instructs" part numbered that
way is one long paragraph. ``ListNumbering`` counts such paragraphs as Word
does and gives each the label ITU types by hand ("1", "a)", "iii)", "1.2",
"–" for a bullet), so that the line grammar reads them as items.

What is read: the levels of each list (start, number format, label text,
legal numbering, when a level restarts: ``lvlRestart``), a list's restart
(``startOverride``) and the levels it redefines, lists made from a list
style (``numStyleLink``), numbering set by a paragraph style (list and level
each inherited through ``basedOn``; the document's default paragraph style
for a paragraph that names none), and a level's own paragraph style. Not
read: formats spelled in words ("First", "One"; read as digits), and the
labels of numbered paragraphs in footnotes (their text is read without them).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TypeVar

from lxml import etree

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_VAL = _W + "val"
_NUM_PR, _NUM_ID, _ILVL = _W + "numPr", _W + "numId", _W + "ilvl"
_P_PR, _P_STYLE = _W + "pPr", _W + "pStyle"

T = TypeVar("T")
# How Word writes "on" in an on/off attribute (w:default="1").
_ON = ("1", "true", "on")

# Word shows at most nine levels (0-8), and counts to 32,767 at most: a larger
# start in a crafted file would only make the label long to write.
_LEVELS = 9
_LARGEST = 32767
_ROMAN = [
    (1000, "m"),
    (900, "cm"),
    (500, "d"),
    (400, "cd"),
    (100, "c"),
    (90, "xc"),
    (50, "l"),
    (40, "xl"),
    (10, "x"),
    (9, "ix"),
    (5, "v"),
    (4, "iv"),
    (1, "i"),
]
# A label of numbers and dots: "1", "1.", "1.2", "(1)", "1)".
_NUMBERS = re.compile(r"^\(?(\d+(?:\.\d+)*)[.)]?$")
# A label of one letter or roman number: "a)", "(a)", "a.", "iii)", "A".
_LETTERS = re.compile(r"^\(?([A-Za-z]{1,5})[.)]?$")


def _roman(number: int) -> str:
    out = []
    for value, letters in _ROMAN:
        while number >= value:
            out.append(letters)
            number -= value
    return "".join(out)


def _letters(number: int) -> str:
    # Word's a..z, then aa..zz, then aaa...
    return chr(ord("a") + (number - 1) % 26) * ((number - 1) // 26 + 1)


def _formatted(number: int, number_format: str) -> str:
    if number_format in ("lowerLetter", "upperLetter"):
        text = _letters(max(number, 1))
        return text.upper() if number_format == "upperLetter" else text
    if number_format in ("lowerRoman", "upperRoman"):
        text = _roman(max(number, 1))
        return text.upper() if number_format == "upperRoman" else text
    if number_format == "decimalZero":
        return f"{number:02d}"
    return str(number)  # decimal, and the formats of other scripts read as numbers


def itu_label(shown: str) -> str:
    """The label as ITU types it for the label Word shows: "1." is "1", "(a)" is "a)"."""
    shown = shown.strip()
    numbers = _NUMBERS.match(shown)
    if numbers:
        return numbers.group(1)
    letters = _LETTERS.match(shown)
    if letters:
        return letters.group(1).lower() + ")"
    return shown


@dataclass(frozen=True)
class _Level:
    start: int = 1
    number_format: str = "decimal"
    text: str = ""  # "%1.", "%1.%2", "(%2)"; the bullet's character for a bullet
    legal: bool = False  # w:isLgl: every level's number shown as a decimal ("1.1", not "I.1")
    # w:lvlRestart: restart under an item of this level (one-based) or any higher;
    # 0, never; None, under any higher level (Word's default).
    restart_under: int | None = None


@dataclass
class _List:
    """A list definition (abstractNum): its levels and where its count stands."""

    levels: dict[int, _Level]
    style_levels: dict[str, int]  # a level's own paragraph style -> that level
    counts: list[int | None] = field(default_factory=lambda: [None] * _LEVELS)

    def next_label(self, level: int, overrides: dict[int, _Level]) -> str:
        """Count one more paragraph at ``level``; ``overrides``: the levels its list redefines."""
        current = self.counts[level]
        definition = overrides.get(level) or self._level(level)
        self.counts[level] = definition.start if current is None else current + 1
        for deeper in range(level + 1, _LEVELS):
            # A new item restarts the lists under it, unless a level says otherwise.
            under = (overrides.get(deeper) or self._level(deeper)).restart_under
            if under is None or under > deeper or (under and level < under):
                self.counts[deeper] = None
        if definition.number_format == "none":
            return ""
        if definition.number_format == "bullet":
            return "–"

        def number(match: re.Match) -> str:
            shown_level = int(match.group(1)) - 1
            if not 0 <= shown_level < _LEVELS:
                return ""
            count = self.counts[shown_level]
            own = overrides.get(shown_level) or self._level(shown_level)
            number_format = "decimal" if definition.legal else own.number_format
            return _formatted(own.start if count is None else count, number_format)

        return itu_label(re.sub(r"%(\d)", number, definition.text))

    def restart(self, level: int, start: int) -> None:
        self.counts[level] = start - 1
        for deeper in range(level + 1, _LEVELS):
            self.counts[deeper] = None

    def _level(self, level: int) -> _Level:
        return self.levels.get(level, _Level(text=f"%{level + 1}"))


class ListNumbering:
    """The labels of Word's numbered paragraphs, in the order they are read."""

    def __init__(self, numbering: etree._Element | None, styles: etree._Element | None) -> None:
        self.lists: dict[str, _List] = {}
        self.list_of: dict[str, str] = {}  # numId -> abstractNumId
        self.restarts: dict[str, dict[int, int]] = {}  # numId -> level -> start
        self.redefined: dict[str, dict[int, _Level]] = {}  # numId -> level -> its own definition
        self.started: set[str] = set()
        self.style_numbering: dict[str, tuple[str | None, int | None]] = {}
        self.default_style = ""  # the paragraph style of a paragraph that names none
        if numbering is not None:
            self._read_numbering(numbering)
        if styles is not None:
            self._read_styles(styles)

    def label(self, paragraph: etree._Element) -> str:
        """The paragraph's label ("" when Word does not number it); counts it if it is numbered."""
        properties = paragraph.find(_P_PR)
        style_id = ""
        num_id: str | None = None
        level: int | None = None
        if properties is not None:
            style = properties.find(_P_STYLE)
            style_id = style.get(_VAL, "") if style is not None else ""
            own = properties.find(_NUM_PR)
            if own is not None:
                num_id, level = _num_pr(own)
        style_id = style_id or self.default_style
        if style_id and (num_id is None or level is None):
            style_num, style_level = self.style_numbering.get(style_id, (None, None))
            num_id = style_num if num_id is None else num_id
            level = style_level if level is None else level
        if not num_id or num_id == "0" or num_id not in self.list_of:
            return ""  # numId 0 takes a style's numbering away
        numbered = self.lists[self.list_of[num_id]]
        if level is None:
            level = numbered.style_levels.get(style_id, 0)
        level = min(max(level, 0), _LEVELS - 1)
        if num_id not in self.started:
            # A list Word restarts is a new numId pointing at the same definition.
            self.started.add(num_id)
            for restarted, start in self.restarts.get(num_id, {}).items():
                numbered.restart(restarted, start)
        return numbered.next_label(level, self.redefined.get(num_id, {}))

    def _read_numbering(self, root: etree._Element) -> None:
        linked: dict[str, str] = {}  # abstractNumId -> the list style whose levels it uses
        defining: dict[str, str] = {}  # list style -> the abstractNumId that defines it
        for definition in root.iter(_W + "abstractNum"):
            abstract_id = definition.get(_W + "abstractNumId", "")
            levels: dict[int, _Level] = {}
            style_levels: dict[str, int] = {}
            for lvl in definition.iter(_W + "lvl"):
                index = min(_int(lvl.get(_W + "ilvl"), 0), _LEVELS - 1)
                levels[index] = _level(lvl)
                if style := _child_value(lvl, "pStyle"):
                    style_levels[style] = index
            self.lists[abstract_id] = _List(levels, style_levels)
            if style := _child_value(definition, "numStyleLink"):
                linked[abstract_id] = style
            if style := _child_value(definition, "styleLink"):
                defining[style] = abstract_id
        # A list made from a list style (Word's "List Styles") has no levels of
        # its own: it uses, and counts with, the list that defines the style.
        for abstract_id, style in linked.items():
            if defining.get(style, abstract_id) != abstract_id:
                self.lists[abstract_id] = self.lists[defining[style]]
        for num in root.iter(_W + "num"):
            num_id = num.get(_W + "numId", "")
            abstract = _child_value(num, "abstractNumId")
            if abstract not in self.lists:
                continue
            self.list_of[num_id] = abstract
            for override in num.iter(_W + "lvlOverride"):
                level = min(_int(override.get(_W + "ilvl"), 0), _LEVELS - 1)
                start = _child_value(override, "startOverride")
                if start is not None:
                    self.restarts.setdefault(num_id, {})[level] = _int(start, 1)
                lvl = override.find(_W + "lvl")
                if lvl is not None:
                    # The list shows this level its own way (a list pasted from
                    # another document): "a)" where the definition says "1.".
                    self.redefined.setdefault(num_id, {})[level] = _level(lvl)

    def _read_styles(self, root: etree._Element) -> None:
        num_ids: dict[str, str] = {}
        levels: dict[str, int] = {}
        based_on: dict[str, str] = {}
        for style in root.iter(_W + "style"):
            style_id = style.get(_W + "styleId", "")
            if style.get(_W + "type") == "paragraph" and style.get(_W + "default") in _ON:
                self.default_style = style_id
            properties = style.find(_P_PR)
            numbering = properties.find(_NUM_PR) if properties is not None else None
            if numbering is not None:
                num_id, level = _num_pr(numbering)
                if num_id is not None:
                    num_ids[style_id] = num_id
                if level is not None:
                    levels[style_id] = level
            if parent := _child_value(style, "basedOn"):
                based_on[style_id] = parent
        # The list and the level are each inherited on their own: a style may
        # take its base style's list and set only its level.
        num_ids, levels = inherited(num_ids, based_on), inherited(levels, based_on)
        for style_id in num_ids.keys() | levels.keys():
            self.style_numbering[style_id] = (num_ids.get(style_id), levels.get(style_id))


def inherited(own: dict[str, T], based_on: dict[str, str]) -> dict[str, T]:
    """Each style's value: its own, else its base style's, up the chain (``w:basedOn``).

    Every style is resolved once, so a long chain costs as much as its length;
    a loop of basedOn ends where it closes.
    """
    resolved: dict[str, T] = dict(own)
    unset: set[str] = set()
    for start in based_on:
        chain: list[str] = []
        style = start
        while style not in resolved and style not in unset and style in based_on:
            if style in chain:
                break  # a loop
            chain.append(style)
            style = based_on[style]
        if style in resolved:
            for link in chain:
                resolved[link] = resolved[style]
        else:
            unset.update(chain)
    return resolved


def _level(lvl: etree._Element) -> _Level:
    restart = _child_value(lvl, "lvlRestart")
    return _Level(
        start=_int(_child_value(lvl, "start"), 1),
        number_format=_child_value(lvl, "numFmt") or "decimal",
        text=_child_value(lvl, "lvlText") or "",
        legal=is_on(lvl.find(_W + "isLgl")),
        restart_under=None if restart is None else _int(restart, 0),
    )


def is_on(toggle: etree._Element | None) -> bool:
    """Whether a Word toggle (w:b, w:caps, w:isLgl…) is on: present, and not set off."""
    return toggle is not None and toggle.get(_VAL) not in ("0", "false", "off")


def _num_pr(element: etree._Element) -> tuple[str | None, int | None]:
    num_id = _child_value(element, "numId")
    level = _child_value(element, "ilvl")
    return num_id, None if level is None else _int(level, 0)


def _child_value(element: etree._Element, name: str) -> str | None:
    child = element.find(_W + name)
    return None if child is None else child.get(_VAL)


def _int(value: str | None, default: int) -> int:
    try:
        number = int(value) if value is not None else default
    except ValueError:
        return default
    return min(max(number, 0), _LARGEST)
