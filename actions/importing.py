"""Importing resolution texts: read a document, preview the import, apply it.

The workflow that spans both apps. ``resolutions.services`` writes the
resolutions, references and clauses; ``actions.services.actions`` makes the
action each new directive clause calls for and flags for review those whose
clause changed or left the text. Who owns an action is decided by people once
it exists, so an import never overwrites it. Everything happens in one
transaction; a preview (``dry_run``) does the same work and rolls it back, so
it shows exactly what applying would do. The admin upload and the
``import_resolutions`` command both call ``resolution_import``.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from resolutions.models import Assembly, Clause
from resolutions.parsing import Notice, ParsedDocument, ParsedResolution
from resolutions.services import ImportRefused, ResolutionSync, check_assembly, resolution_sync

from .choices import ReportingRecipient
from .models import Body
from .services.actions import (
    action_create_for_clause,
    action_flag_for_review,
    resolution_duties_add,
)

__all__ = ["ImportRefused", "ImportReport", "resolution_import"]


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
    # What the reader skipped or read differently (tracked changes, pictures…).
    notices: list[str] = field(default_factory=list)

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

    def add(self, sync: ResolutionSync) -> None:
        number = sync.resolution.number
        if sync.created:
            self.created.append(number)
        elif sync.changed:
            self.updated.append(number)
        else:
            self.unchanged.append(number)
        self.changes.extend(sync.changes)
        self.clauses_created += sync.clauses_created
        self.clauses_updated += sync.clauses_updated
        self.clauses_withdrawn += sync.clauses_withdrawn


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
        check_assembly(parsed, assembly)
    report = ImportReport(dry_run=dry_run, notices=[_notice(n) for n in document.notices])
    today = timezone.localdate(now).isoformat()
    with transaction.atomic():
        for parsed in document.resolutions:
            sync = resolution_sync(parsed=parsed, assembly=assembly, now=now)
            report.add(sync)
            for clause, item in sync.new_directives:
                action_create_for_clause(
                    resolution=sync.resolution,
                    clause=clause,
                    directive=item.directive,
                    bodies=bodies,
                )
                report.actions_created += 1
            _add_resolution_duties(sync, parsed, report)
            reworded = _(
                "The clause text changed in the import of %(date)s: check the owner, "
                "collaborators and reporting duties."
            ) % {"date": today}
            gone = _("Its clause is no longer in the text imported on %(date)s.") % {"date": today}
            flags = [(c, reworded) for c in sync.reworded] + [(c, gone) for c in sync.withdrawn]
            for clause, reason in flags:
                action = getattr(clause, "action", None)
                if action is None:
                    continue
                action_flag_for_review(action=action, reason=reason)
                report.actions_flagged += 1
                report.changes.append(
                    _("%(label)s: action %(number)d flagged for review")
                    % {"label": sync.label, "number": action.number}
                )
        if dry_run:
            transaction.set_rollback(True)
    return report


def _add_resolution_duties(
    sync: ResolutionSync, parsed: ParsedResolution, report: ImportReport
) -> None:
    """Duties an item writes for the whole resolution apply to all its actions."""
    keys: dict[str, str] = {}
    for item in parsed.iter_items():
        for recipient in item.directive.resolution_reports_to if item.directive else ():
            keys.setdefault(recipient, item.key)  # the first item that says so
    if not keys:
        return
    clauses = {
        clause.key: clause
        for clause in Clause.objects.filter(resolution=sync.resolution, key__in=keys.values())
    }
    added = resolution_duties_add(
        resolution=sync.resolution,
        duties=[(recipient, clauses.get(key)) for recipient, key in keys.items()],
    )
    for recipient in added:
        report.changes.append(
            _("%(label)s: every action reports to %(recipient)s")
            % {"label": sync.label, "recipient": ReportingRecipient(recipient).label}
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


# The reader's notices, worded for the person importing (the parser speaks English only).
NOTICE_WORDING = {
    "tracked_changes": _lazy("The file has tracked changes: their accepted text was imported."),
    "front_matter_skipped": _lazy("The cover page, foreword and contents were skipped."),
    "picture_skipped": _lazy("A picture, chart or equation was skipped."),
    "table_as_text": _lazy("A table was read as text."),
    "not_a_resolution": _lazy("A text that is not a resolution was skipped."),
    "no_directive_part": _lazy("This resolution instructs no one: no action comes from it."),
    "annex_kept_as_text": _lazy("An annex was kept as text, not as clauses."),
}


def _notice(notice: Notice) -> str:
    wording = NOTICE_WORDING.get(notice.code)
    text = str(wording) if wording is not None else notice.message
    where = []
    if notice.resolution is not None:
        where.append(_("Resolution %(number)d") % {"number": notice.resolution})
    if notice.line:
        where.append(_("line %(line)d") % {"line": notice.line})
    return f"{', '.join(where)}: {text}" if where else text
