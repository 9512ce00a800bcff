"""Parsers for WTSA resolution texts (plain text and Word), free of Django.

``parse_text`` reads the ITU-D background paper (Table 1 overview + Table 2
detailed text) or bare resolution texts; ``parse_docx`` reads an official
Word file: one resolution, or a proceedings volume of many, checked against
``DocxLimits`` before it is unpacked; ``parse_document`` picks one by the
file's first bytes. All return a ``ParsedDocument`` (with ``notices`` on what
was skipped or read differently) and raise ``ParseError`` ("line <n>: <what
was expected>") on malformed input.
"""

from .document import parse_document
from .docx import DocxLimits, default_limits, parse_docx, set_default_limits
from .text import parse_text
from .types import (
    CrossReference,
    Directive,
    Footnote,
    Notice,
    ParsedAnnex,
    ParsedDocument,
    ParsedItem,
    ParsedPart,
    ParsedResolution,
    ParseError,
)

__all__ = [
    "CrossReference",
    "Directive",
    "DocxLimits",
    "Footnote",
    "Notice",
    "ParsedAnnex",
    "ParseError",
    "ParsedDocument",
    "ParsedItem",
    "ParsedPart",
    "ParsedResolution",
    "default_limits",
    "parse_document",
    "parse_docx",
    "parse_text",
    "set_default_limits",
]
