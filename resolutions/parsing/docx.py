"""Reader for official ITU resolution texts in Word (.docx) format.

A .docx holds ONE resolution: "RESOLUTION 44 (Rev. Geneva, 2022)", the title,
the adoption history and the parts. Each paragraph becomes one line (numbered
from 1 in body order, table cells included) and goes through the same line
grammar as the text reader, so both give the same structure for the same text.

Word footnotes are not part of the paragraph text; they are rendered in the
same "[footnoteRef:N]" / "[N: body]" form as the hand-converted text, numbered
in order of appearance as Word displays them, so one code path extracts them.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import IO

from docx import Document
from docx.document import Document as DocumentObject
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.opc.exceptions import OpcError
from docx.oxml import parse_xml
from docx.oxml.ns import qn
from lxml import etree

from .builder import build_resolutions
from .lines import Kind, classify_lines
from .types import ParsedDocument, ParseError

_P, _TBL, _R = qn("w:p"), qn("w:tbl"), qn("w:r")
_T, _TAB, _BR, _CR = qn("w:t"), qn("w:tab"), qn("w:br"), qn("w:cr")
_NB_HYPHEN, _SOFT_HYPHEN = qn("w:noBreakHyphen"), qn("w:softHyphen")
_FOOTNOTE_REF, _FOOTNOTE, _ID = qn("w:footnoteReference"), qn("w:footnote"), qn("w:id")
_RUN_CONTENT = {_T: None, _TAB: "\t", _BR: " ", _CR: " ", _NB_HYPHEN: "-", _SOFT_HYPHEN: ""}


def parse_docx(file: str | Path | IO[bytes]) -> ParsedDocument:
    """Parse one resolution from a Word file (path or binary stream).

    Paragraphs before the "RESOLUTION n" heading (cover-page boilerplate) are
    ignored. Raises ``ParseError`` with line 0 if the file is not a Word
    document, and with the paragraph number for malformed resolution text.
    """
    source = str(file) if isinstance(file, Path) else file
    try:
        document = Document(source)
    except (OpcError, zipfile.BadZipFile, KeyError, ValueError, etree.XMLSyntaxError) as exc:
        raise ParseError(0, f"not a Word document ({exc})") from exc
    paragraphs = _paragraph_texts(document)
    lines = classify_lines(list(enumerate(paragraphs, start=1)))
    first = next((i for i, line in enumerate(lines) if line.kind is Kind.RESOLUTION), None)
    if first is None:
        raise ParseError(
            max(len(paragraphs), 1),
            "expected a heading such as 'RESOLUTION 44 (Rev. Geneva, 2022)' in the Word "
            "document, found none",
        )
    resolutions = build_resolutions(lines[first:], paragraphs)
    if len(resolutions) > 1:
        raise ParseError(
            resolutions[1].line,
            "a Word document must hold one resolution, found a second heading "
            f"'RESOLUTION {resolutions[1].number}'",
        )
    return ParsedDocument(resolutions)


def _paragraph_texts(document: DocumentObject) -> list[str]:
    footnotes = _footnote_bodies(document)
    counter = [0]
    texts: list[str] = []
    for block in document.element.body.iterchildren():
        # Top-level paragraphs, then paragraphs nested in tables or content
        # controls, in document order.
        paragraphs = [block] if block.tag == _P else list(block.iter(_P))
        texts.extend(_paragraph_text(p, footnotes, counter) for p in paragraphs)
    return texts


def _paragraph_text(
    paragraph: etree._Element, footnotes: dict[str, str], counter: list[int]
) -> str:
    pieces: list[str] = []
    bodies: list[str] = []
    for element in paragraph.iter(*_RUN_CONTENT, _FOOTNOTE_REF):
        # Only run content of this paragraph counts: tab stops in the paragraph
        # properties are <w:tab> too, and text boxes hold paragraphs of their own.
        run = element.getparent()
        if run is None or run.tag != _R or _enclosing_paragraph(run) is not paragraph:
            continue
        if element.tag == _FOOTNOTE_REF:
            counter[0] += 1
            pieces.append(f"[footnoteRef:{counter[0]}]")
            bodies.append(f" [{counter[0]}: {footnotes.get(element.get(_ID, ''), '')}]")
        elif element.tag == _T:
            pieces.append(element.text or "")
        else:
            pieces.append(_RUN_CONTENT[element.tag] or "")
    return "".join(pieces + bodies)


def _enclosing_paragraph(element: etree._Element) -> etree._Element | None:
    parent = element.getparent()
    while parent is not None and parent.tag != _P:
        parent = parent.getparent()
    return parent


def _footnote_bodies(document: DocumentObject) -> dict[str, str]:
    for relationship in document.part.rels.values():
        if relationship.reltype == RELATIONSHIP_TYPE.FOOTNOTES and not relationship.is_external:
            root = parse_xml(relationship.target_part.blob)
            return {
                note.get(_ID, ""): "".join(t.text or "" for t in note.iter(_T)).strip()
                for note in root.iter(_FOOTNOTE)
            }
    return {}
