"""The order in which a resolution's operative items are read, listed and numbered.

The one rule, used by the import when it numbers actions, by the migration
that renumbered existing ones, and by the resolution page:

1. Parts by the strength of their verb: instructs, further instructs,
   requests, calls upon, invites, encourages. Other parts (the preamble,
   "resolves") come before them, as the text has them.
2. Among parts with the same verb, the part whose first item has the lowest
   number first; parts with no numbered item after those; then as written.
   A part is identified by its verb and addressee, so "instructs all study
   groups 6" comes after "instructs the Director of TSB 1–9".
3. Within a part, by item number: ``6`` before ``6bis`` before ``6ter``
   before ``7``; lettered items (``a)``, ``b)bis``) by letter; items without
   a label after the numbered ones, as written.

Sub-items follow their parent. Anything with ``verb``, ``addressee``,
``label``, ``order`` and ``parent_id`` can be ordered: the model, a
migration's historical model or a test's stand-in.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from typing import Protocol, TypeVar

from .choices import ClauseVerb

__all__ = ["VERB_RANK", "item_number", "reading_order", "reading_order_key"]

# Strongest first: what ITU is told to do before what it merely invites.
VERB_RANK: dict[str, int] = {
    ClauseVerb.INSTRUCTS: 1,
    ClauseVerb.FURTHER_INSTRUCTS: 2,
    ClauseVerb.REQUESTS: 3,
    ClauseVerb.CALLS_UPON: 4,
    ClauseVerb.INVITES: 5,
    ClauseVerb.ENCOURAGES: 6,
}

# Latin ordinals that follow an inserted item's number, in their order.
_SUFFIXES = ("", "bis", "ter", "quater", "quinquies", "sexies", "septies", "octies")
_LABEL = re.compile(r"^\s*(?:(\d+)|([a-z]))\s*\)?\s*([a-z]*)", re.IGNORECASE)
_NO_NUMBER = (1 << 30, 0)


class ClauseLike(Protocol):
    verb: str
    addressee: str
    label: str
    order: int
    parent_id: int | None


C = TypeVar("C", bound=ClauseLike)


def item_number(label: str) -> tuple[int, int] | None:
    """``"6"`` → (6, 0), ``"6bis"`` → (6, 1), ``"b)ter"`` → (2, 2); no number → None."""
    match = _LABEL.match(label or "")
    if match is None:
        return None
    digits, letter, suffix = match.groups()
    base = int(digits) if digits else ord(letter.lower()) - ord("a") + 1
    suffix = suffix.lower()
    rank = _SUFFIXES.index(suffix) if suffix in _SUFFIXES else len(_SUFFIXES)
    return base, rank


def _part(clause: ClauseLike) -> tuple[str, str]:
    return clause.verb, " ".join((clause.addressee or "").split()).casefold()


def reading_order_key(clauses: Iterable[ClauseLike]) -> Callable[[ClauseLike], tuple]:
    """A sort key for top-level clauses of one resolution, given all those to be ordered.

    The key needs the whole text (or at least the clauses being ordered) because
    a part's place depends on its first item's number.
    """
    starts: dict[tuple[str, str], tuple] = {}
    for clause in clauses:
        number = item_number(clause.label) or _NO_NUMBER
        start = (*number, clause.order)
        part = _part(clause)
        if part not in starts or start < starts[part]:
            starts[part] = start

    def key(clause: ClauseLike) -> tuple:
        rank = VERB_RANK.get(clause.verb)
        if rank is None:
            # Preamble and "resolves" keep their place ahead of the directives.
            return (0, (0, 0, clause.order), 0, 0, clause.order)
        number = item_number(clause.label) or _NO_NUMBER
        # A clause not among those given stands as a part of its own.
        start = starts.get(_part(clause), (*number, clause.order))
        return (rank, start, *number, clause.order)

    return key


def reading_order(clauses: Sequence[C]) -> list[C]:
    """The top-level clauses in reading order (sub-items are left out: they follow their parent)."""
    top = [clause for clause in clauses if clause.parent_id is None]
    return sorted(top, key=reading_order_key(top))
