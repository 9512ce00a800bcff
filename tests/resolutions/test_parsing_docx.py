"""Word input: .docx files built here with python-docx go through the same grammar."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from docx import Document
from docx.opc.constants import CONTENT_TYPE, RELATIONSHIP_TYPE
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import parse_xml

from resolutions.parsing import Directive, Footnote, ParseError, parse_docx, parse_text

W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
TSB_DIRECTOR = "the Director of the Telecommunication Standardization Bureau"

# One paragraph per entry; a tuple is (italic verb run, plain run) as in ITU texts.
RES44: list[str | tuple[str, str]] = [
    "RESOLUTION 44 (Rev. Geneva, 2022)",
    "Bridging the standardization gap between developing and developed countries",
    "(Montreal, 2000; Florianópolis, 2004; Johannesburg, 2008; Dubai, 2012; Hammamet, 2016; "
    "Geneva, 2022)",
    "The World Telecommunication Standardization Assembly (Geneva, 2022),",
    ("considering", ""),
    "a)\tthat Resolution 123 (Rev. Dubai, 2018) of the Plenipotentiary Conference applies;",
    ("resolves", ""),
    "1\tthat ITU\u2011T, in collaboration with the other Sectors, shall develop a programme to:",
    "i)\tassist developing countries;",
    "ii)\tassist least developed countries;",
    (
        "instructs",
        f" {TSB_DIRECTOR}, in collaboration with the Directors of the Telecommunication "
        "Development Bureau and the Radiocommunication Bureau, within available resources",
    ),
    "1\tto continue implementing the objectives of the action plan;",
    "8\tto report on the implementation of this plan to future world telecommunication "
    "standardization assemblies and plenipotentiary conferences;",
    "12\tto report on the effectiveness of the regional groups of ITU\u2011T study groups to "
    "Council;",
    ("further instructs", " the study groups"),
    "3\tto continue liaising with ITU\u2011D study groups, where appropriate,",
    ("invites", " Member States"),
    "1\tto cooperate with the Telecommunication Development Bureau in this regard;",
    "ANNEX",
    "1\tIntroduction",
]


def plain(paragraph: str | tuple[str, str]) -> str:
    return paragraph if isinstance(paragraph, str) else paragraph[0] + paragraph[1]


def build_docx(paragraphs: list[str | tuple[str, str]]) -> io.BytesIO:
    document = Document()
    for paragraph in paragraphs:
        if isinstance(paragraph, str):
            document.add_paragraph(paragraph)
        else:
            verb, rest = paragraph
            written = document.add_paragraph()
            written.add_run(verb).italic = True
            if rest:
                written.add_run(rest)
    stream = io.BytesIO()
    document.save(stream)
    stream.seek(0)
    return stream


def test_docx_gives_the_same_resolution_as_the_same_text() -> None:
    (from_word,) = parse_docx(build_docx(RES44)).resolutions
    (from_text,) = parse_text("\n".join(plain(p) for p in RES44)).resolutions
    assert from_word == from_text


def test_docx_heading_gives_number_and_revision_text() -> None:
    (resolution,) = parse_docx(build_docx(RES44)).resolutions
    assert (resolution.number, resolution.revision_text) == (44, "Rev. Geneva, 2022")
    assert resolution.title == (
        "Bridging the standardization gap between developing and developed countries"
    )
    assert (resolution.marker, resolution.overview) == ("", "")


def test_docx_parts_items_and_directives() -> None:
    (resolution,) = parse_docx(build_docx(RES44)).resolutions
    assert [(p.key, p.heading, p.addressee) for p in resolution.parts] == [
        ("considering.1", "considering", ""),
        ("resolves.1", "resolves", ""),
        (
            "instructs.1",
            "instructs",
            f"{TSB_DIRECTOR}, in collaboration with the Directors of the Telecommunication "
            "Development Bureau and the Radiocommunication Bureau, within available resources",
        ),
        ("further_instructs.1", "further instructs", "the study groups"),
        ("invites.1", "invites", "Member States"),
    ]
    directives = {i.key: i.directive for i in resolution.iter_items() if i.directive}
    assert directives == {
        "instructs.1/1": Directive("instructs", "TSB", ("BDT", "BR"), ()),
        "instructs.1/8": Directive("instructs", "TSB", ("BDT", "BR"), ("next_wtsa", "pp")),
        "instructs.1/12": Directive("instructs", "TSB", ("BDT", "BR"), ("council",)),
        "further_instructs.1/3": Directive("instructs", "T-SGS", ("D-SGS",), ()),
        "invites.1/1": Directive("invites", "MS", ("BDT",), ()),
    }


def test_docx_lines_are_paragraph_numbers() -> None:
    (resolution,) = parse_docx(build_docx(RES44)).resolutions
    assert resolution.line == 1
    assert [p.line for p in resolution.parts] == [5, 7, 11, 15, 17]
    assert resolution.parts[1].items[0].children[1].line == 10


def test_docx_non_breaking_hyphen_character_becomes_a_plain_hyphen() -> None:
    (resolution,) = parse_docx(build_docx(RES44)).resolutions
    assert resolution.parts[1].items[0].text.startswith("that ITU-T, in collaboration")
    assert "\u2011" not in resolution.parts[3].items[0].text


def test_docx_history_and_annex_are_skipped_not_clauses() -> None:
    (resolution,) = parse_docx(build_docx(RES44)).resolutions
    assert resolution.skipped_headings == [
        "(Montreal, 2000; Florianópolis, 2004; Johannesburg, 2008; Dubai, 2012; Hammamet, "
        "2016; Geneva, 2022)",
        "The World Telecommunication Standardization Assembly (Geneva, 2022),",
        "ANNEX",
        "1 Introduction",
    ]
    assert [i.label for i in resolution.parts[-1].items] == ["1"]


def test_docx_cross_reference_to_a_plenipotentiary_resolution() -> None:
    (resolution,) = parse_docx(build_docx(RES44)).resolutions
    assert [(x.conference, x.number, x.year) for x in resolution.cross_references] == [
        ("PP", 123, 2018)
    ]


def test_docx_reads_from_a_path_as_well_as_a_stream(tmp_path: Path) -> None:
    path = tmp_path / "res44.docx"
    path.write_bytes(build_docx(RES44).getvalue())
    assert parse_docx(path) == parse_docx(str(path))
    assert parse_docx(path).resolutions[0].number == 44


def test_docx_boilerplate_before_the_heading_is_ignored_but_counted_in_lines() -> None:
    (resolution,) = parse_docx(build_docx(["WORLD TELECOMMUNICATION", "", *RES44])).resolutions
    assert resolution.line == 3
    assert resolution.parts[0].line == 7


def test_docx_word_footnote_and_no_break_hyphen_element_are_read() -> None:
    document = Document()
    document.add_paragraph("RESOLUTION 98 (Rev. Geneva, 2022)")
    document.add_paragraph("Enhancing the standardization of IoT")
    document.add_paragraph("instructs").runs[0].italic = True
    document.add_paragraph(TSB_DIRECTOR)
    item = document.add_paragraph("1\tto consider the needs of developing countries")
    item.add_run()._r.append(parse_xml(f'<w:footnoteReference {W} w:id="7"/>'))
    item.add_run(" in ITU")._r.append(parse_xml(f"<w:noBreakHyphen {W}/>"))
    item.add_run("T studies;")
    footnotes = (
        f'<w:footnotes {W}><w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/>'
        '</w:r></w:p></w:footnote><w:footnote w:id="7"><w:p><w:r><w:t>These include the least '
        "developed countries.</w:t></w:r></w:p></w:footnote></w:footnotes>"
    )
    part = Part(
        PackURI("/word/footnotes.xml"),
        CONTENT_TYPE.WML_FOOTNOTES,
        footnotes.encode(),
        document.part.package,
    )
    document.part.relate_to(part, RELATIONSHIP_TYPE.FOOTNOTES)
    stream = io.BytesIO()
    document.save(stream)
    stream.seek(0)
    (resolution,) = parse_docx(stream).resolutions
    (first,) = resolution.parts[0].items
    assert first.text == "to consider the needs of developing countries in ITU-T studies;"
    assert first.footnotes == [Footnote("1", "These include the least developed countries.")]
    assert resolution.footnotes == first.footnotes


def test_docx_paragraphs_in_table_cells_are_read_in_document_order() -> None:
    document = Document()
    document.add_paragraph("Table 2 - Detailed text")
    cell = document.add_table(rows=1, cols=1).cell(0, 0)
    cell.paragraphs[0].text = "RESOLUTION 29 (Rev. Hammamet, 2016)"
    for text in ("Alternative calling procedures", "instructs", TSB_DIRECTOR, "1\tto act;"):
        cell.add_paragraph(text)
    stream = io.BytesIO()
    document.save(stream)
    (resolution,) = parse_docx(io.BytesIO(stream.getvalue())).resolutions
    assert (resolution.number, resolution.line) == (29, 2)
    assert resolution.parts[0].items[0].key == "instructs.1/1"
    assert resolution.parts[0].items[0].line == 6


def test_corrupt_docx_is_a_parse_error() -> None:
    with pytest.raises(ParseError) as caught:
        parse_docx(io.BytesIO(b"PK\x03\x04 this is not really a zip archive"))
    assert str(caught.value).startswith("not a Word document")


def test_zip_that_is_not_a_word_package_is_a_parse_error() -> None:
    stream = io.BytesIO()
    with zipfile.ZipFile(stream, "w") as archive:
        archive.writestr("hello.txt", "hello")
    stream.seek(0)
    with pytest.raises(ParseError, match=r"^not a Word document"):
        parse_docx(stream)


def test_docx_without_resolution_heading_is_a_parse_error() -> None:
    with pytest.raises(ParseError, match=r"^line 2: expected a heading such as 'RESOLUTION 44"):
        parse_docx(build_docx(["Some memo", "with two paragraphs"]))


def test_docx_with_two_resolutions_gives_both_in_order_of_number() -> None:
    second = ["RESOLUTION 43", "Title", ("resolves", ""), "to act"]
    document = parse_docx(build_docx(RES44 + second))
    assert [(r.number, r.line) for r in document.resolutions] == [(43, len(RES44) + 1), (44, 1)]


def test_docx_with_the_same_resolution_twice_is_a_parse_error() -> None:
    with pytest.raises(ParseError) as caught:
        parse_docx(build_docx(RES44 + RES44))
    assert caught.value.line == len(RES44) + 1
    assert "RESOLUTION 44 appears twice (first at line 1)" in str(caught.value)


def test_docx_resolution_without_title_is_a_parse_error() -> None:
    with pytest.raises(ParseError, match=r"^line 2: RESOLUTION 44 has no title"):
        parse_docx(build_docx(["RESOLUTION 44 (Rev. Geneva, 2022)", ("instructs", "")]))


# -- headings as Word shows them ---------------------------------------------------


def save(document) -> io.BytesIO:
    stream = io.BytesIO()
    document.save(stream)
    stream.seek(0)
    return stream


def add_footnotes(document, notes: dict[int, str]) -> None:
    bodies = "".join(
        f'<w:footnote w:id="{number}"><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:footnote>'
        for number, text in notes.items()
    )
    part = Part(
        PackURI("/word/footnotes.xml"),
        CONTENT_TYPE.WML_FOOTNOTES,
        f"<w:footnotes {W}>{bodies}</w:footnotes>".encode(),
        document.part.package,
    )
    document.part.relate_to(part, RELATIONSHIP_TYPE.FOOTNOTES)


def test_a_heading_typed_in_mixed_case_that_word_shows_in_capitals_is_a_heading() -> None:
    # ITU's heading style shows "Resolution 83 (Rev. Geneva, 2022)" as
    # "RESOLUTION 83 (REV. GENEVA, 2022)": capitals by the paragraph style
    # (through the style it is based on) or by the run itself. The heading is
    # found, and its revision kept as typed.
    from docx.enum.style import WD_STYLE_TYPE

    document = Document()
    capitals = document.styles.add_style("ResNoBase", WD_STYLE_TYPE.PARAGRAPH)
    capitals.font.all_caps = True
    heading = document.styles.add_style("ResNo", WD_STYLE_TYPE.PARAGRAPH)
    heading.base_style = capitals
    document.add_paragraph("Resolution 83 (Rev. Geneva, 2022)", style="ResNo")
    for text in RES44[1:6]:
        document.add_paragraph(plain(text))
    document.add_paragraph().add_run("Resolution 84 (Rev. Geneva, 2022)").font.all_caps = True
    for text in RES44[1:6]:
        document.add_paragraph(plain(text))
    unshown = document.add_paragraph("Resolution 85 (Rev. Geneva, 2022)", style="ResNo")
    unshown.runs[0].font.all_caps = False  # the run turns the style's capitals off

    resolutions = parse_docx(save(document)).resolutions

    assert [(r.number, r.revision_text) for r in resolutions] == [
        (83, "Rev. Geneva, 2022"),
        (84, "Rev. Geneva, 2022"),
    ]
    assert resolutions[0].title == RES44[1]  # a title in a plain style keeps its case
    assert "Resolution 85 (Rev. Geneva, 2022)" in resolutions[1].parts[0].items[-1].text


def test_text_hidden_by_a_character_or_paragraph_style_is_not_read() -> None:
    from docx.enum.style import WD_STYLE_TYPE

    document = Document()
    hidden_base = document.styles.add_style("HiddenBase", WD_STYLE_TYPE.CHARACTER)
    hidden_base.font.hidden = True
    hidden = document.styles.add_style("Hidden", WD_STYLE_TYPE.CHARACTER)
    hidden.base_style = hidden_base
    hidden_paragraph = document.styles.add_style("HiddenNote", WD_STYLE_TYPE.PARAGRAPH)
    hidden_paragraph.font.hidden = True
    for text in RES44[:-5]:
        document.add_paragraph(plain(text))
    item = document.add_paragraph("1\tto cooperate with the ")
    item.add_run("drafting note ", style="Hidden")
    shown = item.add_run("Telecommunication Development Bureau", style="Hidden")
    shown.font.hidden = False  # the run's own setting wins over its style's
    item.add_run(";")
    document.add_paragraph("2\ta drafter's reminder;", style="HiddenNote")

    (resolution,) = parse_docx(save(document)).resolutions

    (item,) = resolution.parts[-1].items
    assert item.text == "to cooperate with the Telecommunication Development Bureau;"


def test_text_hidden_by_a_style_in_a_footnote_is_not_read_either() -> None:
    from docx.enum.style import WD_STYLE_TYPE

    document = Document()
    document.styles.add_style("Hidden", WD_STYLE_TYPE.CHARACTER).font.hidden = True
    for text in RES44[:-6]:
        document.add_paragraph(plain(text))
    item = document.add_paragraph("13\tto cooperate with developing countries")
    item.add_run()._r.append(parse_xml(f'<w:footnoteReference {W} w:id="7"/>'))
    item.add_run(";")
    add_footnotes(
        document,
        {
            7: 'These include</w:t></w:r><w:r><w:rPr><w:rStyle w:val="Hidden"/></w:rPr>'
            "<w:t> (drafting note)</w:t></w:r><w:r><w:t> the least developed countries."
        },
    )

    (resolution,) = parse_docx(save(document)).resolutions

    item = resolution.parts[-1].items[-1]
    assert item.label == "13"
    assert item.footnotes == [Footnote("1", "These include the least developed countries.")]


@pytest.mark.parametrize("mark", ["*", " *", "**", "†"])
def test_a_heading_with_a_footnote_mark_after_it_is_a_heading(mark) -> None:
    body = [f"RESOLUTION 83 (Rev. Geneva, 2022){mark}", *(plain(p) for p in RES44[1:])]
    for document in (parse_docx(build_docx(body)), parse_text("\n".join(body))):
        (resolution,) = document.resolutions
        assert (resolution.number, resolution.revision_text) == (83, "Rev. Geneva, 2022")


def test_a_heading_with_a_custom_mark_word_footnote_keeps_the_footnote() -> None:
    document = Document()
    heading = document.add_paragraph("RESOLUTION 83 (Rev. Geneva, 2022)")
    heading._p.append(
        parse_xml(f'<w:r {W}><w:footnoteReference w:customMarkFollows="1" w:id="1"/></w:r>')
    )
    heading._p.append(
        parse_xml(f'<w:r {W}><w:rPr><w:vertAlign w:val="superscript"/></w:rPr><w:t>*</w:t></w:r>')
    )
    for text in RES44[1:]:
        document.add_paragraph(plain(text))
    add_footnotes(document, {1: "This resolution should be read with Resolution 1."})

    (resolution,) = parse_docx(save(document)).resolutions

    assert resolution.number == 83
    assert [f.text for f in resolution.footnotes] == [
        "This resolution should be read with Resolution 1."
    ]
