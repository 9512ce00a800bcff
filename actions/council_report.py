"""The report to ITU Council: its data, assembled once, and how two versions differ.

The data is a plain, JSON-ready dict, so that the web preview, the Word file
and the spreadsheet are written from the same thing, and a frozen snapshot
keeps exactly what its files were made from. Which actions are in it is
``Action.objects.reporting_to_council()`` among the texts in force during the
period (``in_force_during``); only approved progress reports whose period
overlaps the session's reporting period go in, all of them, in date order.
Each action's status is the one it had when the period closed (``status_on``),
so a report for a past session made again later still tells that session's
story; before the close, it is today's.
"""

from __future__ import annotations

import datetime
import re
from collections import Counter
from collections.abc import Callable
from typing import Any

from django.db.models import F, OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone, translation
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from resolutions.models import Clause, Resolution

from .choices import ActionStatus, AssessmentRating, MeetingKind, ReportState
from .display import clause_reference, day
from .models import (
    RESOLUTION_TEXT_FIELDS,
    Action,
    Assessment,
    Body,
    GoverningBodyMeeting,
    ProgressReport,
    StatusChange,
)
from .selectors import ReportingPeriod, reporting_period

# The source line of every report of the TSB Director to Council.
SOURCE = "Report by the Director of the Telecommunication Standardization Bureau"


def meeting_code(meeting: GoverningBodyMeeting) -> str:
    """The short name ITU gives a Council session: "C27" for the session of 2027."""
    return f"C{meeting.start_date:%y}"


def council_meeting_by_code(code: str) -> GoverningBodyMeeting:
    """The Council session a user names: "C27", "c2027", or its name ("Council 2027").

    Raises ``GoverningBodyMeeting.DoesNotExist`` with a sentence when none matches,
    or when a code is of a year with two sessions (an extraordinary one): its name
    tells them apart.
    """
    councils = GoverningBodyMeeting.objects.filter(kind=MeetingKind.COUNCIL)
    match = re.fullmatch(r"[Cc](\d{2}|\d{4})", code.strip())
    if match:
        digits = match.group(1)
        year = int(digits) + 2000 if len(digits) == 2 else int(digits)
        sessions = list(councils.filter(start_date__year=year).order_by("start_date")[:3])
        if len(sessions) > 1:
            raise GoverningBodyMeeting.DoesNotExist(
                _("Council met more than once in %(year)d: give the session's name (%(names)s).")
                % {"year": year, "names": ", ".join(f"“{s.name}”" for s in sessions)}
            )
        found = sessions[0] if sessions else None
    else:
        found = councils.filter(name__iexact=code.strip()).first()
    if found is None:
        raise GoverningBodyMeeting.DoesNotExist(
            _("No Council session “%(code)s”: give its code, e.g. C27, or its name.")
            % {"code": code}
        )
    return found


def default_document_number(meeting: GoverningBodyMeeting) -> str:
    """A placeholder the secretariat replaces with the number it assigns: "C27/xx-E"."""
    return _placeholder_document_number(meeting_code(meeting))


def _placeholder_document_number(code: str) -> str:
    return f"{code}/xx-E"


def report_file_name(data: dict[str, Any], fmt: str) -> str:
    """``C27-35-E-WTSA-implementation-2027-05-18.docx``: the document number the
    secretariat assigned (the session's code alone, ``C27-…``, while the number is
    still the placeholder), the scope if narrowed (``…-TSB-…``, ``…-Resolution-73-…``)
    and the day it was made in Geneva, so that two scopes downloaded the same day
    keep their own names."""
    made = timezone.localdate(datetime.datetime.fromisoformat(data["generated_at"])).isoformat()
    scope = [value for value in (data.get("scope") or {}).values() if value]
    code = data["meeting"]["code"]
    number = (data.get("document_number") or "").strip()
    if not number or number.upper() == _placeholder_document_number(code).upper():
        lead = [code]
    elif number.upper().startswith(code.upper()):
        lead = [number]
    else:
        lead = [code, number]
    parts = [*lead, "WTSA-implementation", *scope, made]
    return re.sub(r"[^A-Za-z0-9.]+", "-", "-".join(parts)) + f".{fmt}"


class NoResolutionInPeriod(Exception):
    """No version of the resolution asked for was in force in the period: a sentence why."""


def resolution_in_period(number: int, period: ReportingPeriod) -> Resolution:
    """The resolution a report narrowed to ``number`` is about: the newest version with
    that number adopted by the end of the period, unless it was suppressed before the
    period began (the report then takes every version of its lineage in force in the
    period).

    Raises ``NoResolutionInPeriod`` with a sentence when there is none.
    """
    versions = list(
        Resolution.objects.filter(number=number)
        .select_related("assembly", "suppressed_by")
        .order_by("-assembly__start_date")
    )
    if not versions:
        raise NoResolutionInPeriod(_("There is no Resolution %(number)s.") % {"number": number})
    adopted = [v for v in versions if v.assembly.end_date <= period.end]
    if not adopted:
        raise NoResolutionInPeriod(
            _(
                "Resolution %(number)s was adopted by %(assembly)s, after this session’s "
                "reporting period."
            )
            % {"number": number, "assembly": versions[-1].assembly.code}
        )
    # The newest adopted by then; an older one with no link to it is another text.
    newest = adopted[0]
    suppressed = newest.suppressed_by
    if suppressed is not None and suppressed.end_date < period.start:
        raise NoResolutionInPeriod(
            _("Resolution %(number)s was suppressed by %(assembly)s.")
            % {"number": number, "assembly": suppressed.code}
        )
    return newest


def _scope(
    meeting_actions: QuerySet[Action], bureau: Body | None, resolution: Resolution | None
) -> QuerySet[Action]:
    if bureau is not None:
        meeting_actions = meeting_actions.involving_bureau(bureau.pk)
    if resolution is not None:
        # Every version: which of them was in force is the period's to say
        # (``in_force_during``), so a past session's report on Resolution 73
        # takes the text of its day, not the latest.
        versions = [version.pk for version in resolution.lineage()]
        meeting_actions = meeting_actions.filter(resolution__in=versions)
    return meeting_actions


def approved_in_period(period: ReportingPeriod) -> QuerySet[ProgressReport]:
    """Approved reports that cover some of the period, oldest first."""
    return (
        ProgressReport.objects.filter(
            state=ReportState.APPROVED,
            period_start__lte=period.end,
            period_end__gte=period.start,
        )
        .select_related("bureau")
        .prefetch_related("evidence_links")
        .order_by("report_date", "pk")
    )


def period_close(period: ReportingPeriod) -> datetime.datetime:
    """The first moment after the period: midnight that ends its last day, Geneva's time."""
    return datetime.datetime.combine(
        period.end + datetime.timedelta(days=1),
        datetime.time.min,
        tzinfo=timezone.get_default_timezone(),
    )


def status_at_close(period: ReportingPeriod) -> Coalesce:
    """An action's status when the period closed: what the first later change moved
    it from, else its status now. Its history, never its present, for a past period."""
    later = StatusChange.objects.filter(
        action=OuterRef("pk"), changed_at__gte=period_close(period)
    ).order_by("changed_at", "pk")
    return Coalesce(Subquery(later.values("from_status")[:1]), F("status"))


def _iso(value: datetime.date | datetime.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _parts_sharing_a_verb(actions: list[Action]) -> set[tuple[int, str]]:
    """(resolution, verb) pairs with more than one addressee among these actions.

    Items are numbered within their part, so "instructs the Director of TSB" and
    "instructs all ITU-T study groups" may both have an item 6: in the report,
    such items say whom they address, or a reader could not tell them apart.
    """
    addressees: dict[tuple[int, str], set[str]] = {}
    for action in actions:
        whom = " ".join(action.clause.addressee.split()).casefold()
        addressees.setdefault((action.resolution_id, action.clause.verb), set()).add(whom)
    return {part for part, names in addressees.items() if len(names) > 1}


def _action_row(action: Action, sub_items: list[Clause], *, with_addressee: bool) -> dict[str, Any]:
    owner = action.owner
    return {
        "id": action.pk,
        "number": action.number,
        "item": clause_reference(action.clause, addressee=with_addressee),
        "text": action.clause.text,
        # An item that ends "…developing countries:" reads on in its i), ii), iii).
        "sub_items": [{"label": sub.label, "text": sub.text} for sub in sub_items],
        "owner": owner.code if owner else "",
        "bureau": (
            (owner.supporting_bureau.code if owner.supporting_bureau_id else owner.code)
            if owner
            else ""
        ),
        "collaborators": [body.code for body in action.collaborators.all()],
        "status": action.status_at_close,
        "status_label": str(ActionStatus(action.status_at_close).label),
        "progress": [
            {
                "id": report.pk,
                "text": report.text,
                "bureau": report.bureau.code,
                "report_date": _iso(report.report_date),
                "period_start": _iso(report.period_start),
                "period_end": _iso(report.period_end),
                "evidence": [
                    {"url": link.url, "title": link.title} for link in report.evidence_links.all()
                ],
            }
            for report in action.approved_reports
        ],
    }


def _assessment(assessment: Assessment | None) -> dict[str, Any] | None:
    if assessment is None:
        return None
    return {
        "rating": assessment.rating,
        "rating_label": str(AssessmentRating(assessment.rating).label),
        "rationale": assessment.rationale,
        "proposed_by": assessment.proposed_by.get_full_name() or assessment.proposed_by.username,
        "confirmed_by": assessment.confirmed_by.get_full_name() or assessment.confirmed_by.username,
        "confirmed_at": _iso(assessment.confirmed_at),
    }


def _resolution_entry(res: Resolution, assessment: Assessment | None) -> dict[str, Any]:
    """A resolution's part of the report; its actions are appended to ``actions``."""
    return {
        "id": res.pk,
        "assembly": res.assembly.code,
        "number": res.number,
        "title": res.title,
        "marker": res.marker,
        "marker_label": res.get_marker_display() if res.marker else "",
        # As ITU cites it ("Rev. Geneva, 2022"), where the text says so.
        "revision": res.revision_text,
        "actions": [],
        "assessment": _assessment(assessment),
    }


def council_report_data(
    *,
    meeting: GoverningBodyMeeting,
    document_number: str,
    generated_at: datetime.datetime,
    bureau: Body | None = None,
    resolution: Resolution | None = None,
    on_progress: Callable[[int, int], None] | None = None,
) -> dict[str, Any]:
    """Everything the report to Council shows, for one session and its period.

    Reads a fixed number of queries whatever the number of actions.
    ``on_progress(done, total)`` is called as actions are laid out, for a
    progress bar.
    """
    period = reporting_period(meeting)
    scoped = _scope(
        Action.objects.reporting_to_council().in_force_during(period.start, period.end),
        bureau,
        resolution,
    )
    actions = list(
        scoped.annotate(status_at_close=status_at_close(period))
        .select_related("resolution__assembly", "clause", "owner__supporting_bureau")
        .prefetch_related(
            "collaborators",
            Prefetch("reports", queryset=approved_in_period(period), to_attr="approved_reports"),
        )
        .order_by("resolution__assembly__start_date", "resolution__number", "number")
    )
    sub_items: dict[int, list[Clause]] = {}
    # By subquery: thirty years of assemblies are more ids than SQLite takes in a list.
    for sub in Clause.objects.filter(parent__in=scoped.values("clause")).order_by(
        "parent", "order"
    ):
        sub_items.setdefault(sub.parent_id, []).append(sub)
    resolution_ids = {action.resolution_id for action in actions}
    confirmed = Assessment.objects.confirmed().filter(meeting=meeting)
    if bureau is not None or resolution is not None:
        # A narrowed report assesses the resolutions its actions come from.
        confirmed = confirmed.filter(resolution_id__in=resolution_ids)
    assessments = {
        a.resolution_id: a
        for a in confirmed.select_related(
            "resolution__assembly", "proposed_by", "confirmed_by"
        ).defer(*(f"resolution__{name}" for name in RESOLUTION_TEXT_FIELDS))
    }
    shared = _parts_sharing_a_verb(actions)
    by_status: Counter[str] = Counter()
    by_bureau: dict[str, Counter[str]] = {}
    resolutions: list[dict[str, Any]] = []
    current: dict[str, Any] | None = None
    total = len(actions)
    for done, action in enumerate(actions, start=1):
        res = action.resolution
        if current is None or current["id"] != res.pk:
            current = _resolution_entry(res, assessments.get(res.pk))
            resolutions.append(current)
        row = _action_row(
            action,
            sub_items.get(action.clause_id, []),
            with_addressee=(action.resolution_id, action.clause.verb) in shared,
        )
        current["actions"].append(row)
        by_status[row["status"]] += 1
        by_bureau.setdefault(row["bureau"] or _("No owner"), Counter())[row["status"]] += 1
        if on_progress is not None and (done % 500 == 0 or done == total):
            on_progress(done, total)
    # The whole report has every confirmed assessment of the period, also of a
    # resolution none of whose actions reports to Council: it was made for Council.
    unreported = [a.resolution for pk, a in assessments.items() if pk not in resolution_ids]
    for res in unreported:
        resolutions.append(_resolution_entry(res, assessments[res.pk]))
    if unreported:
        order = {res.pk: (res.assembly.start_date, res.number) for res in unreported}
        order.update(
            {
                a.resolution_id: (a.resolution.assembly.start_date, a.resolution.number)
                for a in actions
            }
        )
        resolutions.sort(key=lambda entry: order[entry["id"]])
    for entry in resolutions:
        leads = Counter(row["bureau"] for row in entry["actions"] if row["bureau"])
        entry["lead_bureau"] = leads.most_common(1)[0][0] if leads else ""
    with_text = sum(1 for action in actions if action.approved_reports)
    return {
        "document_number": document_number,
        "source": SOURCE,
        "generated_at": generated_at.isoformat(),
        "meeting": {
            "id": meeting.pk,
            "code": meeting_code(meeting),
            "name": meeting.name,
            "place": meeting.place,
            "start_date": _iso(meeting.start_date),
            "end_date": _iso(meeting.end_date),
            # Projected from Council's rhythm, not confirmed: the report says so.
            "provisional": meeting.provisional,
        },
        "period": {"start": _iso(period.start), "end": _iso(period.end)},
        # The day the statuses are of: the period's last, or the day the report
        # was made while the period runs.
        "status_on": _iso(min(period.end, timezone.localdate(generated_at))),
        "scope": {
            "bureau": bureau.code if bureau else None,
            "resolution": res_label(resolution) if resolution else None,
        },
        "summary": {
            "actions": total,
            "resolutions": len(resolutions),
            "with_approved_report": with_text,
            "without_approved_report": total - with_text,
            "assessed": sum(1 for entry in resolutions if entry["assessment"]),
            "by_status": [
                {"status": status.value, "label": str(status.label), "n": by_status[status]}
                for status in ActionStatus
            ],
            "by_bureau": [
                {
                    "bureau": code,
                    "n": sum(counts.values()),
                    "by_status": {status.value: counts[status] for status in ActionStatus},
                }
                for code, counts in sorted(by_bureau.items())
            ],
        },
        "resolutions": resolutions,
    }


def res_label(resolution: Resolution) -> str:
    """A report's scope by resolution: its number, whichever version the period had."""
    return f"Resolution {resolution.number}"


def council_report_changes(old: dict[str, Any], new: dict[str, Any]) -> list[dict[str, Any]]:
    """The actions whose status, owner or approved progress differ between two reports.

    An action in only one of them is listed as added or removed.
    """

    def rows(data: dict[str, Any]) -> dict[int, dict[str, Any]]:
        return {
            row["id"]: {**row, "resolution": entry["number"]}
            for entry in data["resolutions"]
            for row in entry["actions"]
        }

    before, after = rows(old), rows(new)
    changes = []
    for action_id in sorted(before.keys() | after.keys()):
        a, b = before.get(action_id), after.get(action_id)
        row = b or a
        changed = []
        if a is None:
            changed.append(_("added"))
        elif b is None:
            changed.append(_("removed"))
        else:
            if a["status"] != b["status"]:
                changed.append(
                    _("status: %(old)s → %(new)s")
                    % {"old": a["status_label"], "new": b["status_label"]}
                )
            if a["owner"] != b["owner"]:
                changed.append(
                    _("owner: %(old)s → %(new)s")
                    % {"old": a["owner"] or "–", "new": b["owner"] or "–"}
                )
            if [p["text"] for p in a["progress"]] != [p["text"] for p in b["progress"]]:
                changed.append(_("approved progress"))
        if changed:
            changes.append(
                {
                    "id": action_id,
                    "resolution": row["resolution"],
                    "number": row["number"],
                    "item": row["item"],
                    "changes": changed,
                }
            )
    return changes


def _period_text(data: dict[str, Any]) -> str:
    start, end = parse_date(data["period"]["start"]), parse_date(data["period"]["end"])
    return f"{day(start)} – {day(end)}"


def summary_text(data: dict[str, Any]) -> str:
    """The report's summary in sentences, each count agreeing with its noun: the same
    on the page, in the Word file and in the spreadsheet.

    In English whatever the language of the page that asked for it, as the rest
    of the document; ngettext is there for English's own plurals.
    """
    with translation.override("en"):
        return _summary_sentences(data)


def _summary_sentences(data: dict[str, Any]) -> str:
    summary = data["summary"]
    scope = ", ".join(v for v in data["scope"].values() if v)
    resolutions = ngettext(
        "%(n)d WTSA resolution", "%(n)d WTSA resolutions", summary["resolutions"]
    ) % {"n": summary["resolutions"]}
    actions = ngettext(
        "%(n)d action that reports to Council",
        "%(n)d actions that report to Council",
        summary["actions"],
    ) % {"n": summary["actions"]}
    with_report = summary["with_approved_report"]
    without = summary["without_approved_report"]
    assessed = summary["assessed"]
    sentences = [
        _(
            "This document reports on the implementation of %(resolutions)s (%(actions)s) "
            "in the period %(period)s%(scope)s."
        )
        % {
            "resolutions": resolutions,
            "actions": actions,
            "period": _period_text(data),
            "scope": _(", for %(scope)s") % {"scope": scope} if scope else "",
        },
        ngettext(
            "%(n)d action has an approved progress report for the period;",
            "%(n)d actions have an approved progress report for the period;",
            with_report,
        )
        % {"n": with_report},
        ngettext("%(n)d has none.", "%(n)d have none.", without) % {"n": without},
        ngettext(
            "%(n)d resolution carries a confirmed Resolution 83 assessment.",
            "%(n)d resolutions carry a confirmed Resolution 83 assessment.",
            assessed,
        )
        % {"n": assessed},
    ]
    return " ".join(sentences)


# The front matter of a Council document, after its summary: what Council is
# asked to do, and the texts the report answers to.
ACTION_REQUIRED = "The Council is invited to take note of this report."
REFERENCES = (
    "WTSA Resolution 83; the WTSA resolutions listed below; "
    "Plenipotentiary Conference Resolution 191."
)
