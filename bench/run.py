"""``make bench``: the tracker against raw baselines, side by side, in one run.

    .venv/bin/python -m bench.run [--scale M] [--database-url postgres://…/wtsa_bench]

Environment: ``BENCH_SCALE`` (S, M, L) and ``DATABASE_URL`` choose the data and
the database (default: SQLite under var/bench/). The generated database is
kept, with a stamp, under ``var/bench/``; later runs reuse it (``--regenerate``
rebuilds it) and only apply new migrations.

Measured in process, unless said:

- ``/api/actions/`` by default and with each filter, first and last page,
  against the raw view of ``bench.wsgi`` (``bench.raw``: hand-written SQL and
  orjson), both called through the same WSGI application with the same
  token, in turns; their JSON must be equal, field for field;
- the pages, through Django's test client (signed in), against their own
  SQL: the queries a page ran, captured once and replayed through a cursor;
  HTML size and queries per request;
- the CSV export against ``sqlite3 -csv`` / ``psql \\copy`` of the same rows,
  and its peak Python memory (tracemalloc, in a separate run);
- the reminder sweep before the last Council session's deadline: claiming,
  then sending a sample of the e-mails through the in-memory backend (the
  total is extrapolated from the sample and printed as such);
- importing the WTSA-20 seed text (rolled back);
- requests per second of the API list and of a raw view under the same
  gunicorn (two workers, 127.0.0.1, a bounded number of requests).

Writes ``var/bench/latest.json`` and ``var/bench/<database>-<scale>.json``;
prints a table and every target of issue 13 with whether it holds.
"""

from __future__ import annotations

import argparse
import base64
import csv
import datetime
import io
import json
import os
import platform
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import tracemalloc
import urllib.request
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlencode
from wsgiref.util import setup_testing_defaults

from bench.environment import BENCH_DIR, ROOT, Target, configure, target_for
from bench.generate import SCALES, current_stamp, prepare, write_stamp

PAGE_SIZE = 50
EXPORT_RUNS = 3
API_FILTERS: list[tuple[str, str, object]] = [
    ("default", "", None),
    ("status", "status", "in_progress"),
    ("strength", "strength", "invites"),
    ("reports_to", "reports_to", "council_annual"),
    ("involves", "involves", "BDT"),
    ("resolution", "resolution", 13),
]


def p50(values: list[float]) -> float:
    return statistics.median(values)


def _ms(call: Callable[[], object]) -> float:
    start = time.perf_counter()
    call()
    return (time.perf_counter() - start) * 1000


def paired(app: Callable[[], object], baseline: Callable[[], object], runs: int) -> tuple:
    """Median milliseconds of each, timed in turns after one untimed call of each.

    Taking turns means both see the same load: on a machine shared with other
    work, timing one ``runs`` times and then the other compares two moments.
    """
    app()
    baseline()
    app_ms, baseline_ms = [], []
    for _ in range(runs):
        app_ms.append(_ms(app))
        baseline_ms.append(_ms(baseline))
    return p50(app_ms), p50(baseline_ms)


# --- Data ----------------------------------------------------------------------------


def ensure_data(target: Target, *, regenerate: bool) -> dict:
    """Start Django on a database holding ``target.scale``; generate it only when needed."""
    stamp = None if regenerate else current_stamp(target)
    prepare(target, fresh=stamp is None)
    configure(target)

    from django.core.management import call_command

    from bench.generate import generate

    call_command("migrate", verbosity=0)
    if stamp is None:
        print(f"Generating scale {target.scale} on {target.vendor}…", flush=True)
        summary = generate(SCALES[target.scale])
        stamp = write_stamp(target, summary)
        print(f"  {summary.counts} in {summary.seconds:.0f} s", flush=True)
    else:
        # New indexes only help once the planner knows the tables.
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    from django.conf import settings

    if not (Path(settings.STATIC_ROOT) / "staticfiles.json").exists():
        call_command("collectstatic", interactive=False, verbosity=0)
    return stamp


# --- Measures ------------------------------------------------------------------------


def wsgi_get(path: str, query: dict, token: str) -> bytes:
    """GET through ``bench.wsgi.application`` in this process, as gunicorn would call it."""
    from bench.wsgi import application

    environ: dict = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": urlencode(query),
        "HTTP_AUTHORIZATION": f"Token {token}",
        "HTTP_ACCEPT": "application/json",
    }
    setup_testing_defaults(environ)
    answer: list[str] = []
    body = b"".join(application(environ, lambda status, headers: answer.append(status)))
    assert answer[0].startswith("200"), (path, query, answer[0], body[:300])
    return body


def measure_api_floor(user, runs: int) -> dict:
    """What any API request costs before its own work: the list of assemblies (a few rows).

    Middleware, token, DRF, throttling and a small query: the part of each
    API figure that no list can go below, printed beside the ratios.
    """
    from knox.models import AuthToken

    token = AuthToken.objects.create(user=user)[1]

    def floor():
        return wsgi_get("/api/assemblies/", {}, token)

    floor()
    times = []
    for _ in range(runs):
        times.append(_ms(floor))
    return {"path": "/api/assemblies/", "app_ms": p50(times)}


def measure_api(user, runs: int) -> list[dict]:
    """Each filter's first and last page, by number and by cursor: the API against the raw view.

    Both answer the same WSGI request with the same token, in process and in
    turns; the raw view checks the token and writes the JSON from hand-written
    SQL and orjson, with no middleware, DRF or ORM. Their rows must be equal,
    field for field, before a ratio is trusted.
    """
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from knox.models import AuthToken

    from bench.raw import action_count, action_filter, action_ids
    from bench.wsgi import RAW_PATH

    token = AuthToken.objects.create(user=user)[1]
    rows = []
    for label, name, value in API_FILTERS:
        flt = action_filter(name, value)
        count = action_count(flt)
        ids = action_ids(flt)
        # DRF's cursor is "p=<the last id seen>" in base64; empty for the first page.
        deepest = base64.b64encode(f"p={ids[-PAGE_SIZE - 1]}".encode()).decode()
        pages = {
            "first": {"page": 1},
            "last": {"page": max(1, -(-count // PAGE_SIZE))},
            "cursor first": {"cursor": ""},
            "cursor last": {"cursor": deepest if len(ids) > PAGE_SIZE else ""},
        }
        for which, where in pages.items():
            query = {**where, "page_size": PAGE_SIZE}
            if name:
                query[name] = value

            def api(query=query):
                return wsgi_get("/api/actions/", query, token)

            def raw(query=query):
                return wsgi_get(RAW_PATH, query, token)

            answer, baseline = json.loads(api()), json.loads(raw())
            # A ratio against other work would measure nothing.
            assert answer.get("count") == baseline.get("count"), (label, which)
            assert answer["results"] == baseline["results"], (label, which)
            assert answer["results"], (label, which)
            app_ms, raw_ms = paired(api, raw, runs)
            with CaptureQueriesContext(connection) as captured:
                api()
            rows.append(
                {
                    "filter": label,
                    "page": which,
                    "query": query,
                    "rows": count,
                    "app_ms": app_ms,
                    "raw_ms": raw_ms,
                    "queries": len(captured.captured_queries),
                }
            )
            rows[-1]["ratio"] = rows[-1]["app_ms"] / rows[-1]["raw_ms"]
            print(
                f"  api {label:11} {which:12} {rows[-1]['app_ms']:8.1f} ms"
                f"  raw {rows[-1]['raw_ms']:7.1f} ms",
                flush=True,
            )
    return rows


def _queries(call: Callable[[], object]) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        call()
    return len(captured.captured_queries)


def _content(response) -> bytes:
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def measure_page(client, name: str, url: str, runs: int) -> dict:
    """A page's time against replaying its own SQL through a cursor."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def page():
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        return _content(response)

    html = page()
    with CaptureQueriesContext(connection) as captured:
        page()
    statements = [q["sql"] for q in captured.captured_queries]
    selects = [sql for sql in statements if sql.lstrip().upper().startswith("SELECT")]

    def replay():
        with connection.cursor() as cursor:
            for sql in selects:
                cursor.execute(sql)
                cursor.fetchall()

    app_ms, sql_ms = paired(page, replay, runs)
    row = {
        "page": name,
        "url": url,
        "app_ms": app_ms,
        "sql_ms": sql_ms,
        "html_bytes": len(html),
        "queries": len(statements),
    }
    row["ratio"] = row["app_ms"] / row["sql_ms"]
    print(
        f"  page {name:22} {row['app_ms']:8.1f} ms  sql {row['sql_ms']:7.1f} ms"
        f"  {row['html_bytes'] / 1024:8.0f} KB  {row['queries']} queries",
        flush=True,
    )
    return row


def measure_export(client, user, target: Target) -> dict:
    """The export as users get it: streamed below the threshold, else written by the task."""
    from django.conf import settings
    from django.db import connection
    from django.test.utils import override_settings

    from actions.models import Export
    from actions.tasks import write_export
    from bench.raw import export_sql

    answer = client.get("/actions/export.csv")
    offered_as_job = not answer.streaming and b"/actions/export/" in answer.content

    def export() -> Export:
        """Run the job in this process, as a worker would."""
        job = Export.objects.create(requested_by=user)
        assert write_export(job.pk) == "ready", Export.objects.get(pk=job.pk).error
        return job

    def read_back(job: Export) -> bytes:
        """The file the job wrote, for the checks below; then the job is gone."""
        job.refresh_from_db()
        with job.file.open("rb") as written:
            body = written.read()
        job.file.delete(save=False)
        job.delete()
        return body

    sql = " ".join(export_sql().split())
    tool = "sqlite3 -csv" if target.vendor == "sqlite" else "psql \\copy"

    def baseline(out: Path) -> None:
        if target.vendor == "sqlite":
            command = ["sqlite3", "-csv", str(settings.DATABASES["default"]["NAME"]), sql]
        else:
            command = ["psql", target.url, "-qc", f"\\copy ({sql}) TO '{out}' CSV"]
        with open(out, "ab") as sink:
            subprocess.run(command, check=True, stdout=sink)

    app_times, raw_times = [], []
    with (
        tempfile.TemporaryDirectory() as media,
        override_settings(MEDIA_ROOT=media),
        tempfile.TemporaryDirectory() as scratch,
    ):
        # In turns, the median of three: one export is a few seconds, and a
        # shared machine's load comes and goes.
        for attempt in range(EXPORT_RUNS):
            start = time.perf_counter()
            job = export()
            app_times.append(time.perf_counter() - start)
            body = read_back(job)
            out = Path(scratch) / f"export-{attempt}.csv"
            start = time.perf_counter()
            baseline(out)
            raw_times.append(time.perf_counter() - start)
            raw_keys = _row_keys(out.read_bytes(), header=False)
        # The job's peak alone: the file read back for the checks is no part of it.
        tracemalloc.start()
        job = export()
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        read_back(job)
    app_s, raw_s = p50(app_times), p50(raw_times)
    app_keys = _row_keys(body, header=True)
    # A ratio against other rows would measure nothing.
    assert app_keys == raw_keys, (len(app_keys), len(raw_keys))
    rows = len(app_keys)
    row = {
        "app_s": app_s,
        "raw_s": raw_s,
        "ratio": app_s / raw_s,
        "tool": tool,
        "rows": rows,
        "raw_rows": len(raw_keys),
        "bytes": len(body),
        "peak_python_mb": peak / 2**20,
        # Over the threshold, the request offers the job instead of streaming.
        "job": offered_as_job or rows <= settings.EXPORT_STREAM_MAX_ROWS,
        "threshold": settings.EXPORT_STREAM_MAX_ROWS,
    }
    print(
        f"  export {rows} rows {len(body) / 2**20:.0f} MB in {app_s:.1f} s, "
        f"{tool} {len(raw_keys)} rows in {raw_s:.2f} s, peak {peak / 2**20:.0f} MB",
        flush=True,
    )
    del connection
    return row


def _row_keys(data: bytes, *, header: bool) -> list[tuple[str, str, str]]:
    """Each CSV row's assembly, resolution and action number: which action, in which order.

    Read as CSV, not as lines, since an item's text may hold line breaks.
    """
    rows = csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""))
    if header:
        next(rows)
    return [(row[0], row[1], row[2]) for row in rows]


def measure_sweep(sample: int) -> dict:
    """The reminder sweep 14 days before the last Council deadline, and a sample of its e-mails.

    The sweep is the periodic task: it works out what is due, writes each
    reminder once and returns those to send. Each e-mail is then rendered and
    handed to the backend (here the in-memory one: no SMTP) by a task of its
    own, ``reminder_send``: a sample is sent, and the time for all of them is
    extrapolated from it and printed as such. Everything is rolled back.
    """
    from django.core import mail
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from actions.models import GoverningBodyMeeting
    from actions.services.reminders import reminder_send, reminders_sweep

    meeting = GoverningBodyMeeting.objects.filter(kind="council").order_by("-start_date").first()
    now = datetime.datetime.combine(
        meeting.document_deadline - datetime.timedelta(days=14),
        datetime.time(6),
        tzinfo=timezone.get_current_timezone(),
    )
    quiet = now - datetime.timedelta(days=40)

    def timed(call) -> tuple[float, int, object]:
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            result = call()
            seconds = time.perf_counter() - start
        return seconds, len(queries.captured_queries), result

    mail.outbox = []
    with transaction.atomic():
        sweep_s, sweep_q, ids = timed(lambda: reminders_sweep(now=now))
        step = max(1, len(ids) // max(1, sample + 1))
        picked = ids[::step][: sample + 1]
        counted, chosen = picked[:1], picked[1:]
        # One e-mail is sent with Django's query log on, to count its queries;
        # the sample is timed as a worker sends it, without the log, which on
        # PostgreSQL costs more than the e-mail itself (several ms each).
        _, send_q, _ = timed(lambda: [reminder_send(reminder_id=pk, now=now) for pk in counted])
        start = time.perf_counter()
        for pk in chosen:
            reminder_send(reminder_id=pk, now=now)
        send_s = time.perf_counter() - start
        again_s, again_q, _ = timed(lambda: reminders_sweep(now=now))
        quiet_s, quiet_q, _ = timed(lambda: reminders_sweep(now=quiet))
        transaction.set_rollback(True)
    sizes = [len(message.message().as_bytes()) for message in mail.outbox]
    per_email_s = send_s / max(1, len(chosen))
    row = {
        "emails": len(ids),
        "sampled": len(chosen),
        "sweep_s": sweep_s,
        "sweep_queries": sweep_q,
        "per_email_ms": per_email_s * 1000,
        "per_email_queries": send_q,
        "total_s_extrapolated": sweep_s + per_email_s * len(ids),
        "repeat_sweep_s": again_s,
        "repeat_sweep_queries": again_q,
        "quiet_sweep_s": quiet_s,
        "quiet_sweep_queries": quiet_q,
        "largest_email_bytes": max(sizes, default=0),
        "median_email_bytes": int(statistics.median(sizes)) if sizes else 0,
    }
    print(
        f"  sweep {len(ids)} e-mails due, {sweep_s:.2f} s, {sweep_q} queries; "
        f"{len(chosen)} sent at {row['per_email_ms']:.0f} ms each; "
        f"largest {row['largest_email_bytes'] / 1024:.1f} KB",
        flush=True,
    )
    return row


def measure_import() -> dict:
    from django.db import transaction

    from actions.importing import resolution_import
    from resolutions.models import Assembly
    from resolutions.parsing import parse_text

    text = (ROOT / "fixtures" / "wtsa20_itud_background.txt").read_text(encoding="utf-8")
    # Under numbers no generated assembly uses: WTSA-24's Resolution 2 would
    # otherwise be a later version, and WTSA-20's text refused (issue 11).
    text = re.sub(
        r"(?mi)^(\tRESOLUTION )(\d+)(?=$| \[)", lambda m: f"{m[1]}{int(m[2]) + 10000}", text
    )
    with transaction.atomic():
        assembly, _ = Assembly.objects.get_or_create(
            code="WTSA-20",
            defaults={
                "name": "WTSA-20",
                "place": "Geneva",
                "start_date": datetime.date(2022, 3, 1),
                "end_date": datetime.date(2022, 3, 9),
            },
        )
        start = time.perf_counter()
        document = parse_text(text)
        parse_s = time.perf_counter() - start
        resolution_import(document=document, assembly=assembly)
        first_s = time.perf_counter() - start
        start = time.perf_counter()
        resolution_import(document=parse_text(text), assembly=assembly)
        again_s = time.perf_counter() - start
        transaction.set_rollback(True)
    print(f"  seed import {first_s:.2f} s (parse {parse_s:.2f} s), again {again_s:.2f} s")
    return {"parse_s": parse_s, "first_import_s": first_s, "reimport_s": again_s}


def measure_throughput(user, requests: int) -> dict:
    """Requests per second of the API list and of the raw view under the same gunicorn."""
    from knox.models import AuthToken

    from bench.wsgi import RAW_PATH

    token = AuthToken.objects.create(user=user)[1]
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "bench.wsgi:application",
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=os.environ.copy(),
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while True:
            try:
                _get(f"{base}{RAW_PATH}", token)
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise
                time.sleep(0.3)
        # In turns, two rounds each, so that both see the same load.
        seconds = {"api": 0.0, "raw": 0.0}
        for _ in range(2):
            for name, path in (("api", "/api/actions/?page_size=50"), ("raw", RAW_PATH)):
                seconds[name] += _load(f"{base}{path}", token, requests // 2, clients=4)
        result = {f"{name}_rps": 2 * (requests // 2) / s for name, s in seconds.items()}
        result["ratio"] = result["api_rps"] / result["raw_rps"]
        result["requests"] = requests
    finally:
        server.terminate()
        server.wait(timeout=30)
    print(f"  throughput api {result['api_rps']:.1f}/s raw {result['raw_rps']:.1f}/s", flush=True)
    return result


def _get(url: str, token: str) -> None:
    request = urllib.request.Request(url, headers={"Authorization": f"Token {token}"})
    with urllib.request.urlopen(request, timeout=60) as response:
        response.read()
        assert response.status == 200


def _load(url: str, token: str, requests: int, clients: int) -> float:
    """Seconds that ``clients`` threads take to get ``url`` ``requests`` times in all."""
    for _ in range(4):
        _get(url, token)
    remaining = iter(range(requests))
    lock = threading.Lock()

    def worker():
        while True:
            with lock:
                if next(remaining, None) is None:
                    return
            _get(url, token)

    threads = [threading.Thread(target=worker) for _ in range(clients)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - start


# --- Targets -------------------------------------------------------------------------


def targets(results: dict) -> list[dict]:
    """Issue 13's targets, each with the figure that decides it, for the parts measured."""
    out = []
    if "api" in results:
        api = results["api"]
        by = {(r["filter"], r["page"]): r for r in api}
        worst_api = max(r["ratio"] for r in api)
        # Deep pages by cursor (keyset on id); by number, OFFSET still walks the skipped ids.
        worst_depth = max(
            by[(f, "cursor last")]["app_ms"] / by[(f, "cursor first")]["app_ms"]
            for f, *_ in API_FILTERS
        )
        out += [
            ("API list, any filter, p50 ≤ 1.5× raw", f"worst {worst_api:.1f}×", worst_api <= 1.5),
            (
                "API list, last page ≤ 1.2× first (cursor)",
                f"worst {worst_depth:.2f}×",
                worst_depth <= 1.2,
            ),
        ]
    if "pages" in results:
        pages = results["pages"]
        worst_page = max(pages, key=lambda r: r["ratio"])
        biggest = max(pages, key=lambda r: r["html_bytes"])
        detail, small = results["detail_constant"]
        out += [
            (
                "Pages p50 ≤ 2× their own SQL",
                f"worst {worst_page['page']} {worst_page['ratio']:.1f}×",
                worst_page["ratio"] <= 2,
            ),
            (
                "Pages HTML ≤ 200 KB",
                f"largest {biggest['page']} {biggest['html_bytes'] / 1024:.0f} KB",
                biggest["html_bytes"] <= 200 * 1024,
            ),
            (
                "Action detail constant in the number of reports",
                f"{detail['reports']} reports: {detail['app_ms']:.0f} ms, {detail['queries']} q; "
                f"{small['reports']}: {small['app_ms']:.0f} ms, {small['queries']} q",
                detail["queries"] == small["queries"]
                and detail["app_ms"] <= 1.5 * small["app_ms"] + 20,
            ),
        ]
    if "export" in results:
        export = results["export"]
        out += [
            (
                "CSV export ≤ 3× " + export["tool"],
                f"{export['ratio']:.1f}× ({export['app_s']:.1f} s)",
                export["ratio"] <= 3,
            ),
            (
                "CSV export peak memory ≤ 60 MB",
                f"{export['peak_python_mb']:.0f} MB",
                export["peak_python_mb"] <= 60,
            ),
            (
                "CSV export runs as a Celery job, never cut off",
                f"over {export['threshold']} rows a Celery job writes the file"
                if export["job"]
                else "streamed in the request",
                export["job"],
            ),
        ]
    if "sweep" in results:
        sweep = results["sweep"]
        most = max(
            sweep["sweep_queries"], sweep["repeat_sweep_queries"], sweep["quiet_sweep_queries"]
        )
        out += [
            (
                "Reminder sweep ≤ 20 queries",
                f"{most} at most (due {sweep['sweep_queries']}, again "
                f"{sweep['repeat_sweep_queries']}, nothing due {sweep['quiet_sweep_queries']}); "
                f"each e-mail then {sweep['per_email_queries']:.0f} in its own task",
                most <= 20,
            ),
            (
                "Reminder sweep ≤ 10 s excluding SMTP",
                f"{sweep['sweep_s']:.2f} s, {sweep['total_s_extrapolated']:.1f} s with all "
                f"{sweep['emails']} e-mails rendered (extrapolated from {sweep['sampled']})",
                sweep["total_s_extrapolated"] <= 10,
            ),
            (
                "Reminder e-mail ≤ 50 KB",
                f"largest {sweep['largest_email_bytes'] / 1024:.1f} KB",
                sweep["largest_email_bytes"] <= 50 * 1024,
            ),
        ]
    if "throughput" in results:
        ratio = results["throughput"]["ratio"]
        out.append(("Throughput: API ≥ 70% of raw view", f"{ratio:.0%}", ratio >= 0.7))
    return [{"target": t, "measured": m, "holds": h} for t, m, h in out]


def machine(target: Target) -> dict:
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT sqlite_version()")
            database = f"SQLite {cursor.fetchone()[0]}"
        else:
            cursor.execute("SHOW server_version")
            database = f"PostgreSQL {cursor.fetchone()[0]}"
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return {
        "load_average_at_start": round(os.getloadavg()[0], 1),
        "cpus": os.cpu_count(),
        "memory_gb": round(memory, 1),
        "python": platform.python_version(),
        "database": database,
        "platform": platform.platform(),
    }


def print_table(results: dict) -> None:
    m = results["machine"]
    print()
    print(
        f"Scale {results['scale']} {results['counts']} — {m['database']}, Python {m['python']}, "
        f"{m['cpus']} CPUs, {m['memory_gb']} GB, load {m['load_average_at_start']} at start, "
        f"{os.getloadavg()[0]:.1f} at end"
    )
    print(f"{'measure':44}{'app':>11}{'baseline':>11}{'ratio':>8}{'queries':>9}")
    for r in results.get("api", []):
        name = f"API list {r['filter']} ({r['page']} page)"
        print(
            f"{name:44}{r['app_ms']:9.1f}ms{r['raw_ms']:9.1f}ms{r['ratio']:7.1f}×{r['queries']:9}"
        )
    if "api_floor" in results:
        floor = results["api_floor"]
        print(f"{'API floor: ' + floor['path'] + ' (a few rows)':44}{floor['app_ms']:9.1f}ms")
    for r in results.get("pages", []):
        name = f"page {r['page']} ({r['html_bytes'] / 1024:.0f} KB)"
        print(
            f"{name:44}{r['app_ms']:9.1f}ms{r['sql_ms']:9.1f}ms{r['ratio']:7.1f}×{r['queries']:9}"
        )
    if "export" in results:
        e = results["export"]
        print(
            f"{'CSV export vs ' + e['tool']:44}{e['app_s']:10.2f}s{e['raw_s']:10.2f}s"
            f"{e['ratio']:7.1f}×   peak {e['peak_python_mb']:.0f} MB"
        )
    if "sweep" in results:
        s = results["sweep"]
        print(
            f"{'reminder sweep (' + str(s['emails']) + ' e-mails due)':44}"
            f"{s['sweep_s']:10.2f}s{'':>11}{'':>8}{s['sweep_queries']:9}"
        )
        print(
            f"{'  each e-mail, in its own task (sampled)':44}{s['per_email_ms']:9.1f}ms"
            f"{'':>11}{'':>8}{s['per_email_queries']:9.0f}"
        )
        print(f"{'  sweep and every e-mail (extrapolated)':44}{s['total_s_extrapolated']:10.1f}s")
        print(
            f"{'  sweep again / with nothing due':44}{s['repeat_sweep_s']:10.2f}s"
            f"{s['quiet_sweep_s']:10.2f}s{'':>8}{s['repeat_sweep_queries']:9}"
        )
        print(f"{'  largest e-mail':44}{s['largest_email_bytes'] / 1024:9.1f}KB")
    if "import" in results:
        i = results["import"]
        print(
            f"{'seed import (first / again)':44}{i['first_import_s']:10.2f}s"
            f"{i['reimport_s']:10.2f}s"
        )
    if "throughput" in results:
        t = results["throughput"]
        print(
            f"{'throughput, gunicorn 2 workers (req/s)':44}{t['api_rps']:9.1f}/s"
            f"{t['raw_rps']:9.1f}/s{t['ratio']:7.0%}"
        )
    print()
    print("Targets (issue 13):")
    for t in results["targets"]:
        print(f"  [{'holds' if t['holds'] else 'FAILS'}] {t['target']}: {t['measured']}")


PARTS = ("api", "pages", "export", "sweep", "import", "throughput")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--scale", choices=sorted(SCALES), default=os.environ.get("BENCH_SCALE", "M")
    )
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"))
    parser.add_argument("--regenerate", action="store_true", help="rebuild the cached data")
    parser.add_argument("--runs", type=int, default=15, help="timed runs of each request")
    parser.add_argument("--emails", type=int, default=20, help="reminder e-mails actually sent")
    parser.add_argument("--requests", type=int, default=150, help="requests per throughput run")
    parser.add_argument(
        "--only",
        type=lambda value: value.split(","),
        default=list(PARTS),
        help=f"measure only these parts, comma-separated: {','.join(PARTS)} (default: all)",
    )
    parser.add_argument("--no-gunicorn", action="store_true", help="skip the throughput run")
    args = parser.parse_args()
    parts = set(args.only) - ({"throughput"} if args.no_gunicorn else set())
    if unknown := parts - set(PARTS):
        parser.error(f"unknown part(s): {', '.join(sorted(unknown))}; choose among {PARTS}")
    target = target_for(args.scale, args.database_url)
    started = time.perf_counter()
    stamp = ensure_data(target, regenerate=args.regenerate)

    from django.test import Client

    from actions.models import User

    user = User.objects.get(username="bench-tsb-staff")
    client = Client()
    client.force_login(user)
    results: dict = {
        "scale": target.scale,
        "database": target.vendor,
        "counts": stamp["counts"],
        "generated_in_s": stamp["seconds"],
        "when": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "parts": sorted(parts),
    }
    results["machine"] = machine(target)
    if "api" in parts:
        print("API list:", flush=True)
        results["api"] = measure_api(user, args.runs)
        results["api_floor"] = measure_api_floor(user, args.runs)
    if "pages" in parts:
        print("Pages:", flush=True)
        results["pages"], results["detail_constant"] = measure_pages(client, args.runs)
    if parts & {"export", "sweep", "import"}:
        print("CSV export, reminders, import:", flush=True)
    if "export" in parts:
        results["export"] = measure_export(client, user, target)
    if "sweep" in parts:
        results["sweep"] = measure_sweep(args.emails)
    if "import" in parts:
        results["import"] = measure_import()
    if "throughput" in parts:
        results["throughput"] = measure_throughput(user, args.requests)
    results["targets"] = targets(results)
    results["run_s"] = time.perf_counter() - started
    print_table(results)
    text = json.dumps(results, indent=1, default=str)
    (BENCH_DIR / "latest.json").write_text(text)
    name = target.vendor + "-" + target.scale
    if parts != set(PARTS):
        name += "-" + "-".join(sorted(parts))
    (BENCH_DIR / f"{name}.json").write_text(text)
    print(f"\nWrote var/bench/latest.json and {name}.json in a {results['run_s']:.0f} s run.")


def measure_pages(client, runs: int) -> tuple[list[dict], list[dict]]:
    """The staff pages against their own SQL, and the action page at both ends of its reports."""
    from django.db.models import Count

    from actions.models import Action
    from resolutions.models import Resolution

    busiest = Action.objects.annotate(n=Count("reports")).order_by("-n", "pk").first()
    # One report, approved, so the reader sees it as they see the busiest's.
    quiet = (
        Action.objects.annotate(n=Count("reports"))
        .filter(n=1, reports__state="approved")
        .order_by("pk")
        .first()
    )
    largest = (
        Resolution.objects.annotate(n=Count("actions"))
        .select_related("assembly")
        .order_by("-n", "pk")
        .first()
    )
    heavy = max(2, runs // 2)
    pages = [
        measure_page(client, "dashboard", "/", heavy),
        measure_page(client, "actions list", "/actions/", runs),
        measure_page(client, "my actions", "/actions/mine/", runs),
        measure_page(
            client, f"action detail ({busiest.n} reports)", f"/actions/{busiest.pk}/", heavy
        ),
        measure_page(client, "resolutions list", "/resolutions/", runs),
        measure_page(client, "council readiness", "/council/readiness/", heavy),
        measure_page(
            client,
            f"resolution ({largest.n} actions)",
            f"/resolutions/{largest.assembly.code}/{largest.number}/",
            runs,
        ),
    ]
    small = measure_page(client, "action detail (1 report)", f"/actions/{quiet.pk}/", runs)
    return pages, [{**pages[3], "reports": busiest.n}, {**small, "reports": 1}]


if __name__ == "__main__":
    main()
