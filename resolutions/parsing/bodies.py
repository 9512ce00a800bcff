"""Recognition of ITU bodies (bureaux, groups, membership) in clause text.

Only the codes in ``BODY_CODES`` are ever emitted. A mention is found by a
pattern and yields one or more codes, or a *relative* marker ("the other
Bureaux") that ``directives`` resolves against the owner of the directive.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

BODY_CODES: frozenset[str] = frozenset(
    {
        "TSB", "BDT", "BR", "GS",
        "TSAG", "TDAG", "RAG",
        "T-SG2", "T-SG3", "T-SG5", "T-SG9", "T-SG11", "T-SG12", "T-SG13",
        "T-SG15", "T-SG16", "T-SG17", "T-SG20", "T-SGS", "T-RG",
        "D-SG1", "D-SG2", "D-SGS", "R-SGS",
        "RO", "MS", "SM", "ASSOC", "ACAD", "ISCG", "ISC-TF",
    }
)  # fmt: skip
ITU_T_SG_NUMBERS: frozenset[str] = frozenset(
    {"2", "3", "5", "9", "11", "12", "13", "15", "16", "17", "20"}
)
ITU_D_SG_NUMBERS: frozenset[str] = frozenset({"1", "2"})
BUREAUX: tuple[str, ...] = ("TSB", "BDT", "BR")
# Relative markers, resolved once the owner is known.
OTHER_BUREAUX = "@other-bureaux"
ALL_BUREAUX = "@all-bureaux"
OTHER_SECTOR_SGS = "@other-sector-study-groups"
# Membership categories are beneficiaries when "supported" or "assisted", never
# partners in the work, so support phrases ignore them.
MEMBERSHIP: frozenset[str] = frozenset({"MS", "SM", "ASSOC", "ACAD"})

_SECTOR_OF: dict[str, str] = {
    "TSB": "T", "TSAG": "T", "T-SGS": "T", "T-RG": "T",
    "BDT": "D", "TDAG": "D", "D-SGS": "D", "D-SG1": "D", "D-SG2": "D",
    "BR": "R", "RAG": "R", "R-SGS": "R",
}  # fmt: skip
_BUREAU_OF_SECTOR = {"T": "TSB", "D": "BDT", "R": "BR"}
_SGS_OF_SECTOR = {"T": "T-SGS", "D": "D-SGS", "R": "R-SGS"}


@dataclass(frozen=True)
class Mention:
    """A body named in a text: its codes, span, and whether it names a whole Sector."""

    codes: tuple[str, ...]
    start: int
    end: int
    sector_level: bool = False


def sector_of(code: str | None) -> str:
    """The Sector ("T", "D" or "R") of a body code; ITU-T for anything else (a WTSA text)."""
    if code is None:
        return "T"
    if code.startswith("T-SG"):
        return "T"
    return _SECTOR_OF.get(code, "T")


def is_itu_t(code: str) -> bool:
    """Whether the body belongs to ITU-T (the tracker is kept by TSB)."""
    return code in {"TSB", "TSAG", "T-SGS", "T-RG"} or code.startswith("T-SG")


def resolve_relative(codes: list[str], owner: str | None) -> list[str]:
    """Replace relative markers ("the other Bureaux") with codes for this owner."""
    home = sector_of(owner)
    resolved: list[str] = []
    for code in codes:
        if code == OTHER_BUREAUX:
            resolved.extend(b for b in BUREAUX if b != _BUREAU_OF_SECTOR[home])
        elif code == ALL_BUREAUX:
            resolved.extend(BUREAUX)
        elif code == OTHER_SECTOR_SGS:
            resolved.extend(_SGS_OF_SECTOR[s] for s in "TDR" if s != home)
        else:
            resolved.append(code)
    return resolved


Handler = Callable[[re.Match[str]], tuple[str, ...]]


def _fixed(*codes: str) -> Handler:
    return lambda _match: codes


def _itu_t_groups(match: re.Match[str]) -> tuple[str, ...]:
    numbers = re.findall(r"\d+", match.group(0))
    return tuple(f"T-SG{n}" for n in numbers if n in ITU_T_SG_NUMBERS)


def _itu_d_group(match: re.Match[str]) -> tuple[str, ...]:
    number = re.search(r"\d+", match.group(0))
    if number and number.group(0) in ITU_D_SG_NUMBERS:
        return (f"D-SG{number.group(0)}",)
    return ("D-SGS",)


def _two_sector_groups(match: re.Match[str]) -> tuple[str, ...]:
    letters = re.findall(r"ITU-([RDT])", match.group(0), re.IGNORECASE)
    return tuple(_SGS_OF_SECTOR[letter.upper()] for letter in letters)


_Rule = tuple[str, Handler, bool]
_N = r"\d+"
_TELECOM = r"Telecommunications?"


def _rule(pattern: str, handler: Handler | str, sector_level: bool = False) -> _Rule:
    if isinstance(handler, str):
        handler = _fixed(handler)
    return pattern, handler, sector_level


# At a given position the first rule that matches wins, so longer names come
# before their prefixes ("ITU-D Study Group 2" before "ITU-D"). Rules are
# case-insensitive except membership categories, where the capital tells ITU
# "Academia" members from academia in general.
_RULES: list[_Rule] = [
    _rule(r"(?i:study\s+groups\s+of\s+the\s+other\s+(?:two\s+)?Sectors)", OTHER_SECTOR_SGS),
    _rule(r"(?i:ITU-[RDT]\s+and\s+ITU-[RDT]\s+study\s+groups)", _two_sector_groups),
    _rule(r"(?i:regional\s+groups\s+of\s+(?:the\s+)?(?:ITU-T\s+)?study\s+groups)", "T-RG"),
    _rule(r"(?i:ITU-T\s+regional\s+groups|regional\s+groups)", "T-RG"),
    _rule(rf"(?i:ITU-D\s+Study\s+Group\s+{_N})", _itu_d_group),
    _rule(
        rf"(?i:Study\s+Group\s+{_N}\s+of\s+the\s+(?:ITU\s+)?{_TELECOM}\s+Development\s+Sector"
        r"(?:\s*\(ITU-D\))?)",
        _itu_d_group,
    ),
    _rule(r"(?i:ITU-D\s+study\s+groups)", "D-SGS"),
    _rule(rf"(?i:ITU-R\s+study\s+groups?(?:\s+{_N})?)", "R-SGS"),
    _rule(
        rf"(?i:(?:ITU-T\s+)?Study\s+Groups?\s+{_N}(?:\s*,\s*{_N})*(?:\s+and\s+{_N})?)",
        _itu_t_groups,
    ),
    _rule(r"(?i:(?:ITU-T\s+)?study\s+groups)", "T-SGS"),
    _rule(r"(?i:(?:ITU\s+)?regional\s+offices)", "RO"),
    _rule(rf"(?i:{_TELECOM}\s+Standardization\s+Advisory\s+Group|\bTSAG\b)", "TSAG"),
    _rule(rf"(?i:{_TELECOM}\s+Development\s+Advisory\s+Group|\bTDAG\b)", "TDAG"),
    _rule(r"(?i:Radiocommunication\s+Advisory\s+Group|\bRAG\b)", "RAG"),
    _rule(rf"(?i:{_TELECOM}\s+Standardization\s+Bureau|\bTSB\b)", "TSB"),
    _rule(rf"(?i:{_TELECOM}\s+Development\s+Bureau|\bBDT\b)", "BDT"),
    _rule(r"(?i:Radiocommunication\s+Bureau|\bBR\b)", "BR"),
    _rule(r"(?i:the\s+other\s+(?:two\s+)?Bureaux)", OTHER_BUREAUX),
    _rule(r"(?i:the\s+three\s+Bureaux)", ALL_BUREAUX),
    _rule(r"(?i:(?:the\s+)?other\s+(?:two\s+)?(?:ITU\s+)?Sectors)", OTHER_BUREAUX, True),
    _rule(r"(?i:(?:the\s+)?(?:three|all)\s+(?:ITU\s+)?Sectors|ITU\s+Sectors)", ALL_BUREAUX, True),
    _rule(r"(?i:Secretary-General|General\s+Secretariat)", "GS"),
    _rule(r"(?i:Intersector\s+Coordination\s+Group|\bISCG\b)", "ISCG"),
    _rule(r"(?i:Inter-Sectoral\s+Coordination\s+Task\s+Force|\bISC[\s-]TF\b)", "ISC-TF"),
    _rule(r"\bMember\s+States\b", "MS"),
    _rule(r"\bSector\s+Members\b", "SM"),
    _rule(r"\bAssociates\b", "ASSOC"),
    _rule(r"\bAcademia\b", "ACAD"),
    _rule(rf"(?i:(?:ITU\s+)?{_TELECOM}\s+Development\s+Sector|\bITU-D\b)", "BDT", True),
    _rule(r"(?i:(?:ITU\s+)?Radiocommunication\s+Sector|\bITU-R\b)", "BR", True),
    _rule(rf"(?i:(?:ITU\s+)?{_TELECOM}\s+Standardization\s+Sector|\bITU-T\b)", "TSB", True),
]
_COMBINED = re.compile("|".join(f"(?P<r{i}>{rule[0]})" for i, rule in enumerate(_RULES)))
# A mention of a Recommendation or a resolution ("Recommendation ITU-T E.161.1")
# names a document, not a body.
_DOCUMENT_PREFIX = re.compile(r"(?i:Recommendations?|Resolutions?)\s*$")
# Only this much text before a mention is looked at for that prefix: searching
# everything before every mention made a long item quadratic.
_PREFIX_WINDOW = 64


def find_bodies(text: str) -> list[Mention]:
    """All body mentions in ``text``, left to right, without overlaps."""
    mentions: list[Mention] = []
    for match in _COMBINED.finditer(text):
        index = int(match.lastgroup[1:]) if match.lastgroup else -1
        _pattern, handler, sector_level = _RULES[index]
        if _DOCUMENT_PREFIX.search(text, max(0, match.start() - _PREFIX_WINDOW), match.start()):
            continue
        codes = handler(match)
        if codes:
            mentions.append(Mention(codes, match.start(), match.end(), sector_level))
    return mentions


def body_at(text: str, position: int) -> Mention | None:
    """The body named exactly at ``position`` of ``text``, if any."""
    match = _COMBINED.match(text, position)
    if match is None or match.lastgroup is None:
        return None
    _pattern, handler, sector_level = _RULES[int(match.lastgroup[1:])]
    codes = handler(match)
    return Mention(codes, match.start(), match.end(), sector_level) if codes else None
