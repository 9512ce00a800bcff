"""Defects of the hand-converted seed the parser copes with, and cross-references."""

from __future__ import annotations

from pathlib import Path

import pytest

from resolutions.parsing import (
    CrossReference,
    Footnote,
    ParsedDocument,
    ParsedItem,
    parse_text,
)
from resolutions.parsing.references import conference_of, find_references, unique_references

SEED = Path(__file__).resolve().parents[2] / "fixtures" / "wtsa20_itud_background.txt"
DEVELOPING_FOOTNOTE = (
    "These include the least developed countries, small island developing states, "
    "landlocked developing countries and countries with economies in transition."
)


@pytest.fixture(scope="module")
def seed() -> ParsedDocument:
    return parse_text(SEED.read_text(encoding="utf-8"))


def item(document: ParsedDocument, number: int, key: str) -> ParsedItem:
    (found,) = [i for i in document.get(number).iter_items() if i.key == key]
    return found


def all_texts(document: ParsedDocument) -> list[str]:
    texts: list[str] = []
    for resolution in document.resolutions:
        texts += [resolution.title, resolution.overview, *resolution.skipped_headings]
        texts += [part.addressee for part in resolution.parts]
        texts += [i.text for i in resolution.iter_items()]
    return texts


# -- footnotes ----------------------------------------------------------------


def test_res44_title_footnote_is_kept_as_a_footnote_and_removed_from_the_title(
    seed: ParsedDocument,
) -> None:
    res44 = seed.get(44)
    assert res44.title == (
        "Bridging the standardization gap between developing and developed countries"
    )
    assert res44.footnotes == [Footnote("2", DEVELOPING_FOOTNOTE)]


def test_res98_footnote_body_pasted_after_item_1_goes_to_that_item(seed: ParsedDocument) -> None:
    first = item(seed, 98, "instructs.1/1")
    assert first.footnotes == [Footnote("3", DEVELOPING_FOOTNOTE)]
    assert "[" not in first.text
    assert first.text.endswith(
        "work being done in ITU-R and ITU-D to ensure coordination of efforts;"
    )
    assert "needs of developing countries in terms of" in first.text


def test_res78_footnote_number_glued_to_countries_is_removed_and_recorded(
    seed: ParsedDocument,
) -> None:
    fourth = item(seed, 78, "instructs.1/4")
    assert "e-health for developing countries and gauge the needs" in fourth.text
    assert "countries1" not in fourth.text
    # The body of footnote 1 is not in the seed: only its number survived.
    assert fourth.footnotes == [Footnote("1", "")]
    assert seed.get(78).footnotes == [Footnote("1", "")]


def test_res95_glued_footnote_number_after_developing_is_removed(seed: ParsedDocument) -> None:
    third = item(seed, 95, "resolves.1/3")
    assert "assist developing and least developed countries" in third.text
    assert third.footnotes == [Footnote("1", "")]


def test_no_footnote_residue_is_left_anywhere(seed: ParsedDocument) -> None:
    for text in all_texts(seed):
        assert "footnoteRef" not in text
        assert "[2:" not in text
        assert "[3:" not in text


def test_words_with_digits_that_are_not_footnotes_are_kept(seed: ParsedDocument) -> None:
    assert "IPv6" in item(seed, 64, "instructs.1/4").text
    assert "IMT-2020" in item(seed, 92, "instructs.1").text
    assert "U4SSC KPIs" in item(seed, 98, "instructs.1/2").text


# -- line-level defects -------------------------------------------------------


def test_res97_item_4_run_into_the_end_of_item_3_is_split_off(seed: ParsedDocument) -> None:
    third = item(seed, 97, "instructs.1/3")
    assert third.text.endswith("to mitigate the consequences of the use of stolen mobile devices;")
    assert "to provide assistance" not in third.text


def test_res97_repeated_item_4_is_merged_into_one_item(seed: ParsedDocument) -> None:
    labels = [i.label for i in seed.get(97).parts[1].items]
    assert labels == ["1", "2", "3", "4", "5"]
    fourth = item(seed, 97, "instructs.1/4")
    assert fourth.line == 499
    assert fourth.text.startswith("to provide assistance, within ITU-T's expertise")
    assert fourth.text.endswith("stolen mobile devices in their countries;")


def test_res44_further_instructs_1_joins_its_continuation_line(seed: ParsedDocument) -> None:
    first = item(seed, 44, "further_instructs.1/1")
    assert "planning, services, systems, operation, tariffs and maintenance, and to provide" in (
        first.text
    )
    assert first.line == 212


def test_wrapped_preamble_and_resolves_items_are_joined(seed: ParsedDocument) -> None:
    assert "for approval by Member States in accordance with the procedures" in (
        item(seed, 18, "resolves.1/1").text
    )
    assert "and the ITU Telecommunication Development Sector (ITU-D) related to human" in (
        item(seed, 72, "considering.1/m)").text
    )
    assert "lead responsibility for Pillars 1 and 2, and the ITU" in (
        item(seed, 76, "considering.1/d)").text
    )


def test_non_breaking_hyphen_becomes_a_plain_hyphen(seed: ParsedDocument) -> None:
    assert seed.get(69).title.startswith("Non-discriminatory access")
    assert "handling and controlling of e-waste" in item(seed, 79, "instructs.1/3").text


def test_no_text_keeps_tabs_no_break_spaces_or_double_spaces(seed: ParsedDocument) -> None:
    for text in all_texts(seed):
        for bad in ("\t", "\u00a0", "\u2011", "  "):
            assert bad not in text
        assert text == text.strip()
    # Res 64 items 1 and 2 had no-break spaces in the source.
    assert "deployment, and respond to their regional needs" in item(seed, 64, "instructs.1/1").text


def test_typos_and_odd_spacing_of_the_source_are_kept(seed: ParsedDocument) -> None:
    assert "ITU-T syudy study groups" in seed.get(84).overview
    assert "to facilitate , in collaboration with" in item(seed, 97, "instructs.1/2").text
    assert "regional groups of ITU T study groups" in item(seed, 44, "resolves_further.1/1").text


def test_typographic_apostrophes_are_kept(seed: ParsedDocument) -> None:
    assert "ITU-T’s standardization work" in item(seed, 44, "instructs.1/15").text


# -- skipped headings -----------------------------------------------------------


def test_res2_mandate_headings_are_skipped_not_clauses(seed: ParsedDocument) -> None:
    res2 = seed.get(2)
    assert res2.skipped_headings[:3] == [
        "Mandates of ITU-T study groups",
        "Annexes A, B & C",
        "ITU-T Study Group 2: Operational aspects of service provision and telecommunication "
        "management",
    ]
    assert len(res2.skipped_headings) == 13
    assert res2.skipped_headings[-1].startswith("ITU-T Study Group 20: Internet of Things")
    assert len(res2.iter_items()) == 1


def test_res18_and_res44_annex_headings_are_skipped(seed: ParsedDocument) -> None:
    assert [h.split(":")[0] for h in seed.get(18).skipped_headings] == [
        "ANNEX A",
        "ANNEX B",
        "ANNEX C",
    ]
    assert seed.get(44).skipped_headings == [
        "ANNEX",
        "II. Programme 2: Assisting developing countries with respect to the application of "
        "standards",
        "III. Programme 3: Human resources capacity building",
    ]
    assert item(seed, 44, "invites.1/4").text == (
        "to consider, whenever possible, holding meetings of ITU-T study groups in developing "
        "countries,"
    )


def test_only_res2_res18_and_res44_have_skipped_headings(seed: ParsedDocument) -> None:
    assert [r.number for r in seed.resolutions if r.skipped_headings] == [2, 18, 44]


# -- source text ------------------------------------------------------------------


def test_source_text_is_the_exact_table_2_lines_of_the_resolution(seed: ParsedDocument) -> None:
    lines = SEED.read_text(encoding="utf-8").split("\n")
    assert seed.get(29).source_text == "\n".join(lines[163:168])
    assert seed.get(100).source_text == "\n".join(lines[517:525])
    assert "devices;4\tto provide" in seed.get(97).source_text
    assert "Non\u2011discriminatory" in seed.get(69).source_text


# -- cross-references ---------------------------------------------------------------

REFERENCES: dict[int, list[tuple[str, int, bool, str, int]]] = {
    18: [("WTDC", 59, True, "Buenos Aires", 2017)],
    22: [("WTDC", 22, True, "Buenos Aires", 2017)],
    44: [("WTSA", 54, True, "Geneva", 2022)],
    50: [("WTDC", 45, True, "Dubai", 2014)],
    64: [("WTDC", 63, True, "Buenos Aires", 2017)],
    70: [("WTDC", 58, True, "Buenos Aires", 2017), ("WTDC", 17, True, "Buenos Aires", 2017)],
    72: [
        ("WTDC", 62, True, "Buenos Aires", 2017),
        ("WTSA", 44, True, "Geneva", 2022),
        ("WTSA", 76, True, "Geneva", 2022),
        ("PP", 177, True, "Dubai", 2018),
    ],
    78: [("WTDC", 65, True, "Dubai", 2014)],
    79: [("WTDC", 66, False, "Buenos Aires", 2017)],
    84: [("WTDC", 64, True, "Buenos Aires", 2017), ("PP", 196, True, "Dubai", 2018)],
    86: [("PP", 195, False, "Busan", 2014)],
    96: [("WTDC", 79, True, "Buenos Aires", 2017)],
    97: [("WTDC", 79, True, "Buenos Aires", 2017), ("WTDC", 64, True, "Buenos Aires", 2017)],
    98: [("WTDC", 85, True, "Buenos Aires", 2017)],
    100: [("WTDC", 34, True, "Buenos Aires", 2017)],
}


def test_cross_references_of_every_resolution(seed: ParsedDocument) -> None:
    found = {
        r.number: [
            (x.conference, x.number, x.is_revision, x.place, x.year) for x in r.cross_references
        ]
        for r in seed.resolutions
        if r.cross_references
    }
    assert found == REFERENCES


def test_cross_reference_text_is_the_citation(seed: ParsedDocument) -> None:
    assert seed.get(84).cross_references[1] == CrossReference(
        "Resolution 196 (Rev. Dubai, 2018)", "PP", 196, True, "Dubai", 2018
    )
    assert seed.get(86).cross_references[0].text == "Resolution 195 (Busan, 2014)"


@pytest.mark.parametrize(
    ("place", "year", "conference"),
    [
        ("Hammamet", 2016, "WTSA"),
        ("Dubai", 2012, "WTSA"),
        ("Johannesburg", 2008, "WTSA"),
        ("Florianópolis", 2004, "WTSA"),
        ("Geneva", 2022, "WTSA"),
        ("New Delhi", 2024, "WTSA"),
        ("Dubai", 2014, "WTDC"),
        ("Buenos Aires", 2017, "WTDC"),
        ("Dubai", 2018, "PP"),
        ("Busan", 2014, "PP"),
        ("Guadalajara", 2010, "PP"),
        ("Antalya", 2006, "PP"),
        ("Marrakesh", 2002, "PP"),
        ("Minneapolis", 1998, "PP"),
        ("Kyoto", 1994, "PP"),
        ("Atlantis", 2031, "WTSA"),
    ],
)
def test_conference_is_decided_by_place_and_year_without_context(
    place: str, year: int, conference: str
) -> None:
    assert conference_of(place, year) == conference


def test_explicit_conference_words_win_over_place_and_year() -> None:
    (wtdc,) = find_references("WTDC Resolution 63 (Rev. Dubai, 2018)")
    (pp,) = find_references("Resolution 1 (Geneva, 2022) of the Plenipotentiary Conference")
    (wtsa,) = find_references("Resolution 2 (Rev. Busan, 2014) of this assembly")
    assert (wtdc.conference, pp.conference, wtsa.conference) == ("WTDC", "PP", "WTSA")
    assert pp.is_revision is False


def test_a_list_of_citations_shares_the_trailing_conference() -> None:
    found = find_references(
        "Resolutions 44 (Rev. Dubai, 2018), 76 (Rev. Geneva, 2022) and 78 (Hammamet, 2016) "
        "of the World Telecommunication Development Conference"
    )
    assert [(x.number, x.conference) for x in found] == [(44, "WTDC"), (76, "WTDC"), (78, "WTDC")]


def test_bare_resolution_numbers_are_not_references() -> None:
    assert find_references("the Resolution 123 Action Plan and Resolution 196") == []


def test_references_are_deduplicated_by_conference_number_and_year() -> None:
    found = unique_references(
        ["Resolution 196 (Rev. Dubai, 2018)", "see Resolution 196 (Rev.\u00a0Dubai,\u00a02018)"]
    )
    assert len(found) == 1
