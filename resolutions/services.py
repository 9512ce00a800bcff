"""Writing resolution texts into assemblies, resolutions, clauses and references.

The parser (``resolutions.parsing``) reads a document into dataclasses;
``resolution_sync`` maps one parsed resolution onto these rows. It writes
only this app's rows and says what became of each clause, so that the import
pipeline (``actions.importing``), which runs it inside its transaction, can
make, keep or flag the actions those clauses call for. Re-syncing the same
text writes nothing; a revised text updates the clauses that changed and
withdraws (never deletes) those no longer in it.
"""

from __future__ import annotations

import datetime
import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from .models import Assembly, Clause, Resolution, ResolutionReference
from .parsing import Footnote, ParsedItem, ParsedPart, ParsedResolution

# Clause fields the import owns; a difference in any of them is a change.
CLAUSE_FIELDS = ("part", "verb", "heading", "addressee", "label", "text", "footnotes", "order")


class ImportRefused(Exception):
    """The document cannot be imported as it is; nothing was written."""


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


def check_assembly(parsed: ParsedResolution, assembly: Assembly) -> None:
    """Refuse a text whose heading names another assembly's year ("Rev. Geneva, 2022")."""
    years = {int(year) for year in re.findall(r"\b(?:19|20)\d\d\b", parsed.revision_text)}
    if years and not years & {assembly.start_date.year, assembly.end_date.year}:
        raise ImportRefused(
            _(
                "Resolution %(number)d is headed (%(revision)s), which is not %(assembly)s: "
                "choose the assembly that adopted this text."
            )
            % {"number": parsed.number, "revision": parsed.revision_text, "assembly": assembly}
        )


def _source_hash(parsed: ParsedResolution) -> str:
    return hashlib.sha256(parsed.source_text.encode()).hexdigest()


def resolution_sync(
    *, parsed: ParsedResolution, assembly: Assembly, now: datetime.datetime
) -> ResolutionSync:
    """Create or update one resolution, its references and its clauses from the text."""
    values = {
        "title": parsed.title,
        "marker": parsed.marker,
        "overview": parsed.overview,
        "revision_text": parsed.revision_text,
        "footnotes": _footnotes(parsed.footnotes),
        "source_text": parsed.source_text,
        "source_hash": _source_hash(parsed),
    }
    resolution = Resolution.objects.filter(assembly=assembly, number=parsed.number).first()
    label = _("Resolution %(number)d") % {"number": parsed.number}
    if resolution is None:
        resolution = Resolution.objects.create(
            assembly=assembly, number=parsed.number, imported_at=now, **values
        )
        sync = ResolutionSync(resolution, label, created=True, changed=True)
        sync.changes.append(_("%(label)s: new") % {"label": label})
        if parsed.skipped_headings:
            # Annex titles and the like are not clauses; say so rather than drop them unseen.
            sync.changes.append(
                _("%(label)s: headings not imported as clauses: %(headings)s")
                % {"label": label, "headings": "; ".join(parsed.skipped_headings)}
            )
    else:
        sync = ResolutionSync(resolution, label)
        # A Word file holds no overview table: keep the marker and overview
        # the seed gave rather than blanking them.
        for kept in ("marker", "overview", "revision_text"):
            if not values[kept]:
                values.pop(kept)
        differing = [name for name, value in values.items() if getattr(resolution, name) != value]
        for name in differing:
            setattr(resolution, name, values[name])
            if name != "source_hash":
                sync.changes.append(
                    _("%(label)s: %(field)s changed") % {"label": label, "field": name}
                )
        sync.changed = bool(differing)
    sync.changed |= _sync_references(resolution, parsed, sync)
    sync.changed |= _sync_clauses(resolution, parsed, sync)
    if sync.changed and not sync.created:
        resolution.imported_at = now
        resolution.save()
    return sync


def _sync_references(
    resolution: Resolution, parsed: ParsedResolution, sync: ResolutionSync
) -> bool:
    wanted = {(ref.conference, ref.number, ref.year): ref for ref in parsed.cross_references}
    existing = {(r.conference, r.number, r.year): r for r in resolution.references.all()}
    stale = [ref.pk for key, ref in existing.items() if key not in wanted]
    if stale:
        ResolutionReference.objects.filter(pk__in=stale).delete()
    fresh = [
        ResolutionReference(
            resolution=resolution,
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
    ResolutionReference.objects.bulk_create(fresh)
    if stale or fresh:
        sync.changes.append(
            _("%(label)s: cited resolutions %(added)d added, %(removed)d removed")
            % {"label": sync.label, "added": len(fresh), "removed": len(stale)}
        )
    return bool(stale or fresh)


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


def _sync_clauses(resolution: Resolution, parsed: ParsedResolution, sync: ResolutionSync) -> bool:
    stored = list(resolution.clauses.select_related("action"))
    items = list(_flatten(parsed.parts))
    matched = _match_clauses(items, stored)
    kept = {clause.pk for clause in matched.values()}
    withdrawn = [c for c in stored if c.pk not in kept and not c.is_withdrawn]
    # Keys are unique within a resolution: move every key that changes out of
    # the way first, so that clauses can swap keys.
    rekeyed = [c for key, c in matched.items() if c.key != key]
    for clause in rekeyed + withdrawn:
        Clause.objects.filter(pk=clause.pk).update(key=f"~{clause.pk}")
    seen: dict[str, Clause] = {}
    changed = bool(rekeyed)
    for order, (part, item, parent_key) in enumerate(items, start=1):
        values = _clause_values(part, item, order)
        parent = seen.get(parent_key) if parent_key else None
        clause = matched.get(item.key)
        if clause is None:
            clause = Clause.objects.create(
                resolution=resolution,
                key=item.key,
                parent=parent,
                source_line=item.line,
                **values,
            )
            sync.clauses_created += 1
            changed = True
        else:
            differing = [name for name in CLAUSE_FIELDS if getattr(clause, name) != values[name]]
            moved = clause.parent_id != (parent.pk if parent else None)
            if differing or moved or clause.is_withdrawn or clause.key != item.key:
                if clause.key != item.key:
                    sync.changes.append(
                        _("%(label)s: clause %(old)s is now %(new)s")
                        % {"label": sync.label, "old": clause.key, "new": item.key}
                    )
                for name in differing:
                    setattr(clause, name, values[name])
                clause.key, clause.parent = item.key, parent
                clause.source_line, clause.is_withdrawn = item.line, False
                clause.save()
                sync.clauses_updated += 1
                changed = True
                wording = {"text", "addressee", "verb", "heading"} & set(differing)
                if wording:
                    sync.changes.append(
                        _("%(label)s: clause %(key)s changed (%(fields)s): “%(text)s”")
                        % {
                            "label": sync.label,
                            "key": item.key,
                            "fields": ", ".join(sorted(wording)),
                            "text": _excerpt(item.text),
                        }
                    )
                    sync.reworded.append(clause)
        seen[item.key] = clause
        if item.directive and not hasattr(clause, "action"):
            sync.new_directives.append((clause, item))
            changed = True
    for clause in withdrawn:
        # Kept under a key no item can take, so a later import can re-use the old one.
        clause.key = f"{clause.key}~{clause.pk}"[:100]
        clause.is_withdrawn = True
        clause.save(update_fields=["key", "is_withdrawn"])
        sync.clauses_withdrawn += 1
        sync.changes.append(
            _("%(label)s: clause %(key)s is no longer in the text: “%(text)s”")
            % {"label": sync.label, "key": clause.key.split("~")[0], "text": _excerpt(clause.text)}
        )
        changed = True
        sync.withdrawn.append(clause)
    return changed


def _excerpt(text: str, length: int = 80) -> str:
    return text if len(text) <= length else text[: length - 1].rsplit(" ", 1)[0] + "…"
