"""Reading an uploaded or local file, whatever its kind: a Word document or text.

Files that staff are likely to pick by mistake are named for what they are,
with what to do: an old Word 97–2003 document or a password-protected one
(both OLE compound files), a PDF, text in another encoding than UTF-8.
"""

from __future__ import annotations

import io

from .docx import parse_docx
from .text import parse_text, split_lines
from .types import ParsedDocument, ParseError

# A .docx file is a ZIP archive; its first bytes say so whatever its name is.
ZIP_MAGIC = b"PK\x03\x04"
# An OLE compound file: a Word 97–2003 .doc, or a .docx Word encrypted with a
# password (Word wraps the encrypted package in one).
OLE_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
PDF_MAGIC = b"%PDF-"
# Notepad and Word save "Unicode" text as UTF-16 with a byte order mark.
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
SAVE_AS_UTF8 = (
    "save the file as UTF-8 text (in Notepad: File › Save as, Encoding: UTF-8) and import it again"
)


def parse_document(*, name: str, data: bytes) -> ParsedDocument:
    """Parse an uploaded or local file: a Word document, or UTF-8 or UTF-16 text."""
    if data.startswith(OLE_MAGIC):
        raise ParseError(
            0,
            f"{name} is an old Word 97–2003 document or a password-protected one: open it in "
            "Word and save it as .docx (Word Document) without a password",
        )
    if data.startswith(PDF_MAGIC):
        raise ParseError(
            0,
            f"{name} is a PDF, which cannot be imported: import the Word (.docx) file of the "
            "resolutions, as ITU publishes them",
        )
    if data.startswith(ZIP_MAGIC) or name.lower().endswith(".docx"):
        return parse_docx(io.BytesIO(data))
    if data.startswith(UTF16_BOMS):
        try:
            return parse_text(data.decode("utf-16"))
        except UnicodeDecodeError:
            raise ParseError(
                0, f"{name} starts as UTF-16 text but is damaged: {SAVE_AS_UTF8}"
            ) from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        # The bytes before the fault are valid UTF-8: count their lines as an editor does.
        line = len(split_lines(data[: error.start].decode("utf-8-sig")))
        raise ParseError(
            line,
            f"{name} is neither a Word document nor UTF-8 text (this line is written in "
            f"another encoding, such as Windows-1252): {SAVE_AS_UTF8}",
        ) from None
    return parse_text(text)
