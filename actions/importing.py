"""Importing resolution texts: read a document, plan the import, apply the plan.

The workflow that spans both apps. ``resolutions.services`` plans and writes
the resolutions, references and clauses; ``actions.services.actions`` makes
the action each new directive clause calls for, flags for review those whose
clause changed or left the text, and, when the text is a later assembly's
revision, continues each previous action in the new one and closes the old as
superseded. Who owns an action is decided by people once it exists, so an
import never overwrites it.

An import is planned by reading only, then applied one resolution per short
transaction: a preview (``dry_run``) is the plan alone, so it holds no write
lock however large the file, and staff keep writing while either runs. A file
that cannot be read or imported is refused while planning, before any write. The admin upload (and
its background task) and the ``import_resolutions`` command all call
``resolution_import`` or its two halves, ``import_plan`` and ``import_apply``.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable
from dataclasses import asdict, dataclass, field

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from resolutions.models import Assembly, Clause, Resolution
from resolutions.ordering import reading_order_key
from resolutions.parsing import (
    Notice,
    ParsedDocument,
    ParsedResolution,
    ParseError,
    parse_document,
)
from resolutions.services import (
    ImportRefused,
    PlanOutdated,
    ResolutionPlan,
    ResolutionSync,
    check_assembly,
    check_no_later_version,
    earlier_assemblies_reprinted,
    resolution_plan,
    resolution_plan_apply,
    resolution_suppress,
    suppressed_candidates,
)

from .choices import OPEN_STATUSES, ActionStatus, ImportState, ReportingRecipient
from .models import Action, Body, ImportJob, User
from .services.actions import (
    NewAction,
    action_flag_for_review,
    actions_create_for_clauses,
    actions_supersede,
    resolution_duties_add,
)

logger = logging.getLogger(__name__)

__all__ = [
    "ImportPlan",
    "ImportRefused",
    "ImportReport",
    "PlanOutdated",
    "import_apply",
    "import_job_apply",
    "import_job_claim_apply",
    "import_job_create",
    "import_job_fail",
    "import_job_preview",
    "import_jobs_expire",
    "import_plan",
    "refusal_message",
    "resolution_import",
]

# Called with (done, total) as resolutions are planned or applied.
Progress = Callable[[int, int], None]


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
    actions_continued: int = 0
    actions_superseded: int = 0
    suppressed: list[int] = field(default_factory=list)
    # What the reader skipped or read differently (tracked changes, pictures…).
    notices: list[str] = field(default_factory=list)

    @property
    def wrote_anything(self) -> bool:
        return bool(self.created or self.updated or self.suppressed)

    def summary(self) -> str:
        text = _(
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
        if self.actions_continued or self.actions_superseded or self.suppressed:
            text += " " + _(
                "From the previous assembly: %(continued)d actions continued, "
                "%(superseded)d superseded, %(suppressed)d resolutions suppressed."
            ) % {
                "continued": self.actions_continued,
                "superseded": self.actions_superseded,
                "suppressed": len(self.suppressed),
            }
        return text

    def as_dict(self) -> dict:
        """A JSON-ready copy, kept by a background import for the page to show."""
        return {**asdict(self), "summary": self.summary()}

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


@dataclass
class ImportPlan:
    """Everything an import would write, worked out by reading only."""

    assembly: Assembly
    report: ImportReport
    bodies: dict[str, Body]
    resolutions: list[ResolutionPlan] = field(default_factory=list)
    suppress: list[Resolution] = field(default_factory=list)


def import_plan(
    *,
    document: ParsedDocument,
    assembly: Assembly,
    suppress_missing: bool = False,
    progress: Progress | None = None,
) -> ImportPlan:
    """Work out what importing ``document`` into ``assembly`` would write; write nothing.

    With ``suppress_missing`` the document is the assembly's complete set, so
    the resolutions in force before it that it lacks were suppressed.
    """
    if not document.resolutions:
        raise ImportRefused(_("The document contains no resolution."))
    bodies = {body.code: body for body in Body.objects.all()}
    unknown = sorted(_body_codes(document) - set(bodies))
    if unknown:
        raise ImportRefused(
            _("Unknown body codes %(codes)s: load the bodies fixture or add them in the admin.")
            % {"codes": ", ".join(unknown)}
        )
    earlier = earlier_assemblies_reprinted(document.resolutions, assembly)
    for parsed in document.resolutions:
        check_assembly(parsed, assembly, earlier=earlier)
    check_no_later_version([parsed.number for parsed in document.resolutions], assembly)
    notices = [_notice(notice) for notice in document.notices]
    plan = ImportPlan(
        assembly=assembly, report=ImportReport(dry_run=True, notices=notices), bodies=bodies
    )
    total = len(document.resolutions)
    for done, parsed in enumerate(document.resolutions, start=1):
        resolution = _plan_one(parsed, assembly)
        plan.resolutions.append(resolution)
        _count_actions(plan.report, resolution)
        plan.report.add(resolution.sync)
        if progress:
            progress(done, total)
    if suppress_missing:
        kept = {parsed.number for parsed in document.resolutions}
        plan.suppress = suppressed_candidates(assembly=assembly, kept=kept)
        open_counts = _open_action_counts(plan.suppress)
        for resolution in plan.suppress:
            plan.report.suppressed.append(resolution.number)
            plan.report.actions_superseded += open_counts.get(resolution.pk, 0)
            plan.report.changes.append(
                _("Resolution %(number)d of %(assembly)s: suppressed, %(open)d open actions closed")
                % {
                    "number": resolution.number,
                    "assembly": resolution.assembly.code,
                    "open": open_counts.get(resolution.pk, 0),
                }
            )
    return plan


def _plan_one(parsed: ParsedResolution, assembly: Assembly) -> ResolutionPlan:
    return resolution_plan(parsed=parsed, assembly=assembly)


def _count_actions(report: ImportReport, plan: ResolutionPlan) -> None:
    sync = plan.sync
    for step in plan.steps:
        if not step.needs_action:
            continue
        if _live_action(plan.continues.get(step.item.key)) is not None:
            report.actions_continued += 1
            report.actions_superseded += 1
        else:
            report.actions_created += 1
    for clause in plan.dropped:
        if _live_action(clause) is not None:
            report.actions_superseded += 1
    for clause in sync.reworded + sync.withdrawn:
        action = _live_action(clause)
        if action is not None:
            report.actions_flagged += 1
            report.changes.append(
                _("%(label)s: action %(number)d flagged for review")
                % {"label": sync.label, "number": action.number}
            )


def _live_action(clause) -> Action | None:
    """The clause's action, unless it has none or a later text closed it (superseded).

    That is the previous version's action a new clause can carry on, unless
    one already did; and the action to flag when its clause changed, none once
    a later assembly's carries it on (correcting an earlier assembly's text
    after the next one was imported changes a clause closed for good).
    """
    action = getattr(clause, "action", None) if clause is not None else None
    if action is None or action.status == ActionStatus.SUPERSEDED:
        return None
    return action


def _open_action_counts(resolutions: list[Resolution]) -> dict[int, int]:
    counts: dict[int, int] = {}
    for resolution_id in Action.objects.filter(
        resolution__in=resolutions, status__in=OPEN_STATUSES
    ).values_list("resolution_id", flat=True):
        counts[resolution_id] = counts.get(resolution_id, 0) + 1
    return counts


def import_apply(
    *,
    plan: ImportPlan,
    now: datetime.datetime | None = None,
    by: User | None = None,
    progress: Progress | None = None,
) -> ImportReport:
    """Write a plan, one resolution per short transaction.

    The work was prepared before, so each transaction only writes: staff
    writes queue behind one resolution at most, never behind the whole file.
    A resolution that another import changed since the plan was made is
    planned again inside its transaction, so nothing stale is written.
    """
    now = now or timezone.now()
    report = ImportReport()
    today = timezone.localdate(now).isoformat()
    reworded = _(
        "The clause text changed in the import of %(date)s: check the owner, "
        "collaborators and reporting duties."
    ) % {"date": today}
    gone = _("Its clause is no longer in the text imported on %(date)s.") % {"date": today}
    total = len(plan.resolutions)
    report.notices = plan.report.notices
    for done, planned in enumerate(plan.resolutions, start=1):
        if not planned.sync.changed:
            report.add(planned.sync)
            # A database imported before whole-resolution duties existed gets them now.
            with transaction.atomic():
                _add_resolution_duties(planned.sync, planned.parsed, report)
            continue
        with transaction.atomic():
            try:
                sync = resolution_plan_apply(plan=planned, now=now)
            except PlanOutdated:
                planned = _plan_one(planned.parsed, plan.assembly)
                sync = resolution_plan_apply(plan=planned, now=now)
            report.add(sync)
            _apply_actions(report, sync, plan, now=now, by=by)
            _add_resolution_duties(sync, planned.parsed, report)
            flags = [(c, reworded) for c in sync.reworded] + [(c, gone) for c in sync.withdrawn]
            for clause, reason in flags:
                action = _live_action(clause)
                if action is None:
                    continue
                action_flag_for_review(action=action, reason=reason)
                report.actions_flagged += 1
                report.changes.append(
                    _("%(label)s: action %(number)d flagged for review")
                    % {"label": sync.label, "number": action.number}
                )
        if progress:
            progress(done, total)
    for resolution in plan.suppress:
        note = _("Resolution %(number)d was suppressed by %(assembly)s.") % {
            "number": resolution.number,
            "assembly": plan.assembly.code,
        }
        with transaction.atomic():
            resolution_suppress(resolution=resolution, by=plan.assembly)
            closing = [(action, note) for action in resolution.actions.open()]
            report.actions_superseded += actions_supersede(closing=closing, by=by, now=now)
        report.suppressed.append(resolution.number)
    return report


def _apply_actions(
    report: ImportReport,
    sync: ResolutionSync,
    plan: ImportPlan,
    *,
    now: datetime.datetime,
    by: User | None,
) -> None:
    resolution = sync.resolution
    # Staff may have changed the previous actions since the plan read them: carry
    # on (and close) them as they are now, read inside this transaction.
    planned = [_live_action(sync.continues.get(item.key)) for _c, item in sync.new_directives]
    planned_dropped = [_live_action(clause) for clause in sync.dropped]
    ids = [action.pk for action in planned + planned_dropped if action is not None]
    # Locked until this short transaction ends (PostgreSQL), so none changes under us.
    current = (
        Action.objects.select_for_update().prefetch_related("collaborators").in_bulk(ids)
        if ids
        else {}
    )

    def now_open(action: Action | None) -> Action | None:
        fresh = current.get(action.pk) if action is not None else None
        return None if fresh is None or fresh.status == ActionStatus.SUPERSEDED else fresh

    entries = [
        NewAction(
            clause=clause,
            directive=item.directive,
            previous=now_open(previous),
            previous_directive=sync.previous_directives.get(item.key),
        )
        for (clause, item), previous in zip(sync.new_directives, planned, strict=True)
    ]
    # Numbered in reading order (instructs before invites, by item number), not as written.
    in_order = reading_order_key([entry.clause for entry in entries])
    entries.sort(key=lambda entry: in_order(entry.clause))
    made = actions_create_for_clauses(
        resolution=resolution, entries=entries, bodies=plan.bodies, by=by
    )
    closing: list[tuple[Action, str]] = []
    for entry, action in zip(entries, made, strict=True):
        if entry.previous is None:
            report.actions_created += 1
            continue
        report.actions_continued += 1
        closing.append(
            (
                entry.previous,
                _("Continued by action %(number)d of Resolution %(resolution)d (%(assembly)s).")
                % {
                    "number": action.number,
                    "resolution": resolution.number,
                    "assembly": plan.assembly.code,
                },
            )
        )
    dropped = _("Its clause was dropped from the text of %(assembly)s.") % {
        "assembly": plan.assembly.code
    }
    for previous in map(now_open, planned_dropped):
        if previous is not None:
            closing.append((previous, dropped))
    report.actions_superseded += actions_supersede(closing=closing, by=by, now=now)


def resolution_import(
    *,
    document: ParsedDocument,
    assembly: Assembly,
    dry_run: bool = False,
    suppress_missing: bool = False,
    now: datetime.datetime | None = None,
    by: User | None = None,
) -> ImportReport:
    """Bring the database in line with ``document`` for ``assembly``.

    A dry run is the plan alone: the report is exactly what a real import
    would do, and nothing is written or locked. A real import plans, then
    applies the plan resolution by resolution, each in a short transaction.
    """
    plan = import_plan(document=document, assembly=assembly, suppress_missing=suppress_missing)
    if dry_run:
        return plan.report
    return import_apply(plan=plan, now=now, by=by)


def _body_codes(document: ParsedDocument) -> set[str]:
    codes: set[str] = set()
    for parsed in document.resolutions:
        for item in parsed.iter_items():
            if item.directive:
                codes.update(item.directive.collaborators)
                if item.directive.owner:
                    codes.add(item.directive.owner)
    return codes


# --- Uploaded files, previewed and applied from storage ----------------------
#
# The admin keeps an upload in the default storage under a random token (never
# in the session), and works from that copy: in the request for a small file,
# in a Celery task for a large one, with progress written to the job's row.


def import_job_create(
    *, name: str, data: bytes, assembly: Assembly, by: User, suppress_missing: bool = False
) -> ImportJob:
    """Keep an uploaded file in storage under a fresh random token, ready to preview."""
    job = ImportJob(
        file_name=name[:255],
        size=len(data),
        assembly=assembly,
        created_by=by,
        suppress_missing=suppress_missing,
        stage=_("Waiting for a worker"),
    )
    safe = get_valid_filename(name)[:100] or "upload"
    job.stored_as = default_storage.save(f"imports/{job.token}/{safe}", ContentFile(data))
    job.save()
    return job


# The stage in which resolutions are written, each in its own transaction: an
# error then leaves those written before it (``_job_stopped`` says how many).
WRITING = _lazy("Writing")


def _job_progress(job: ImportJob, stage: str) -> Progress:
    def report(done: int, total: int) -> None:
        # One short autocommit write per resolution, outside any transaction.
        ImportJob.objects.filter(pk=job.pk).update(stage=stage, done=done, total=total)

    return report


def _job_stage(job: ImportJob, stage: str, **values) -> None:
    ImportJob.objects.filter(pk=job.pk).update(stage=stage, **values)
    job.stage = stage
    for name, value in values.items():
        setattr(job, name, value)


def _job_plan(job: ImportJob) -> ImportPlan:
    _job_stage(job, _("Reading the file"))
    with default_storage.open(job.stored_as, "rb") as stored:
        data = stored.read()
    document = parse_document(name=job.file_name, data=data)
    _job_stage(job, _("Comparing with the database"), done=0, total=len(document.resolutions))
    return import_plan(
        document=document,
        assembly=job.assembly,
        suppress_missing=job.suppress_missing,
        progress=_job_progress(job, _("Comparing with the database")),
    )


def _job_failed(job: ImportJob, message: str) -> ImportJob:
    _job_stage(job, "", state=ImportState.FAILED, error=message)
    default_storage.delete(job.stored_as)
    return job


def refusal_message(error: ParseError | ImportRefused) -> str:
    """Why a file was refused, then that nothing was written: one full stop per sentence.

    A parse error has no full stop of its own ("line 5: expected ..."); a
    refusal of the import is a sentence with one.
    """
    reason = str(error).rstrip()
    if not reason.endswith((".", "!", "?")):
        reason += "."
    return _("%(reason)s Nothing was imported.") % {"reason": reason}


def import_job_preview(*, job_id: int) -> ImportJob:
    """Work out the preview of a stored upload; a file that cannot be imported is refused."""
    job = ImportJob.objects.select_related("assembly").get(pk=job_id)
    try:
        plan = _job_plan(job)
    except (ParseError, ImportRefused) as error:
        return _job_failed(job, refusal_message(error))
    except Exception:
        logger.exception("Preview of import %s stopped on an unexpected error", job.pk)
        return _job_stopped(job)
    _job_stage(job, "", state=ImportState.PREVIEWED, report=plan.report.as_dict())
    return job


def import_job_claim_apply(*, job: ImportJob) -> bool:
    """Take a previewed upload for applying, once: a second click or request gets ``False``."""
    claimed = ImportJob.objects.filter(pk=job.pk, state=ImportState.PREVIEWED).update(
        state=ImportState.APPLYING, stage=_("Waiting for a worker")
    )
    if claimed:
        job.state = ImportState.APPLYING
    return bool(claimed)


def import_job_apply(*, job_id: int, now: datetime.datetime | None = None) -> ImportJob:
    """Import a claimed upload: plan again from the stored file, then apply the plan."""
    job = ImportJob.objects.select_related("assembly", "created_by").get(pk=job_id)
    if job.state != ImportState.APPLYING:
        return job
    try:
        plan = _job_plan(job)
        _job_stage(job, str(WRITING), done=0, total=len(plan.resolutions))
        report = import_apply(
            plan=plan, now=now, by=job.created_by, progress=_job_progress(job, str(WRITING))
        )
    except (ParseError, ImportRefused) as error:
        return _job_failed(job, refusal_message(error))
    except Exception:
        logger.exception("Import %s stopped on an unexpected error", job.pk)
        return _job_stopped(job)
    _job_stage(job, "", state=ImportState.APPLIED, report=report.as_dict())
    default_storage.delete(job.stored_as)
    return job


def import_job_fail(*, job_id: int) -> None:
    """Record that a task died on an upload, so its page stops waiting and says so."""
    _job_stopped(ImportJob.objects.get(pk=job_id))


def _job_stopped(job: ImportJob) -> ImportJob:
    """Fail a job stopped by an unexpected error, saying what it wrote.

    Resolutions are written one per transaction: those written before the
    error stay, and importing the file again writes the rest (an import
    compares with the database, so nothing is written twice).
    """
    job.refresh_from_db(fields=["state", "stage", "done", "total"])
    if job.state == ImportState.APPLYING and job.stage == str(WRITING) and job.done:
        message = _(
            "The import stopped on an unexpected error after %(done)d of %(total)d "
            "resolutions, which are imported: import the file again to import the rest."
        ) % {"done": job.done, "total": job.total}
    else:
        message = _("The import stopped on an unexpected error. Nothing was imported.")
    return _job_failed(job, message)


def import_jobs_expire(*, before: datetime.datetime) -> int:
    """Forget uploads made before ``before``: their stored file and their row.

    Whatever their state: a job still previewing or applying after a day was
    lost with its worker (killed, or the broker restarted), and its page
    would otherwise wait for ever.
    """
    stale = list(ImportJob.objects.filter(created_at__lt=before))
    for job in stale:
        default_storage.delete(job.stored_as)
    ImportJob.objects.filter(pk__in=[job.pk for job in stale]).delete()
    return len(stale)


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
