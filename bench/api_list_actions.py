"""How long listing a page of actions takes through the API, against raw SQL.

Builds a throwaway SQLite database in a temporary directory (never the
configured database), fills it with actions that have collaborators,
reporting obligations and focal points, then times the same page of actions
two ways, each many times:

- the API: ``GET /api/actions/?page_size=50`` with a token, through the whole
  Django stack (middleware, authentication, filterset, serializers, JSON);
- a baseline: the same rows and fields read with a database cursor and
  serialized with orjson.

It prints p50 and p99 in milliseconds; it asserts nothing. Run:

    .venv/bin/python bench/api_list_actions.py [--actions 500] [--runs 200] [--page-size 50]

The API's p99 is mostly the garbage collector's full collections over every
object Django and DRF keep alive; ``--freeze-gc`` shows the difference.
"""

from __future__ import annotations

import argparse
import gc
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def configure(database_dir: Path) -> None:
    """Point the project's settings at a scratch database before Django starts."""
    sys.path.insert(0, str(ROOT))
    os.environ.pop("DATABASE_URL", None)
    os.environ["SQLITE_PATH"] = str(database_dir / "bench.sqlite3")
    os.environ["STATIC_ROOT"] = str(database_dir)
    os.environ["CELERY_BROKER_URL"] = "memory://"
    os.environ["ALLOWED_HOSTS"] = "testserver"
    os.environ["DEBUG"] = "false"
    os.environ["LOG_LEVEL"] = "ERROR"
    os.environ.setdefault("SECRET_KEY", "benchmark-only-secret-key")
    os.environ.setdefault("EMAIL_URL", "consolemail://")
    os.environ["DJANGO_SETTINGS_MODULE"] = "wtsa_tracker.settings"

    import django

    django.setup()


def build(actions: int) -> str:
    """Fill the database; return an API token of a TSB staff member."""
    import datetime

    from django.contrib.auth.models import Group
    from django.core.management import call_command
    from knox.models import AuthToken

    from actions.choices import BodyKind, ReportingRecipient, Role, Strength
    from actions.models import Action, Body, ReportingObligation, User
    from resolutions.choices import ClauseVerb, PartKind
    from resolutions.models import Assembly, Clause, Resolution

    call_command("migrate", verbosity=0)
    bureaux = {
        code: Body.objects.create(code=code, name=code, kind=BodyKind.BUREAU)
        for code in ("TSB", "BDT", "BR")
    }
    groups = [
        Body.objects.create(
            code=f"T-SG{n}",
            name=f"SG{n}",
            kind=BodyKind.STUDY_GROUP,
            supporting_bureau=bureaux["TSB"],
        )
        for n in (2, 3, 5, 9, 11, 12, 13, 15, 16, 17, 20)
    ]
    owners = [*bureaux.values(), *groups]
    user = User.objects.create_user("bench", password="x", bureau=bureaux["TSB"])
    user.groups.add(Group.objects.get(name=Role.BUREAU_STAFF))
    assembly = Assembly.objects.create(
        code="WTSA-20",
        name="WTSA-20",
        place="Geneva",
        start_date=datetime.date(2022, 3, 1),
        end_date=datetime.date(2022, 3, 9),
    )
    per_resolution = 10
    resolutions = Resolution.objects.bulk_create(
        Resolution(assembly=assembly, number=n + 1, title=f"Resolution {n + 1}")
        for n in range(-(-actions // per_resolution))
    )
    clauses = Clause.objects.bulk_create(
        Clause(
            resolution=resolutions[i // per_resolution],
            key=f"instructs.1/{i % per_resolution + 1}",
            part=PartKind.OPERATIVE,
            verb=ClauseVerb.INSTRUCTS,
            addressee="the Director of the Telecommunication Standardization Bureau",
            label=str(i % per_resolution + 1),
            text=f"to take the necessary actions on item {i}, and to report annually to Council;",
            order=i % per_resolution + 1,
        )
        for i in range(actions)
    )
    created = Action.objects.bulk_create(
        Action(
            resolution=clause.resolution,
            clause=clause,
            number=clause.order,
            strength=Strength.INSTRUCTS,
            owner=owners[i % len(owners)],
            focal_point=user if i % 3 == 0 else None,
            target_date=datetime.date(2026, 1 + i % 12, 1),
        )
        for i, clause in enumerate(clauses)
    )
    Through = Action.collaborators.through
    Through.objects.bulk_create(
        Through(action=action, body=bureau)
        for action in created
        for bureau in (bureaux["BDT"], bureaux["BR"])
    )
    ReportingObligation.objects.bulk_create(
        ReportingObligation(action=action, recipient=recipient)
        for action in created
        for recipient in (ReportingRecipient.COUNCIL_ANNUAL, ReportingRecipient.NEXT_WTSA)
    )
    return AuthToken.objects.create(user=user)[1]


def raw_page(page_size: int) -> bytes:
    """The same page as the API, read with a cursor and serialized with orjson."""
    import orjson
    from django.db import connection

    from actions.models import Action, Body, ReportingObligation, User
    from resolutions.models import Assembly, Clause, Resolution

    t = {
        model.__name__: connection.ops.quote_name(model._meta.db_table)
        for model in (Action, Body, ReportingObligation, User, Assembly, Clause, Resolution)
    }
    collaborators_table = connection.ops.quote_name(Action.collaborators.through._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {t['Action']}")
        count = cursor.fetchone()[0]
        cursor.execute(
            f"""
            SELECT a.id, a.number, a.strength, a.status, a.target_date, a.needs_review,
                   a.review_reason, a.version, a.updated_at,
                   r.id, r.number, r.title, s.code,
                   c.id, c.key, c.label, c.verb, c.addressee, c.text,
                   o.code, u.username
            FROM {t["Action"]} a
            JOIN {t["Resolution"]} r ON r.id = a.resolution_id
            JOIN {t["Assembly"]} s ON s.id = r.assembly_id
            JOIN {t["Clause"]} c ON c.id = a.clause_id
            LEFT JOIN {t["Body"]} o ON o.id = a.owner_id
            LEFT JOIN {t["User"]} u ON u.id = a.focal_point_id
            ORDER BY a.resolution_id, a.number
            LIMIT %s
            """,
            [page_size],
        )
        rows = cursor.fetchall()
        ids = [row[0] for row in rows]
        marks = ", ".join(["%s"] * len(ids))
        collaborators, obligations = defaultdict(list), defaultdict(list)
        cursor.execute(
            f"SELECT ac.action_id, b.code FROM {collaborators_table} ac "
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
            obligations[action_id].append({"recipient": recipient})
    results = [
        {
            "id": row[0],
            "number": row[1],
            "strength": row[2],
            "status": row[3],
            "target_date": row[4],
            "needs_review": bool(row[5]),
            "review_reason": row[6],
            "version": row[7],
            "updated_at": row[8],
            "resolution": {"id": row[9], "number": row[10], "title": row[11], "assembly": row[12]},
            "clause": {
                "id": row[13],
                "key": row[14],
                "label": row[15],
                "verb": row[16],
                "addressee": row[17],
                "text": row[18],
            },
            "owner": row[19],
            "focal_point": row[20],
            "collaborators": collaborators[row[0]],
            "reporting_obligations": obligations[row[0]],
        }
        for row in rows
    ]
    return orjson.dumps({"count": count, "results": results}, default=str)


def timings(call: Callable[[], object], runs: int, warmup: int = 5) -> list[float]:
    for _ in range(warmup):
        call()
    elapsed = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        elapsed.append((time.perf_counter() - start) * 1000)
    return elapsed


def percentile(values: list[float], p: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[p - 1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--actions", type=int, default=500, help="actions in the database")
    parser.add_argument("--runs", type=int, default=200, help="timed requests per method")
    parser.add_argument("--page-size", type=int, default=50, help="actions per page")
    parser.add_argument(
        "--freeze-gc",
        action="store_true",
        help="move everything loaded so far out of the garbage collector's reach, "
        "as a server may do after start-up (gc.freeze)",
    )
    args = parser.parse_args()

    scratch = Path(tempfile.mkdtemp(prefix="wtsa-bench-"))
    try:
        configure(scratch)
        token = build(args.actions)

        from django.db import connection
        from rest_framework.test import APIClient

        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {token}")

        def api_page() -> bytes:
            response = client.get("/api/actions/", {"page_size": args.page_size})
            assert response.status_code == 200, response.content[:500]
            return response.content

        queries: list[str] = []

        def count(execute, sql, params, many, context):
            queries.append(sql)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(count):
            api_body = api_page()
        if args.freeze_gc:
            gc.collect()
            gc.freeze()
        api = timings(api_page, args.runs)
        raw = timings(lambda: raw_page(args.page_size), args.runs)

        print(
            f"Listing {args.page_size} of {args.actions} actions, {args.runs} runs each, "
            f"SQLite in {scratch}{', gc frozen' if args.freeze_gc else ''}"
        )
        print(f"{'':28}{'p50 ms':>10}{'p99 ms':>10}{'bytes':>10}")
        for name, values, size in [
            ("API  GET /api/actions/", api, len(api_body)),
            ("raw  SQL cursor + orjson", raw, len(raw_page(args.page_size))),
        ]:
            print(f"{name:28}{percentile(values, 50):10.2f}{percentile(values, 99):10.2f}{size:10}")
        print(f"API / raw at p50: {percentile(api, 50) / percentile(raw, 50):.1f}x")
        print(f"Queries per API request: {len(queries)}")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
