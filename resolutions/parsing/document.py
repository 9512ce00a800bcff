"""Reading an uploaded or local file, whatever its kind: a Word document or UTF-8 text."""

from __future__ import annotations

import io

from .docx import parse_docx
from .text import parse_text
from .types import ParsedDocument, ParseError

# A .docx file is a ZIP archive; its first bytes say so whatever its name is.
ZIP_MAGIC = b"PK\x03\x04"


def parse_document(*, name: str, data: bytes) -> ParsedDocument:
    """Parse an uploaded or local file: a Word document or UTF-8 text."""
    if data.startswith(ZIP_MAGIC) or name.lower().endswith(".docx"):
        return parse_docx(io.BytesIO(data))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ParseError(
            0, f"{name} is neither a Word document nor UTF-8 text (byte {error.start})"
        ) from None
    return parse_text(text)
