"""Structure of the seed background paper as parsed: tables, parts, items, keys.

Expectations were read off fixtures/wtsa20_itud_background.txt line by line.
No database is needed.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from resolutions.parsing import ParsedDocument, ParsedPart, ParsedResolution, parse_text
from resolutions.parsing.types import OPERATIVE_VERBS, PREAMBLE_VERBS

SEED = Path(__file__).resolve().parents[2] / "fixtures" / "wtsa20_itud_background.txt"
TSB_DIRECTOR = "the Director of the Telecommunication Standardization Bureau"
RO_LEAD_IN = "ITU regional offices"  # Res 44 "resolves further / that ITU regional offices"


@pytest.fixture(scope="module")
def seed() -> ParsedDocument:
    return parse_text(SEED.read_text(encoding="utf-8"))


def outline(part: ParsedPart) -> str:
    """Item labels of a part: "1 2[i) ii)] 3"; "¶" is a single unnumbered paragraph."""
    labels = []
    for item in part.items:
        label = item.label or "¶"
        if item.children:
            label += "[" + " ".join(child.label for child in item.children) + "]"
        labels.append(label)
    return " ".join(labels)


def describe(resolution: ParsedResolution) -> list[tuple[str, str, str, str]]:
    return [(part.key, part.heading, part.addressee, outline(part)) for part in resolution.parts]


TABLE_1_MARKERS = {
    2: "Rev", 18: "Rev", 22: "Rev", 29: "Rev", 44: "Rev", 50: "Rev", 52: "NOC", 54: "Rev",
    58: "NOC", 64: "Rev", 69: "Rev", 70: "Rev", 72: "Rev", 73: "Rev", 76: "Rev", 78: "Rev",
    79: "Rev", 83: "NOC", 84: "Rev", 86: "NOC", 88: "NOC", 89: "Rev", 92: "Rev", 95: "Rev",
    96: "NOC", 97: "Rev", 98: "Rev", 100: "New",
}  # fmt: skip

# (part key, heading as written, addressee, item outline) for every Table 2 resolution.
STRUCTURE: dict[int, list[tuple[str, str, str, str]]] = {
    2: [("resolves.1", "resolves", "", "¶")],
    18: [
        ("recalling.1", "recalling", "", "¶"),
        ("resolves.1", "resolves", "", "1 2[i) ii) iii)]"),
        ("invites.1", "invites", "", "1 2"),
        ("instructs.1", "instructs", "", "1"),
    ],
    22: [
        ("recalling.1", "recalling", "", "b)"),
        ("resolves.1", "resolves", "", "1[m)]"),
    ],
    29: [("instructs.1", "instructs", TSB_DIRECTOR, "¶")],
    44: [
        ("resolves.1", "resolves", "", "1 2[i) ii) iii)] 3 4 5 6 7"),
        ("resolves_further.1", "resolves further", RO_LEAD_IN, "1 2[i) ii) iii) iv)] 3"),
        (
            "instructs.1",
            "instructs",
            f"{TSB_DIRECTOR}, in collaboration with the Directors of Telecommunication "
            "Development Bureau and the Radiocommunication Bureau, within available resources",
            " ".join(str(n) for n in range(1, 17)),
        ),
        ("further_instructs.1", "further instructs", "the study groups", "1 2 3"),
        ("invites.1", "invites", TSB_DIRECTOR, "1 2 3 4"),
    ],
    50: [
        ("recalling.1", "recalling", "", "j)"),
        ("resolves.1", "resolves", "", "5"),
        ("instructs.1", "instructs", "Study Group 17", "2"),
        ("instructs.2", "instructs", TSB_DIRECTOR, "1 7 10"),
    ],
    52: [
        ("instructs.1", "resolves to instruct", "the relevant study groups", "2"),
        ("further_instructs.1", "further instructs", "", "2"),
    ],
    54: [
        (
            "instructs.1",
            "instructs",
            "study groups and the Telecommunication Standardization Advisory Group",
            "2",
        ),
        (
            "instructs.2",
            "instructs",
            f"{TSB_DIRECTOR}, in collaboration with the Director of the Telecommunication "
            "Development Bureau, within the allocated or contributed resources that are available",
            "1 2 3",
        ),
        ("calls_upon.1", "calls upon", TSB_DIRECTOR, "1[i) ii) iii)]"),
    ],
    58: [
        ("resolves.1", "resolves", "", "¶"),
        (
            "instructs.1",
            "instructs",
            f"{TSB_DIRECTOR}, in collaboration with the Director of the Telecommunication "
            "Development Bureau",
            "1 2 3 4 5 6",
        ),
        ("invites.1", "invites", "Member States and Sector Members", "¶"),
    ],
    64: [
        ("recognizing.1", "recognizing", "", "d)"),
        (
            "instructs.1",
            "instructs",
            f"{TSB_DIRECTOR}, in close collaboration with the Director of the "
            "Telecommunication Development Bureau",
            "1 2 3 4",
        ),
    ],
    69: [
        (
            "invites.1",
            "invites",
            "Directors of the Telecommunication Standardization Bureau, Radiocommunication "
            "Bureau and Telecommunication Development Bureau",
            "¶",
        )
    ],
    70: [
        ("recognizing.1", "recognizing", "", "b)"),
        ("invites.1", "invites", TSB_DIRECTOR, "1 2 7"),
        ("invites.2", "invites", "Member States and Sector Members", "3"),
    ],
    72: [
        ("recalling.1", "recalling", "", "b)"),
        ("considering.1", "considering", "", "l) m) n)"),
        ("invites.1", "resolves to invite", "ITU-T, in particular Study Group 5", "¶[i) vii)]"),
        (
            "instructs.1",
            "instructs",
            f"{TSB_DIRECTOR}, in close collaboration with the Directors of the other two "
            "Bureaux, and within the available financial resources",
            "1 2 3 4 5 6 7",
        ),
    ],
    73: [
        ("instructs.1", "instructs", "all ITU-T study groups", "6"),
        (
            "instructs.2",
            "instructs",
            f"{TSB_DIRECTOR}, in collaboration with the Directors of the other Bureaux",
            "1 2 3 4 5 6 7 8 9[i) ii) iii)]",
        ),
    ],
    76: [
        ("considering.1", "considering", "", "d) e) f)"),
        ("resolves.1", "resolves", "", "5"),
        ("instructs.1", "instructs", TSB_DIRECTOR, "1 4"),
    ],
    78: [
        ("recalling.1", "recalling", "", "b)"),
        ("noting.1", "noting", "", "a) e)"),
        (
            "instructs.1",
            "resolves to instruct",
            f"{TSB_DIRECTOR}, in collaboration with the Director of the Telecommunication "
            "Development Bureau and the Director of the Radiocommunication Bureau",
            "1 2 3 4",
        ),
    ],
    79: [
        ("recalling.1", "recalling", "", "b) c)"),
        ("recognizing.1", "recognizing", "", "l)"),
        (
            "instructs.1",
            "resolves to instruct",
            f"{TSB_DIRECTOR}, in collaboration with the Director of the Telecommunication "
            "Development Bureau",
            "1 2 3 4 5 6",
        ),
    ],
    83: [
        (
            "instructs.1",
            "instructs",
            "the Director of TSB in collaboration with Directors of the other Bureaux",
            "¶",
        )
    ],
    84: [
        ("recalling.1", "recalling", "", "d)"),
        ("resolves.1", "resolves", "", "2 5"),
        (
            "invites.1",
            "invites",
            f"{TSB_DIRECTOR}, in collaboration with the Director of the Telecommunication "
            "Development Bureau",
            "1 2 3",
        ),
    ],
    86: [
        (
            "instructs.1",
            "instructs",
            f"{TSB_DIRECTOR}, in collaboration with the Director of the Telecommunication "
            "Development Bureau",
            "1 2 3 4",
        )
    ],
    88: [("instructs.1", "instructs", TSB_DIRECTOR, "1")],
    89: [
        (
            "instructs.1",
            "instructs",
            f"{TSB_DIRECTOR}, in collaboration with the Directors of the other Bureaux",
            "1 2 3 4",
        )
    ],
    92: [
        ("instructs.1", "instructs", "Study Group 3", "¶"),
        ("instructs.2", "instructs", "Study Group 5", "¶"),
        ("instructs.3", "instructs", "Study Group 12", "¶"),
        ("instructs.4", "instructs", "Study Group 13", "¶"),
        ("instructs.5", "instructs", TSB_DIRECTOR, "1"),
        ("encourages.1", "encourages", "the Directors of the three Bureaux", "1 2 3"),
    ],
    95: [
        ("resolves.1", "resolves", "the ITU Telecommunication Standardization Sector", "1 2 3"),
        (
            "instructs.1",
            "instructs",
            f"{TSB_DIRECTOR}, in close collaboration with the Director of the "
            "Telecommunication Development Bureau",
            "1 2 3",
        ),
    ],
    96: [
        ("recalling.1", "recalling", "", "c)"),
        ("recognizing.1", "recognizing", "", "h)"),
        (
            "instructs.1",
            "instructs",
            f"{TSB_DIRECTOR}, in close collaboration with the Director of the "
            "Telecommunication Development Bureau",
            "1 2 3 4 5",
        ),
        (
            "instructs.2",
            "instructs",
            "the Director of TSB in close collaboration with the BDT and BR Directors",
            "1 2",
        ),
    ],
    97: [
        ("recalling.1", "recalling", "", "e) f)"),
        (
            "instructs.1",
            "instructs",
            f"{TSB_DIRECTOR} in collaboration with the Directors of the Radiocommunication "
            "Bureau and Telecommunication Development Bureau",
            "1 2 3 4 5",
        ),
    ],
    98: [
        ("recalling.1", "recalling", "", "c)"),
        (
            "instructs.1",
            "instructs",
            f"{TSB_DIRECTOR}, in collaboration with the Directors of the Telecommunication "
            "Development Bureau and the Radiocommunication Bureau",
            "1 2 3 4 5 6 7",
        ),
    ],
    100: [
        ("recalling.1", "recalling", "", "c)"),
        (
            "instructs.1",
            "resolves to instruct",
            "the Director of Telecommunication Standardization Bureau in cooperation with the "
            "Director of the Telecommunications Development Bureau",
            "1 2",
        ),
    ],
}

DIRECTIVE_ITEMS = {
    2: 0, 18: 3, 22: 0, 29: 1, 44: 23, 50: 4, 52: 2, 54: 5, 58: 7, 64: 4, 69: 1, 70: 4,
    72: 8, 73: 10, 76: 2, 78: 4, 79: 6, 83: 1, 84: 3, 86: 4, 88: 1, 89: 4, 92: 8, 95: 3,
    96: 7, 97: 5, 98: 7, 100: 2,
}  # fmt: skip


def test_table_1_lists_28_resolutions_with_their_markers(seed: ParsedDocument) -> None:
    assert {r.number: r.marker for r in seed.resolutions} == TABLE_1_MARKERS


def test_resolutions_come_in_order_of_number(seed: ParsedDocument) -> None:
    numbers = [r.number for r in seed.resolutions]
    assert numbers == sorted(numbers)
    assert len(numbers) == 28


def test_every_resolution_starts_at_its_table_2_heading_line(seed: ParsedDocument) -> None:
    lines = SEED.read_text(encoding="utf-8").split("\n")
    for resolution in seed.resolutions:
        assert lines[resolution.line - 1].strip() == f"RESOLUTION {resolution.number}"
    assert seed.get(2).line == 118
    assert seed.get(100).line == 518


def test_res44_overview_keeps_all_four_table_1_paragraphs(seed: ParsedDocument) -> None:
    overview = seed.get(44).overview
    assert overview.startswith("Resolves that the action plan annexed to the resolution")
    assert overview.endswith("taking into account geographical and regional balance.")
    assert overview.count("\n") == 3


def test_res100_overview_is_its_table_1_paragraph(seed: ParsedDocument) -> None:
    assert seed.get(100).overview == (
        "Instructs the TSB Director, in cooperation with the BDT Director, to provide technical "
        "assistance to Member States in Africa in the implementation of a common emergency "
        "number in line with Recommendation ITU-T E.161.1."
    )


def test_titles_come_from_table_2_not_from_the_paraphrase_in_table_1(
    seed: ParsedDocument,
) -> None:
    assert seed.get(50).title == "Cybersecurity"
    assert seed.get(97).title == "Combating mobile telecommunication device theft"
    assert seed.get(2).title == (
        "ITU Telecommunication Standardization Sector study group responsibility and mandates"
    )


def test_seed_resolutions_have_no_revision_text(seed: ParsedDocument) -> None:
    assert {r.revision_text for r in seed.resolutions} == {""}


@pytest.mark.parametrize("number", sorted(STRUCTURE))
def test_parts_headings_addressees_and_item_labels_match_the_seed(
    seed: ParsedDocument, number: int
) -> None:
    assert describe(seed.get(number)) == STRUCTURE[number]


def test_structure_table_covers_every_table_2_resolution(seed: ParsedDocument) -> None:
    assert sorted(STRUCTURE) == [r.number for r in seed.resolutions]


@pytest.mark.parametrize("number", sorted(DIRECTIVE_ITEMS))
def test_number_of_directive_items_per_resolution(seed: ParsedDocument, number: int) -> None:
    items = seed.get(number).iter_items()
    assert sum(item.directive is not None for item in items) == DIRECTIVE_ITEMS[number]


def test_seed_has_129_directive_items_in_total(seed: ParsedDocument) -> None:
    total = sum(item.directive is not None for r in seed.resolutions for item in r.iter_items())
    assert total == 129


def test_preamble_and_operative_kinds_follow_the_verb(seed: ParsedDocument) -> None:
    for resolution in seed.resolutions:
        for part in resolution.parts:
            assert part.verb in PREAMBLE_VERBS + OPERATIVE_VERBS
            assert part.kind == ("preamble" if part.verb in PREAMBLE_VERBS else "operative")


def test_every_key_is_unique_within_its_resolution(seed: ParsedDocument) -> None:
    for resolution in seed.resolutions:
        part_keys = [part.key for part in resolution.parts]
        item_keys = [item.key for item in resolution.iter_items()]
        assert len(part_keys) == len(set(part_keys)), resolution.number
        assert len(item_keys) == len(set(item_keys)), resolution.number


def test_item_keys_are_part_key_slash_label(seed: ParsedDocument) -> None:
    res73 = seed.get(73)
    assert [c.key for c in res73.parts[1].items[-1].children] == [
        "instructs.2/9/i)",
        "instructs.2/9/ii)",
        "instructs.2/9/iii)",
    ]
    assert seed.get(50).parts[3].items[1].key == "instructs.2/7"
    # A single unnumbered paragraph is identified by its part key.
    assert seed.get(29).parts[0].items[0].key == "instructs.1"


def test_part_keys_count_parts_per_verb(seed: ParsedDocument) -> None:
    for resolution in seed.resolutions:
        for part in resolution.parts:
            assert re.fullmatch(rf"{part.verb}\.[1-9]\d*", part.key)


def test_item_lines_point_at_the_source_line(seed: ParsedDocument) -> None:
    lines = SEED.read_text(encoding="utf-8").split("\n")
    item = seed.get(44).parts[2].items[7]
    assert item.label == "8"
    assert item.line == 202
    assert lines[item.line - 1].startswith("8\tto report on the implementation")
    assert seed.get(72).parts[2].items[0].children[1].line == 322


def test_res2_resolves_to_encourage_is_a_plain_resolves_item(seed: ParsedDocument) -> None:
    (item,) = seed.get(2).parts[0].items
    assert item.text.startswith("to encourage ITU-T study groups to conduct work")
    assert item.directive is None


ALL_VERBS = """\
RESOLUTION 1 (Rev. Hammamet, 2016)
A synthetic resolution using every verb form
considering further
a)\tthat one;
b)bis\tthat two;
bearing in mind
that three,
recognizing also
a)\tfour,
resolves
1\tthat five;
further resolves
to do six,
requests the Secretary-General
to do seven;
calls upon Member States
1\tto do eight;
encourages Sector Members
to do nine,
further invites Associates
to do ten,
"""


def test_every_verb_form_of_the_grammar() -> None:
    (resolution,) = parse_text(ALL_VERBS).resolutions
    assert resolution.revision_text == "Rev. Hammamet, 2016"
    assert [(p.verb, p.heading, outline(p)) for p in resolution.parts] == [
        ("considering", "considering further", "a) b)bis"),
        ("bearing_in_mind", "bearing in mind", "¶"),
        ("recognizing", "recognizing also", "a)"),
        ("resolves", "resolves", "1"),
        ("resolves_further", "further resolves", "¶"),
        ("requests", "requests", "¶"),
        ("calls_upon", "calls upon", "1"),
        ("encourages", "encourages", "¶"),
        ("invites", "further invites", "¶"),
    ]
    assert set(PREAMBLE_VERBS) | set(OPERATIVE_VERBS) >= {p.verb for p in resolution.parts}
    owners = [
        (i.key, i.directive.strength, i.directive.owner)
        for i in resolution.iter_items()
        if i.directive
    ]
    assert owners == [
        ("requests.1", "requests", "GS"),
        ("calls_upon.1/1", "calls_upon", "MS"),
        ("encourages.1", "encourages", "SM"),
        ("invites.1", "invites", "ASSOC"),
    ]


def test_the_parsers_vocabulary_is_the_models_vocabulary():
    """The parser is pure and spells verbs, strengths and recipients itself; they must
    stay the values the models accept, or an import would store what no choice knows."""
    from actions.choices import ReportingRecipient, Strength
    from resolutions.choices import ClauseVerb, PartKind
    from resolutions.parsing.types import (
        DIRECTIVE_STRENGTH,
        OPERATIVE_VERBS,
        PREAMBLE_VERBS,
        REPORT_TARGETS,
        SECTION_VERBS,
    )

    assert set(PREAMBLE_VERBS) | set(OPERATIVE_VERBS) | set(SECTION_VERBS) == set(ClauseVerb.values)
    assert {"preamble", "operative", "section"} == set(PartKind.values)
    assert set(DIRECTIVE_STRENGTH.values()) == set(Strength.values)
    assert set(REPORT_TARGETS) == set(ReportingRecipient.values)


NESTED_SUB_ITEMS = """\
RESOLUTION 112 (New Delhi, 2024)
Strengthening capacity building on standards implementation
instructs the Director of the Telecommunication Standardization Bureau
1\tto organize, within available resources, the following:
a)\tregional workshops, covering:
i)\tconformity assessment;
ii)\tinteroperability testing;
b)\tonline courses, covering:
i)\tquality of service;
ii)\tsecurity;
h)\tnot nested;
i)\tthe letter after h);
2\tto report to TSAG on the results,
"""


def test_roman_sub_items_of_lettered_ones_in_an_operative_part_are_kept_apart() -> None:
    (resolution,) = parse_text(NESTED_SUB_ITEMS).resolutions
    (first, second) = resolution.parts[0].items

    assert [child.label for child in first.children] == [
        "a)",
        "a)i)",
        "a)ii)",
        "b)",
        "b)i)",
        "b)ii)",
        "h)",
        "i)",
    ]
    assert first.children[5].text == "security;"
    assert first.directive.owner == "TSB"
    assert second.label == "2"


FOOTNOTE_AT_END = """\
RESOLUTION 111 (New Delhi, 2024)
Building confidence and security in the use of telecommunications/ICTs
considering
a)\tthat digital trust is essential for developing countries1;
invites Member States
1\tto contribute to the work of Study Group 17,
_______________
1\tThese include the least developed countries, small island developing states,
landlocked developing countries and countries with economies in transition.
"""


def test_footnotes_written_under_the_separator_line_at_the_end_are_footnotes() -> None:
    (resolution,) = parse_text(FOOTNOTE_AT_END).resolutions

    considering, invites = resolution.parts
    assert [item.text for item in invites.items] == ["to contribute to the work of Study Group 17,"]
    (note,) = considering.items[0].footnotes
    assert note.number == "1"
    assert note.text.startswith("These include the least developed countries")
    assert note.text.endswith("countries with economies in transition.")


def test_text_under_a_separator_line_that_is_not_footnotes_is_read_as_before() -> None:
    rule = "_______________\n"
    text = FOOTNOTE_AT_END.replace(rule, rule + "instructs Study Group 17\n")

    (resolution,) = parse_text(text).resolutions

    assert [part.verb for part in resolution.parts] == ["considering", "invites", "instructs"]
    assert resolution.parts[2].items[0].text.startswith("These include")


def test_lettered_items_of_an_operative_part_keep_their_roman_sub_items_apart() -> None:
    text = """\
RESOLUTION 113 (New Delhi, 2024)
Lettered items
resolves
a)\tto study the following:
i)\tsecurity;
ii)\tprivacy;
b)\tto report on:
i)\tprogress;
ii)\tgaps;
c)\tto publish the results,
"""
    (resolution,) = parse_text(text).resolutions

    assert [
        (item.label, [c.label for c in item.children]) for item in resolution.parts[0].items
    ] == [
        ("a)", ["i)", "ii)"]),
        ("b)", ["i)", "ii)"]),
        ("c)", []),
    ]
