"""Word's automatic list numbering: items Word numbers itself are items, as if typed."""

from __future__ import annotations

import io

import pytest
from docx import Document
from docx.oxml import parse_xml

from resolutions.parsing import parse_docx, parse_text
from resolutions.parsing.docx_numbering import itu_label

W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'

HEAD = [
    "RESOLUTION 44 (Rev. Geneva, 2022)",
    "Bridging the standardization gap between developing and developed countries",
    "The World Telecommunication Standardization Assembly (Geneva, 2022),",
    "instructs the Director of the Telecommunication Standardization Bureau",
]
ITEMS = [
    "to continue implementing the objectives of the action plan;",
    "to report on the implementation of this plan to Council;",
    "to assist developing countries;",
]


def save(document) -> io.BytesIO:
    stream = io.BytesIO()
    document.save(stream)
    stream.seek(0)
    return stream


def head(document) -> None:
    for text in HEAD:
        document.add_paragraph(text)


def add_list(document, levels: str, *, restarts: str = "") -> None:
    """List definition 90 with ``levels`` (w:lvl elements), used by numId 90 and 91."""
    numbering = document.part.numbering_part.element
    numbering.append(parse_xml(f'<w:abstractNum {W} w:abstractNumId="90">{levels}</w:abstractNum>'))
    numbering.append(parse_xml(f'<w:num {W} w:numId="90"><w:abstractNumId w:val="90"/></w:num>'))
    numbering.append(
        parse_xml(f'<w:num {W} w:numId="91"><w:abstractNumId w:val="90"/>{restarts}</w:num>')
    )


def level(index: int, number_format: str, text: str, start: int = 1) -> str:
    return (
        f'<w:lvl w:ilvl="{index}"><w:start w:val="{start}"/><w:numFmt w:val="{number_format}"/>'
        f'<w:lvlText w:val="{text}"/></w:lvl>'
    )


def numbered(document, text: str, num_id: int, ilvl: int | None = 0):
    paragraph = document.add_paragraph(text)
    ilvl_xml = "" if ilvl is None else f'<w:ilvl w:val="{ilvl}"/>'
    paragraph._p.get_or_add_pPr().append(
        parse_xml(f'<w:numPr {W}>{ilvl_xml}<w:numId w:val="{num_id}"/></w:numPr>')
    )
    return paragraph


def test_items_numbered_by_a_list_style_are_the_items_typed_by_hand() -> None:
    # Word's "List Number" style numbers "1.", "2.", "3." with no digit in the text.
    document = Document()
    head(document)
    for text in ITEMS:
        document.add_paragraph(text, style="List Number")

    (from_word,) = parse_docx(save(document)).resolutions

    typed = [*HEAD, *(f"{n}\t{text}" for n, text in enumerate(ITEMS, start=1))]
    (from_text,) = parse_text("\n".join(typed)).resolutions
    assert [(i.key, i.text) for i in from_word.iter_items()] == [
        ("instructs.1/1", ITEMS[0]),
        ("instructs.1/2", ITEMS[1]),
        ("instructs.1/3", ITEMS[2]),
    ]
    assert [(i.key, i.text, i.directive) for i in from_word.iter_items()] == [
        (i.key, i.text, i.directive) for i in from_text.iter_items()
    ]


def test_sub_items_a_list_restarted_and_a_list_starting_further_on() -> None:
    document = Document()
    add_list(
        document,
        level(0, "decimal", "%1.", start=3) + level(1, "lowerLetter", "(%2)"),
        restarts='<w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/></w:lvlOverride>',
    )
    head(document)
    numbered(document, "to continue the action plan:", 90)
    numbered(document, "for developing countries;", 90, ilvl=1)
    numbered(document, "for least developed countries;", 90, ilvl=1)
    numbered(document, "to report to Council;", 90)
    numbered(document, "in the regions;", 90, ilvl=1)
    document.add_paragraph("invites Member States")
    numbered(document, "to contribute to the plan;", 91)
    numbered(document, "to take part in the study groups;", 91)

    (resolution,) = parse_docx(save(document)).resolutions

    assert [(i.key, i.text) for i in resolution.iter_items()] == [
        ("instructs.1/3", "to continue the action plan:"),
        ("instructs.1/3/a)", "for developing countries;"),
        ("instructs.1/3/b)", "for least developed countries;"),
        ("instructs.1/4", "to report to Council;"),
        ("instructs.1/4/a)", "in the regions;"),  # a new item restarts the level under it
        ("invites.1/1", "to contribute to the plan;"),  # numId 91 restarts the list at 1
        ("invites.1/2", "to take part in the study groups;"),
    ]


def test_an_empty_numbered_paragraph_counts_and_numbering_taken_away_stops_it() -> None:
    document = Document()
    head(document)
    document.add_paragraph(ITEMS[0], style="List Number")
    document.add_paragraph("", style="List Number")  # Word shows "2." on an empty line
    document.add_paragraph(ITEMS[1], style="List Number")
    # numId 0 on the paragraph takes its style's numbering away: a wrapped continuation.
    numbered(document, "and to the next assembly;", 0)

    (resolution,) = parse_docx(save(document)).resolutions

    assert [(i.key, i.text) for i in resolution.iter_items()] == [
        ("instructs.1/1", ITEMS[0]),
        ("instructs.1/3", ITEMS[1] + " and to the next assembly;"),
    ]


def test_a_style_based_on_a_numbered_style_is_numbered_and_bullets_read_as_dashes() -> None:
    from docx.enum.style import WD_STYLE_TYPE

    document = Document()
    add_list(document, level(0, "decimal", "%1") + level(1, "bullet", "\uf0b7"))
    item_style = document.styles.add_style("Instructs item", WD_STYLE_TYPE.PARAGRAPH)
    item_style.element.get_or_add_pPr().append(
        parse_xml(f'<w:numPr {W}><w:numId w:val="90"/></w:numPr>')
    )
    derived = document.styles.add_style("Instructs item 2", WD_STYLE_TYPE.PARAGRAPH)
    derived.base_style = item_style
    head(document)
    document.add_paragraph(ITEMS[0], style="Instructs item")
    document.add_paragraph(ITEMS[1], style="Instructs item 2")
    numbered(document, "in writing;", 90, ilvl=1)

    (resolution,) = parse_docx(save(document)).resolutions

    assert [(i.key, i.text) for i in resolution.iter_items()] == [
        ("instructs.1/1", ITEMS[0]),
        ("instructs.1/2", ITEMS[1] + " – in writing;"),
    ]


def test_a_crafted_start_far_beyond_words_largest_is_read_at_once() -> None:
    document = Document()
    add_list(document, level(0, "upperRoman", "%1.", start=10**15))
    head(document)
    numbered(document, ITEMS[0], 90)

    (resolution,) = parse_docx(save(document)).resolutions

    (item,) = resolution.iter_items()
    assert item.text.startswith(ITEMS[0])


@pytest.mark.parametrize(
    ("shown", "label"),
    [
        ("1.", "1"),
        ("12)", "12"),
        ("(3)", "3"),
        ("1.2", "1.2"),
        ("1.2.", "1.2"),
        ("a)", "a)"),
        ("(b)", "b)"),
        ("C.", "c)"),
        ("iv)", "iv)"),
        ("Article 4", "Article 4"),
    ],
)
def test_the_label_word_shows_becomes_the_label_itu_types(shown, label) -> None:
    assert itu_label(shown) == label
