"""Owners, collaborators and reporting duties of directive items (seed and synthetic)."""

from __future__ import annotations

from pathlib import Path

import pytest

from resolutions.parsing import Directive, ParsedDocument, ParsedItem, parse_text
from resolutions.parsing.bodies import BODY_CODES
from resolutions.parsing.directives import analyse_directive, reports_to
from resolutions.parsing.types import REPORT_TARGETS

SEED = Path(__file__).resolve().parents[2] / "fixtures" / "wtsa20_itud_background.txt"


@pytest.fixture(scope="module")
def seed() -> ParsedDocument:
    return parse_text(SEED.read_text(encoding="utf-8"))


def item(document: ParsedDocument, number: int, key: str) -> ParsedItem:
    (found,) = [i for i in document.get(number).iter_items() if i.key == key]
    return found


def directive(document: ParsedDocument, number: int, key: str) -> Directive:
    found = item(document, number, key).directive
    assert found is not None, f"Res {number} {key} has no directive"
    return found


# (resolution, item key, strength, owner, collaborators), checked against the seed text.
OWNERS = [
    (18, "invites.1/1", "invites", "TSAG", ("ISCG", "RAG", "TDAG")),
    (18, "invites.1/2", "invites", "TSB", ("BDT", "BR", "ISC-TF")),
    (18, "instructs.1/1", "instructs", "T-SGS", ("D-SGS", "R-SGS")),
    (29, "instructs.1", "instructs", "TSB", ("BDT",)),
    (44, "instructs.1/1", "instructs", "TSB", ("BDT", "BR")),
    (44, "instructs.1/3", "instructs", "TSB", ("BDT", "BR", "RO")),
    (44, "instructs.1/9", "instructs", "TSB", ("BDT", "BR", "RO")),
    (44, "instructs.1/10", "instructs", "TSB", ("BDT", "BR")),
    (44, "further_instructs.1/1", "instructs", "T-SGS", ()),
    (44, "further_instructs.1/3", "instructs", "T-SGS", ("D-SGS",)),
    (44, "invites.1/1", "invites", "TSB", ("BDT", "BR")),
    (44, "invites.1/2", "invites", "TSB", ()),
    (50, "instructs.1/2", "instructs", "T-SG17", ("TSB",)),
    (50, "instructs.2/1", "instructs", "TSB", ()),
    (50, "instructs.2/7", "instructs", "TSB", ("BDT",)),
    (50, "instructs.2/10", "instructs", "TSB", ("BDT",)),
    (52, "instructs.1/2", "instructs", "T-SGS", ("BDT",)),
    (52, "further_instructs.1/2", "instructs", "T-SG17", ("D-SG2",)),
    (54, "instructs.1/2", "instructs", "T-SGS", ("TSAG",)),
    (54, "instructs.2/1", "instructs", "TSB", ("BDT",)),
    (54, "calls_upon.1/1", "calls_upon", "TSB", ("BDT", "BR")),
    (58, "instructs.1/3", "instructs", "TSB", ("BDT",)),
    (58, "invites.1", "invites", "MS", ("BDT", "SM", "TSB")),
    (64, "instructs.1/1", "instructs", "TSB", ("BDT",)),
    (64, "instructs.1/4", "instructs", "TSB", ("BDT",)),
    (69, "invites.1", "invites", "TSB", ("BDT", "BR")),
    (70, "invites.1/1", "invites", "TSB", ("BDT", "BR")),
    (70, "invites.1/2", "invites", "TSB", ("BDT",)),
    (70, "invites.1/7", "invites", "TSB", ("BDT",)),
    (70, "invites.2/3", "invites", "MS", ("SM",)),
    (72, "invites.1", "invites", "T-SG5", ("D-SG2", "R-SGS")),
    (72, "instructs.1/1", "instructs", "TSB", ("BDT", "BR")),
    (72, "instructs.1/6", "instructs", "TSB", ("BDT", "BR")),
    (73, "instructs.1/6", "instructs", "T-SGS", ("D-SGS", "R-SGS")),
    (73, "instructs.2/1", "instructs", "TSB", ("BDT", "BR")),
    (73, "instructs.2/2", "instructs", "TSB", ("BDT", "BR")),
    (76, "instructs.1/1", "instructs", "TSB", ("BDT",)),
    (76, "instructs.1/4", "instructs", "TSB", ("BDT",)),
    (78, "instructs.1/1", "instructs", "TSB", ("BDT", "BR")),
    (78, "instructs.1/3", "instructs", "TSB", ("BDT", "BR")),
    (79, "instructs.1/4", "instructs", "TSB", ("BDT",)),
    (83, "instructs.1", "instructs", "TSB", ("BDT", "BR")),
    (84, "invites.1/1", "invites", "TSB", ("BDT",)),
    (86, "instructs.1/1", "instructs", "TSB", ("BDT",)),
    (88, "instructs.1/1", "instructs", "TSB", ("BDT",)),
    (89, "instructs.1/4", "instructs", "TSB", ("BDT", "BR")),
    (92, "instructs.1", "instructs", "T-SG3", ()),
    (92, "instructs.2", "instructs", "T-SG5", ()),
    (92, "instructs.3", "instructs", "T-SG12", ()),
    (92, "instructs.4", "instructs", "T-SG13", ()),
    (92, "instructs.5/1", "instructs", "TSB", ()),
    (92, "encourages.1/2", "encourages", "TSB", ("BDT", "BR")),
    (95, "instructs.1/3", "instructs", "TSB", ("BDT",)),
    (96, "instructs.1/3", "instructs", "TSB", ("BDT",)),
    (96, "instructs.2/1", "instructs", "TSB", ("BDT", "BR")),
    (97, "instructs.1/2", "instructs", "TSB", ("BDT", "BR")),
    (98, "instructs.1/3", "instructs", "TSB", ("BDT", "BR")),
    (100, "instructs.1/1", "instructs", "TSB", ("BDT",)),
]


@pytest.mark.parametrize(("number", "key", "strength", "owner", "collaborators"), OWNERS)
def test_owner_and_collaborators_of_seed_items(
    seed: ParsedDocument,
    number: int,
    key: str,
    strength: str,
    owner: str,
    collaborators: tuple[str, ...],
) -> None:
    found = directive(seed, number, key)
    assert (found.strength, found.owner, found.collaborators) == (strength, owner, collaborators)


def test_only_known_body_codes_are_emitted_and_owner_is_never_a_collaborator(
    seed: ParsedDocument,
) -> None:
    for resolution in seed.resolutions:
        for found in (i.directive for i in resolution.iter_items() if i.directive):
            assert found.owner in BODY_CODES
            assert set(found.collaborators) <= BODY_CODES
            assert found.owner not in found.collaborators
            assert list(found.collaborators) == sorted(found.collaborators)
            assert set(found.reports_to) <= set(REPORT_TARGETS)


def test_res18_invites_2_names_the_three_bureaux_by_short_codes_and_isc_tf(
    seed: ParsedDocument,
) -> None:
    # "the Directors of the Radiocommunication (BR), Telecommunication Standardization
    # (TSB) and Telecommunication Development (BDT) Bureaux and ISC TF to report ..."
    found = directive(seed, 18, "invites.1/2")
    assert found.owner == "TSB"
    assert found.collaborators == ("BDT", "BR", "ISC-TF")


def test_res52_further_instructs_2_reads_the_owner_from_the_start_of_the_item(
    seed: ParsedDocument,
) -> None:
    part = seed.get(52).parts[1]
    assert part.addressee == ""
    assert directive(seed, 52, "further_instructs.1/2").owner == "T-SG17"


def test_res72_other_two_bureaux_are_bdt_and_br_for_the_tsb_director(
    seed: ParsedDocument,
) -> None:
    for key in (f"instructs.1/{n}" for n in range(1, 8)):
        assert directive(seed, 72, key).collaborators == ("BDT", "BR")


def test_res73_other_bureaux_are_bdt_and_br_for_the_tsb_director(seed: ParsedDocument) -> None:
    assert directive(seed, 73, "instructs.2/5").collaborators == ("BDT", "BR")


def test_res78_resolves_to_instruct_is_an_instruction_of_the_tsb_director(
    seed: ParsedDocument,
) -> None:
    part = seed.get(78).parts[2]
    assert (part.verb, part.heading) == ("instructs", "resolves to instruct")
    assert part.kind == "operative"
    assert directive(seed, 78, "instructs.1/4") == Directive("instructs", "TSB", ("BDT", "BR"), ())


def test_res78_who_and_academia_in_a_collaboration_phrase_are_not_itu_bodies(
    seed: ParsedDocument,
) -> None:
    text = item(seed, 78, "instructs.1/3").text
    assert "with WHO, academia" in text
    assert "ACAD" not in directive(seed, 78, "instructs.1/3").collaborators


def test_res83_director_of_tsb_is_the_owner(seed: ParsedDocument) -> None:
    assert directive(seed, 83, "instructs.1").owner == "TSB"


def test_res84_citing_resolution_196_adds_no_collaborator(seed: ParsedDocument) -> None:
    assert "Resolution 196 (Rev. Dubai, 2018)" in item(seed, 84, "invites.1/1").text
    assert directive(seed, 84, "invites.1/1").collaborators == ("BDT",)


def test_res100_recommendation_itu_t_is_not_a_collaborator(seed: ParsedDocument) -> None:
    assert "Recommendation ITU-T E.161.1" in item(seed, 100, "instructs.1/1").text
    assert directive(seed, 100, "instructs.1/1").collaborators == ("BDT",)


def test_res70_participating_in_studies_of_the_sectors_is_not_collaboration(
    seed: ParsedDocument,
) -> None:
    # "to participate actively in accessibility-related studies in ITU-R, ITU-T and ITU-D"
    assert directive(seed, 70, "invites.2/3").collaborators == ("SM",)


def test_res96_who_and_wto_as_stakeholders_are_not_collaborators(seed: ParsedDocument) -> None:
    assert "World Health Organization (WHO)" in item(seed, 96, "instructs.1/3").text
    assert directive(seed, 96, "instructs.1/3").collaborators == ("BDT",)


def test_resolves_and_preamble_items_have_no_directive(seed: ParsedDocument) -> None:
    for resolution in seed.resolutions:
        for part in resolution.parts:
            if part.verb in ("resolves", "resolves_further") or part.kind == "preamble":
                assert all(i.directive is None for i in part.items), (resolution.number, part.key)


def test_sub_items_carry_no_directive_only_their_numbered_parent(seed: ParsedDocument) -> None:
    calls_upon = seed.get(54).parts[2].items[0]
    assert calls_upon.directive is not None
    assert [child.directive for child in calls_upon.children] == [None, None, None]


def test_res72_sub_items_give_collaborators_to_their_parent(seed: ParsedDocument) -> None:
    # vii) "cooperating on these issues with ITU-R Study Groups, and with ITU-D Study Group 2"
    assert directive(seed, 72, "invites.1").collaborators == ("D-SG2", "R-SGS")


# Every reporting obligation in the seed; any other item reports to nobody.
REPORTS = {
    (18, "invites.1/2"): ("tsag",),
    (44, "instructs.1/8"): ("next_wtsa", "pp"),
    (44, "instructs.1/12"): ("council",),
    (70, "invites.1/1"): ("council",),
    (72, "instructs.1/7"): ("next_wtsa",),
    (73, "instructs.2/1"): ("council_annual", "next_wtsa"),
    (89, "instructs.1/1"): ("council_annual", "next_wtsa"),
    (98, "instructs.1/6"): ("next_wtsa",),
    (100, "instructs.1/2"): ("next_wtsa",),
}


def test_res73_instructs_1_reports_annually_to_council_and_to_next_wtsa(
    seed: ParsedDocument,
) -> None:
    assert directive(seed, 73, "instructs.2/1").reports_to == ("council_annual", "next_wtsa")


def test_res44_instructs_8_reports_to_future_assemblies_and_plenipotentiaries(
    seed: ParsedDocument,
) -> None:
    assert directive(seed, 44, "instructs.1/8").reports_to == ("next_wtsa", "pp")


def test_res44_instructs_12_reports_to_council(seed: ParsedDocument) -> None:
    assert directive(seed, 44, "instructs.1/12").reports_to == ("council",)


def test_res44_instructs_7_budget_proposal_to_council_is_not_a_report(
    seed: ParsedDocument,
) -> None:
    assert "budget proposal to Council" in item(seed, 44, "instructs.1/7").text
    assert directive(seed, 44, "instructs.1/7").reports_to == ()


def test_res72_instructs_7_reports_to_next_wtsa(seed: ParsedDocument) -> None:
    assert directive(seed, 72, "instructs.1/7").reports_to == ("next_wtsa",)


def test_reporting_obligations_of_the_whole_seed(seed: ParsedDocument) -> None:
    found = {
        (resolution.number, i.key): i.directive.reports_to
        for resolution in seed.resolutions
        for i in resolution.iter_items()
        if i.directive and i.directive.reports_to
    }
    assert found == REPORTS


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("to report each year to the Council on progress", ("council_annual",)),
        ("to submit an annual report to Council and to WTSA", ("council_annual", "next_wtsa")),
        ("to send a report to TSAG", ("tsag",)),
        ("to report to the Plenipotentiary Conference", ("pp",)),
        ("to report on the outcome;", ()),
        ("to report on progress, and to cooperate with the Council secretariat", ()),
    ],
)
def test_reporting_phrases(text: str, expected: tuple[str, ...]) -> None:
    assert reports_to(text) == expected


@pytest.mark.parametrize(
    ("addressee", "text", "owner", "collaborators"),
    [
        (
            "the Director of the Telecommunication Development Bureau, in collaboration with "
            "the Directors of the other Bureaux",
            "to assist Member States",
            "BDT",
            ("BR", "TSB"),
        ),
        ("the Secretary-General", "to cooperate with ITU-R on this matter", "GS", ("BR",)),
        ("RAG, TSAG and TDAG", "to meet jointly with ITU-D", "TSAG", ("BDT", "RAG", "TDAG")),
        (
            "Member States",
            "to support the Telecommunications Development Bureau in its work",
            "MS",
            ("BDT",),
        ),
        (
            "the TSB Director",
            "to work closely with the Directors of the three Bureaux",
            "TSB",
            ("BDT", "BR"),
        ),
        ("ITU regional offices", "to inform Sector Members", "RO", ()),
        ("the Director of TSB", "to support Member States and Associates", "TSB", ()),
        ("Academia", "to participate in studies", "ACAD", ()),
        ("the ISCG", "to liaise with ITU-D Study Group 1", "ISCG", ("D-SG1",)),
        ("an unnamed committee", "to cooperate with the BDT Director", None, ("BDT",)),
    ],
)
def test_synthetic_addressees_and_collaboration_phrases(
    addressee: str, text: str, owner: str | None, collaborators: tuple[str, ...]
) -> None:
    found = analyse_directive("instructs", addressee, text)
    assert (found.owner, found.collaborators) == (owner, collaborators)
