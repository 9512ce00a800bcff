"""How long the reminder sweep takes, and how many queries, as the actions grow.

Builds a throwaway SQLite database in a temporary directory (never the
configured database) with 2,000 staff and coordinators across the Bureaux and
a growing number of actions (half of them reporting to Council, each with
two contributing Bureaux, a third with a focal point), then, at 1k, 10k, 49k and
100k actions:

- a sweep with a reminder stage due (plans, writes the rows, lists what to
  send): its time and query count, excluding SMTP;
- the same sweep run again the same day (rows already written);
- a sweep with nothing due (40 days before the deadline);
- sending a sample of the reminders to Django's in-memory mail backend: the
  time per message and the largest message in bytes.

It prints the figures and asserts nothing. Run:

    .venv/bin/python bench/reminder_sweep.py [--sizes 1000,10000,100000] [--users 2000]
        [--database-url postgres://…/empty_db]

On SQLite, whose statements take at most 999 parameters, writing 2,000 rows
takes several INSERT statements where PostgreSQL needs one per 1,000 rows.
"""

from __future__ import annotations

import argparse
import datetime
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def configure(database_dir: Path, database_url: str | None = None) -> None:
    """Point the project's settings at a scratch database before Django starts."""
    sys.path.insert(0, str(ROOT))
    os.environ.pop("DATABASE_URL", None)
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    os.environ["SQLITE_PATH"] = str(database_dir / "bench.sqlite3")
    os.environ["STATIC_ROOT"] = str(database_dir)
    os.environ["CELERY_BROKER_URL"] = "memory://"
    os.environ["DEBUG"] = "false"
    os.environ["LOG_LEVEL"] = "ERROR"
    os.environ.setdefault("SECRET_KEY", "benchmark-only-secret-key")
    os.environ["EMAIL_URL"] = "consolemail://"
    os.environ["DJANGO_SETTINGS_MODULE"] = "wtsa_tracker.settings"

    import django

    django.setup()
    from django.conf import settings

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def build_people(users: int) -> dict:
    from django.contrib.auth.models import Group
    from django.core.management import call_command

    from actions.choices import BodyKind, Role
    from actions.models import Body, GoverningBodyMeeting, User
    from resolutions.models import Assembly

    call_command("migrate", verbosity=0)
    bureaux = {
        code: Body.objects.create(code=code, name=code, kind=BodyKind.BUREAU)
        for code in ("TSB", "BDT", "BR", "GS")
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
    codes = list(bureaux)
    people = User.objects.bulk_create(
        User(
            username=f"user{n}",
            email=f"user{n}@itu.int",
            bureau=bureaux[codes[n % len(codes)]],
        )
        for n in range(users)
    )
    staff, coordinator = (
        Group.objects.get(name=role) for role in (Role.BUREAU_STAFF, Role.COORDINATOR)
    )
    Membership = User.groups.through
    Membership.objects.bulk_create(
        Membership(user=user, group=coordinator if n % 20 == 0 else staff)
        for n, user in enumerate(people)
    )
    assembly = Assembly.objects.create(
        code="WTSA-24",
        name="WTSA-24",
        place="New Delhi",
        start_date=datetime.date(2024, 10, 15),
        end_date=datetime.date(2024, 10, 24),
    )
    council = GoverningBodyMeeting.objects.create(
        kind="council",
        name="Council 2027",
        place="Geneva",
        start_date=datetime.date(2027, 6, 1),
        end_date=datetime.date(2027, 6, 10),
    )
    return {
        "bureaux": bureaux,
        "owners": [*bureaux.values(), *groups],
        "people": people,
        "assembly": assembly,
        "council": council,
        "made": 0,
    }


def add_actions(world: dict, upto: int) -> None:
    """Add actions until there are ``upto`` of them (100 per resolution)."""
    from actions.choices import ReportingRecipient, Strength
    from actions.models import Action, ReportingObligation, action_sort_key
    from resolutions.choices import ClauseVerb, PartKind
    from resolutions.models import Clause, Resolution

    per_resolution = 100
    start = world["made"]
    for first in range(start, upto, 5000):
        last = min(first + 5000, upto)
        resolutions = Resolution.objects.bulk_create(
            Resolution(assembly=world["assembly"], number=n + 1, title=f"Resolution {n + 1}")
            for n in range(first // per_resolution, -(-last // per_resolution))
        )
        by_number = {r.number: r for r in resolutions}
        clauses = Clause.objects.bulk_create(
            Clause(
                resolution=by_number[i // per_resolution + 1],
                key=f"instructs.1/{i % per_resolution + 1}",
                part=PartKind.OPERATIVE,
                verb=ClauseVerb.INSTRUCTS,
                label=str(i % per_resolution + 1),
                text=f"to take the necessary actions on item {i}, and to report to Council;",
                order=i % per_resolution + 1,
            )
            for i in range(first, last)
        )
        people, owners, bureaux = world["people"], world["owners"], world["bureaux"]
        actions = Action.objects.bulk_create(
            Action(
                resolution=clause.resolution,
                clause=clause,
                number=clause.order,
                sort_key=action_sort_key(clause.resolution, clause.order),
                strength=Strength.INSTRUCTS,
                owner=owners[i % len(owners)],
                focal_point=people[i % len(people)] if i % 3 == 0 else None,
            )
            for i, clause in zip(range(first, last), clauses, strict=True)
        )
        Through = Action.collaborators.through
        Through.objects.bulk_create(
            Through(action=action, body=body)
            for action in actions
            for body in (bureaux["BDT"], bureaux["BR"])
        )
        ReportingObligation.objects.bulk_create(
            ReportingObligation(action=action, recipient=ReportingRecipient.COUNCIL_ANNUAL)
            for n, action in enumerate(actions)
            if n % 2 == 0
        )
    world["made"] = upto


def measure(label: str, run) -> object:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        result = run()
        elapsed = time.perf_counter() - started
    print(f"  {label:<38} {elapsed * 1000:9.0f} ms  {len(queries):4d} queries")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,49000,100000")
    parser.add_argument("--users", type=int, default=2000)
    parser.add_argument("--sample", type=int, default=20, help="reminders actually rendered")
    parser.add_argument(
        "--database-url",
        help="an empty PostgreSQL database to use instead of a scratch SQLite file; "
        "it is flushed at the end",
    )
    options = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="wtsa-bench-"))
    try:
        configure(folder, options.database_url)
        from django.core import mail
        from django.utils import timezone

        from actions.models import Reminder
        from actions.services.reminders import reminder_send, reminders_sweep

        world = build_people(options.users)
        deadline = world["council"].document_deadline
        for size in (int(n) for n in options.sizes.split(",")):
            Reminder.objects.all().delete()
            add_actions(world, size)
            print(f"\n{size:,} actions, {options.users:,} users")
            # One day in a stage, then the next day (rows written), then a day with nothing due.
            day = datetime.datetime.combine(
                deadline - datetime.timedelta(days=14),
                datetime.time(6),
                tzinfo=timezone.get_current_timezone(),
            )
            ids = measure(
                "sweep, stage due (writes the rows)", lambda d=day: reminders_sweep(now=d)
            )
            measure("sweep again the same day", lambda d=day: reminders_sweep(now=d))
            quiet = day - datetime.timedelta(days=40)
            measure("sweep, nothing due", lambda d=quiet: reminders_sweep(now=d))
            mail.outbox = []
            sample = ids[: options.sample]
            started = time.perf_counter()
            for reminder_id in sample:
                reminder_send(reminder_id=reminder_id, now=day)
            per_message = (time.perf_counter() - started) / max(len(sample), 1)
            largest = max((len(m.message().as_bytes()) for m in mail.outbox), default=0)
            print(
                f"  {len(ids):,} reminders due; sending {len(sample)} took "
                f"{per_message * 1000:.0f} ms each; largest e-mail {largest:,} bytes"
            )
        if options.database_url:
            from django.core.management import call_command

            call_command("flush", interactive=False, verbosity=0)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
