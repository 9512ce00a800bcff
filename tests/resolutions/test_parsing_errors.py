"""Malformed input raises ParseError naming the line and what was expected."""

from __future__ import annotations

from pathlib import Path

import pytest

from resolutions.parsing import ParseError, parse_document, parse_text

SEED = Path(__file__).resolve().parents[2] / "fixtures" / "wtsa20_itud_background.txt"

TABLES = """\
Table 1 – Overview of the WTSA Resolutions relevant to the work of ITU-D
\tRESOLUTION 29 [Rev] on alternative calling procedures:
Instructs the TSB Director to continue to cooperate with the BDT Director.

Table 2 - Detailed text of WTSA Resolutions relevant to the work of ITU-D
\tRESOLUTION 29
Alternative calling procedures on international telecommunication networks
\tinstructs
the Director of the Telecommunication Standardization Bureau
to continue to cooperate with the Director of the Telecommunication Development Bureau
"""


def seed_lines() -> list[str]:
    return SEED.read_text(encoding="utf-8").split("\n")


def error_of(text: str) -> ParseError:
    with pytest.raises(ParseError) as caught:
        parse_text(text)
    return caught.value


def test_the_minimal_two_table_text_parses() -> None:
    (resolution,) = parse_text(TABLES).resolutions
    assert (resolution.number, resolution.marker) == (29, "Rev")
    assert resolution.parts[0].items[0].directive is not None


def test_parse_error_is_a_value_error_carrying_the_line() -> None:
    error = error_of("foo\n")
    assert isinstance(error, ValueError)
    assert error.line == 1
    expected = "line 1: expected a resolution heading such as 'RESOLUTION 44', found 'foo'"
    assert str(error) == expected


@pytest.mark.parametrize("text", ["", "  \n\t\n"])
def test_empty_text_is_an_error(text: str) -> None:
    assert str(error_of(text)).startswith("line 1: the text is empty: expected a resolution")


def test_junk_where_table_2_expects_a_heading_names_that_line() -> None:
    lines = seed_lines()
    lines[117] = "foo"
    assert str(error_of("\n".join(lines))) == (
        "line 118: expected a resolution heading such as 'RESOLUTION 44', found 'foo'"
    )


def test_table_2_without_any_resolution_is_an_error() -> None:
    text = TABLES.split("\tRESOLUTION 29\n")[0]
    error = error_of(text)
    assert error.line == 5
    assert "found the end of the text" in str(error)


def test_table_1_without_table_2_is_an_error() -> None:
    text = TABLES.split("Table 2")[0]
    assert str(error_of(text)).startswith("line 1: found Table 1 but no 'Table 2 - ")


def test_resolution_in_table_2_without_title_is_an_error() -> None:
    title = "Alternative calling procedures on international telecommunication networks\n"
    text = TABLES.replace(title, "")
    assert str(error_of(text)) == (
        "line 7: RESOLUTION 29 has no title: expected its title after the heading, "
        "found part heading 'instructs'"
    )


def test_resolution_heading_at_the_end_of_the_text_has_no_title() -> None:
    assert str(error_of("RESOLUTION 29\n")) == (
        "line 1: RESOLUTION 29 has no title: expected the title on the next line, "
        "found the end of the text"
    )


def test_item_label_before_any_part_heading_is_an_error() -> None:
    error = error_of("RESOLUTION 29\nTitle\n1\tto continue to cooperate\n")
    assert error.line == 3
    assert "item '1' comes before any part heading" in str(error)


def test_prose_between_title_and_first_part_is_an_error() -> None:
    error = error_of("RESOLUTION 29\nTitle\nsome stray prose\ninstructs\nTSB\nto act\n")
    assert str(error) == (
        "line 3: expected a part heading such as 'considering', 'resolves' or 'instructs' "
        "after the title of RESOLUTION 29, found 'some stray prose'"
    )


def test_resolution_without_parts_is_an_error() -> None:
    error = error_of("RESOLUTION 29\nTitle\n\nRESOLUTION 44\nTitle\nresolves\nto act\n")
    assert error.line == 1
    assert "RESOLUTION 29 has no parts" in str(error)


def test_part_heading_without_text_is_an_error() -> None:
    error = error_of("RESOLUTION 29\nTitle\ninstructs\nthe Director of TSB\nresolves\nto act\n")
    assert error.line == 3
    assert "part 'instructs' of RESOLUTION 29 has no text" in str(error)


def test_table_2_resolution_missing_from_table_1_is_an_error() -> None:
    text = TABLES + "\n\tRESOLUTION 99\nA title\nresolves\nto act\n"
    assert str(error_of(text)) == "line 12: RESOLUTION 99 in Table 2 is not listed in Table 1"


def test_table_1_entry_without_table_2_text_is_an_error() -> None:
    text = TABLES.replace(
        "\nTable 2", "\tResolution 52 [NOC] on countering and combating spam:\nOverview.\n\nTable 2"
    )
    assert str(error_of(text)) == (
        "line 4: Resolution 52 is listed in Table 1 but Table 2 has no text for it"
    )


def test_resolution_twice_in_table_2_is_an_error() -> None:
    detailed = TABLES.split("relevant to the work of ITU-D\n")[2]
    error = error_of(TABLES + detailed)
    assert error.line == 11
    assert "RESOLUTION 29 appears twice (first at line 6)" in str(error)


def test_resolution_twice_in_table_1_is_an_error() -> None:
    text = TABLES.replace("\nTable 2", "\tRESOLUTION 29 [NOC] on again:\n\nTable 2")
    assert "RESOLUTION 29 is listed twice in Table 1 (first at line 2)" in str(error_of(text))


def test_unknown_table_1_marker_is_an_error() -> None:
    text = TABLES.replace("[Rev]", "[MOD]")
    assert str(error_of(text)) == "line 2: unknown marker [MOD]: expected [Rev], [NOC] or [New]"


def test_prose_before_the_first_table_1_entry_is_an_error() -> None:
    text = TABLES.replace("\tRESOLUTION 29 [Rev]", "Some caption\n\tRESOLUTION 29 [Rev]", 1)
    error = error_of(text)
    assert error.line == 2
    assert "expected a Table 1 entry such as 'RESOLUTION 2 [Rev] on <title>:'" in str(error)


def test_same_item_label_with_different_text_is_an_error() -> None:
    text = "RESOLUTION 29\nTitle\ninstructs\nTSB\n1\tto do this;\n2\tto do that;\n1\tto do else;\n"
    error = error_of(text)
    assert error.line == 7
    assert "item '1' of RESOLUTION 29 appears twice with different text (first at line 5)" in (
        str(error)
    )


def test_identical_repeated_item_is_merged_not_an_error() -> None:
    text = "RESOLUTION 29\nTitle\ninstructs\nTSB\n1\tto do this;\n1\tto do this;\n"
    (resolution,) = parse_text(text).resolutions
    assert [i.label for i in resolution.parts[0].items] == ["1"]


def test_label_without_text_is_an_error() -> None:
    error = error_of("RESOLUTION 29\nTitle\nconsidering\na)\nrecalling\nb) text\n")
    assert error.line == 4
    assert "item 'a)' has no text" in str(error)


# -- files of the wrong kind or encoding --------------------------------------------

RES83 = (
    "RESOLUTION 83 (Rev. Geneva, 2022)\n"
    "Evaluation of the implementation of WTSA Resolutions\n"
    "instructs\n"
    "the Director of the Telecommunication Standardization Bureau\n"
    "1\tto assess the implementation of the WTSA Resolutions – by all parties concerned.\n"
)
# The first bytes of an OLE compound file: an old .doc, or any password-protected
# Word file (Word encrypts a .docx into one).
OLE = bytes.fromhex("D0CF11E0A1B11AE1") + bytes(504)
OLD_OR_LOCKED = (
    "is an old Word 97–2003 document or a password-protected one: open it in Word and "
    "save it as .docx (Word Document) without a password"
)


@pytest.mark.parametrize("name", ["Res83.docx", "Res83.doc", "Res83"])
def test_an_old_word_or_password_protected_file_is_refused_saying_how_to_save_it(name) -> None:
    with pytest.raises(ParseError) as caught:
        parse_document(name=name, data=OLE)
    assert str(caught.value) == f"{name} {OLD_OR_LOCKED}"


@pytest.mark.parametrize("name", ["Res83.pdf", "Res83.docx"])
def test_a_pdf_is_refused_as_a_pdf(name) -> None:
    with pytest.raises(ParseError) as caught:
        parse_document(name=name, data=b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj")
    assert str(caught.value) == (
        f"{name} is a PDF, which cannot be imported: import the Word (.docx) file of the "
        "resolutions, as ITU publishes them"
    )


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_text_with_a_byte_order_mark_is_read(encoding) -> None:
    bom = "\ufeff" if encoding != "utf-16" else ""  # the utf-16 codec writes its own
    document = parse_document(name="Res83.txt", data=(bom + RES83).encode(encoding))
    assert document == parse_text(RES83)


def test_windows_1252_text_is_refused_naming_the_line_and_how_to_save_it() -> None:
    with pytest.raises(ParseError) as caught:
        parse_document(name="Res83.txt", data=RES83.replace("\n", "\r\n").encode("cp1252"))
    assert caught.value.line == 5
    assert str(caught.value) == (
        "line 5: Res83.txt is neither a Word document nor UTF-8 text (this line is written in "
        "another encoding, such as Windows-1252): save the file as UTF-8 text (in Notepad: "
        "File › Save as, Encoding: UTF-8) and import it again"
    )


def test_a_nul_character_is_refused_naming_its_line() -> None:
    # PostgreSQL refuses a NUL in a text column: the file is refused at its preview.
    lines = RES83.split("\n")
    lines[3] = lines[3][:5] + "\x00" + lines[3][5:]
    error = error_of("\n".join(lines))
    assert str(error) == (
        "line 4: this line holds a NUL character, so the file is damaged or is not text "
        "(UTF-16 text without its byte order mark reads so): save it again as UTF-8 text"
    )


def test_utf16_text_without_its_byte_order_mark_is_refused_as_not_text() -> None:
    with pytest.raises(ParseError) as caught:
        parse_document(name="Res83.txt", data=RES83.encode("utf-16-le"))
    assert caught.value.line == 1
    assert "holds a NUL character" in str(caught.value)


@pytest.mark.parametrize("number", ["0", "100000", "99999999999999999999", "9" * 5000])
def test_a_resolution_number_no_assembly_could_have_given_is_refused_naming_its_line(
    number,
) -> None:
    error = error_of(RES83.replace("RESOLUTION 83", f"RESOLUTION {number}", 1))

    assert error.line == 1
    assert str(error).endswith(
        "is no resolution number: WTSA resolutions are numbered from 1 to 99,999"
    )
    assert len(str(error)) < 200


def test_a_citation_of_a_number_longer_than_any_resolutions_is_left_as_text() -> None:
    from resolutions.parsing.references import find_references

    cited = find_references(
        "recalling Resolution 99999999999 (Geneva, 2022) and Resolution 44 (Rev. Geneva, 2022)"
    )

    assert [reference.number for reference in cited] == [44]
