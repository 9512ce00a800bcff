"""Official ITU Word files, feature by feature, on documents built here.

Each test builds a .docx carrying one thing the official files carry and the
python-docx documents of ``test_parsing_docx`` never do: footnote calls run
into the history line, soft line breaks, non-breaking characters, a cover
page, bis/ter items, sections of numbered paragraphs, annexes, tables and
pictures, revision marks, and a whole proceedings volume.
"""

from __future__ import annotations

import io

import docx
import pytest

from resolutions.parsing import Footnote, ParseError, parse_docx, parse_text
from resolutions.parsing.lines import Kind, classify_lines
from resolutions.parsing.types import NOTICE_CODES
from tests.builders import wml_footnote_call, wml_paragraph, word_file

TSB_DIRECTOR = "the Director of the Telecommunication Standardization Bureau"
HISTORY = "(Florianópolis, 2004; Johannesburg, 2008; Dubai, 2012; Hammamet, 2016)"


def resolution_44(*, history: list[str] | None = None) -> list[str]:
    """Paragraphs of a short resolution as ITU lays it out."""
    return [
        "RESOLUTION 44 (Rev. Hammamet, 2016)",
        "Bridging the standardization gap between developing and developed countries",
        *(history if history is not None else [HISTORY]),
        "The World Telecommunication Standardization Assembly (Hammamet, 2016),",
        "considering",
        "a)\tthat the gap persists;",
        "instructs",
        TSB_DIRECTOR,
        "1\tto continue implementing the action plan;",
    ]


def parse(body: list[str], **files) -> object:
    return parse_docx(io.BytesIO(word_file(body, **files)))


def codes(document) -> list[str]:
    return [notice.code for notice in document.notices]


# -- the history line and footnotes ----------------------------------------------


def test_footnote_calls_run_into_the_history_line_are_kept_as_the_resolutions_footnotes():
    history = wml_paragraph(HISTORY, wml_footnote_call(2))
    title = wml_paragraph("Bridging the gap", wml_footnote_call(5))
    body = resolution_44(history=[history])
    body[1] = title
    document = parse(
        body,
        footnotes={
            2: "This resolution should be read with Resolution 123 [Rev. Busan, 2014].",
            5: "Including the least developed countries.",
        },
    )
    (resolution,) = document.resolutions
    assert resolution.title == "Bridging the gap"
    # Numbered as Word shows them, in order of appearance, whatever their ids.
    assert resolution.footnotes == [
        Footnote("1", "Including the least developed countries."),
        Footnote("2", "This resolution should be read with Resolution 123 [Rev. Busan, 2014]."),
    ]
    assert resolution.skipped_headings[0] == HISTORY
    assert [p.verb for p in resolution.parts] == ["considering", "instructs"]


def superscript(text: str) -> str:
    return f'<w:r><w:rPr><w:vertAlign w:val="superscript"/></w:rPr><w:t>{text}</w:t></w:r>'


def test_a_history_line_with_a_typed_footnote_mark_and_bis_is_not_a_clause():
    history = wml_paragraph("(Hammamet, 2016)", superscript("1"), ", bis")
    document = parse(resolution_44(history=[history]), footnotes={7: "Read with Resolution 1."})
    (resolution,) = document.resolutions
    assert resolution.skipped_headings[0] == "(Hammamet, 2016), bis"
    assert resolution.footnotes == [Footnote("1", "Read with Resolution 1.")]
    assert resolution.parts[0].items[0].text == "that the gap persists;"


def test_a_typed_mark_without_its_footnote_stays_in_the_text_and_the_history_is_no_clause():
    history = wml_paragraph("(Hammamet, 2016)", superscript("1"), ", bis")
    (resolution,) = parse(resolution_44(history=[history])).resolutions
    assert resolution.skipped_headings[0] == "(Hammamet, 2016)¹, bis"
    assert resolution.footnotes == []
    assert resolution.parts[0].items[0].text == "that the gap persists;"


def test_superscript_digits_with_no_footnote_of_that_number_are_kept_as_superscripts():
    # Resolution 72 writes units and powers with superscript digits: they are
    # footnote calls only where the file has a footnote of that number.
    body = resolution_44()
    body[5] = wml_paragraph("a)\tthat 10 W/m", superscript("2"), " applies above 2 GHz;")
    body[-1] = wml_paragraph(
        "1\tto publish limits of 10", superscript("3"), " times the reference", superscript("1")
    )
    document = parse(body, footnotes={4: "As measured by ITU-T K.52."})
    (resolution,) = document.resolutions
    considering, instructs = (part.items[0] for part in resolution.parts)
    assert considering.text == "that 10 W/m² applies above 2 GHz;"
    assert considering.footnotes == []
    assert instructs.text == "to publish limits of 10³ times the reference"
    assert instructs.footnotes == [Footnote("1", "As measured by ITU-T K.52.")]


def test_in_a_file_calling_its_footnotes_with_words_command_superscripts_are_text():
    # Where Word's footnote command makes the calls, a superscript number is a
    # power or a unit, whatever number of footnotes the file has.
    body = resolution_44(history=[wml_paragraph(HISTORY, wml_footnote_call(2))])
    body[5] = wml_paragraph("a)\tthat 10 W/m", superscript("2"), " applies;")
    body[-1] = wml_paragraph("1\tto publish limits of 10", superscript("3"), " times;")
    footnotes = {2: "First.", 3: "Second.", 4: "Third."}
    (resolution,) = parse(body, footnotes=footnotes).resolutions
    considering, instructs = (part.items[0] for part in resolution.parts)
    assert considering.text == "that 10 W/m² applies;"
    assert instructs.text == "to publish limits of 10³ times;"
    assert considering.footnotes == instructs.footnotes == []


def test_a_superscript_character_in_a_superscript_run_is_kept():
    body = resolution_44()
    body[5] = wml_paragraph("a)\tthat 10 W/m", superscript("²"), " applies;")
    (resolution,) = parse(body).resolutions
    assert resolution.parts[0].items[0].text == "that 10 W/m² applies;"


def test_a_heading_followed_by_a_typed_mark_with_no_footnote_is_a_heading():
    body = resolution_44()
    body[0] = wml_paragraph("RESOLUTION 44 (Rev. Hammamet, 2016)", superscript("1"))
    (resolution,) = parse(body).resolutions
    assert (resolution.number, resolution.revision_text) == (44, "Rev. Hammamet, 2016")


def test_the_same_history_line_exported_as_text_is_not_a_clause_either():
    text = "\n".join(resolution_44(history=["(Hammamet, 2016)1, bis"]))
    (resolution,) = parse_text(text).resolutions
    assert resolution.skipped_headings[0] == "(Hammamet, 2016)1, bis"
    assert [p.verb for p in resolution.parts] == ["considering", "instructs"]


# -- characters and layout -------------------------------------------------------


def test_a_title_broken_by_a_soft_line_break_is_one_title():
    body = resolution_44()
    body[1] = wml_paragraph(
        "Bridging the standardization gap", "<w:r><w:br/></w:r>", "between countries"
    )
    (resolution,) = parse(body).resolutions
    assert resolution.title == "Bridging the standardization gap between countries"


def test_non_breaking_spaces_and_hyphens_read_as_plain_ones():
    no_break_hyphen = "<w:r><w:noBreakHyphen/></w:r>"
    body = resolution_44()
    body[-2] = wml_paragraph("Study\u00a0Group\u00a017 of ITU", no_break_hyphen, "T,")
    body[-1] = "1\tto study security in ITU\u2011T\u00a0Recommendations;"
    (resolution,) = parse(body).resolutions
    part = resolution.parts[-1]
    assert part.addressee == "Study Group 17 of ITU-T"
    assert part.items[0].text == "to study security in ITU-T Recommendations;"
    assert part.items[0].directive.owner == "T-SG17"


def test_cover_page_foreword_and_copyright_notice_are_skipped_and_reported():
    front = [
        "International Telecommunication Union",
        "WORLD TELECOMMUNICATION STANDARDIZATION ASSEMBLY",
        "Hammamet, 25 October – 3 November 2016",
        "Foreword",
        "The Assembly instructs the secretariat to publish these texts.",
        "Resolution 44 – Bridging the standardization gap\t5",
        "© ITU 2017",
        "All rights reserved. No part of this publication may be reproduced.",
        "",
    ]
    document = parse(front + resolution_44())
    (resolution,) = document.resolutions
    assert resolution.line == len(front) + 1
    assert [p.line for p in resolution.parts] == [len(front) + 5, len(front) + 7]
    (notice,) = document.notices
    assert (notice.code, notice.line) == ("front_matter_skipped", 1)
    assert "lines 1-8 before the first resolution" in notice.message


# -- item labels -----------------------------------------------------------------


def test_items_labelled_bis_and_ter_keep_their_labels():
    body = resolution_44()[:-1] + [
        "1\tto continue implementing the action plan;",
        "1bis\tto report on it to Council;",
        "4 ter\tto assist developing countries;",
    ]
    body[6:6] = ["b)bis\tthat the gap narrows;"]
    (resolution,) = parse(body).resolutions
    considering, instructs = resolution.parts
    assert [i.key for i in considering.items] == ["considering.1/a)", "considering.1/b)bis"]
    assert [i.key for i in instructs.items] == [
        "instructs.1/1",
        "instructs.1/1bis",
        "instructs.1/4ter",
    ]
    assert [i.children for i in instructs.items] == [[], [], []]
    assert instructs.items[1].directive.reports_to == ("council",)


# -- sections of numbered paragraphs ---------------------------------------------

RULES_OF_PROCEDURE = [
    "RESOLUTION 1 (Rev. Hammamet, 2016)",
    "Rules of procedure of the ITU Telecommunication Standardization Sector",
    "(Helsinki, 1993; Geneva, 1996; Hammamet, 2016)",
    "SECTION 1",
    "General rules of conferences, assemblies and meetings of the Sector",
    "1\tThe World Telecommunication Standardization Assembly",
    "1.1\tThe assembly shall:",
    "a)\tconsider the reports of the study groups;",
    "b)\tapprove the Questions:",
    "i)\tproposed by the study groups;",
    "ii)\tproposed by Member States;",
    "c)\tset the work programme.",
    "1.11\tThe chairman of the assembly shall preside.",
    "1.11.1\tIn the chairman's absence, a vice-chairman presides.",
    "SECTION 2 – Study group management",
    "2.1\tStudy groups shall meet as needed.",
]


def test_sections_of_numbered_paragraphs_are_imported_as_structure():
    document = parse(RULES_OF_PROCEDURE)
    (resolution,) = document.resolutions
    first, second = resolution.parts
    assert [(p.kind, p.verb, p.key) for p in resolution.parts] == [
        ("section", "section", "section.1"),
        ("section", "section", "section.2"),
    ]
    assert [(p.heading, p.addressee) for p in resolution.parts] == [
        ("SECTION 1", "General rules of conferences, assemblies and meetings of the Sector"),
        ("SECTION 2", "Study group management"),
    ]
    assert [i.label for i in first.items] == ["1", "1.1", "1.11", "1.11.1"]
    assert [c.key for c in first.items[1].children] == [
        "section.1/1.1/a)",
        "section.1/1.1/b)",
        "section.1/1.1/b)i)",
        "section.1/1.1/b)ii)",
        "section.1/1.1/c)",
    ]
    assert first.items[1].children[2].text == "proposed by the study groups;"
    assert [i.key for i in second.items] == ["section.2/2.1"]


def test_a_resolution_with_no_directive_part_gets_no_action_and_says_so():
    document = parse(RULES_OF_PROCEDURE)
    (resolution,) = document.resolutions
    assert not resolution.has_directive_part
    assert all(item.directive is None for item in resolution.iter_items())
    (notice,) = document.notices
    assert (notice.code, notice.resolution, notice.line) == ("no_directive_part", 1, 1)
    assert "no action comes from it" in notice.message


def test_a_section_resolution_imports_with_its_structure_and_no_action(wtsa20):
    from actions.importing import resolution_import
    from resolutions.models import Resolution

    body = ["RESOLUTION 1 (Rev. Geneva, 2022)", *RULES_OF_PROCEDURE[1:]]
    report = resolution_import(document=parse(body), assembly=wtsa20)
    assert report.created == [1]
    # The person importing is told, in words of their own, why no action came.
    assert report.notices == [
        "Resolution 1, line 1: This resolution instructs no one: no action comes from it."
    ]
    resolution = Resolution.objects.get(number=1)
    clauses = list(resolution.clauses.order_by("order"))
    assert [(c.part, c.verb, c.heading, c.key) for c in clauses[:3]] == [
        ("section", "section", "SECTION 1", "section.1/1"),
        ("section", "section", "SECTION 1", "section.1/1.1"),
        ("section", "section", "SECTION 1", "section.1/1.1/a)"),
    ]
    assert clauses[3].parent == clauses[1]
    assert len(clauses) == 10  # 4 + 5 sub-items in section 1, 1 in section 2
    assert not resolution.actions.exists()


def test_sections_after_the_usual_parts_follow_them():
    body = resolution_44() + ["SECTION 1: Rules", "1.1\tThe plan has three parts."]
    (resolution,) = parse(body).resolutions
    assert [p.key for p in resolution.parts] == ["considering.1", "instructs.1", "section.1"]
    assert (resolution.parts[-1].heading, resolution.parts[-1].addressee) == ("SECTION 1", "Rules")
    assert resolution.parts[-1].items[0].text == "The plan has three parts."
    assert resolution.has_directive_part


def test_a_dotted_number_outside_a_section_is_text():
    body = resolution_44()[:-1] + ["1\tto help the", "2.5 billion people not yet connected;"]
    (resolution,) = parse(body).resolutions
    (item,) = resolution.parts[-1].items
    assert item.text == "to help the 2.5 billion people not yet connected;"


# -- annexes, appendices, tables and pictures -----------------------------------


def table(rows: list[list[str]]) -> str:
    cells = "".join(
        "<w:tr>" + "".join(f"<w:tc>{wml_paragraph(text)}</w:tc>" for text in row) + "</w:tr>"
        for row in rows
    )
    return f"<w:tbl><w:tblPr/>{cells}</w:tbl>"


PICTURE = (
    '<w:r><w:drawing><wp:inline><wp:docPr id="1" name="Picture 1"/></wp:inline></w:drawing></w:r>'
)


def test_annexes_and_appendices_are_kept_as_text_and_reported():
    body = resolution_44() + [
        "ANNEX A",
        "Action plan",
        "1\tIntroduction of the plan",
        "APPENDIX 1 (to Annex A)",
        "Budget lines",
        "instructs the Director to report yearly",
    ]
    document = parse(body)
    (resolution,) = document.resolutions
    assert [(a.heading, a.line, a.text) for a in resolution.annexes] == [
        ("ANNEX A", 10, "Action plan\n1 Introduction of the plan"),
        ("APPENDIX 1 (to Annex A)", 13, "Budget lines\ninstructs the Director to report yearly"),
    ]
    assert [i.key for i in resolution.iter_items()][-1] == "instructs.1/1"
    assert [(n.code, n.line) for n in document.notices] == [
        ("annex_kept_as_text", 10),
        ("annex_kept_as_text", 13),
    ]


@pytest.mark.parametrize(
    "heading",
    [
        "ANNEX (to Resolution 44 (Rev. Hammamet, 2016))",
        "ANNEX A (to Resolution 44 (Rev. Hammamet, 2016))",
        "Annex 1 to Resolution 44",
        "annex 1 to resolution 44 (Rev. Hammamet, 2016)",
    ],
)
def test_annex_headings_as_itu_writes_them_keep_the_annex_apart_in_text_and_word(heading):
    # ITU names the resolution in its annex heading, with the revision in
    # brackets inside the brackets; the action plan that follows is no action.
    annex = [heading, "Action plan", table([["Programme", "Responsible"], ["1", "TSB"]])]
    as_text = [heading, "Action plan", "Programme Responsible", "1 TSB"]
    for document in (
        parse(resolution_44() + annex),
        parse_text("\n".join(resolution_44() + as_text)),
    ):
        (resolution,) = document.resolutions
        assert resolution.iter_items()[-1].text == "to continue implementing the action plan;"
        assert [(a.heading, a.line) for a in resolution.annexes] == [(heading, 10)]
        assert "annex_kept_as_text" in codes(document)


def test_a_long_line_that_almost_reads_as_an_annex_heading_is_read_at_once():
    # The heading's ids ("A and B") could once split a long word into ids and
    # "and"s in exponentially many ways: this line took longer than a day.
    line = "ANNEX " + "aand" * 40 + "!"
    (classified,) = classify_lines([(1, line)])
    assert classified.kind is not Kind.SKIPPED
    (heading,) = classify_lines([(1, "ANNEXES A and B (to Resolution 44)")])
    assert heading.kind is Kind.SKIPPED


def test_a_table_is_read_as_text_and_reported():
    body = resolution_44()
    body[-1:] = [
        "1\tto hold workshops in:",
        table([["Region", "Year"], ["Africa", "2017"]]),
    ]
    document = parse(body)
    (item,) = document.resolutions[0].parts[-1].items
    assert item.text == "to hold workshops in: Region Year Africa 2017"
    (notice,) = document.notices
    assert (notice.code, notice.line) == ("table_as_text", 10)
    assert "2 row(s) and 2 column(s)" in notice.message


def test_a_picture_is_skipped_and_reported_and_the_text_around_it_kept():
    body = resolution_44()
    body[-1] = wml_paragraph("1\tto publish the map ", PICTURE, "of the regions;")
    document = parse(body, members={"word/media/image1.png": b"\x89PNG not really"})
    (item,) = document.resolutions[0].parts[-1].items
    assert item.text == "to publish the map of the regions;"
    (notice,) = document.notices
    assert (notice.code, notice.line) == ("picture_skipped", 9)


def test_a_picture_on_the_cover_page_is_not_reported():
    document = parse([wml_paragraph(PICTURE), *resolution_44()])
    assert codes(document) == []


# -- revision marks --------------------------------------------------------------


def test_tracked_changes_are_read_as_accepted_and_reported():
    inserted = '<w:ins w:id="1" w:author="TSB"><w:r><w:t>Geneva, 2022</w:t></w:r></w:ins>'
    deleted = (
        '<w:del w:id="2" w:author="TSB"><w:r><w:delText>Hammamet, 2016</w:delText></w:r>'
        "<w:r><w:tab/></w:r></w:del>"
    )
    deleted_mark = (
        '<w:p><w:pPr><w:rPr><w:del w:id="3" w:author="TSB"/></w:rPr></w:pPr>'
        '<w:r><w:t xml:space="preserve">1</w:t></w:r><w:r><w:tab/></w:r>'
        '<w:r><w:t xml:space="preserve">to continue implementing </w:t></w:r></w:p>'
    )
    row = wml_paragraph("2\tto do what was deleted;")
    deleted_row = (
        '<w:tbl><w:tr><w:trPr><w:del w:id="4" w:author="TSB"/></w:trPr>'
        f"<w:tc>{row}</w:tc></w:tr></w:tbl>"
    )
    body = resolution_44()
    body[0] = wml_paragraph("RESOLUTION 44 (Rev. ", deleted, inserted, ")")
    body[-1:] = [deleted_mark, "the action plan;", deleted_row]
    document = parse(body)
    (resolution,) = document.resolutions
    assert resolution.revision_text == "Rev. Geneva, 2022"
    (item,) = resolution.parts[-1].items
    assert (item.key, item.text) == ("instructs.1/1", "to continue implementing the action plan;")
    assert item.line == 10
    assert "tracked_changes" in codes(document)
    assert "delete" not in resolution.source_text


def test_a_file_without_revision_marks_says_nothing_about_them():
    assert "tracked_changes" not in codes(parse(resolution_44()))


# -- a proceedings volume --------------------------------------------------------


def test_a_proceedings_volume_gives_every_resolution_and_reports_the_rest():
    resolution_2 = [
        "RESOLUTION 2 (Rev. Hammamet, 2016)",
        "Study group responsibility and mandates",
        "(Helsinki, 1993; Hammamet, 2016)",
        "resolves",
        "1\tthat the mandates are as in Annex A;",
        "ANNEX A",
        "Responsibilities of the study groups",
    ]
    opinion = [
        "OPINION 1 (Hammamet, 2016)",
        "Implementation of the ITRs",
        "invites",
        "Member States",
        "1\tto act;",
    ]
    recommendation = ["RECOMMENDATION ITU-T A.1", "Work methods", "1\tScope"]
    body = [
        "Proceedings of the World Telecommunication Standardization Assembly",
        "PART I – Resolutions",
        *resolution_44(),
        *resolution_2,
        *RULES_OF_PROCEDURE,
        "PART II – Opinions and Recommendations",
        *opinion,
        *recommendation,
        "______________",
    ]
    document = parse(body)
    assert [r.number for r in document.resolutions] == [1, 2, 44]
    # Each resolution ends where the next text begins: nothing leaks into it.
    assert document.get(1).parts[-1].items[-1].text == "Study groups shall meet as needed."
    assert document.get(44).parts[-1].items[-1].text == "to continue implementing the action plan;"
    skipped = [(n.line, n.message) for n in document.notices if n.code == "not_a_resolution"]
    part_ii = 3 + len(resolution_44()) + len(resolution_2) + len(RULES_OF_PROCEDURE)
    assert skipped == [
        (
            part_ii,
            "'PART II – Opinions and Recommendations' is not a resolution: its text was skipped",
        ),
        (part_ii + 1, "'OPINION 1 (Hammamet, 2016)' is not a resolution: its text was skipped"),
        (part_ii + 6, "'RECOMMENDATION ITU-T A.1' is not a resolution: its text was skipped"),
    ]
    assert {n.code for n in document.notices} <= set(NOTICE_CODES)
    assert [(n.code, n.resolution) for n in document.notices] == [
        ("front_matter_skipped", None),
        ("no_directive_part", 2),
        ("annex_kept_as_text", 2),
        ("no_directive_part", 1),
        ("not_a_resolution", None),
        ("not_a_resolution", None),
        ("not_a_resolution", None),
    ]


def test_a_malformed_resolution_in_a_volume_is_refused_with_its_line():
    body = [*resolution_44(), "RESOLUTION 2 (Rev. Hammamet, 2016)", "Mandates", "1\tto act;"]
    with pytest.raises(ParseError) as caught:
        parse(body)
    assert caught.value.line == len(resolution_44()) + 3
    assert "item '1' comes before any part heading" in str(caught.value)


def test_python_docx_documents_still_read_as_before():
    document = docx.Document()
    for text in resolution_44():
        document.add_paragraph(text)
    stream = io.BytesIO()
    document.save(stream)
    stream.seek(0)
    (resolution,) = parse_docx(stream).resolutions
    assert [i.key for i in resolution.iter_items()] == ["considering.1/a)", "instructs.1/1"]


# -- proposals to an assembly ------------------------------------------------------

PROPOSAL_REFUSAL = (
    "marks a proposal to the assembly (MOD, ADD, SUP or NOC markers, 'Reasons:' "
    "paragraphs), not the text the assembly adopted: import the resolutions as published "
    "after the assembly"
)


@pytest.mark.parametrize(
    ("marker", "line"),
    [
        ("MOD\tAPT/35A1/1", 3),
        ("SUP\tEUR/36A2/1", 3),
        ("ADD\tEUR/36A2/2", 3),
        ("NOC\tIAP/39A1/4", 3),
    ],
)
def test_a_proposal_with_mod_add_sup_or_noc_markers_is_refused_naming_the_paragraph(marker, line):
    # A contribution to the assembly: its markers sit before the heading,
    # where a cover page would be skipped, so the refusal must look for them.
    body = ["WORLD TELECOMMUNICATION STANDARDIZATION ASSEMBLY (WTSA-24)", "Addendum 1", marker]
    body += resolution_44() + ["Reasons:\tTo align with the outcomes of PP-22."]
    with pytest.raises(ParseError) as caught:
        parse(body)
    assert caught.value.line == line
    assert f"{marker.replace(chr(9), ' ')!r} {PROPOSAL_REFUSAL}" in str(caught.value)


def test_a_reasons_paragraph_refuses_a_file_only_beside_a_proposal_marker():
    marked = resolution_44() + ["SUP", "RESOLUTION 83 (Rev. Hammamet, 2016)", "Reasons:\tOld."]
    for read in (parse, lambda lines: parse_text("\n".join(lines))):
        with pytest.raises(ParseError) as caught:
            read(marked)
        assert caught.value.line == 10
        assert f"'SUP' {PROPOSAL_REFUSAL}" in str(caught.value)

    # An adopted text may open a paragraph with "Reasons:": it is no proposal.
    adopted = resolution_44() + ["Reasons:\tsee the action plan in the annex."]
    for read in (parse, lambda lines: parse_text("\n".join(lines))):
        (resolution,) = read(adopted).resolutions
        assert "Reasons: see the action plan" in resolution.iter_items()[-1].text


def test_a_word_mod_or_add_in_item_text_is_no_proposal_marker():
    body = resolution_44()
    body[-1] = "1\tto continue implementing the action plan;"
    body += ["ADD the new programme to the plan", "MOD elements as needed;"]
    (resolution,) = parse(body).resolutions
    assert resolution.iter_items()[-1].text.endswith("MOD elements as needed;")


# -- what Word shows, and files Word would not write -----------------------------


def test_an_opinion_typed_in_mixed_case_that_word_shows_in_capitals_ends_the_resolution():
    capitals = "<w:pPr><w:rPr><w:caps/></w:rPr></w:pPr><w:r><w:rPr><w:caps/></w:rPr>"
    opinion = f"<w:p>{capitals}<w:t>Opinion 1 (Rev. Geneva, 2022)</w:t></w:r></w:p>"
    body = [
        *resolution_44(),
        opinion,
        "Implementation of this opinion",
        "invites the Council",
        "to consider the matter,",
    ]

    document = parse(body)

    (resolution,) = document.resolutions
    assert [part.verb for part in resolution.parts] == ["considering", "instructs"]
    assert "not_a_resolution" in codes(document)


def test_a_content_control_showing_its_prompt_gives_no_text():
    prompt = (
        "<w:sdt><w:sdtPr><w:showingPlcHdr/></w:sdtPr><w:sdtContent><w:r>"
        "<w:t>Click or tap here to enter text.</w:t></w:r></w:sdtContent></w:sdt>"
    )
    filled = (
        "<w:sdt><w:sdtPr/><w:sdtContent><w:r><w:t>the action plan</w:t></w:r></w:sdtContent>"
        "</w:sdt>"
    )
    prompted = wml_paragraph("2\tClick or tap here to enter text.")
    block = (
        "<w:sdt><w:sdtPr><w:showingPlcHdr/></w:sdtPr><w:sdtContent>"
        f"{prompted}</w:sdtContent></w:sdt>"
    )
    body = resolution_44()
    body[-1:] = [wml_paragraph("1\tto continue implementing ", filled, prompt, ";"), block]

    (resolution,) = parse(body).resolutions

    (item,) = resolution.parts[-1].items
    assert item.text == "to continue implementing the action plan;"


def test_a_footnote_called_from_a_part_heading_alone_is_the_resolutions():
    body = resolution_44()
    body[6] = wml_paragraph("instructs", wml_footnote_call(5))

    (resolution,) = parse(body, footnotes={5: "Within the budget approved."}).resolutions

    assert resolution.footnotes == [Footnote("1", "Within the budget approved.")]


def test_a_part_declaring_a_doctype_is_refused():
    data = _document_changed(
        word_file(resolution_44()),
        lambda xml: xml.replace(
            b"<w:document", b'<!DOCTYPE w:document [<!ENTITY x "hidden">]><w:document', 1
        ),
    )
    with pytest.raises(ParseError, match="it declares a DOCTYPE, which Word never writes"):
        parse_docx(io.BytesIO(data))


def test_a_strict_open_xml_document_is_refused_with_how_to_save_it():
    data = _document_changed(
        word_file(resolution_44()),
        lambda xml: xml.replace(
            b"http://schemas.openxmlformats.org/wordprocessingml/2006/main",
            b"http://purl.oclc.org/ooxml/wordprocessingml/main",
        ),
    )
    with pytest.raises(ParseError, match="save it as a Word Document"):
        parse_docx(io.BytesIO(data))


def _document_changed(data: bytes, change) -> bytes:
    """The file with its main part (word/document.xml) changed by ``change``."""
    import zipfile

    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in source.namelist():
            part = source.read(name)
            archive.writestr(name, change(part) if name == "word/document.xml" else part)
    return out.getvalue()


def code(text: str) -> str:
    """A run of a field's code."""
    return f'<w:r><w:instrText xml:space="preserve">{text}</w:instrText></w:r>'


def field(code_runs: str, result: str, *, hidden_separator: bool = False) -> str:
    """A complex field as Word writes it: begin, code, separate, result, end."""
    hidden = "<w:rPr><w:vanish/></w:rPr>" if hidden_separator else ""
    return (
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
        f"{code_runs}"
        f'<w:r>{hidden}<w:fldChar w:fldCharType="separate"/></w:r>'
        f"{result}"
        '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
    )


def test_only_the_outer_fields_result_shows_of_a_field_nested_in_its_code():
    inner = field(code(" REF _Ref1 \\h "), "<w:r><w:t>inner result</w:t></w:r>")
    outer = field(
        code(" IF ") + inner + code(' = "x" "a" "b" '), "<w:r><w:t>the action plan</w:t></w:r>"
    )
    body = resolution_44()
    body[-1] = wml_paragraph("1\tto continue implementing ", outer, ";")

    (resolution,) = parse(body).resolutions

    assert resolution.parts[-1].items[0].text == "to continue implementing the action plan;"


@pytest.mark.parametrize(
    ("font", "char", "shown"),
    [
        ("Symbol", "F02F", "/"),
        ("Symbol", "F0B3", "≥"),
        ("Symbol", "F0B4", "×"),
        ("Symbol", "F061", "α"),
        ("Symbol", "F0DE", "⇒"),
        ("Symbol", "F0D6", "√"),
        ("Symbol", "F0FF", "\ufffd"),  # no character at this code: something stands in
        ("Times New Roman", "2013", "–"),
        ("Wingdings", "F0FC", ""),
    ],
)
def test_a_symbol_inserted_with_words_symbol_command_is_read(font, char, shown):
    sym = f'<w:r><w:sym w:font="{font}" w:char="{char}"/></w:r>'
    body = resolution_44()
    body[-1] = wml_paragraph("1\tto continue ITU", sym, "WMO work;")

    (resolution,) = parse(body).resolutions

    assert resolution.parts[-1].items[0].text == f"to continue ITU{shown}WMO work;"


def test_a_field_whose_separator_is_in_a_hidden_run_still_shows_its_result():
    hidden_separate = field(
        code(" REF _Ref1 "), "<w:r><w:t>the action plan</w:t></w:r>", hidden_separator=True
    )
    body = resolution_44()
    body[-1] = wml_paragraph("1\tto continue implementing ", hidden_separate, ";")

    (resolution,) = parse(body).resolutions

    assert resolution.parts[-1].items[0].text == "to continue implementing the action plan;"
