"""Baselines: what the same answers cost with a cursor, hand-written SQL and orjson.

Each baseline returns the same rows, in the same order, with the same columns
as the application's answer it is compared with; ``bench.run`` checks the ids
match before it trusts a ratio. The ordering is the one ``Action.Meta``
gives the API: ``sort_key`` (the assembly's opening, the resolution number,
the action number, kept on the row), then the id.
"""

from __future__ import annotations

import datetime
import zoneinfo
from collections import defaultdict
from dataclasses import dataclass

import orjson
from django.conf import settings
from django.db import connection
from django.utils import timezone

from actions.choices import (
    ALLOWED_TRANSITIONS,
    OPEN_STATUSES,
    STAFF_BODY_KINDS,
    ActionStatus,
    ReportingRecipient,
    Strength,
)
from actions.models import (
    Action,
    Body,
    ProgressReport,
    ReportingObligation,
    ResolutionReportingDuty,
    User,
)
from resolutions.models import Assembly, Clause, Resolution

ORDER_BY = "a.sort_key, a.id"


def _tables() -> dict[str, str]:
    names = {
        model.__name__: model._meta.db_table
        for model in (
            Action,
            Body,
            ProgressReport,
            ReportingObligation,
            ResolutionReportingDuty,
            User,
            Assembly,
            Clause,
            Resolution,
        )
    }
    names["Collaboration"] = Action.collaborators.through._meta.db_table
    return {key: connection.ops.quote_name(value) for key, value in names.items()}


@dataclass(frozen=True)
class ActionFilter:
    """One of the API's filters, as SQL: a WHERE fragment and its parameters."""

    where: str
    params: tuple


def action_filter(name: str, value) -> ActionFilter:
    """The SQL for ``?name=value`` on /api/actions/ (one value per filter)."""
    t = _tables()
    if name == "":
        return ActionFilter("1 = 1", ())
    if name in ("status", "strength"):
        return ActionFilter(f"a.{name} = %s", (value,))
    if name == "reports_to":
        # The action's own duty, or one written for its whole resolution.
        return ActionFilter(
            f"(EXISTS (SELECT 1 FROM {t['ReportingObligation']} ob "
            "WHERE ob.action_id = a.id AND ob.recipient = %s) "
            f"OR EXISTS (SELECT 1 FROM {t['ResolutionReportingDuty']} rd "
            "WHERE rd.resolution_id = a.resolution_id AND rd.recipient = %s))",
            (value, value),
        )
    if name == "resolution":
        return ActionFilter("r.number = %s", (int(value),))
    if name == "involves":
        bureau = Body.objects.get(code=value)
        ids = [
            bureau.pk,
            *Body.objects.filter(supporting_bureau=bureau).values_list("pk", flat=True),
        ]
        marks = ", ".join(["%s"] * len(ids))
        return ActionFilter(
            f"(a.owner_id IN ({marks}) OR EXISTS (SELECT 1 FROM {t['Collaboration']} ac "
            f"WHERE ac.action_id = a.id AND ac.body_id IN ({marks})))",
            (*ids, *ids),
        )
    raise ValueError(f"no baseline for the filter {name}")


_ZONE = zoneinfo.ZoneInfo(settings.TIME_ZONE)
_STATUS_LABELS = {s.value: str(s.label) for s in ActionStatus}
_STRENGTH_LABELS = {s.value: str(s.label) for s in Strength}
_RECIPIENT_LABELS = {r.value: str(r.label) for r in ReportingRecipient}


def _joins(flt: ActionFilter) -> str:
    """The resolution's join, for the filters that read it (the API's query joins it then too)."""
    t = _tables()
    return f"JOIN {t['Resolution']} r ON r.id = a.resolution_id" if "r." in flt.where else ""


def action_count(flt: ActionFilter) -> int:
    t = _tables()
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT COUNT(*) FROM {t['Action']} a {_joins(flt)} WHERE {flt.where}", flt.params
        )
        return cursor.fetchone()[0]


def action_ids(flt: ActionFilter) -> list[int]:
    """Every id the filter selects, by id: where a cursor's pages start."""
    t = _tables()
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT a.id FROM {t['Action']} a {_joins(flt)} WHERE {flt.where} ORDER BY a.id",
            flt.params,
        )
        return [row[0] for row in cursor.fetchall()]


def action_page(
    flt: ActionFilter, *, page: int, page_size: int, user: User, after: int | None = None
) -> bytes:
    """A page of /api/actions/ as JSON: count, links, then every field of each row.

    The same work as the API: the count; the page's ids sorted alone, and the
    rows for those ids with their joins, latest approved report and successor
    (one statement here, where the API sends two); then collaborators, the
    action's own duties and its resolution's duties, each in one query.
    With ``after`` (an id; 0 for the first page), a cursor's page instead: by
    id, from the one after ``after``, and no count.
    """
    t = _tables()
    today = timezone.localdate()
    count = action_count(flt) if after is None else None
    if after is None:
        where, order, limits = flt.where, ORDER_BY, [page_size, (page - 1) * page_size]
    else:
        where, order, limits = f"({flt.where}) AND a.id > %s", "a.id", [after, page_size + 1, 0]
    latest = (
        f"SELECT {{column}} FROM {t['ProgressReport']} p WHERE p.action_id = a.id "
        "AND p.state = 'approved' ORDER BY p.period_end DESC, p.report_date DESC, p.id DESC "
        "LIMIT 1"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT a.id, a.number, a.strength, a.status, a.target_date, a.needs_review,
                   a.review_reason, a.version, a.updated_at,
                   r.id, r.number, r.title, s.code,
                   c.id, c.key, c.label, c.verb, c.addressee, c.text,
                   o.code, o.kind, o.id, o.supporting_bureau_id,
                   u.username, u.first_name, u.last_name,
                   a.continues_id, a.changed_at,
                   ({latest.format(column="p.report_date")}),
                   ({latest.format(column="p.period_start")}),
                   ({latest.format(column="p.period_end")}),
                   ({latest.format(column="p.text")}),
                   (SELECT n.id FROM {t["Action"]} n WHERE n.continues_id = a.id)
            FROM {t["Action"]} a
            JOIN {t["Resolution"]} r ON r.id = a.resolution_id
            JOIN {t["Assembly"]} s ON s.id = r.assembly_id
            JOIN {t["Clause"]} c ON c.id = a.clause_id
            LEFT JOIN {t["Body"]} o ON o.id = a.owner_id
            LEFT JOIN {t["User"]} u ON u.id = a.focal_point_id
            WHERE a.id IN (
                SELECT a.id FROM {t["Action"]} a {_joins(flt)}
                WHERE {where}
                ORDER BY {order}
                LIMIT %s OFFSET %s
            )
            ORDER BY {order}
            """,
            [*flt.params, *limits],
        )
        rows = cursor.fetchall()
        more = after is not None and len(rows) > page_size
        rows = rows[:page_size]
        collaborators, obligations, duties = defaultdict(list), defaultdict(list), defaultdict(list)
        ids = [row[0] for row in rows]
        if ids:
            marks = ", ".join(["%s"] * len(ids))
            cursor.execute(
                f"SELECT ac.action_id, b.code FROM {t['Collaboration']} ac "
                f"JOIN {t['Body']} b ON b.id = ac.body_id WHERE ac.action_id IN ({marks}) "
                "ORDER BY b.sort_order, b.code",
                ids,
            )
            for action_id, code in cursor.fetchall():
                collaborators[action_id].append(code)
            cursor.execute(
                f"SELECT action_id, recipient FROM {t['ReportingObligation']} "
                f"WHERE action_id IN ({marks}) ORDER BY recipient",
                ids,
            )
            for action_id, recipient in cursor.fetchall():
                obligations[action_id].append(_recipient(recipient))
            resolutions = sorted({row[9] for row in rows})
            cursor.execute(
                f"SELECT resolution_id, recipient FROM {t['ResolutionReportingDuty']} "
                f"WHERE resolution_id IN ({', '.join(['%s'] * len(resolutions))}) "
                "ORDER BY recipient, id",
                resolutions,
            )
            for resolution_id, recipient in cursor.fetchall():
                duties[resolution_id].append(_recipient(recipient))
    may_change = user.bureau_id
    results = []
    for row in rows:
        status = row[3]
        owning = row[21] if row[20] in STAFF_BODY_KINDS else row[22]
        allowed = (
            [s.value for s in ActionStatus if s in ALLOWED_TRANSITIONS[ActionStatus(status)]]
            if owning is not None and owning == may_change
            else []
        )
        target = _date(row[4])
        full_name = f"{row[24]} {row[25]}".strip() if row[23] is not None else None
        results.append(
            {
                "id": row[0],
                "resolution": {
                    "id": row[9],
                    "number": row[10],
                    "assembly": row[12],
                    "title": row[11],
                },
                "number": row[1],
                "clause": {
                    "id": row[13],
                    "key": row[14],
                    "label": row[15],
                    "verb": row[16],
                    "addressee": row[17],
                    "text": row[18],
                },
                "strength": row[2],
                "strength_label": _STRENGTH_LABELS[row[2]],
                "owner": row[19],
                "collaborators": collaborators[row[0]],
                "status": status,
                "status_label": _STATUS_LABELS[status],
                "allowed_next_statuses": allowed,
                "reporting_obligations": obligations[row[0]],
                "resolution_reporting_duties": duties[row[9]],
                "focal_point": row[23],
                "focal_point_name": full_name or row[23],
                "target_date": target,
                "is_overdue": status in OPEN_STATUSES
                and target is not None
                and target < today.isoformat(),
                "latest_approved_report": None
                if row[28] is None
                else {
                    "report_date": _date(row[28]),
                    "period_start": _date(row[29]),
                    "period_end": _date(row[30]),
                    "text": row[31],
                },
                "needs_review": bool(row[5]),
                "review_reason": row[6],
                "continues": row[26],
                "continued_by": row[32],
                "version": row[7],
                "etag": f'W/"action-{row[0]}-v{row[7]}"',
                "updated_at": _instant(row[8]),
                "changed_at": _instant(row[27]),
            }
        )
    if after is not None:
        last = rows[-1][0] if rows else after
        return orjson.dumps(
            {
                "next": f"?cursor=p={last}" if more else None,
                "previous": f"?cursor=p={after}" if after else None,
                "results": results,
            }
        )
    pages = -(-count // page_size)
    return orjson.dumps(
        {
            "count": count,
            "next": f"?page={page + 1}" if page < pages else None,
            "previous": f"?page={page - 1}" if page > 1 else None,
            "results": results,
        }
    )


def _recipient(value: str) -> dict[str, str]:
    return {"recipient": value, "label": _RECIPIENT_LABELS[value]}


def _date(value: datetime.date | str | None) -> str | None:
    """A date as ISO text (SQLite gives a subquery's date back as text already)."""
    if value is None or isinstance(value, str):
        return value
    return value.isoformat()


def _instant(value: datetime.datetime | str | None) -> str | None:
    """A stored time as the API writes it: ISO 8601 in the site's time zone."""
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.datetime.fromisoformat(value)
    if value.tzinfo is None:  # SQLite keeps UTC without saying so
        value = value.replace(tzinfo=datetime.UTC)
    text = value.astimezone(_ZONE).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def export_sql() -> str:
    """The CSV export's rows and columns, aggregated in SQL, for ``sqlite3 -csv`` / ``\\copy``.

    The same rows, order and columns as the export: the duties are the
    action's own and those written for its whole resolution, each once; the
    latest approved report is picked as ``with_latest_approved_report`` does.
    """
    t = _tables()
    if connection.vendor == "postgresql":
        concat = "string_agg({expr}, {sep} ORDER BY {order})"
        text = "CAST({} AS text)"
    else:
        concat = "group_concat({expr}, {sep})"
        text = "CAST({} AS TEXT)"
    collaborators = concat.format(expr="b.code", sep="', '", order="b.sort_order, b.code")
    duties = concat.format(expr="d.recipient", sep="'; '", order="d.recipient")
    latest = (
        f"(SELECT p.{{}} FROM {t['ProgressReport']} p WHERE p.action_id = a.id "
        "AND p.state = 'approved' ORDER BY p.period_end DESC, p.report_date DESC, p.id DESC "
        "LIMIT 1)"
    )
    return f"""
        SELECT s.code, r.number, a.number,
               'Res. ' || {text.format("r.number")} || ' · action ' || {text.format("a.number")}
                 || ' (' || c.verb || ' ' || c.label || ')',
               a.strength, o.code,
               (SELECT {collaborators} FROM {t["Collaboration"]} ac
                  JOIN {t["Body"]} b ON b.id = ac.body_id WHERE ac.action_id = a.id),
               a.status, COALESCE(NULLIF(u.first_name || ' ' || u.last_name, ' '), u.username),
               a.target_date,
               CASE WHEN a.status IN ('not_started', 'in_progress', 'ongoing')
                    AND a.target_date < CURRENT_DATE THEN 'yes' ELSE 'no' END,
               (SELECT {duties} FROM (
                  SELECT ob.recipient FROM {t["ReportingObligation"]} ob
                   WHERE ob.action_id = a.id
                  UNION
                  SELECT rd.recipient FROM {t["ResolutionReportingDuty"]} rd
                   WHERE rd.resolution_id = a.resolution_id) d),
               CASE WHEN a.needs_review THEN 'yes' ELSE 'no' END,
               c.label, c.text, a.changed_at,
               {latest.format("report_date")}, {latest.format("period_start")},
               {latest.format("period_end")}, {latest.format("text")}
        FROM {t["Action"]} a
        JOIN {t["Resolution"]} r ON r.id = a.resolution_id
        JOIN {t["Assembly"]} s ON s.id = r.assembly_id
        JOIN {t["Clause"]} c ON c.id = a.clause_id
        LEFT JOIN {t["Body"]} o ON o.id = a.owner_id
        LEFT JOIN {t["User"]} u ON u.id = a.focal_point_id
        ORDER BY {ORDER_BY}
    """
