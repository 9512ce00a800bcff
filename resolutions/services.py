"""Writing resolution texts into assemblies, resolutions, clauses and references.

The parser (``resolutions.parsing``) reads a document into dataclasses;
``resolution_plan`` works out, by reading only, what one parsed resolution
changes in these rows, and ``resolution_plan_apply`` writes it. Planning holds
no write lock, so a preview (which only plans) never blocks staff, and the
transaction that applies a plan is short because the work was done before it.
Both write only this app's rows and say what became of each clause, so that
the import pipeline (``actions.importing``) can make, keep, continue or flag
the actions those clauses call for. Re-syncing the same text writes nothing; a
revised text updates the clauses that changed and withdraws (never deletes)
those no longer in it. A text imported into a later assembly is linked to the
resolution of the same number it revises, clause by clause.
"""

from __future__ import annotations

import datetime
import difflib
import hashlib
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .choices import RevisionMarker
from .models import Assembly, Clause, Resolution, ResolutionReference
from .parsing import Directive, Footnote, ParsedItem, ParsedPart, ParsedResolution
from .parsing.cleaning import quote
from .parsing.directives import analyse_directive
from .parsing.types import DIRECTIVE_STRENGTH

# Clause fields the import owns; a difference in any of them is a change.
CLAUSE_FIELDS = ("part", "verb", "heading", "addressee", "label", "text", "footnotes", "order")


class ImportRefused(Exception):
    """The document cannot be imported as it is; nothing was written."""


class PlanOutdated(ImportRefused):
    """The rows changed between planning and applying (another import ran): plan again."""


@dataclass
class ResolutionSync:
    """What syncing one parsed resolution did to its rows, and what its clauses need.

    ``new_directives`` are directive clauses that have no action yet, in text
    order, with the parsed item that says who owns them; ``reworded`` and
    ``withdrawn`` are clauses whose action (if any) someone must review.
    """

    resolution: Resolution
    label: str
    created: bool = False
    changed: bool = False
    changes: list[str] = field(default_factory=list)
    clauses_created: int = 0
    clauses_updated: int = 0
    clauses_withdrawn: int = 0
    new_directives: list[tuple[Clause, ParsedItem]] = field(default_factory=list)
    reworded: list[Clause] = field(default_factory=list)
    withdrawn: list[Clause] = field(default_factory=list)
    # Across assemblies: the previous version's clause each new clause
    # continues (by the new clause's key), and the previous clauses the new
    # text dropped.
    continues: dict[str, Clause] = field(default_factory=dict)
    dropped: list[Clause] = field(default_factory=list)
    previous_directives: dict[str, Directive] = field(default_factory=dict)


# The assembly that adopts WTSA texts names itself in their preface; any other
# name is another conference's text (PP, WTDC, RA), whatever its number.
_WTSA_PREFACE = re.compile(r"^The\s+World\s+Telecommunication\s+Standardization\s+Assembly\b", re.I)
_YEAR = re.compile(r"\b(?:19|20)\d\d\b")
# Places as an assembly may be recorded locally, by the name ITU prints in English.
_PLACE_NAMES = {"geneve": "geneva", "genf": "geneva", "ginevra": "geneva"}


def _place_key(place: str) -> str:
    """A place compared without regard to accents, case, spacing or a country after it."""
    place = re.split(r"[,(]", place)[0]
    plain = unicodedata.normalize("NFKD", place).encode("ascii", "ignore").decode()
    key = " ".join(plain.casefold().split())
    return _PLACE_NAMES.get(key, key)


def _years(text: str) -> set[int]:
    return {int(year) for year in _YEAR.findall(text)}


def _assembly_years(assembly: Assembly) -> set[int]:
    return {assembly.start_date.year, assembly.end_date.year}


def _dated_elsewhere(revision: str, assembly: Assembly) -> bool:
    """Whether a dating ("Rev. Geneva, 2022") names years, none of them ``assembly``'s."""
    years = _years(revision)
    return bool(years) and not years & _assembly_years(assembly)


def _datings(parsed: ParsedResolution) -> list[tuple[str, str]]:
    """How the text dates itself: its heading ("Rev. Geneva, 2022") and its preface, worded."""
    # The brackets that date the preface: "(WTSA-20) (Geneva, 2022)" names its place second.
    named = next(
        (group for group in re.findall(r"\(([^()]*)\)", parsed.preface) if _YEAR.search(group)),
        "",
    )
    return [
        (_("is headed (%(revision)s)"), parsed.revision_text),
        (_("says it was adopted in (%(revision)s)"), named),
    ]


def earlier_assemblies_reprinted(
    resolutions: list[ParsedResolution], assembly: Assembly
) -> list[Assembly]:
    """The assemblies before ``assembly`` whose texts its document may reprint unchanged.

    An assembly's set of resolutions reprints those it kept unchanged as they
    were, dated by the assembly that last revised them ("RESOLUTION 69 (Rev.
    Geneva, 2022)" in WTSA-24's). Such a text is read as kept only beside
    texts dated to ``assembly`` itself (or not dated), or to correct texts
    ``assembly`` holds as kept already: a document of other earlier texts
    alone was imported into the wrong assembly.
    """
    beside_own = any(
        not any(_dated_elsewhere(revision, assembly) for _w, revision in _datings(parsed))
        for parsed in resolutions
    )
    if not beside_own:
        kept = assembly.resolutions.filter(marker=RevisionMarker.UNCHANGED)
        if not {p.number for p in resolutions} <= set(kept.values_list("number", flat=True)):
            return []
    return list(Assembly.objects.filter(start_date__lt=assembly.start_date))


def check_assembly(
    parsed: ParsedResolution, assembly: Assembly, *, earlier: list[Assembly] | None = None
) -> None:
    """Refuse a text of another conference, or one naming another assembly's place or year.

    The heading ("Rev. Geneva, 2022") and the preface ("The World
    Telecommunication Standardization Assembly (Geneva, 2022),") are both
    checked: PP-22 (Bucharest) and WTDC-22 (Kigali) met in WTSA-20's year, so
    the year alone let their texts overwrite WTSA resolutions of the same number.
    A text dated by one of the ``earlier`` assemblies, at its place, is one
    ``assembly`` kept unchanged (``earlier_assemblies_reprinted``).
    """
    if parsed.preface and not _WTSA_PREFACE.match(parsed.preface):
        conference = re.split(r"[(,]", parsed.preface)[0].strip()
        raise ImportRefused(
            _(
                "Resolution %(number)d is not a WTSA text: it was adopted by %(conference)s "
                "(its text says %(preface)s), and only resolutions of the World "
                "Telecommunication Standardization Assembly can be imported."
            )
            % {
                "number": parsed.number,
                "conference": conference[:1].lower() + conference[1:80],
                "preface": quote(parsed.preface),
            }
        )
    for wording, revision in _datings(parsed):
        described = _("Resolution %(number)d") % {"number": parsed.number} + " "
        described += wording % {"revision": revision}
        met = assembly
        if _dated_elsewhere(revision, assembly):
            years = _years(revision)
            met = next((a for a in earlier or [] if years & _assembly_years(a)), None)
            if met is None:
                raise ImportRefused(
                    _(
                        "%(described)s, which is not %(assembly)s: choose the assembly that "
                        "adopted this text."
                    )
                    % {"described": described, "assembly": assembly}
                )
        place = _YEAR.sub("", re.sub(r"^\s*Rev\b\.?", "", revision, flags=re.I)).strip(" ,;.")
        if place and _place_key(place) != _place_key(met.place):
            raise ImportRefused(
                _(
                    "%(described)s, which names %(place)s, not %(assembly_place)s where "
                    "%(assembly)s met: choose the assembly that adopted this text."
                )
                % {
                    "described": described,
                    "place": place,
                    "assembly_place": met.place,
                    "assembly": met.code,
                }
            )


def check_no_later_version(numbers: list[int], assembly: Assembly) -> None:
    """Refuse a new text of ``assembly`` where a later assembly's version is imported already.

    Lineage runs forwards: a later text is linked to the one it revises when
    it is imported, so an earlier one arriving after it would stand beside it
    unlinked, with its actions open a second time. Correcting a text the
    assembly already has is not refused.
    """
    present = set(assembly.resolutions.values_list("number", flat=True))
    later = (
        Resolution.objects.select_related("assembly")
        .filter(number__in=set(numbers) - present, assembly__start_date__gt=assembly.start_date)
        .order_by("number", "assembly__start_date")
    )
    found = list(later[:5])
    if found:
        raise ImportRefused(
            ngettext(
                "%(later)s, of a later assembly, is imported already: a text of %(assembly)s "
                "imported now would not be linked to it. Import the assemblies' texts in the "
                "order the assemblies met, the earliest first.",
                "%(later)s, of later assemblies, are imported already: texts of %(assembly)s "
                "imported now would not be linked to them. Import the assemblies' texts in "
                "the order the assemblies met, the earliest first.",
                len(found),
            )
            % {
                "later": ", ".join(
                    _("Resolution %(number)d (%(assembly)s)")
                    % {"number": r.number, "assembly": r.assembly.code}
                    for r in found
                ),
                "assembly": assembly.code,
            }
        )


def heading_marker(revision: str, assembly: Assembly) -> str:
    """What ``assembly`` did to a resolution, read from its heading's dating, or "" if undated.

    "Rev. New Delhi, 2024" in WTSA-24's set is revised, "New Delhi, 2024" new,
    and an earlier assembly's dating is a text kept unchanged.
    """
    if not _years(revision):
        return ""
    if _dated_elsewhere(revision, assembly):
        return RevisionMarker.UNCHANGED
    if re.match(r"\s*Rev\b", revision, flags=re.I):
        return RevisionMarker.REVISED
    return RevisionMarker.NEW


def _source_hash(parsed: ParsedResolution) -> str:
    return hashlib.sha256(parsed.source_text.encode()).hexdigest()


@dataclass
class ClauseStep:
    """What becomes of one parsed item: a new clause, or a stored one updated or kept."""

    part: ParsedPart
    item: ParsedItem
    parent_key: str | None
    values: dict[str, Any]
    clause: Clause | None = None
    differing: list[str] = field(default_factory=list)

    @property
    def needs_action(self) -> bool:
        return bool(self.item.directive) and (
            self.clause is None or not hasattr(self.clause, "action")
        )


@dataclass
class ResolutionPlan:
    """Everything syncing one parsed resolution would write, worked out by reading only.

    ``sync`` is the report of what applying it does (its clause lists name
    stored clauses; clauses still to be made appear once applied).
    """

    parsed: ParsedResolution
    assembly: Assembly
    values: dict[str, Any]
    sync: ResolutionSync
    # What the rows looked like when planned: applying checks they still do.
    seen: tuple[int | None, datetime.datetime | None]
    steps: list[ClauseStep] = field(default_factory=list)
    withdrawn: list[Clause] = field(default_factory=list)
    rekeyed: list[Clause] = field(default_factory=list)
    stale_references: list[int] = field(default_factory=list)
    fresh_references: list[ResolutionReference] = field(default_factory=list)
    predecessor: Resolution | None = None
    # Previous version's clause for each new item key; previous clauses dropped.
    continues: dict[str, Clause] = field(default_factory=dict)
    dropped: list[Clause] = field(default_factory=list)
    # Who the previous text named for each continued directive item, to tell
    # whether the new text changed the owner or collaborators.
    previous_directives: dict[str, Directive] = field(default_factory=dict)

    @property
    def resolution(self) -> Resolution | None:
        return None if self.sync.created else self.sync.resolution


def predecessor_of(*, number: int, assembly: Assembly) -> Resolution | None:
    """The same resolution in the latest assembly before ``assembly``, if it has one."""
    return (
        Resolution.objects.select_related("assembly")
        .filter(number=number, assembly__start_date__lt=assembly.start_date)
        .order_by("-assembly__start_date")
        .first()
    )


def resolution_plan(*, parsed: ParsedResolution, assembly: Assembly) -> ResolutionPlan:
    """Work out, reading only, what syncing one parsed resolution would write."""
    values = {
        "title": parsed.title,
        # The overview table says it; a Word file's heading dates the text.
        "marker": parsed.marker or heading_marker(parsed.revision_text, assembly),
        "overview": parsed.overview,
        "revision_text": parsed.revision_text,
        "footnotes": _footnotes(parsed.footnotes),
        "source_text": parsed.source_text,
        "source_hash": _source_hash(parsed),
    }
    resolution = (
        Resolution.objects.select_related("assembly", "revises")
        .filter(assembly=assembly, number=parsed.number)
        .first()
    )
    label = _("Resolution %(number)d") % {"number": parsed.number}
    if resolution is None:
        sync = ResolutionSync(
            Resolution(assembly=assembly, number=parsed.number, **values),
            label,
            created=True,
            changed=True,
        )
        sync.changes.append(_("%(label)s: new") % {"label": label})
        if parsed.skipped_headings:
            # Annex titles and the like are not clauses; say so rather than drop them unseen.
            sync.changes.append(
                _("%(label)s: headings not imported as clauses: %(headings)s")
                % {"label": label, "headings": "; ".join(parsed.skipped_headings)}
            )
        seen: tuple[int | None, datetime.datetime | None] = (None, None)
    else:
        sync = ResolutionSync(resolution, label)
        # A Word file holds no overview table: keep the marker and overview
        # the seed gave rather than blanking them.
        for kept in ("marker", "overview", "revision_text"):
            if not values[kept]:
                values.pop(kept)
        differing = [name for name, value in values.items() if getattr(resolution, name) != value]
        values = {name: values[name] for name in differing}
        sync.changes.extend(
            _("%(label)s: %(field)s changed") % {"label": label, "field": name}
            for name in differing
            if name != "source_hash"
        )
        sync.changed = bool(differing)
        seen = (resolution.pk, resolution.imported_at)
    plan = ResolutionPlan(parsed=parsed, assembly=assembly, values=values, sync=sync, seen=seen)
    if resolution is None or resolution.revises_id is None:
        plan.predecessor = _unrevised_predecessor(parsed.number, assembly)
        if plan.predecessor is not None:
            sync.changed = True
            sync.changes.append(
                _("%(label)s: revises the text of %(assembly)s")
                % {"label": label, "assembly": plan.predecessor.assembly.code}
            )
    _plan_references(plan, resolution)
    _plan_clauses(plan, resolution)
    return plan


def _unrevised_predecessor(number: int, assembly: Assembly) -> Resolution | None:
    previous = predecessor_of(number=number, assembly=assembly)
    if previous is None or Resolution.objects.filter(revises=previous).exists():
        return None
    return previous


def resolution_plan_apply(*, plan: ResolutionPlan, now: datetime.datetime) -> ResolutionSync:
    """Write a plan; run it inside the caller's transaction.

    Refuses with ``PlanOutdated`` if the resolution changed since it was
    planned (another import got there first), so nothing stale is written.
    """
    sync = plan.sync
    current = (
        Resolution.objects.filter(assembly=plan.assembly, number=plan.parsed.number)
        .values_list("pk", "imported_at")
        .first()
    )
    if (current or (None, None)) != plan.seen:
        raise PlanOutdated(
            _("%(label)s changed while the import was being prepared: run it again.")
            % {"label": sync.label}
        )
    resolution = sync.resolution
    if sync.created:
        resolution.imported_at = now
        resolution.revises = plan.predecessor
        resolution.save()
    elif sync.changed:
        for name, value in plan.values.items():
            setattr(resolution, name, value)
        if plan.predecessor is not None:
            resolution.revises = plan.predecessor
        resolution.imported_at = now
        resolution.save()
    if plan.stale_references:
        ResolutionReference.objects.filter(pk__in=plan.stale_references).delete()
    for reference in plan.fresh_references:
        reference.resolution = resolution
    ResolutionReference.objects.bulk_create(plan.fresh_references)
    _apply_clauses(plan, resolution)
    sync.continues = plan.continues
    sync.dropped = plan.dropped
    sync.previous_directives = plan.previous_directives
    return sync


def resolution_sync(
    *, parsed: ParsedResolution, assembly: Assembly, now: datetime.datetime
) -> ResolutionSync:
    """Create or update one resolution, its references and its clauses from the text."""
    return resolution_plan_apply(plan=resolution_plan(parsed=parsed, assembly=assembly), now=now)


def _plan_references(plan: ResolutionPlan, resolution: Resolution | None) -> None:
    parsed = plan.parsed
    wanted = {(ref.conference, ref.number, ref.year): ref for ref in parsed.cross_references}
    existing = (
        {(r.conference, r.number, r.year): r for r in resolution.references.all()}
        if resolution is not None
        else {}
    )
    plan.stale_references = [ref.pk for key, ref in existing.items() if key not in wanted]
    plan.fresh_references = [
        ResolutionReference(
            conference=ref.conference,
            number=ref.number,
            is_revision=ref.is_revision,
            place=ref.place,
            year=ref.year,
            text=ref.text,
        )
        for key, ref in wanted.items()
        if key not in existing
    ]
    if plan.stale_references or plan.fresh_references:
        plan.sync.changed = True
        if resolution is not None:
            plan.sync.changes.append(
                _("%(label)s: cited resolutions %(added)d added, %(removed)d removed")
                % {
                    "label": plan.sync.label,
                    "added": len(plan.fresh_references),
                    "removed": len(plan.stale_references),
                }
            )


def _flatten(parts: list[ParsedPart]) -> Iterator[tuple[ParsedPart, ParsedItem, str | None]]:
    """Every item in source order with its part and its parent's key."""
    for part in parts:
        for item in part.items:
            yield part, item, None
            for child in item.children:
                yield part, child, item.key


def _footnotes(footnotes: list[Footnote]) -> list[dict[str, str]]:
    return [{"number": footnote.number, "text": footnote.text} for footnote in footnotes]


def _clause_values(part: ParsedPart, item: ParsedItem, order: int) -> dict[str, Any]:
    return {
        "part": part.kind,
        "verb": part.verb,
        "heading": part.heading,
        "addressee": part.addressee,
        "label": item.label,
        "text": item.text,
        "footnotes": _footnotes(item.footnotes),
        "order": order,
    }


def _match_clauses(
    items: list[tuple[ParsedPart, ParsedItem, str | None]], clauses: list[Clause]
) -> dict[str, Clause]:
    """Pair parsed items with stored clauses: by their words first, then by key.

    Keys number parts and items as the text does, so a revision that inserts
    an item or a part renumbers everything after it; the same words under a
    new number are still the same clause, and keep their action, status and
    reports. An item whose words changed is recognised by its key.
    """
    by_words: dict[tuple[str, str], list[Clause]] = {}
    for clause in clauses:
        by_words.setdefault((clause.verb, clause.text), []).append(clause)
    by_key = {clause.key: clause for clause in clauses}
    matched: dict[str, Clause] = {}
    taken: set[int] = set()
    for part, item, _parent in items:
        candidates = [c for c in by_words.get((part.verb, item.text), []) if c.pk not in taken]
        if candidates:
            # The same words twice in one resolution: prefer the one at this key.
            pick = next((c for c in candidates if c.key == item.key), candidates[0])
            matched[item.key] = pick
            taken.add(pick.pk)
    for _part, item, _parent in items:
        clause = by_key.get(item.key)
        if item.key not in matched and clause is not None and clause.pk not in taken:
            matched[item.key] = clause
            taken.add(clause.pk)
    return matched


# How alike (share of words in order) a reworded item must be to the previous
# assembly's item to continue it; below this it is a new item and the old one
# was dropped. Numbers are not trusted across assemblies: each revision
# renumbers freely.
REVISION_SIMILARITY = 0.6


def _match_revision(
    items: list[tuple[ParsedPart, ParsedItem, str | None]], previous: list[Clause]
) -> dict[str, Clause]:
    """Pair a later assembly's items with the previous version's clauses, by their words."""
    return _pair_by_words([(item.key, part.verb, item.text) for part, item, _p in items], previous)


def _pair_by_words(wanted: list[tuple[str, str, str]], previous: list[Clause]) -> dict[str, Clause]:
    """Pair (key, verb, text) entries with earlier clauses: the same words, else alike words.

    For a reworded entry, the most alike clause of the same verb that nothing
    else took, if it is alike enough (ties go to the clause at the same key).
    """
    by_words: dict[tuple[str, str], list[Clause]] = {}
    for clause in previous:
        by_words.setdefault((clause.verb, clause.text), []).append(clause)
    matched: dict[str, Clause] = {}
    taken: set[int] = set()
    for key, verb, text in wanted:
        candidates = [c for c in by_words.get((verb, text), []) if c.pk not in taken]
        if candidates:
            matched[key] = candidates[0]
            taken.add(candidates[0].pk)
    words = {clause.pk: clause.text.split() for clause in previous}
    for key, verb, text in wanted:
        if key in matched:
            continue
        candidates = [c for c in previous if c.pk not in taken and c.verb == verb]
        best = _most_alike(text, key, candidates, words)
        if best is not None:
            matched[key] = best
            taken.add(best.pk)
    return matched


def _most_alike(
    text: str, key: str, candidates: list[Clause], words: dict[int, list[str]]
) -> Clause | None:
    """The candidate whose words are most alike ``text``, if alike enough; ties go to the
    one at ``key``, then to the first. Alike: the share of words in common, in order
    (``SequenceMatcher.ratio`` of the candidate's words against the text's, 0 to 1).

    The same answer as scoring every candidate, in a fraction of the time: the
    text's words are indexed once, and a candidate is scored in full only if
    the cheap upper bound of its score (``quick_ratio``) could still win, so a
    text with a thousand items stays quick.
    """
    matcher = difflib.SequenceMatcher(None, autojunk=False)
    matcher.set_seq2(text.split())
    bounded = []
    for index, clause in enumerate(candidates):
        matcher.set_seq1(words[clause.pk])
        bounded.append((matcher.quick_ratio(), clause.key == key, -index, clause))
    bounded.sort(key=lambda entry: entry[:3], reverse=True)
    best = None
    for upper, same_key, rank, clause in bounded:
        if upper < REVISION_SIMILARITY or (best and (upper, same_key) < best[:2]):
            break  # neither this one nor any after it can score higher
        matcher.set_seq1(words[clause.pk])
        scored = (matcher.ratio(), same_key, rank, clause)
        if best is None or scored[:3] > best[:3]:
            best = scored
    return best[3] if best and best[0] >= REVISION_SIMILARITY else None


def clause_pairs(
    *, before: list[Clause], after: list[Clause]
) -> list[tuple[Clause | None, Clause | None]]:
    """Each clause of a later version beside the earlier clause it revises (or None).

    In the later text's order; earlier clauses it dropped follow, each alone.
    """
    matched = _pair_by_words([(c.key, c.verb, c.text) for c in after], before)
    pairs: list[tuple[Clause | None, Clause | None]] = [(matched.get(c.key), c) for c in after]
    kept = {clause.pk for clause in matched.values()}
    pairs.extend((clause, None) for clause in before if clause.pk not in kept)
    return pairs


def _plan_clauses(plan: ResolutionPlan, resolution: Resolution | None) -> None:
    sync = plan.sync
    stored = list(resolution.clauses.select_related("action")) if resolution else []
    items = list(_flatten(plan.parsed.parts))
    matched = _match_clauses(items, stored)
    kept = {clause.pk for clause in matched.values()}
    plan.withdrawn = [c for c in stored if c.pk not in kept and not c.is_withdrawn]
    plan.rekeyed = [c for key, c in matched.items() if c.key != key]
    if plan.predecessor is not None:
        previous = list(
            plan.predecessor.clauses.current().select_related("action").order_by("order")
        )
        plan.continues = _match_revision(items, previous)
        carried = {clause.pk for clause in plan.continues.values()}
        plan.dropped = [c for c in previous if c.pk not in carried]
        children: dict[int, list[str]] = {}
        for clause in previous:
            if clause.parent_id:
                children.setdefault(clause.parent_id, []).append(clause.text)
        for _part, item, _parent in items:
            before = plan.continues.get(item.key)
            if item.directive and before is not None and before.text != item.text:
                # The action carried on keeps its owner and status: say what changed.
                was, now = words_changed(before.text, item.text)
                sync.changes.append(
                    _(
                        "%(label)s: clause %(key)s carries on %(assembly)s clause %(old)s, "
                        "reworded: “%(before)s” becomes “%(after)s”"
                    )
                    % {
                        "label": sync.label,
                        "key": item.key,
                        "assembly": plan.predecessor.assembly.code,
                        "old": before.key,
                        "before": was,
                        "after": now,
                    }
                )
            strength = DIRECTIVE_STRENGTH.get(before.verb) if before else None
            if item.directive and strength:
                text = " ".join([before.text, *children.get(before.pk, [])])
                plan.previous_directives[item.key] = analyse_directive(
                    strength, before.addressee, text
                )
    for order, (part, item, parent_key) in enumerate(items, start=1):
        step = ClauseStep(part, item, parent_key, _clause_values(part, item, order))
        step.clause = matched.get(item.key)
        plan.steps.append(step)
        if step.clause is None:
            sync.clauses_created += 1
            sync.changed = True
            continue
        clause = step.clause
        step.differing = [n for n in CLAUSE_FIELDS if getattr(clause, n) != step.values[n]]
        parent = matched.get(parent_key) if parent_key else None
        moved = clause.parent_id != (parent.pk if parent else None) or (
            parent_key is not None and parent is None
        )
        if step.differing or moved or clause.is_withdrawn or clause.key != item.key:
            sync.clauses_updated += 1
            sync.changed = True
            if clause.key != item.key:
                sync.changes.append(
                    _("%(label)s: clause %(old)s is now %(new)s")
                    % {"label": sync.label, "old": clause.key, "new": item.key}
                )
            wording = {"text", "addressee", "verb", "heading"} & set(step.differing)
            if wording:
                values = {
                    "label": sync.label,
                    "key": item.key,
                    "fields": ", ".join(sorted(wording)),
                    "text": _excerpt(item.text),
                }
                if "text" in wording:
                    values["before"], values["after"] = words_changed(clause.text, item.text)
                    message = _(
                        "%(label)s: clause %(key)s changed (%(fields)s): “%(before)s” "
                        "becomes “%(after)s”"
                    )
                else:
                    message = _("%(label)s: clause %(key)s changed (%(fields)s): “%(text)s”")
                sync.changes.append(message % values)
                sync.reworded.append(clause)
        else:
            step.differing = []
        if step.needs_action:
            sync.changed = True
    for clause in plan.withdrawn:
        sync.clauses_withdrawn += 1
        sync.changed = True
        sync.changes.append(
            _("%(label)s: clause %(key)s is no longer in the text: “%(text)s”")
            % {"label": sync.label, "key": clause.key, "text": _excerpt(clause.text)}
        )
        sync.withdrawn.append(clause)
    if plan.predecessor is not None:
        for clause in plan.dropped:
            sync.changes.append(
                _("%(label)s: %(assembly)s clause %(key)s was dropped: “%(text)s”")
                % {
                    "label": sync.label,
                    "assembly": plan.predecessor.assembly.code,
                    "key": clause.key,
                    "text": _excerpt(clause.text),
                }
            )


def _apply_clauses(plan: ResolutionPlan, resolution: Resolution) -> None:
    sync = plan.sync
    # Keys are unique within a resolution: move every key that changes out of
    # the way first, so that clauses can swap keys.
    for clause in plan.rekeyed + plan.withdrawn:
        Clause.objects.filter(pk=clause.pk).update(key=f"~{clause.pk}")
    # New clauses go in two batches, items before their sub-items, so that a
    # sub-item can point at a parent that is itself new.
    clauses: dict[str, Clause] = {}
    for step in plan.steps:
        if step.clause is not None:
            clauses[step.item.key] = step.clause
        else:
            clauses[step.item.key] = Clause(
                resolution=resolution,
                key=step.item.key,
                source_line=step.item.line,
                **step.values,
            )
    for sub_items in (False, True):
        batch = [
            step
            for step in plan.steps
            if step.clause is None and bool(step.parent_key) == sub_items
        ]
        for step in batch:
            clauses[step.item.key].parent = clauses[step.parent_key] if step.parent_key else None
        Clause.objects.bulk_create([clauses[step.item.key] for step in batch])
    for step in plan.steps:
        clause, item = clauses[item_key := step.item.key], step.item
        parent = clauses[step.parent_key] if step.parent_key else None
        if step.clause is not None:
            moved = clause.parent_id != (parent.pk if parent else None)
            if step.differing or moved or clause.is_withdrawn or clause.key != item_key:
                for name in step.differing:
                    setattr(clause, name, step.values[name])
                clause.key, clause.parent = item_key, parent
                clause.source_line, clause.is_withdrawn = item.line, False
                clause.save()
        if step.needs_action:
            sync.new_directives.append((clause, item))
    for clause in plan.withdrawn:
        # Kept under a key no item can take, so a later import can re-use the old one.
        clause.key = f"{clause.key}~{clause.pk}"[:100]
        clause.is_withdrawn = True
        clause.save(update_fields=["key", "is_withdrawn"])


def words_changed(before: str, after: str, *, context: int = 4, most: int = 30) -> tuple[str, str]:
    """The stretch of words that differs between two texts, with a few words either side.

    A reviewer sees what changed ("…awareness of IPv6 deployment" becomes
    "…awareness of IPv6-only deployment"), wherever in a long item it is; a
    long stretch keeps its ends and drops its middle.
    """
    old, new = before.split(), after.split()
    changes = [
        op for op in difflib.SequenceMatcher(None, old, new).get_opcodes() if op[0] != "equal"
    ]
    if not changes:  # spacing alone
        return _excerpt(before), _excerpt(after)
    first, last = changes[0], changes[-1]

    def stretch(words: list[str], start: int, end: int) -> str:
        start, end = max(start - context, 0), min(end + context, len(words))
        shown = words[start:end]
        if len(shown) > most:
            shown = [*shown[: most // 2], "…", *shown[-(most // 2) :]]
        text = " ".join(shown)
        return ("…" if start else "") + text + ("…" if end < len(words) else "")

    return stretch(old, first[1], last[2]), stretch(new, first[3], last[4])


def _excerpt(text: str, length: int = 80) -> str:
    return text if len(text) <= length else text[: length - 1].rsplit(" ", 1)[0] + "…"


def resolution_suppress(*, resolution: Resolution, by: Assembly) -> None:
    """Mark a resolution that a later assembly did not keep; its text stays as history."""
    Resolution.objects.filter(pk=resolution.pk).update(suppressed_by=by)
    resolution.suppressed_by = by


def suppressed_candidates(*, assembly: Assembly, kept: set[int]) -> list[Resolution]:
    """The resolutions in force before ``assembly`` whose numbers it did not keep.

    In force: adopted by any earlier assembly and neither revised nor
    suppressed since, so a text no assembly touched for decades is counted too.
    """
    return list(
        Resolution.objects.select_related("assembly")
        .filter(
            assembly__start_date__lt=assembly.start_date,
            suppressed_by__isnull=True,
            revised_by__isnull=True,
        )
        .exclude(number__in=kept)
        .order_by("number", "assembly__start_date")
    )
