"""Parsers for WTSA resolution texts (plain text and Word), free of Django.

``parse_text`` reads the ITU-D background paper (Table 1 overview + Table 2
detailed text) or bare resolution texts; ``parse_docx`` reads one official
resolution from a .docx file; ``parse_document`` picks one by the file's
first bytes. All return a ``ParsedDocument`` and raise
``ParseError`` ("line <n>: <what was expected>") on malformed input.
"""

from .document import parse_document
from .docx import parse_docx
from .text import parse_text
from .types import (
    CrossReference,
    Directive,
    Footnote,
    ParsedDocument,
    ParsedItem,
    ParsedPart,
    ParsedResolution,
    ParseError,
)

__all__ = [
    "CrossReference",
    "Directive",
    "Footnote",
    "ParseError",
    "ParsedDocument",
    "ParsedItem",
    "ParsedPart",
    "ParsedResolution",
    "parse_document",
    "parse_docx",
    "parse_text",
]
