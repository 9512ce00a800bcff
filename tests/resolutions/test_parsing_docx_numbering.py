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


def level(
    index: int, number_format: str, text: str, start: int = 1, restart_under: int | None = None
) -> str:
    restart = "" if restart_under is None else f'<w:lvlRestart w:val="{restart_under}"/>'
    return (
        f'<w:lvl w:ilvl="{index}"><w:start w:val="{start}"/><w:numFmt w:val="{number_format}"/>'
        f'{restart}<w:lvlText w:val="{text}"/></w:lvl>'
    )


def num_pr(num_id: int | None = None, ilvl: int | None = None):
    """A w:numPr element with the list and the level given (either may be left out)."""
    ilvl_xml = "" if ilvl is None else f'<w:ilvl w:val="{ilvl}"/>'
    num_id_xml = "" if num_id is None else f'<w:numId w:val="{num_id}"/>'
    return parse_xml(f"<w:numPr {W}>{ilvl_xml}{num_id_xml}</w:numPr>")


def numbered_style(document, name: str, **numbering):
    """A paragraph style that numbers its paragraphs (``num_pr``'s arguments)."""
    from docx.enum.style import WD_STYLE_TYPE

    style = document.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    style.element.get_or_add_pPr().append(num_pr(**numbering))
    return style


def numbered(document, text: str, num_id: int, ilvl: int | None = 0):
    paragraph = document.add_paragraph(text)
    paragraph._p.get_or_add_pPr().append(num_pr(num_id, ilvl))
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
    item_style = numbered_style(document, "Instructs item", num_id=90)
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


def test_a_list_made_from_a_list_style_uses_the_levels_that_define_the_style() -> None:
    # Word's "List Styles": list 11 only names the style ITUList; list 10 defines it.
    document = Document()
    numbering = document.part.numbering_part.element
    numbering.append(
        parse_xml(
            f'<w:abstractNum {W} w:abstractNumId="10"><w:styleLink w:val="ITUList"/>'
            f"{level(0, 'decimal', '%1)')}{level(1, 'lowerLetter', '%2)')}</w:abstractNum>"
        )
    )
    numbering.append(
        parse_xml(
            f'<w:abstractNum {W} w:abstractNumId="11"><w:numStyleLink w:val="ITUList"/>'
            "</w:abstractNum>"
        )
    )
    numbering.append(parse_xml(f'<w:num {W} w:numId="21"><w:abstractNumId w:val="11"/></w:num>'))
    head(document)
    numbered(document, "to continue the action plan:", 21)
    numbered(document, "for developing countries;", 21, ilvl=1)
    numbered(document, "for least developed countries;", 21, ilvl=1)
    numbered(document, "to report to Council;", 21)

    (resolution,) = parse_docx(save(document)).resolutions

    assert [i.key for i in resolution.iter_items()] == [
        "instructs.1/1",
        "instructs.1/1/a)",
        "instructs.1/1/b)",
        "instructs.1/2",
    ]


def test_a_level_the_list_redefines_is_shown_its_own_way() -> None:
    # Pasted from another document: the list shows level 0 as "a)" where its
    # definition says "1.".
    document = Document()
    add_list(
        document,
        level(0, "decimal", "%1."),
        restarts=f'<w:lvlOverride w:ilvl="0">{level(0, "lowerLetter", "%1)")}</w:lvlOverride>',
    )
    for text in HEAD[:3]:
        document.add_paragraph(text)
    document.add_paragraph("resolves")
    document.add_paragraph("1\tthat the plan be continued in:")
    numbered(document, "developing countries;", 91)
    numbered(document, "least developed countries;", 91)
    document.add_paragraph(HEAD[3])
    document.add_paragraph("1\tto report to Council;")

    (resolution,) = parse_docx(save(document)).resolutions

    assert [(i.key, i.text) for i in resolution.iter_items()] == [
        ("resolves.1/1", "that the plan be continued in:"),
        ("resolves.1/1/a)", "developing countries;"),
        ("resolves.1/1/b)", "least developed countries;"),
        ("instructs.1/1", "to report to Council;"),
    ]


def test_headings_in_a_numbered_style_stay_headings() -> None:
    # A delegation's template numbers its headings; the heading, the part
    # headings and an annex heading are still read as such.

    document = Document()
    add_list(document, level(0, "decimal", "%1"))
    numbered_style(document, "Numbered heading", num_id=90)
    document.add_paragraph(HEAD[0], style="Numbered heading")
    document.add_paragraph(HEAD[1])
    document.add_paragraph(HEAD[2])
    document.add_paragraph("considering", style="Numbered heading")
    document.add_paragraph("a)\tthat the gap remains;")
    document.add_paragraph(HEAD[3], style="Numbered heading")
    document.add_paragraph(ITEMS[0], style="List Number")
    document.add_paragraph("ANNEX", style="Numbered heading")
    document.add_paragraph("Action plan", style="List Number")

    (resolution,) = parse_docx(save(document)).resolutions

    assert (resolution.number, resolution.title) == (44, HEAD[1])
    assert [(i.key, i.text) for i in resolution.iter_items()] == [
        ("considering.1/a)", "that the gap remains;"),
        ("instructs.1/1", ITEMS[0]),
    ]


def test_an_item_word_numbers_may_start_with_a_digit_a_guillemet_or_an_ellipsis() -> None:
    document = Document()
    head(document)
    texts = [
        "to continue the work;",
        "5G and IMT-2030 studies to be pursued;",
        "«Connect 2030» goals to be supported;",
        "...and to report to Council.",
    ]
    for text in texts:
        document.add_paragraph(text, style="List Number")

    (resolution,) = parse_docx(save(document)).resolutions

    assert [(i.key, i.text) for i in resolution.iter_items()] == [
        (f"instructs.1/{n}", text) for n, text in enumerate(texts, start=1)
    ]
    # Typed with a tab after the number, as ITU types labels, the text reads the same.
    typed = [*HEAD, *(f"{n}\t{text}" for n, text in enumerate(texts, start=1))]
    (from_text,) = parse_text("\n".join(typed)).resolutions
    assert [(i.key, i.text) for i in from_text.iter_items()] == [
        (i.key, i.text) for i in resolution.iter_items()
    ]
    # After a space, a number before a digit is still a wrapped line ("2020 and beyond").
    (wrapped,) = parse_text("\n".join([*HEAD, "1\tto plan for", "20 30 and beyond;"])).resolutions
    assert [(i.key, i.text) for i in wrapped.iter_items()] == [
        ("instructs.1/1", "to plan for 20 30 and beyond;")
    ]


def test_a_style_that_sets_only_its_level_keeps_its_base_styles_list() -> None:

    document = Document()
    add_list(document, level(0, "decimal", "%1") + level(1, "lowerLetter", "%2)"))
    item = numbered_style(document, "Item 1", num_id=90)
    sub_item = numbered_style(document, "Item 2", ilvl=1)
    sub_item.base_style = item
    head(document)
    document.add_paragraph("to do A:", style="Item 1")
    document.add_paragraph("for X;", style="Item 2")
    document.add_paragraph("to do B;", style="Item 1")

    (resolution,) = parse_docx(save(document)).resolutions

    assert [i.key for i in resolution.iter_items()] == [
        "instructs.1/1",
        "instructs.1/1/a)",
        "instructs.1/2",
    ]


def test_a_legal_numbering_level_shows_every_number_as_a_decimal() -> None:
    document = Document()
    legal = (
        '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:isLgl/>'
        '<w:lvlText w:val="%1.%2"/></w:lvl>'
    )
    add_list(document, level(0, "upperRoman", "SECTION %1") + legal)
    for text in HEAD[:3]:
        document.add_paragraph(text)
    document.add_paragraph("SECTION 1 – General")
    numbered(document, "The assembly meets every four years.", 90, ilvl=1)
    numbered(document, "Its rules are these.", 90, ilvl=1)

    (resolution,) = parse_docx(save(document)).resolutions

    assert [i.key for i in resolution.iter_items()] == ["section.1/1.1", "section.1/1.2"]


def test_styles_inherit_along_long_chains_and_loops_end() -> None:
    from resolutions.parsing.docx_numbering import inherited

    chain = {f"s{n}": f"s{n - 1}" for n in range(1, 20_000)}
    loop = {"a": "b", "b": "a", "c": "a"}

    resolved = inherited({"s0": "90"}, chain | loop)

    assert resolved["s19999"] == "90"
    assert resolved["s1"] == "90"
    assert not {"a", "b", "c"} & resolved.keys()


@pytest.mark.parametrize(
    ("restart_under", "third"),
    [
        (0, "c)"),  # never restarts: the sub-items run on under the next item
        (1, "a)"),  # restarts under an item of level 1
        (2, "a)"),  # names its own level, not a higher one: ignored, Word's default
    ],
)
def test_a_level_restarts_as_its_lvl_restart_says(restart_under, third) -> None:
    document = Document()
    add_list(
        document,
        level(0, "decimal", "%1.") + level(1, "lowerLetter", "%2)", restart_under=restart_under),
    )
    head(document)
    numbered(document, "to continue the action plan:", 90)
    numbered(document, "for developing countries;", 90, ilvl=1)
    numbered(document, "for least developed countries;", 90, ilvl=1)
    numbered(document, "to report to Council:", 90)
    numbered(document, "every year;", 90, ilvl=1)

    (resolution,) = parse_docx(save(document)).resolutions

    assert [i.key for i in resolution.iter_items()][-1] == f"instructs.1/2/{third}"


def test_paragraphs_that_name_no_style_take_the_default_styles_numbering() -> None:
    from docx.enum.style import WD_STYLE_TYPE

    document = Document()
    add_list(document, level(0, "decimal", "%1."))
    # The default paragraph style ("Normal") numbers; the head names a style of its
    # own, based on no other (one based on "Normal" would be numbered too).
    document.styles["Normal"].element.get_or_add_pPr().append(num_pr(90, 0))
    document.styles.add_style("Plain", WD_STYLE_TYPE.PARAGRAPH)
    for text in HEAD:
        document.add_paragraph(text, style="Plain")
    for text in ITEMS:
        document.add_paragraph(text)  # no w:pStyle: the default style's

    (resolution,) = parse_docx(save(document)).resolutions

    assert [(i.key, i.text) for i in resolution.iter_items()] == [
        ("instructs.1/1", ITEMS[0]),
        ("instructs.1/2", ITEMS[1]),
        ("instructs.1/3", ITEMS[2]),
    ]


def test_a_numbered_item_moved_with_tracked_changes_is_counted_where_it_went() -> None:
    document = Document()
    head(document)
    document.add_paragraph(ITEMS[0], style="List Number")
    # Item 2 moved below item 3: Word keeps the old place, its mark moved away.
    moved_away = document.add_paragraph(style="List Number")
    moved_away._p.append(
        parse_xml(
            f'<w:moveFrom {W} w:id="1" w:author="TSB"><w:r><w:t>{ITEMS[1]}</w:t></w:r></w:moveFrom>'
        )
    )
    moved_away._p.get_or_add_pPr().append(
        parse_xml(f'<w:rPr {W}><w:moveFrom w:id="2" w:author="TSB"/></w:rPr>')
    )
    document.add_paragraph(ITEMS[2], style="List Number")
    document.add_paragraph(ITEMS[1], style="List Number")

    (resolution,) = parse_docx(save(document)).resolutions

    assert [(i.key, i.text) for i in resolution.iter_items()] == [
        ("instructs.1/1", ITEMS[0]),
        ("instructs.1/2", ITEMS[2]),
        ("instructs.1/3", ITEMS[1]),
    ]
