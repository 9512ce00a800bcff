"""Who carries out an operative item: owner, collaborators and reporting duties.

The owner comes from the part's addressee ("instructs the Director of TSB, in
collaboration with ...") or, when the part has none, from the start of the item
("ITU-T Study Group 17 to support ..."). Collaborators come only from
co-addressees and from explicit cooperation phrases (collaboration, cooperation,
liaison, joint work, support/assistance of a body): a body that is merely
mentioned ("studies in ITU-R, ITU-T and ITU-D", "Recommendation ITU-T E.161.1")
is not a collaborator.
"""

from __future__ import annotations

import re

from .bodies import (
    BODY_CODES,
    MEMBERSHIP,
    Mention,
    body_at,
    find_bodies,
    is_itu_t,
    resolve_relative,
)
from .types import Directive

_COLLABORATION = re.compile(
    r"\b(?:collaborat\w*|co-?operat\w*|work(?:s|ing)?\s+closely|liais\w*|jointly|joint\s+work)"
    r"(?:\s+[\w-]+){0,4}?\s+(?:with|among|amongst)\s+"
    r"|\bwith\s+the\s+assistance\s+of\s+",
    re.IGNORECASE,
)
# "to support the BDT Director", "to support BDT in ...", "to assist the ISCG":
# the supported body must follow the verb directly.
_SUPPORT = re.compile(
    r"\b(?:support(?:s|ing)?|assist(?:s|ing)?)\s+"
    r"(?:the\s+)?(?:Directors?\s+of\s+(?:the\s+)?)?",
    re.IGNORECASE,
)
# Where the list of partners after "in collaboration with" ends. A comma ends it
# unless the list goes on with "and with ..." (Res 72 "with ITU-R Study Groups,
# and with ITU-D Study Group 2").
_SPAN_END = re.compile(
    r"[;:.]|,(?!\s*(?:and\s+)?with\b)"
    r"|\s(?:to|in\s+order|so\s+as|on|for|in|by|when|where|which|that|taking|alongside"
    r"|including|within|as|through|regarding|concerning|providing)\b",
    re.IGNORECASE,
)
_IN_PARTICULAR = re.compile(r"\bin\s+particular\b", re.IGNORECASE)
# The infinitive that ends an addressee: "Member States and Sector Members to
# cooperate ...". "to the", "subject to available ..." are prepositions.
_INFINITIVE = re.compile(
    r"(?:^|[\s,])(?<!subject )(?<!according )(?<!pursuant )(?<!regard )(?<!addition )"
    r"(?<!due )(?<!prior )(?<!related )(?<!relating )"
    r"(to\s+(?!(?:the|a|an|this|these|its|their|available|all)\b)[a-z])"
)

# A reporting duty is the word "report" followed, in the same clause (up to ";"),
# by "to/and <recipient>". "budget proposal to Council" is not a report; "report
# to ISCG and the respective Sector advisory groups" is read as TSAG for an
# ITU-T owner (Res 18 invites 2); "the world telecommunication standardization
# assembly" and "future assemblies" both mean the next WTSA.
_REPORT = re.compile(r"\breport(?:s|ing|ed)?\b", re.IGNORECASE)
_REPORT_WINDOW_END = re.compile(r";|\.(?=\s+[A-Z]|\s*$)")
_TO = r"\b(?:to|and)\s+(?:the\s+)?"
_REPORT_TARGETS: list[tuple[str, re.Pattern[str]]] = [
    ("council", re.compile(_TO + r"(?:ITU\s+)?Council\b", re.IGNORECASE)),
    (
        "next_wtsa",
        re.compile(
            _TO + r"(?:next\s+|future\s+|each\s+)?(?:world\s+telecommunication\s+"
            r"standardization\s+assembl(?:y|ies)|WTSAs?\b)",
            re.IGNORECASE,
        ),
    ),
    (
        "pp",
        re.compile(_TO + r"(?:next\s+|future\s+)?(?:plenipotentiary\s+conferences?|PP\b)", re.I),
    ),
    (
        "tsag",
        re.compile(
            _TO + r"(?:TSAG\b|Telecommunication\s+Standardization\s+Advisory\s+Group"
            r"|respective\s+Sector\s+advisory\s+groups)",
            re.IGNORECASE,
        ),
    ),
]
_REPORT_WINDOW = 1000
_ANNUAL = re.compile(r"\b(?:annual(?:ly)?|each\s+year|every\s+year|yearly)\b", re.IGNORECASE)
# "to report on progress in implementing this resolution", "… on the application of
# this resolution": the duty covers the whole resolution, not only its own item.
# "the action plan annexed to this resolution" or "with a view to reviewing this
# resolution" do not.
_WHOLE_RESOLUTION = re.compile(
    r"\b(?:implement(?:s|ing|ed)?|implementation\s+of|appl(?:ying|ication\s+of))"
    r"\s+this\s+resolution\b",
    re.IGNORECASE,
)
_ANNUAL_REPORT = re.compile(r"\b(?:annual|yearly)\s+$", re.IGNORECASE)


def split_addressee(text: str) -> tuple[str, str]:
    """Split "Member States to cooperate ..." into ("Member States", "to cooperate ...").

    Returns ``(text, "")`` when no infinitive follows.
    """
    match = _INFINITIVE.search(text)
    if match is None:
        return text.strip(" ,;:"), ""
    if match.start(1) == 0:
        return "", text.strip()
    return text[: match.start(1)].strip(" ,;:"), text[match.start(1) :].strip()


def collaboration_codes(text: str) -> list[str]:
    """Bodies named as partners in cooperation phrases of ``text`` (relative markers kept)."""
    codes: list[str] = []
    for trigger in _COLLABORATION.finditer(text):
        # Searching from a position (not a slice of the rest) keeps a long item linear.
        end = _SPAN_END.search(text, trigger.end())
        span = text[trigger.end() : end.start() if end else len(text)]
        codes.extend(code for mention in find_bodies(span) for code in mention.codes)
    for trigger in _SUPPORT.finditer(text):
        # Only a body right after the verb counts.
        mention = body_at(text, trigger.end())
        if mention is not None:
            codes.extend(code for code in mention.codes if code not in MEMBERSHIP)
    return codes


def _report_duties(text: str) -> list[tuple[str, bool]]:
    """Each reporting duty of an item, and whether it covers the whole resolution."""
    found: list[tuple[str, bool]] = []
    for match in _REPORT.finditer(text):
        # A reporting clause is a sentence, not a page: bounding the window keeps
        # an item with many "report"s and no ";" linear.
        limit = min(len(text), match.start() + _REPORT_WINDOW)
        end = _REPORT_WINDOW_END.search(text, match.start(), limit)
        window = text[match.start() : end.start() if end else limit]
        # "annually to the Council", "each year", or "an annual report to Council".
        annual = _ANNUAL.search(window) or _ANNUAL_REPORT.search(
            text, max(0, match.start() - 20), match.start()
        )
        whole = _WHOLE_RESOLUTION.search(window) is not None
        for target, pattern in _REPORT_TARGETS:
            if pattern.search(window):
                found.append(
                    ("council_annual" if target == "council" and annual else target, whole)
                )
    return found


def reports_to(text: str) -> tuple[str, ...]:
    """Reporting obligations of an item: council(_annual), next_wtsa, pp, tsag."""
    return tuple(sorted({target for target, _whole in _report_duties(text)}))


def resolution_reports_to(text: str) -> tuple[str, ...]:
    """The item's reporting duties that cover the whole resolution ("… this resolution")."""
    return tuple(sorted({target for target, whole in _report_duties(text) if whole}))


def _principal_mentions(principal: str) -> list[Mention]:
    mentions = find_bodies(principal)
    particular = _IN_PARTICULAR.search(principal)
    if particular:
        # "ITU-T, in particular Study Group 5": the named group is the addressee;
        # the Sector it belongs to is only the setting.
        narrowed = [m for m in mentions if m.start > particular.start()]
        if narrowed:
            return narrowed + [
                m for m in mentions if m.start < particular.start() and not m.sector_level
            ]
    return mentions


def _addressee_bodies(addressee: str) -> tuple[list[str], list[str]]:
    """Principal addressees and collaborators named by an addressee phrase."""
    trigger = _COLLABORATION.search(addressee)
    principal = addressee[: trigger.start()] if trigger else addressee
    principals = [code for m in _principal_mentions(principal) for code in m.codes]
    partners = collaboration_codes(addressee[trigger.start() :]) if trigger else []
    return resolve_relative(principals, None), partners


def _choose_owner(principals: list[str]) -> tuple[str | None, list[str]]:
    """The ITU-T co-addressee if any (the tracker is kept by TSB), else the first."""
    unique = list(dict.fromkeys(principals))
    if not unique:
        return None, []
    owner = next((code for code in unique if is_itu_t(code)), unique[0])
    return owner, [code for code in unique if code != owner]


def analyse_directive(strength: str, addressee: str, item_text: str) -> Directive:
    """Build the ``Directive`` of one item of a directive part.

    ``item_text`` is the item's text followed by the text of its sub-items.
    """
    principals, partners = _addressee_bodies(addressee)
    body_text = item_text
    if not addressee.strip() and not re.match(r"(?i)(?:to|that)\b", item_text):
        item_addressee, body_text = split_addressee(item_text)
        principals, partners = _addressee_bodies(item_addressee)
    owner, co_addressees = _choose_owner(principals)
    partners = resolve_relative(partners + collaboration_codes(body_text), owner)
    collaborators = {
        code for code in co_addressees + partners if code in BODY_CODES and code != owner
    }
    return Directive(
        strength=strength,
        owner=owner,
        collaborators=tuple(sorted(collaborators)),
        reports_to=reports_to(item_text),
        resolution_reports_to=resolution_reports_to(item_text),
    )
