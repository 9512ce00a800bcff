"""Importing resolution texts into assemblies, resolutions, clauses and actions.

The parser (``resolutions.parsing``) reads a document into dataclasses; this
module maps them onto the database in one transaction. Re-importing the same
text writes nothing. Importing a revised text updates the clauses that
changed, keeps every action's status and progress reports, and flags for
review (never deletes) an action whose clause changed or disappeared: who owns
an action is decided by people once it exists, so the import does not
overwrite it.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from actions.models import Action, Body, ReportingObligation

from .models import Assembly, Clause, Resolution, ResolutionReference
from .parsing import (
    Footnote,
    ParsedDocument,
    ParsedItem,
    ParsedPart,
    ParsedResolution,
    ParseError,
    parse_docx,
    parse_text,
)

# A .docx file is a ZIP archive; its first bytes say so whatever its name is.
ZIP_MAGIC = b"PK\x03\x04"

# Clause fields the import owns; a difference in any of them is a change.
CLAUSE_FIELDS = ("part", "verb", "heading", "addressee", "label", "text", "footnotes", "order")


class ImportRefused(Exception):
    """The document cannot be imported as it is; nothing was written."""


def document_read(*, name: str, data: bytes) -> ParsedDocument:
    """Parse an uploaded or local file: a Word document or UTF-8 text."""
    if data.startswith(ZIP_MAGIC) or name.lower().endswith(".docx"):
        return parse_docx(io.BytesIO(data))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ParseError(
            0, f"{name} is neither a Word document nor UTF-8 text (byte {error.start})"
        ) from None
    return parse_text(text)


@dataclass
class ImportReport:
    """What an import did (or, in a dry run, would do), resolution by resolution."""

    dry_run: bool = False
    created: list[int] = field(default_factory=list)
    updated: list[int] = field(default_factory=list)
    unchanged: list[int] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)
    clauses_created: int = 0
    clauses_updated: int = 0
    clauses_withdrawn: int = 0
    actions_created: int = 0
    actions_flagged: int = 0

    @property
    def wrote_anything(self) -> bool:
        return bool(self.created or self.updated)

    def summary(self) -> str:
        return _(
            "Resolutions: %(created)d created, %(updated)d updated, %(unchanged)d unchanged. "
            "Clauses: %(c_created)d created, %(c_updated)d updated, %(c_withdrawn)d withdrawn. "
            "Actions: %(a_created)d created, %(a_flagged)d flagged for review."
        ) % {
            "created": len(self.created),
            "updated": len(self.updated),
            "unchanged": len(self.unchanged),
            "c_created": self.clauses_created,
            "c_updated": self.clauses_updated,
            "c_withdrawn": self.clauses_withdrawn,
            "a_created": self.actions_created,
            "a_flagged": self.actions_flagged,
        }


def resolution_import(
    *,
    document: ParsedDocument,
    assembly: Assembly,
    dry_run: bool = False,
    now: datetime.datetime | None = None,
) -> ImportReport:
    """Bring the database in line with ``document`` for ``assembly``, in one transaction.

    With ``dry_run`` the same work is done and then rolled back, so the report
    is exactly what a real import would do.
    """
    if not document.resolutions:
        raise ImportRefused(_("The document contains no resolution."))
    now = now or timezone.now()
    bodies = {body.code: body for body in Body.objects.all()}
    unknown = sorted(_body_codes(document) - set(bodies))
    if unknown:
        raise ImportRefused(
            _("Unknown body codes %(codes)s: load the bodies fixture or add them in the admin.")
            % {"codes": ", ".join(unknown)}
        )
    for parsed in document.resolutions:
        _check_assembly(parsed, assembly)
    report = ImportReport(dry_run=dry_run)
    with transaction.atomic():
        for parsed in document.resolutions:
            _import_resolution(parsed, assembly, bodies, report, now)
        if dry_run:
            transaction.set_rollback(True)
    return report


def _check_assembly(parsed: ParsedResolution, assembly: Assembly) -> None:
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


def _body_codes(document: ParsedDocument) -> set[str]:
    codes: set[str] = set()
    for parsed in document.resolutions:
        for item in parsed.iter_items():
            if item.directive:
                codes.update(item.directive.collaborators)
                if item.directive.owner:
                    codes.add(item.directive.owner)
    return codes


def _source_hash(parsed: ParsedResolution) -> str:
    return hashlib.sha256(parsed.source_text.encode()).hexdigest()


def _import_resolution(
    parsed: ParsedResolution,
    assembly: Assembly,
    bodies: dict[str, Body],
    report: ImportReport,
    now: datetime.datetime,
) -> None:
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
        report.created.append(parsed.number)
        report.changes.append(_("%(label)s: new") % {"label": label})
        if parsed.skipped_headings:
            # Annex titles and the like are not clauses; say so rather than drop them unseen.
            report.changes.append(
                _("%(label)s: headings not imported as clauses: %(headings)s")
                % {"label": label, "headings": "; ".join(parsed.skipped_headings)}
            )
        changed = True
    else:
        # A Word file holds no overview table: keep the marker and overview
        # the seed gave rather than blanking them.
        for kept in ("marker", "overview", "revision_text"):
            if not values[kept]:
                values.pop(kept)
        differing = [name for name, value in values.items() if getattr(resolution, name) != value]
        for name in differing:
            setattr(resolution, name, values[name])
            if name != "source_hash":
                report.changes.append(
                    _("%(label)s: %(field)s changed") % {"label": label, "field": name}
                )
        changed = bool(differing)
    changed |= _sync_references(resolution, parsed, report, label)
    changed |= _sync_clauses(resolution, parsed, bodies, report, label, now)
    if changed and parsed.number not in report.created:
        resolution.imported_at = now
        resolution.save()
        report.updated.append(parsed.number)
    elif not changed:
        report.unchanged.append(parsed.number)


def _sync_references(
    resolution: Resolution, parsed: ParsedResolution, report: ImportReport, label: str
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
        report.changes.append(
            _("%(label)s: cited resolutions %(added)d added, %(removed)d removed")
            % {"label": label, "added": len(fresh), "removed": len(stale)}
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


def _sync_clauses(
    resolution: Resolution,
    parsed: ParsedResolution,
    bodies: dict[str, Body],
    report: ImportReport,
    label: str,
    now: datetime.datetime,
) -> bool:
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
    today = timezone.localdate(now).isoformat()
    seen: dict[str, Clause] = {}
    changed = bool(rekeyed)
    next_number = (resolution.actions.aggregate(top=Max("number"))["top"] or 0) + 1
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
            report.clauses_created += 1
            changed = True
        else:
            differing = [name for name in CLAUSE_FIELDS if getattr(clause, name) != values[name]]
            moved = clause.parent_id != (parent.pk if parent else None)
            if differing or moved or clause.is_withdrawn or clause.key != item.key:
                if clause.key != item.key:
                    report.changes.append(
                        _("%(label)s: clause %(old)s is now %(new)s")
                        % {"label": label, "old": clause.key, "new": item.key}
                    )
                for name in differing:
                    setattr(clause, name, values[name])
                clause.key, clause.parent = item.key, parent
                clause.source_line, clause.is_withdrawn = item.line, False
                clause.save()
                report.clauses_updated += 1
                changed = True
                wording = {"text", "addressee", "verb", "heading"} & set(differing)
                if wording:
                    report.changes.append(
                        _("%(label)s: clause %(key)s changed (%(fields)s): “%(text)s”")
                        % {
                            "label": label,
                            "key": item.key,
                            "fields": ", ".join(sorted(wording)),
                            "text": _excerpt(item.text),
                        }
                    )
                    if hasattr(clause, "action"):
                        _flag(
                            clause.action,
                            _(
                                "The clause text changed in the import of %(date)s: check the "
                                "owner, collaborators and reporting duties."
                            )
                            % {"date": today},
                            report,
                            label,
                        )
        seen[item.key] = clause
        if item.directive and not hasattr(clause, "action"):
            _create_action(resolution, clause, item, next_number, bodies)
            next_number += 1
            report.actions_created += 1
            changed = True
    for clause in withdrawn:
        # Kept under a key no item can take, so a later import can re-use the old one.
        clause.key = f"{clause.key}~{clause.pk}"[:100]
        clause.is_withdrawn = True
        clause.save(update_fields=["key", "is_withdrawn"])
        report.clauses_withdrawn += 1
        report.changes.append(
            _("%(label)s: clause %(key)s is no longer in the text: “%(text)s”")
            % {"label": label, "key": clause.key.split("~")[0], "text": _excerpt(clause.text)}
        )
        changed = True
        if hasattr(clause, "action"):
            _flag(
                clause.action,
                _("Its clause is no longer in the text imported on %(date)s.") % {"date": today},
                report,
                label,
            )
    return changed


def _excerpt(text: str, length: int = 80) -> str:
    return text if len(text) <= length else text[: length - 1].rsplit(" ", 1)[0] + "…"


def _create_action(
    resolution: Resolution,
    clause: Clause,
    item: ParsedItem,
    number: int,
    bodies: dict[str, Body],
) -> Action:
    directive = item.directive
    owner = bodies[directive.owner] if directive.owner else None
    action = Action.objects.create(
        resolution=resolution,
        clause=clause,
        number=number,
        strength=directive.strength,
        owner=owner,
        needs_review=owner is None,
        review_reason=_("The addressee names no known body: set the owner.")
        if owner is None
        else "",
    )
    action.collaborators.set([bodies[code] for code in directive.collaborators])
    ReportingObligation.objects.bulk_create(
        ReportingObligation(action=action, recipient=recipient)
        for recipient in directive.reports_to
    )
    clause.action = action
    return action


def _flag(action: Action, reason: str, report: ImportReport, label: str) -> None:
    # A version bump: whoever holds the action open must see the flag before saving.
    Action.objects.filter(pk=action.pk).update(
        needs_review=True, review_reason=reason[:300], version=F("version") + 1
    )
    report.actions_flagged += 1
    report.changes.append(
        _("%(label)s: action %(number)d flagged for review")
        % {"label": label, "number": action.number}
    )
