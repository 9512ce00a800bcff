"""How the report to Council scales: reading its data, writing Word, writing the spreadsheet.

Builds a throwaway SQLite database in a temporary directory (never the
configured database) with N actions that report to Council, 100 per
resolution, each with a collaborator, an approved progress report and an
evidence link, then times the report: reading its data, writing the Word
file, writing the spreadsheet. It does so for 1k, 5k and 10k actions,
emptying and refilling the database between sizes. Each step's time per
thousand rows should stay flat: linear growth. Peak memory is Python's
(tracemalloc), over the three steps.

It prints figures and asserts nothing. Run:

    .venv/bin/python bench/council_report.py [--sizes 1000 5000 10000]
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PER_RESOLUTION = 100


def configure(database_dir: Path) -> None:
    """Point the project's settings at a scratch database before Django starts."""
    sys.path.insert(0, str(ROOT))
    os.environ.pop("DATABASE_URL", None)
    os.environ["SQLITE_PATH"] = str(database_dir / "bench.sqlite3")
    os.environ["STATIC_ROOT"] = str(database_dir)
    os.environ["MEDIA_ROOT"] = str(database_dir)
    os.environ["CELERY_BROKER_URL"] = "memory://"
    os.environ["DEBUG"] = "false"
    os.environ["LOG_LEVEL"] = "ERROR"
    os.environ.setdefault("SECRET_KEY", "benchmark-only-secret-key")
    os.environ.setdefault("EMAIL_URL", "consolemail://")
    os.environ["DJANGO_SETTINGS_MODULE"] = "wtsa_tracker.settings"

    import django

    django.setup()


def build(actions: int):
    """Fill the database with ``actions`` Council-reporting actions; return the Council session."""
    import datetime

    from django.core.management import call_command

    from actions.choices import ActionStatus, ReportState, Strength
    from actions.models import (
        Action,
        Body,
        EvidenceLink,
        GoverningBodyMeeting,
        ProgressReport,
        ReportingObligation,
        User,
        action_sort_key,
    )
    from resolutions.models import Assembly, Clause, Resolution

    call_command("migrate", verbosity=0)
    tsb = Body.objects.create(code="TSB", name="TSB", kind="bureau")
    bdt = Body.objects.create(code="BDT", name="BDT", kind="bureau")
    author = User.objects.create(username="author", bureau=tsb)
    assembly = Assembly.objects.create(
        code="WTSA-20",
        name="WTSA-20",
        place="Geneva",
        start_date=datetime.date(2022, 3, 1),
        end_date=datetime.date(2022, 3, 9),
    )
    council = GoverningBodyMeeting.objects.create(
        kind="council",
        name="Council 2027",
        start_date=datetime.date(2027, 5, 18),
        end_date=datetime.date(2027, 5, 27),
        reporting_period_start_override=datetime.date(2026, 5, 1),
    )
    count = actions // PER_RESOLUTION
    resolutions = Resolution.objects.bulk_create(
        Resolution(assembly=assembly, number=n + 1, title=f"Resolution {n + 1} on a subject")
        for n in range(count)
    )
    text = "to continue the work on this subject with the membership and report on it; " * 3
    clauses = Clause.objects.bulk_create(
        Clause(
            resolution=res,
            key=f"instructs.1/{i + 1}",
            part="operative",
            verb="instructs",
            label=str(i + 1),
            text=text,
            order=i + 1,
        )
        for res in resolutions
        for i in range(PER_RESOLUTION)
    )
    statuses = list(ActionStatus)
    created = Action.objects.bulk_create(
        Action(
            resolution_id=clause.resolution_id,
            clause=clause,
            number=clause.order,
            sort_key=action_sort_key(clause.resolution, clause.order),
            strength=Strength.INSTRUCTS,
            owner=tsb,
            status=statuses[n % len(statuses)],
        )
        for n, clause in enumerate(clauses)
    )
    Action.collaborators.through.objects.bulk_create(
        Action.collaborators.through(action_id=action.pk, body_id=bdt.pk) for action in created
    )
    ReportingObligation.objects.bulk_create(
        ReportingObligation(action=action, recipient="council_annual") for action in created
    )
    reports = ProgressReport.objects.bulk_create(
        ProgressReport(
            action=action,
            author=author,
            bureau=tsb,
            report_date=datetime.date(2027, 3, 1),
            period_start=datetime.date(2026, 6, 1),
            period_end=datetime.date(2027, 3, 1),
            text="Two workshops held and a technical report drafted with the study group.",
            state=ReportState.APPROVED,
        )
        for action in created
    )
    EvidenceLink.objects.bulk_create(
        EvidenceLink(report=report, url=f"https://www.itu.int/ws/{report.pk}") for report in reports
    )
    return council


def measure(council, size: int) -> dict[str, float]:
    import datetime

    from actions.council_report import council_report_data
    from actions.services.council_report import council_report_docx, council_report_xlsx

    figures: dict[str, float] = {}
    tracemalloc.start()
    started = time.perf_counter()
    data = council_report_data(
        meeting=council,
        document_number="C27/35-E",
        generated_at=datetime.datetime.now(tz=datetime.UTC),
    )
    figures["data"] = time.perf_counter() - started
    if data["summary"]["actions"] != size:
        raise SystemExit(f"expected {size} actions in the report, got {data['summary']['actions']}")
    started = time.perf_counter()
    docx = council_report_docx(data=data)
    figures["docx"] = time.perf_counter() - started
    started = time.perf_counter()
    xlsx = council_report_xlsx(data=data)
    figures["xlsx"] = time.perf_counter() - started
    figures["peak_mb"] = tracemalloc.get_traced_memory()[1] / 1e6
    tracemalloc.stop()
    figures["docx_kb"] = len(docx) / 1e3
    figures["xlsx_kb"] = len(xlsx) / 1e3
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 5000, 10000])
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="wtsa-bench-"))
    try:
        configure(folder)
        from django.core.management import call_command

        print(
            f"{'actions':>8} {'data s':>8} {'docx s':>8} {'xlsx s':>8} "
            f"{'docx ms/1k':>11} {'xlsx ms/1k':>11} {'peak MB':>8} {'docx kB':>8} {'xlsx kB':>8}"
        )
        for size in sorted(args.sizes):
            call_command("flush", interactive=False, verbosity=0)
            council = build(size)
            f = measure(council, size)
            per_k = 1000 / size * 1000
            print(
                f"{size:>8} {f['data']:>8.2f} {f['docx']:>8.2f} {f['xlsx']:>8.2f} "
                f"{f['docx'] * per_k:>11.0f} {f['xlsx'] * per_k:>11.0f} {f['peak_mb']:>8.0f} "
                f"{f['docx_kb']:>8.0f} {f['xlsx_kb']:>8.0f}",
                flush=True,
            )
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
