"""A Word file is checked before it is unpacked, and reading it stays bounded.

Memory is measured in a fresh interpreter (its peak resident size before and
after parsing), since the XML library allocates outside Python's tracing.
"""

from __future__ import annotations

import io
import json
import random
import subprocess
import sys
import time
import zipfile
from dataclasses import asdict
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from resolutions.models import Resolution
from resolutions.parsing import DocxLimits, ParseError, default_limits, parse_document, parse_docx
from tests.builders import word_file, zip_bomb_docx

ROOT = Path(__file__).resolve().parents[2]
SMALL = ["RESOLUTION 1 (Rev. Geneva, 2022)", "Title", "instructs", "Member States", "1\tto act;"]
MB = 1024 * 1024

# Parses a file in a fresh interpreter and prints what happened and the growth
# of the peak resident size (ru_maxrss is in KiB on Linux).
MEASURE = """
import json, resource, sys, time
from resolutions.parsing import DocxLimits, ParseError, parse_docx
limits = DocxLimits(**json.loads(sys.argv[2]))
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
start = time.perf_counter()
try:
    outcome = "%d resolutions" % len(parse_docx(sys.argv[1], limits=limits).resolutions)
except ParseError as error:
    outcome = str(error)
seconds = time.perf_counter() - start
growth = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
print(json.dumps({"outcome": outcome, "seconds": seconds, "growth_mb": growth / 1024}))
"""


def measure(path: Path, **limits: int) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", MEASURE, str(path), json.dumps(limits)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return json.loads(done.stdout)


@pytest.fixture(scope="module")
def bomb(tmp_path_factory) -> Path:
    """A 1 MB .docx whose picture part unpacks to 1 GB."""
    path = tmp_path_factory.mktemp("bomb") / "Res01.docx"
    path.write_bytes(zip_bomb_docx(1024))
    return path


def test_a_zip_bomb_is_refused_before_unpacking_quickly_and_in_little_memory(bomb):
    assert bomb.stat().st_size < 2 * MB
    result = measure(bomb)
    assert result["outcome"] == (
        "the Word file would unpack to 1,024.0 MB, more than the 256.0 MB allowed: "
        "refused before unpacking"
    )
    assert result["seconds"] < 1
    assert result["growth_mb"] < 10


def test_a_picture_is_never_unpacked_so_memory_stays_low_even_over_the_caps(bomb):
    # Caps lifted: the 1 GB part is a picture, and the reader opens only text parts.
    result = measure(bomb, max_uncompressed_bytes=2048 * MB, max_ratio=10**6)
    assert result["outcome"] == "1 resolutions"
    assert result["growth_mb"] < 30


def test_a_part_compressed_more_than_the_ratio_allows_is_refused():
    with pytest.raises(ParseError) as caught:
        parse_docx(io.BytesIO(zip_bomb_docx(64)))
    message = str(caught.value)
    assert message.startswith("the Word file's part 'word/media/image1.png' is compressed ")
    assert message.endswith(
        "more than the 200 to 1 allowed (a ZIP bomb?): refused before unpacking"
    )


def test_text_parts_that_unpack_to_more_than_the_text_cap_are_refused_quickly_before_parsing():
    # Case 49f: 4 MB of Word, under every cap on the archive, whose document
    # part unpacks to 250 MB of XML took two minutes and 2 GB to read.
    data = word_file(SMALL + ["2\tto report to Council on this item at length;"] * 20000)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.getinfo("word/document.xml").file_size > 2 * MB
    started = time.perf_counter()
    with pytest.raises(ParseError) as caught:
        parse_docx(io.BytesIO(data), limits=DocxLimits(max_text_bytes=2 * MB, max_ratio=10**6))
    assert time.perf_counter() - started < 0.5
    assert str(caught.value).startswith("the Word file's text unpacks to ")
    assert str(caught.value).endswith(
        "more than the 2.0 MB allowed (a whole proceedings volume needs less than 20 MB): "
        "refused before reading"
    )
    assert DocxLimits().max_text_bytes == 40 * MB


def test_a_file_with_too_many_parts_is_refused():
    pictures = {f"word/media/image{n}.png": b"x" for n in range(2001)}
    with pytest.raises(ParseError, match=r"^the Word file has 2,005 parts, more than the 2,000"):
        parse_docx(io.BytesIO(word_file(SMALL, members=pictures)))


def test_the_caps_are_passed_or_taken_from_the_defaults():
    photo = random.Random(0).randbytes(2 * MB)  # incompressible, as a photograph
    data = word_file(SMALL, members={"word/media/image1.png": photo})
    with pytest.raises(ParseError, match=r"would unpack to 2\.0 MB, more than the 1\.0 MB allowed"):
        parse_docx(io.BytesIO(data), limits=DocxLimits(max_uncompressed_bytes=MB))
    assert parse_docx(io.BytesIO(data)).resolutions[0].number == 1


def test_the_caps_come_from_the_settings(settings):
    settings.IMPORT_DOCX_MAX_MEMBERS = 3
    assert default_limits().max_members == 3
    with pytest.raises(ParseError, match=r"has 4 parts, more than the 3 allowed"):
        parse_document(name="Res01.docx", data=word_file(SMALL))
    settings.IMPORT_DOCX_MAX_UNCOMPRESSED_MB = 3
    settings.IMPORT_DOCX_MAX_RATIO = 50
    settings.IMPORT_DOCX_MAX_TEXT_MB = 2
    assert default_limits() == DocxLimits(
        max_uncompressed_bytes=3 * MB, max_members=3, max_ratio=50, max_text_bytes=2 * MB
    )


def test_settings_restored_give_the_default_caps_back():
    # Runs after the test above: pytest-django put the settings back.
    assert default_limits() == DocxLimits()


def test_a_zip_bomb_given_to_the_import_command_writes_nothing(wtsa20, bomb):
    started = time.perf_counter()
    with pytest.raises(CommandError, match=r"would unpack to 1,024\.0 MB.*Nothing was imported"):
        call_command("import_resolutions", str(bomb), stdout=io.StringIO())
    assert time.perf_counter() - started < 2
    assert not Resolution.objects.exists()


def test_a_part_whose_data_belies_its_declared_size_is_refused():
    # The directory declares the document part smaller than its data: reading
    # stops at the declared size, so the part cannot unpack to more than the
    # caps allowed, and the checksum (or the cut XML) fails.
    data = word_file(SMALL + ["2\tto report to Council on this item at length;"] * 50)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        size = archive.getinfo("word/document.xml").file_size
    declared = size.to_bytes(4, "little")
    assert data.count(declared) == 2  # its local header and its directory entry
    forged = data.replace(declared, (size // 2).to_bytes(4, "little"))
    with pytest.raises(ParseError, match=r"^not a Word document"):
        parse_docx(io.BytesIO(forged))


def test_a_volume_of_a_megabyte_of_text_is_read_in_seconds_and_bounded_memory(tmp_path):
    from tests.builders import seed_text

    path = tmp_path / "volume.docx"
    path.write_bytes(word_file(seed_text(20).split("\n")))
    result = measure(path, **asdict(default_limits()))
    assert result["outcome"] == "560 resolutions"
    assert result["seconds"] < 20
    assert result["growth_mb"] < 100


def test_xml_nested_too_deeply_is_refused_without_the_xml_librarys_internals():
    nested = "<w:sdt><w:sdtContent>" * 300 + "</w:sdtContent></w:sdt>" * 300
    with pytest.raises(ParseError) as caught:
        parse_docx(io.BytesIO(word_file(SMALL + [nested])))
    assert str(caught.value) == (
        "the Word document cannot be read: its XML is too deeply nested or damaged. Open it "
        "in Word and save it again as .docx (Word Document)"
    )


def _forge_member(data: bytes, name: str, *, flags: int | None = None, method: int | None = None):
    """``data`` with the named member's flags or compression method rewritten in both headers."""
    forged = bytearray(data)
    encoded = name.encode()
    # Local header: flags at 6, method at 8, name at 30.
    # Directory entry: flags at 8, method at 10, name at 46.
    for signature, flags_at, name_at in ((b"PK\x03\x04", 6, 30), (b"PK\x01\x02", 8, 46)):
        at = forged.find(signature)
        while at >= 0:
            if forged[at + name_at : at + name_at + len(encoded)] == encoded:
                if flags is not None:
                    forged[at + flags_at : at + flags_at + 2] = flags.to_bytes(2, "little")
                if method is not None:
                    forged[at + flags_at + 2 : at + flags_at + 4] = method.to_bytes(2, "little")
            at = forged.find(signature, at + 1)
    assert forged != data
    return bytes(forged)


def test_a_part_whose_compressed_data_is_damaged_is_refused_as_not_a_word_document():
    data = word_file(SMALL + ["2\tto report to Council on this item at length;"] * 50)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        member = archive.getinfo("word/document.xml")
    start = member.header_offset + 30 + len(member.filename) + len(member.extra)
    damaged = bytearray(data)
    damaged[start : start + 8] = b"\xff" * 8  # an invalid deflate block type
    with pytest.raises(ParseError, match=r"^not a Word document \(Error -3 while decompressing"):
        parse_docx(io.BytesIO(bytes(damaged)))


def test_an_encrypted_part_is_refused_with_what_to_do():
    forged = _forge_member(word_file(SMALL), "word/document.xml", flags=0x1)
    with pytest.raises(ParseError) as caught:
        parse_docx(io.BytesIO(forged))
    assert str(caught.value) == (
        "the Word file's part 'word/document.xml' is encrypted: remove the password in Word "
        "and save the file again as .docx (Word Document)"
    )


@pytest.mark.parametrize("method", [9, 99])  # Deflate64 (Windows' own zip), and nonsense
def test_a_part_compressed_with_a_method_python_cannot_unpack_is_refused(method):
    forged = _forge_member(word_file(SMALL), "word/document.xml", method=method)
    with pytest.raises(ParseError) as caught:
        parse_docx(io.BytesIO(forged))
    assert str(caught.value) == (
        "not a Word document (its part 'word/document.xml' is compressed with a method Word "
        f"does not use, number {method})"
    )


def test_a_word_file_cut_short_is_refused_as_incomplete():
    data = word_file(SMALL)

    with pytest.raises(ParseError) as refused:
        parse_docx(io.BytesIO(data[: len(data) // 2]))

    assert str(refused.value) == (
        "not a Word document, or an incomplete one (its end is missing): download or copy it "
        "again, or open it in Word and save it again"
    )


def _stored(data: bytes) -> bytes:
    """The same file with every part stored uncompressed (no ratio to refuse it by)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as archive:
        for name in source.namelist():
            archive.writestr(name, source.read(name))
    return out.getvalue()


def test_a_paragraph_of_more_text_than_the_xml_library_reads_is_refused_saying_so():
    body = [*SMALL[:-1], "1\tto act " + "and act " * 1_300_000 + ";"]

    with pytest.raises(ParseError, match="a paragraph of it holds more than 10 MB of text"):
        parse_docx(io.BytesIO(_stored(word_file(body))))


def test_an_item_longer_than_any_resolutions_is_refused_naming_its_line():
    body = [*SMALL[:-1], "1\tto act " + "and act " * 13_000 + ";"]

    with pytest.raises(
        ParseError, match=r"line 5: item '1' of RESOLUTION 1 is 104,0\d\d characters"
    ):
        parse_docx(io.BytesIO(word_file(body)))
