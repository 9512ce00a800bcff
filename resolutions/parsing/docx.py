"""Reader for official ITU texts in Word (.docx) format, streamed and bounded.

A .docx may hold one resolution or a whole proceedings volume: a cover page,
foreword and copyright notice (skipped), then resolutions, each from its
"RESOLUTION 44 (Rev. Geneva, 2022)" heading, and opinions or recommendations
(reported, skipped). Each paragraph becomes one line (numbered from 1 in body
order, table cells included) and goes through the same line grammar as the
text reader, so both give the same structure for the same text.

The archive is checked before anything is unpacked (``DocxLimits``): member
count, total uncompressed size and compression ratio, so a ZIP bomb is refused
unread. Only the parts that hold text are then read, as a stream, each
paragraph dropped from memory once its text is taken: pictures are never
unpacked, and peak memory grows with the text, not with the file.

What Word keeps apart from the text is read as Word shows it: footnotes (from
the footnotes part, numbered in order of appearance), soft line breaks,
non-breaking spaces and hyphens, and revision marks -- the text as it reads
with every change accepted, with a notice that the file had tracked changes.
Pictures, charts, equations and embedded objects are skipped with a notice.
"""

from __future__ import annotations

import posixpath
import re
import struct
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from lxml import etree

from .builder import build_resolutions, check_unique
from .docx_numbering import ListNumbering, inherited, is_on
from .lines import Kind, classify, classify_lines
from .types import Notice, ParsedDocument, ParseError

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
_MATH = "{http://schemas.openxmlformats.org/officeDocument/2006/math}"
_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
_OFFICE_DOCUMENT = "/officeDocument"
_FOOTNOTES = "/footnotes"
_STYLES = "/styles"
_NUMBERING = "/numbering"

_BODY, _P, _R, _TBL, _TR = _W + "body", _W + "p", _W + "r", _W + "tbl", _W + "tr"
_T, _FOOTNOTE_REF, _FOOTNOTE = _W + "t", _W + "footnoteReference", _W + "footnote"
_ID, _TYPE, _VAL = _W + "id", _W + "type", _W + "val"
_RPR, _PPR, _TRPR = _W + "rPr", _W + "pPr", _W + "trPr"
_DEL, _INS, _MOVE_FROM, _MOVE_TO = _W + "del", _W + "ins", _W + "moveFrom", _W + "moveTo"
_VANISH, _VERT_ALIGN = _W + "vanish", _W + "vertAlign"
_SDT, _SDT_PR = _W + "sdt", _W + "sdtPr"
_FLD_CHAR, _FLD_CHAR_TYPE, _SYM = _W + "fldChar", _W + "fldCharType", _W + "sym"
# Word's "Strict Open XML Document" format names its elements in this namespace.
_STRICT = b"purl.oclc.org/ooxml/wordprocessingml/main"
_CAPS, _STYLE, _BASED_ON = _W + "caps", _W + "style", _W + "basedOn"
_P_STYLE, _R_STYLE, _STYLE_ID = _W + "pStyle", _W + "rStyle", _W + "styleId"
# Run content that stands for characters. A soft line break (w:br, also page
# and column breaks) separates words like a space.
_CHARACTERS = {
    _W + "tab": "\t",
    _W + "ptab": "\t",
    _W + "br": " ",
    _W + "cr": " ",
    _W + "noBreakHyphen": "\u2011",
    _W + "softHyphen": "",
}
_SUPERSCRIPT_DIGITS = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
# A footnote number typed as a superscript: one or two ASCII digits.
_TYPED_MARK = re.compile(r"[0-9]{1,2}")
# The first word of a heading Word shows in capitals, typed in any case: a
# resolution's, or another text's that ends the resolution before it.
_HEADING_WORD = re.compile(
    r"^(\s*)(resolution|opinion|recommendation|decision|section)\b(?=\s+\d)", re.IGNORECASE
)
# Not text: pictures, charts, text boxes, embedded objects and equations.
_PICTURES = frozenset(
    {_W + "drawing", _W + "pict", _W + "object", _MATH + "oMath", _MATH + "oMathPara"}
)
# Never shown: properties (tab stops are <w:tab> too), field codes, deleted
# and moved-away text, and the fallback copy of alternate content.
_NOT_SHOWN = frozenset(
    {_PPR, _RPR, _W + "instrText", _W + "delText", _DEL, _MOVE_FROM, _MC + "Fallback"}
)
_REVISIONS = frozenset({_DEL, _INS, _MOVE_FROM, _MOVE_TO})
# What shows on the page, unless it is in a field's code.
_SHOWN = frozenset({_T, _SYM, *_CHARACTERS, *_PICTURES})
# Lines that Word may number by their style but that are not items.
_HEADINGS = frozenset({Kind.RESOLUTION, Kind.OTHER, Kind.PART, Kind.SKIPPED})


@dataclass(frozen=True)
class DocxLimits:
    """Caps checked on a .docx before anything in it is unpacked.

    ``max_ratio`` applies to members larger than ``ratio_from_bytes``: small
    XML parts compress well and are harmless.
    """

    max_uncompressed_bytes: int = 256 * 1024 * 1024
    max_members: int = 2000
    max_ratio: int = 200
    ratio_from_bytes: int = 1024 * 1024
    # The parts read (the document, its footnotes, styles and numbering), unpacked.
    # A whole WTSA proceedings volume, the largest text imported, has a
    # document part of 10-20 MB: 40 MB leaves it room to double, while a part
    # of hundreds of MB that the other caps let through (compressed 100 to 1
    # within a 256 MB archive) is refused before minutes of parsing.
    max_text_bytes: int = 40 * 1024 * 1024


_default_limits = DocxLimits()


def set_default_limits(limits: DocxLimits) -> None:
    """Set the caps ``parse_docx`` uses when given none (the app sets them from settings)."""
    global _default_limits
    _default_limits = limits


def default_limits() -> DocxLimits:
    """The caps ``parse_docx`` uses when given none."""
    return _default_limits


def parse_docx(file: str | Path | IO[bytes], *, limits: DocxLimits | None = None) -> ParsedDocument:
    """Parse every resolution of a Word file (path or seekable binary stream).

    Paragraphs before the first "RESOLUTION n" heading (cover page, foreword,
    copyright notice) are skipped with a notice. Raises ``ParseError`` with
    line 0 if the file is not a Word document or is over ``limits`` (default:
    ``default_limits()``), and with the paragraph number for malformed text.
    """
    limits = limits or _default_limits
    with _package(file, limits) as archive:
        _check_text_size(archive, limits)
        styles = _part_root(archive, _STYLES)
        hidden_styles = _styles_on(styles, _VANISH)
        reader = _BodyReader(
            _footnote_bodies(archive, hidden_styles),
            _styles_on(styles, _CAPS),
            ListNumbering(_part_root(archive, _NUMBERING), styles),
            typed_calls=not _calls_footnotes(archive),
            hidden_styles=hidden_styles,
        )
        reader.read(archive)
    return reader.document()


# -- the package ---------------------------------------------------------------


@contextmanager
def _package(file: str | Path | IO[bytes], limits: DocxLimits) -> Iterator[zipfile.ZipFile]:
    with _binary(file) as stream:
        _check_directory(stream, limits)
        try:
            archive = zipfile.ZipFile(stream)
        except (zipfile.BadZipFile, ValueError, OSError) as exc:
            raise ParseError(0, f"not a Word document ({exc})") from exc
        with archive:
            _check_members(archive, limits)
            try:
                yield archive
            except etree.XMLSyntaxError as exc:
                # The XML library's own words ("use XML_PARSE_HUGE option") mean
                # nothing to staff, and a deep nesting or an entity bomb is refused alike.
                if "text node" in str(exc).casefold():
                    raise ParseError(
                        0,
                        "the Word document cannot be read: a paragraph of it holds more than "
                        "10 MB of text, more than any resolution",
                    ) from exc
                raise ParseError(
                    0,
                    "the Word document cannot be read: its XML is too deeply nested or "
                    "damaged. Open it in Word and save it again as .docx (Word Document)",
                ) from exc
            except (zipfile.BadZipFile, zlib.error, KeyError, EOFError, OSError) as exc:
                # A member whose data does not match the directory (a forged
                # size fails its checksum) or whose compressed data is damaged.
                raise ParseError(0, f"not a Word document ({exc})") from exc


@contextmanager
def _binary(file: str | Path | IO[bytes]) -> Iterator[IO[bytes]]:
    if isinstance(file, str | Path):
        with open(file, "rb") as stream:
            yield stream
    else:
        yield file


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):,.1f} MB"


def _check_directory(stream: IO[bytes], limits: DocxLimits) -> None:
    """Read the member count from the ZIP's end record, before Python's zipfile reads them all."""
    stream.seek(0, 2)
    size = stream.tell()
    # The end record is 22 bytes, followed by a comment of up to 65,535 bytes.
    tail_size = min(size, 22 + 65535)
    stream.seek(size - tail_size)
    tail = stream.read(tail_size)
    stream.seek(0)
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or len(tail) < at + 22:
        if stream.read(4) == b"PK\x03\x04":
            # It starts as a Word file does, and ends before its table of contents.
            raise ParseError(
                0,
                "not a Word document, or an incomplete one (its end is missing): download "
                "or copy it again, or open it in Word and save it again",
            )
        raise ParseError(0, "not a Word document (it is not a ZIP archive)")
    members, directory_size = struct.unpack("<HL", tail[at + 10 : at + 16])
    if members > limits.max_members:
        raise ParseError(
            0,
            f"the Word file has {members:,} parts, more than the {limits.max_members:,} "
            "allowed: refused before unpacking",
        )
    # No sane directory entry is over 1 KB (it is mostly the member's name).
    if directory_size > 1024 * max(members, 1):
        raise ParseError(0, "not a Word document (its ZIP directory is malformed)")


def _check_members(archive: zipfile.ZipFile, limits: DocxLimits) -> None:
    members = archive.infolist()
    if len(members) > limits.max_members:
        raise ParseError(
            0,
            f"the Word file has {len(members):,} parts, more than the {limits.max_members:,} "
            "allowed: refused before unpacking",
        )
    total = sum(member.file_size for member in members)
    if total > limits.max_uncompressed_bytes:
        raise ParseError(
            0,
            f"the Word file would unpack to {_megabytes(total)}, more than the "
            f"{_megabytes(limits.max_uncompressed_bytes)} allowed: refused before unpacking",
        )
    for member in members:
        _check_readable(member)
        if member.file_size <= limits.ratio_from_bytes:
            continue
        if member.file_size > limits.max_ratio * max(member.compress_size, 1):
            ratio = member.file_size / max(member.compress_size, 1)
            raise ParseError(
                0,
                f"the Word file's part {member.filename!r} is compressed {ratio:,.0f} to 1, "
                f"more than the {limits.max_ratio:,} to 1 allowed (a ZIP bomb?): refused "
                "before unpacking",
            )


# Word writes its parts stored or deflated; Python also reads bzip2 and LZMA.
_COMPRESSIONS = frozenset(
    {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA}
)


def _check_readable(member: zipfile.ZipInfo) -> None:
    """Refuse a part Python's zipfile could not unpack (it would raise outside ParseError)."""
    if member.flag_bits & 0x1:
        raise ParseError(
            0,
            f"the Word file's part {member.filename!r} is encrypted: remove the password "
            "in Word and save the file again as .docx (Word Document)",
        )
    if member.compress_type not in _COMPRESSIONS:
        raise ParseError(
            0,
            f"not a Word document (its part {member.filename!r} is compressed with a "
            f"method Word does not use, number {member.compress_type})",
        )


def _check_text_size(archive: zipfile.ZipFile, limits: DocxLimits) -> None:
    """Refuse text parts too large to read, by the sizes the directory declares.

    A part cannot unpack to more than it declares: reading stops there and
    fails its checksum.
    """
    main = _main_part(archive)
    parts = {main, *(_related(archive, main, part) for part in (_FOOTNOTES, _STYLES, _NUMBERING))}
    total = sum(archive.NameToInfo[name].file_size for name in parts if name in archive.NameToInfo)
    if total > limits.max_text_bytes:
        raise ParseError(
            0,
            f"the Word file's text unpacks to {_megabytes(total)}, more than the "
            f"{_megabytes(limits.max_text_bytes)} allowed (a whole proceedings volume needs "
            "less than 20 MB): refused before reading",
        )


def _safe_parser() -> etree.XMLParser:
    # No DTD, no entities, no network: a crafted part cannot expand or fetch anything.
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)


def _relationships(archive: zipfile.ZipFile, part: str) -> list[tuple[str, str]]:
    """(type, absolute part name) of the relationships of ``part`` ("" for the package)."""
    folder, name = posixpath.split(part)
    rels = posixpath.join(folder, "_rels", f"{name}.rels")
    try:
        root = etree.fromstring(archive.read(rels), _safe_parser())
    except KeyError:
        return []
    found: list[tuple[str, str]] = []
    for relationship in root.iter(_REL):
        if relationship.get("TargetMode") == "External":
            continue
        target = relationship.get("Target", "")
        absolute = target.lstrip("/") if target.startswith("/") else posixpath.join(folder, target)
        found.append((relationship.get("Type", ""), posixpath.normpath(absolute)))
    return found


def _related(archive: zipfile.ZipFile, part: str, suffix: str) -> str | None:
    return next(
        (name for kind, name in _relationships(archive, part) if kind.endswith(suffix)), None
    )


def _main_part(archive: zipfile.ZipFile) -> str:
    main = _related(archive, "", _OFFICE_DOCUMENT)
    if main is None or main not in archive.NameToInfo:
        raise ParseError(0, "not a Word document (it has no main document part)")
    return main


def _calls_footnotes(archive: zipfile.ZipFile) -> bool:
    """Whether the body calls a footnote with Word's footnote command (w:footnoteReference)."""
    marker, tail = b"footnoteReference", b""
    with archive.open(_main_part(archive)) as stream:
        while chunk := stream.read(1 << 20):
            if marker in tail + chunk:
                return True
            tail = chunk[-len(marker) :]
    return False


def _footnote_bodies(
    archive: zipfile.ZipFile, hidden_styles: frozenset[str] = frozenset()
) -> dict[str, str]:
    """Footnote text by footnote id, as the footnotes part holds it, less text styles hide."""
    name = _related(archive, _main_part(archive), _FOOTNOTES)
    if name is None or name not in archive.NameToInfo:
        return {}
    bodies: dict[str, str] = {}
    with archive.open(name) as stream:
        events = etree.iterparse(
            stream, events=("end",), tag=_FOOTNOTE, resolve_entities=False, no_network=True
        )
        for _event, note in events:
            if note.get(_TYPE) in (None, "normal"):
                texts = [
                    _Paragraph(p, hidden_styles=hidden_styles).read().text for p in note.iter(_P)
                ]
                bodies[note.get(_ID, "")] = " ".join(t.strip() for t in texts if t.strip())
            note.clear()
            while note.getprevious() is not None:
                del note.getparent()[0]
        _refuse_doctype(events.root)
    return bodies


def _part_root(archive: zipfile.ZipFile, suffix: str) -> etree._Element | None:
    """The XML of a small part related to the document (its styles, its numbering), if any."""
    name = _related(archive, _main_part(archive), suffix)
    if name is None or name not in archive.NameToInfo:
        return None
    return etree.fromstring(archive.read(name), _safe_parser())


def _styles_on(root: etree._Element | None, switch: str) -> frozenset[str]:
    """The styles that turn a run property on, by themselves or their base style.

    ``switch``: capitals (w:caps; ITU's heading style shows "Resolution 83"
    typed in mixed case as "RESOLUTION 83"), or hidden text (w:vanish).
    """
    if root is None:
        return frozenset()
    own: dict[str, bool] = {}
    based_on: dict[str, str] = {}
    for style in root.iter(_STYLE):
        style_id = style.get(_STYLE_ID, "")
        properties = style.find(_RPR)
        setting = properties.find(switch) if properties is not None else None
        if setting is not None:
            own[style_id] = is_on(setting)
        parent = style.find(_BASED_ON)
        if parent is not None:
            based_on[style_id] = parent.get(_VAL, "")
    return frozenset(style_id for style_id, on in inherited(own, based_on).items() if on)


# -- paragraphs ----------------------------------------------------------------


@dataclass
class _Paragraph:
    """The text of one paragraph as Word shows it with all changes accepted."""

    element: etree._Element
    capital_styles: frozenset[str] = frozenset()
    hidden_styles: frozenset[str] = frozenset()
    # How many footnotes the file has: a typed superscript number is a call
    # only of a footnote that exists (Word numbers them 1, 2... in order), and
    # only in a file that makes no call with Word's footnote command: there a
    # superscript number is a power or a unit ("W/m²", "10³").
    footnote_count: int = 0
    typed_calls: bool = False
    pieces: list[str] = field(default_factory=list)
    footnote_ids: list[str] = field(default_factory=list)
    typed_marks: list[str] = field(default_factory=list)
    pictures: int = 0
    # Each field open in the paragraph: True once past its code (w:fldChar
    # "separate"), where its result shows. A field nested in another's code
    # ({ IF { REF x } = … }) shows nothing of its own.
    fields: list[bool] = field(default_factory=list)
    revised: bool = False
    mark_deleted: bool = False
    capitals: bool = False  # the text being walked is shown in capitals (w:caps)
    hidden: bool = False  # the paragraph's style hides its text (w:vanish)
    shown_in_capitals: bool = False  # some of the paragraph's text is

    @property
    def text(self) -> str:
        text = "".join(self.pieces)
        if self.shown_in_capitals:
            # A heading typed "Resolution 83 (Rev. Geneva, 2022)" that Word shows
            # in capitals reads as one: only its first word is changed, the rest
            # is kept as typed ("Rev. Geneva, 2022").
            text = _HEADING_WORD.sub(
                lambda match: match.group(1) + match.group(2).upper(), text, count=1
            )
        return text

    def read(self) -> _Paragraph:
        properties = self.element.find(_PPR)
        if properties is not None:
            mark = properties.find(_RPR)
            if mark is not None:
                # A deleted paragraph mark joins this paragraph to the next one;
                # so does the mark of a paragraph moved away (shown where it went).
                self.mark_deleted = mark.find(_DEL) is not None or mark.find(_MOVE_FROM) is not None
                self.revised = self.mark_deleted or mark.find(_INS) is not None
            style = properties.find(_P_STYLE)
            self.capitals = style is not None and style.get(_VAL) in self.capital_styles
            self.hidden = style is not None and style.get(_VAL) in self.hidden_styles
        self._walk(self.element)
        return self

    def _walk(self, element: etree._Element) -> None:
        for child in element:
            tag = child.tag
            if not isinstance(tag, str):  # comments, processing instructions
                continue
            if tag in _REVISIONS:
                self.revised = True
            if tag in _NOT_SHOWN or (tag == _SDT and _shows_placeholder(child)):
                continue
            if tag == _FLD_CHAR:
                self._field(child.get(_FLD_CHAR_TYPE))
            elif not all(self.fields) and tag in _SHOWN:
                continue  # in a field's code
            elif tag in _PICTURES:
                self.pictures += 1
            elif tag == _T:
                self.pieces.append(child.text or "")
                self.shown_in_capitals |= self.capitals
            elif tag in _CHARACTERS:
                self.pieces.append(_CHARACTERS[tag])
            elif tag == _SYM:
                self.pieces.append(symbol(child.get(_W + "font", ""), child.get(_W + "char", "")))
            elif tag == _FOOTNOTE_REF:
                self.footnote_ids.append(child.get(_ID, ""))
                self.pieces.append("\x00")  # replaced by its number once numbered
            elif tag == _R:
                self._run(child)
            elif tag != _P:  # a nested paragraph belongs to a text box
                self._walk(child)

    def _field(self, kind: str | None) -> None:
        if kind == "begin":
            self.fields.append(False)
        elif kind == "separate" and self.fields:
            self.fields[-1] = True
        elif kind == "end" and self.fields:
            self.fields.pop()

    def _run(self, run: etree._Element) -> None:
        properties = run.find(_RPR)
        if _run_switch(properties, _VANISH, self.hidden_styles, otherwise=self.hidden):
            # Hidden, but a field may begin or end in it: what follows depends on that.
            for mark in run.iter(_FLD_CHAR):
                self._field(mark.get(_FLD_CHAR_TYPE))
            return
        if properties is not None:
            align = properties.find(_VERT_ALIGN)
            if align is not None and align.get(_VAL) == "superscript":
                typed = "".join(t.text or "" for t in run.iter(_T)).strip()
                # ASCII digits only: "²".isdigit() is true, and int("²") fails.
                if _TYPED_MARK.fullmatch(typed) and run.find(_FOOTNOTE_REF) is None:
                    if self.typed_calls and 1 <= int(typed) <= self.footnote_count:
                        # A footnote call typed as a superscript number rather than
                        # made with Word's footnote command: "(Hammamet, 2016)1".
                        self.pieces.append(f"[footnoteRef:{typed}]")
                    else:
                        # A power or a unit with no footnote of that number: "W/m²", "10³".
                        self.pieces.append(typed.translate(_SUPERSCRIPT_DIGITS))
                    return
            paragraph_capitals = self.capitals
            self.capitals = _run_switch(
                properties, _CAPS, self.capital_styles, otherwise=paragraph_capitals
            )
            self._walk(run)
            self.capitals = paragraph_capitals
            return
        self._walk(run)


def _run_switch(
    properties: etree._Element | None, switch: str, styles: frozenset[str], *, otherwise: bool
) -> bool:
    """Whether a run shows with ``switch`` on (capitals, hidden): by its own setting,
    else because its character style turns it on, else as its paragraph (``otherwise``)."""
    if properties is None:
        return otherwise
    setting = properties.find(switch)
    if setting is not None:
        return is_on(setting)
    style = properties.find(_R_STYLE)
    if style is not None and style.get(_VAL) in styles:
        return True
    return otherwise


# The Symbol font's characters, by code, where they are not the ASCII ones:
# Word writes them as <w:sym w:font="Symbol" w:char="F0B3"/> ("≥"). Its
# letters are Greek, in the order of the Latin ones they stand in for.
_GREEK_CAPITALS = "ΑΒΧΔΕΦΓΗΙϑΚΛΜΝΟΠΘΡΣΤΥςΩΞΨΖ"
_GREEK_SMALL = "αβχδεφγηιϕκλμνοπθρστυϖωξψζ"
_SYMBOL_FONT = {
    **{0x41 + n: letter for n, letter in enumerate(_GREEK_CAPITALS)},
    **{0x61 + n: letter for n, letter in enumerate(_GREEK_SMALL)},
    **dict(
        zip([0x22, 0x24, 0x27, 0x2A, 0x2D, 0x40, 0x5C, 0x5E, 0x60, 0x7E], "∀∃∋∗−≅∴⊥‾∼", strict=True)
    ),
    # 0xA0-0xFF, from the font's own table; the pieces of tall brackets as such.
    **dict(
        zip(
            range(0xA0, 0x100),
            "€ϒ′≤⁄∞ƒ♣♦♥♠↔←↑→↓°±″≥×∝∂•÷≠≡≈…│─↵"
            "ℵℑℜ℘⊗⊕∅∩∪⊃⊇⊄⊂⊆∈∉∠∇®©™∏√⋅¬∧∨⇔⇐⇑⇒⇓"
            "◊〈®©™∑⎛⎜⎝⎡⎢⎣⎧⎨⎩⎪\ufffd〉∫⌠⎮⌡⎞⎟⎠⎤⎥⎦⎫⎬⎭\ufffd",
            strict=True,
        )
    ),
}


def symbol(font: str, code: str) -> str:
    """The character a w:sym shows: Symbol's by its table, another font's as written.

    A character of a picture font (Wingdings) has no text; a code no table
    knows is shown as "\ufffd", so that something visibly stands in its place.
    """
    try:
        number = int(code, 16)
    except ValueError:
        return "\ufffd"
    low = number - 0xF000 if 0xF000 <= number <= 0xF0FF else number
    if font.casefold() == "symbol":
        if low in _SYMBOL_FONT:
            return _SYMBOL_FONT[low]
        return chr(low) if 0x20 <= low < 0x7F else "\ufffd"
    if font.casefold().startswith("wingdings"):
        return ""
    if 0xE000 <= number <= 0xF8FF or not 0x20 <= number <= 0x10FFFF:
        return "\ufffd"
    return chr(number)


def _shows_placeholder(control: etree._Element) -> bool:
    """Whether a content control shows its prompt ("Click or tap here to enter text.")."""
    properties = control.find(_SDT_PR)
    return properties is not None and is_on(properties.find(_W + "showingPlcHdr"))


def _in_placeholder(paragraph: etree._Element) -> bool:
    """Whether a paragraph is the prompt of a content control around whole paragraphs."""
    control = _inside(paragraph, _SDT)
    while control is not None:
        if _shows_placeholder(control):
            return True
        control = _inside(control, _SDT)
    return False


def _refuse_doctype(root: etree._Element | None) -> None:
    """Refuse a part that declares a DOCTYPE: Word never writes one, and its entities hide text."""
    if root is not None and root.getroottree().docinfo.doctype:
        raise ParseError(
            0,
            "the Word document cannot be read: it declares a DOCTYPE, which Word never "
            "writes. Open it in Word and save it again as .docx (Word Document)",
        )


def _inside(element: etree._Element, tag: str) -> etree._Element | None:
    parent = element.getparent()
    while parent is not None and parent.tag != tag:
        parent = parent.getparent()
    return parent


def _row_deleted(paragraph: etree._Element) -> bool:
    row = _inside(paragraph, _TR)
    if row is None:
        return False
    properties = row.find(_TRPR)
    return properties is not None and properties.find(_DEL) is not None


def _drop_read(element: etree._Element) -> None:
    """Free what has been read: the element's content and its earlier siblings."""
    element.clear()
    parent = element.getparent()
    if parent is not None:
        while element.getprevious() is not None:
            del parent[0]


@dataclass
class _Table:
    line: int
    rows: int = 0
    columns: int = 0


class _BodyReader:
    """Streams the main document part into lines of text, one per paragraph."""

    def __init__(
        self,
        footnote_bodies: dict[str, str],
        capital_styles: frozenset[str],
        numbering: ListNumbering,
        *,
        typed_calls: bool,
        hidden_styles: frozenset[str] = frozenset(),
    ) -> None:
        self.footnote_bodies = footnote_bodies
        self.hidden_styles = hidden_styles
        self.numbering = numbering
        self.typed_calls = typed_calls
        self.capital_styles = capital_styles
        self.texts: list[str] = []  # what the grammar reads: footnote calls as markers
        self.sources: list[str] = []  # the same with footnote bodies, kept as source text
        self.displayed: dict[str, str] = {}  # footnote body by the number Word displays
        self.notices: list[Notice] = []
        self.revised = False
        self.carry = ("", "")  # text of a paragraph whose mark was deleted
        self.tables: list[_Table] = []
        self.found_body = False

    def read(self, archive: zipfile.ZipFile) -> None:
        with archive.open(_main_part(archive)) as stream:
            events = etree.iterparse(
                stream,
                events=("start", "end"),
                tag=(_BODY, _P, _TBL, _TR),
                resolve_entities=False,
                no_network=True,
            )
            for event, element in events:
                self._event(event, element)
            _refuse_doctype(events.root)
        if not self.found_body:
            with archive.open(_main_part(archive)) as stream:
                if _STRICT in stream.read(4096):
                    raise ParseError(
                        0,
                        "the file is saved as a Strict Open XML Document, which cannot be "
                        "read: open it in Word and save it as a Word Document (.docx)",
                    )
            raise ParseError(0, "not a Word document (its main part has no document body)")

    def _event(self, event: str, element: etree._Element) -> None:
        tag = element.tag
        if tag == _BODY:
            self.found_body = True
            return
        nested = _inside(element, _P) is not None  # in a text box: not body text
        if nested:
            return
        if tag == _TBL:
            if event == "start":
                self.tables.append(_Table(len(self.texts) + 1))
            else:
                table = self.tables.pop()
                if table.rows:
                    self.notices.append(
                        Notice(
                            "table_as_text",
                            table.line,
                            f"a table of {table.rows} row(s) and {table.columns} column(s) "
                            "was read as text, cell by cell",
                        )
                    )
                _drop_read(element)
        elif tag == _TR and event == "end":
            if self.tables:
                table = self.tables[-1]
                table.rows += 1
                table.columns = max(table.columns, sum(1 for _ in element.iterchildren(_W + "tc")))
            _drop_read(element)
        elif tag == _P and event == "end":
            self._paragraph(element)
            _drop_read(element)

    def _paragraph(self, element: etree._Element) -> None:
        if _row_deleted(element):
            self.revised = True
            return
        if _in_placeholder(element):
            element = etree.Element(_P)  # shown as a prompt, holding nothing typed
        paragraph = _Paragraph(
            element,
            self.capital_styles,
            self.hidden_styles,
            len(self.footnote_bodies),
            self.typed_calls,
        ).read()
        self.revised |= paragraph.revised
        number = len(self.texts) + 1
        text, source = self._number_footnotes(paragraph)
        text, source = self.carry[0] + text, self.carry[1] + source
        # Word counts a numbered paragraph even when it is empty, but shows no label
        # for it; a paragraph whose mark was deleted is part of the next one. A
        # heading in a numbered style ("RESOLUTION 44", "instructs") stays a heading.
        label = "" if paragraph.mark_deleted else self.numbering.label(element)
        if label and text.strip() and classify(number, text).kind not in _HEADINGS:
            text, source = f"{label}\t{text}", f"{label}\t{source}"
        if paragraph.mark_deleted:
            # Keep the line count equal to Word's paragraph count: this one reads
            # as empty, its text opens the next one.
            self.carry = (text, source)
            text = source = ""
        else:
            self.carry = ("", "")
        self.texts.append(text)
        self.sources.append(source)
        if paragraph.pictures:
            self.notices.append(
                Notice(
                    "picture_skipped",
                    number,
                    f"{paragraph.pictures} picture(s), chart(s), equation(s) or embedded "
                    "object(s) skipped: they hold no text to import",
                )
            )

    def _number_footnotes(self, paragraph: _Paragraph) -> tuple[str, str]:
        text = paragraph.text
        bodies: list[str] = []
        for footnote_id in paragraph.footnote_ids:
            number = str(len(self.displayed) + 1)
            body = self.footnote_bodies.get(footnote_id, "")
            self.displayed[number] = body
            text = text.replace("\x00", f"[footnoteRef:{number}]", 1)
            bodies.append(f" [{number}: {body}]")
        return text, text + "".join(bodies)

    def document(self) -> ParsedDocument:
        if self.carry != ("", ""):
            self.texts[-1], self.sources[-1] = self.carry
        lines = classify_lines(list(enumerate(self.texts, start=1)))
        first = next((i for i, line in enumerate(lines) if line.kind is Kind.RESOLUTION), None)
        if first is None:
            raise ParseError(
                max(len(self.texts), 1),
                "expected a heading such as 'RESOLUTION 44 (Rev. Geneva, 2022)' in the Word "
                "document, found none",
            )
        # A typed call "1" reads the footnote Word shows as 1, unless a real call
        # of the file gave that number to another one.
        in_order = enumerate(self.footnote_bodies.values(), start=1)
        bodies = {str(number): body for number, body in in_order} | self.displayed
        resolutions, notices = build_resolutions(
            lines[first:], self.sources, footnote_bodies=bodies
        )
        check_unique(resolutions)
        start = lines[first].number
        front = [line for line in lines[:first] if line.kind is not Kind.BLANK]
        if front:
            notices.append(
                Notice(
                    "front_matter_skipped",
                    front[0].number,
                    f"lines {front[0].number}-{front[-1].number} before the first resolution "
                    "(cover page, foreword, contents) were skipped",
                )
            )
        notices.extend(notice for notice in self.notices if notice.line >= start)
        if self.revised:
            notices.append(
                Notice(
                    "tracked_changes",
                    0,
                    "the file has tracked changes (revision marks): its text was read with "
                    "every change accepted",
                )
            )
        notices.sort(key=lambda notice: notice.line)
        return ParsedDocument(sorted(resolutions, key=lambda r: r.number), notices)
