"""Fill a database with decades of assemblies, for benchmarks.

    .venv/bin/python -m bench.generate --scale M [--database-url postgres://…/wtsa_bench]

Shapes follow what the tracker holds in real use, multiplied: several
assemblies of about a hundred resolutions each, about sixteen actions per
resolution, owned mostly by TSB and its study groups; progress reports
skewed so that most actions have a few and some have thousands; status
histories that only take allowed transitions; users across the Bureaux in
every role group; a Council session every year. Random but deterministic
(seeded): the same scale gives the same rows, on SQLite and PostgreSQL.

Rows go in with ``bulk_create``; no service runs, so no e-mail is sent and no
history is written beyond what is generated. Without ``--database-url`` the
data goes to ``var/bench/<scale>.sqlite3``, which is replaced.
"""

from __future__ import annotations

import argparse
import datetime
import itertools
import json
import random
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

# Bump when the shapes change, so that cached benchmark databases are rebuilt.
GENERATOR_VERSION = 4  # 2: duties, sort keys; 3: lineage; 4: superseded versions


@dataclass(frozen=True)
class Scale:
    """How much to generate. Reports and status changes are totals, spread unevenly."""

    name: str
    assemblies: int
    resolutions_per_assembly: int
    users: int
    reports_per_action: float
    status_changes_per_action: float
    # Actions that collect thousands of reports: standing mandates reported on weekly.
    hot_actions: tuple[int, ...]
    # log-normal parameters of actions per resolution (median e**mu)
    actions_mu: float = 2.65
    actions_sigma: float = 0.55


SCALES = {
    "S": Scale("S", 2, 6, 60, 6.0, 3.0, hot_actions=(150,), actions_mu=1.9, actions_sigma=0.5),
    "M": Scale("M", 10, 100, 2000, 10.1, 4.0, hot_actions=(2007, 1500, 1200)),
    "L": Scale("L", 30, 100, 2000, 10.1, 4.0, hot_actions=(3000, 2007, 1500)),
}

SEED = 13
BUREAU_SHARE = {"TSB": 45, "BDT": 25, "BR": 15, "GS": 15}
ROLE_SHARE = {"Bureau staff": 68, "Bureau coordinator": 12, "Reader": 18, "Administrator": 2}
# Who owns actions, by weight; the rest of the bodies share what is left.
OWNER_WEIGHTS = {
    "TSB": 34,
    "TSAG": 8,
    "T-SG17": 4,
    "T-SG13": 4,
    "T-SG5": 3,
    "T-SG20": 3,
    "T-SG2": 3,
    "T-SG3": 3,
    "T-SG11": 2,
    "T-SG12": 2,
    "T-SG15": 2,
    "T-SG16": 2,
    "T-SG9": 1,
    "BDT": 7,
    "BR": 3,
    "GS": 5,
    "MS": 8,
    "SM": 3,
    "RO": 1,
    "ISCG": 1,
}
COLLABORATORS = ["BDT", "BR", "GS", "TSB", "TSAG", "T-SG17", "T-SG13", "RO"]
RECIPIENT_SHARE = {
    "council_annual": 0.55,
    "council": 0.15,
    "next_wtsa": 0.3,
    "tsag": 0.1,
    "pp": 0.05,
}
STRENGTH_SHARE = {"instructs": 55, "invites": 20, "requests": 8, "calls_upon": 5, "encourages": 12}
VERB_OF_STRENGTH = {
    "instructs": "instructs",
    "invites": "invites",
    "requests": "requests",
    "calls_upon": "calls_upon",
    "encourages": "encourages",
}
REPORT_STATE_SHARE = {"approved": 75, "submitted": 8, "draft": 10, "returned": 7}
PLACES = ["Geneva", "Hammamet", "Dubai", "Johannesburg", "Florianópolis", "Montreal", "New Delhi"]
_REPORT_WORDS = (
    "workshop held with the regional office on conformance and interoperability testing for "
    "developing countries; the study group agreed a new work item and liaised with the "
    "Telecommunication Development Bureau; a questionnaire went to Member States and Sector "
    "Members, whose replies are summarized in the annex; the secretariat organized a forum, "
    "published a technical report and updated the online resources on bridging the "
    "standardization gap, in collaboration with the other Bureaux and the membership"
)
WORDS = _REPORT_WORDS.split()
LAST_DAY = datetime.date(2026, 11, 1)


def _text(rng: random.Random, words: int) -> str:
    start = rng.randrange(len(WORDS))
    chosen = [WORDS[(start + i * 7) % len(WORDS)] for i in range(words)]
    return " ".join(chosen).capitalize() + "."


def _day(rng: random.Random, start: datetime.date, end: datetime.date) -> datetime.date:
    return start + datetime.timedelta(days=rng.randrange(max(1, (end - start).days)))


def _moment(rng: random.Random, day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(
        day, datetime.time(8 + rng.randrange(10), rng.randrange(60)), tzinfo=datetime.UTC
    )


def _weighted(rng: random.Random, shares: dict[str, float]) -> str:
    return rng.choices(list(shares), weights=list(shares.values()))[0]


def _assembly_years(count: int) -> Iterator[int]:
    """Every four years back from 2024, leaving out 2020/2022: WTSA-20 stays free for imports."""
    year = 2024
    while count:
        if year != 2020:
            yield year
            count -= 1
        year -= 4


def _batches(rows: Iterable, size: int = 5000) -> Iterator[list]:
    iterator = iter(rows)
    while batch := list(itertools.islice(iterator, size)):
        yield batch


@dataclass
class Summary:
    """What a run generated, and how long it took."""

    counts: dict[str, int]
    seconds: float


def generate(scale: Scale, *, seed: int = SEED, log=lambda message: None) -> Summary:
    """Generate ``scale`` into the default database, which must hold no actions yet.

    Loads the reference bodies and meetings first (as ``bootstrap`` does), then
    bulk-inserts everything else inside one transaction.
    """
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import Group
    from django.core.management import call_command
    from django.db import connection, transaction

    from actions.choices import ALLOWED_TRANSITIONS, ActionStatus, Role
    from actions.models import (
        Action,
        Body,
        EvidenceLink,
        GoverningBodyMeeting,
        ProgressReport,
        ReportingObligation,
        ResolutionReportingDuty,
        StatusChange,
        User,
        action_sort_key,
    )
    from resolutions.models import Assembly, Clause, Resolution

    if Action.objects.exists():
        raise SystemExit("The database already holds actions; generate into an empty one.")
    started = time.perf_counter()
    rng = random.Random(seed)
    if not Body.objects.exists():
        call_command("loaddata", "bodies", verbosity=0)
    if not GoverningBodyMeeting.objects.exists():
        call_command("loaddata", "meetings", verbosity=0)
    bodies = {body.code: body for body in Body.objects.all()}
    bureau_of = {
        code: (body.pk if body.supporting_bureau_id is None else body.supporting_bureau_id)
        for code, body in bodies.items()
    }
    groups = {group.name: group for group in Group.objects.all()}

    with transaction.atomic():
        if connection.vendor == "sqlite":
            connection.cursor().execute("PRAGMA defer_foreign_keys = ON")

        # --- Users: staff of every Bureau, in every role group ---------------------
        password = make_password("bench-password-not-secret")
        users: list[User] = []
        roles: list[str] = []
        fixed = [("bench-tsb-staff", "TSB", Role.BUREAU_STAFF), ("bench-admin", "TSB", None)]
        for username, bureau, role in fixed:
            users.append(
                User(
                    username=username,
                    email=f"{username}@itu.example",
                    password=password,
                    bureau=bodies[bureau],
                    is_superuser=role is None,
                    is_staff=role is None,
                )
            )
            roles.append(role or Role.ADMINISTRATOR)
        for n in range(scale.users - len(fixed)):
            bureau = _weighted(rng, BUREAU_SHARE)
            users.append(
                User(
                    username=f"{bureau.lower()}{n:05d}",
                    first_name=rng.choice(["Amina", "Jean", "Li", "Maria", "Olu", "Sven", "Yuki"]),
                    last_name=rng.choice(["Diallo", "Dupont", "Wang", "Garcia", "Okafor", "Berg"]),
                    email=f"{bureau.lower()}{n:05d}@itu.example",
                    password=password,
                    bureau=bodies[bureau],
                )
            )
            roles.append(_weighted(rng, ROLE_SHARE))
        users = User.objects.bulk_create(users, batch_size=2000)
        Membership = User.groups.through
        Membership.objects.bulk_create(
            (
                Membership(user_id=u.pk, group_id=groups[r].pk)
                for u, r in zip(users, roles, strict=True)
            ),
            batch_size=5000,
        )
        staff_of: dict[int, list[int]] = {}
        coordinators_of: dict[int, list[int]] = {}
        for u, r in zip(users, roles, strict=True):
            if r in (Role.BUREAU_STAFF, Role.COORDINATOR):
                staff_of.setdefault(u.bureau_id, []).append(u.pk)
            if r == Role.COORDINATOR:
                coordinators_of.setdefault(u.bureau_id, []).append(u.pk)
        log(f"users: {len(users)}")

        # --- Assemblies, resolutions, clauses -----------------------------------
        years = sorted(_assembly_years(scale.assemblies))
        assemblies = Assembly.objects.bulk_create(
            Assembly(
                code=f"WTSA-{year % 100:02d}" if year >= 1928 else f"WTSA-{year}",
                name=f"World Telecommunication Standardization Assembly ({year})",
                place=PLACES[i % len(PLACES)],
                start_date=datetime.date(year, 10, 15),
                end_date=datetime.date(year, 10, 24),
            )
            for i, year in enumerate(years)
        )
        resolutions = []
        action_counts = []
        for assembly in assemblies:
            for number in range(1, scale.resolutions_per_assembly + 1):
                actions_here = max(
                    1, min(90, round(rng.lognormvariate(scale.actions_mu, scale.actions_sigma)))
                )
                action_counts.append(actions_here)
                body = "\n".join(_text(rng, 60) for _ in range(actions_here + 12))
                resolutions.append(
                    Resolution(
                        assembly=assembly,
                        number=number,
                        title=f"Resolution {number}: {_text(rng, 8)}",
                        marker=rng.choice(["Rev", "NOC", "New"]),
                        revision_text=f"Rev. {assembly.place}, {assembly.start_date.year}",
                        overview=_text(rng, 120),
                        # The imported text of the resolution: tens of kilobytes each.
                        source_text=body,
                        source_hash=f"{number:064d}",
                    )
                )
        resolutions = Resolution.objects.bulk_create(resolutions, batch_size=500)
        log(f"resolutions: {len(resolutions)}")

        strengths: list[str] = []

        def clauses() -> Iterator[Clause]:
            for resolution, count in zip(resolutions, action_counts, strict=True):
                for letter in "abcd":
                    yield Clause(
                        resolution=resolution,
                        key=f"considering.{letter}",
                        part="preamble",
                        verb="considering",
                        label=f"{letter})",
                        text=_text(rng, 40),
                        order=len(letter) + "abcd".index(letter),
                    )
                for n in range(1, count + 1):
                    strengths.append(_weighted(rng, STRENGTH_SHARE))
                    yield Clause(
                        resolution=resolution,
                        key=f"op.1/{n}",
                        part="operative",
                        verb=VERB_OF_STRENGTH[strengths[-1]],
                        addressee="the Director of the Telecommunication Standardization Bureau",
                        label=str(n),
                        text=_text(rng, 45),
                        order=10 + n,
                    )

        directive: list[Clause] = []
        for batch in _batches(clauses()):
            created = Clause.objects.bulk_create(batch)
            directive.extend(c for c in created if c.part == "operative")
        log(f"clauses: {len(directive)} operative")

        # --- Actions, collaborators, reporting duties ------------------------------
        owner_codes = [code for code in OWNER_WEIGHTS if code in bodies]
        owner_weights = [OWNER_WEIGHTS[code] for code in owner_codes]
        start_of = {a.pk: a.start_date for a in assemblies}
        assembly_start = {r.pk: start_of[r.assembly_id] for r in resolutions}
        resolution_of = {r.pk: r for r in resolutions}
        action_rows = []
        histories: list[list[str]] = []
        for clause, strength in zip(directive, strengths, strict=True):
            owner = bodies[rng.choices(owner_codes, weights=owner_weights)[0]]
            # A walk along allowed transitions: the history is one that could have happened.
            path = ["not_started"]
            for _ in range(max(0, round(rng.expovariate(1 / scale.status_changes_per_action)))):
                path.append(rng.choice(sorted(ALLOWED_TRANSITIONS[ActionStatus(path[-1])])))
            histories.append(path)
            focal_pool = staff_of.get(bureau_of[owner.code], [])
            start = assembly_start[clause.resolution_id]
            number = int(clause.label)
            action_rows.append(
                Action(
                    resolution_id=clause.resolution_id,
                    clause=clause,
                    number=int(clause.label),
                    # bulk_create calls no save(): the list order is written here.
                    sort_key=action_sort_key(
                        resolution_of[clause.resolution_id], int(clause.label)
                    ),
                    strength=strength,
                    owner=owner,
                    status=path[-1],
                    focal_point_id=rng.choice(focal_pool)
                    if focal_pool and rng.random() < 0.4
                    else None,
                    target_date=_day(rng, start, start + datetime.timedelta(days=6 * 365))
                    if rng.random() < 0.6
                    else None,
                    needs_review=rng.random() < 0.02,
                )
            )
        actions = Action.objects.bulk_create(action_rows, batch_size=5000)
        log(f"actions: {len(actions)}")

        Collaboration = Action.collaborators.through
        collaborations, obligations = [], []
        for action in actions:
            for code in rng.sample(COLLABORATORS, k=rng.choice([0, 0, 1, 1, 1, 2, 2, 3])):
                if bodies[code].pk != action.owner_id:
                    collaborations.append(
                        Collaboration(action_id=action.pk, body_id=bodies[code].pk)
                    )
            for recipient, share in RECIPIENT_SHARE.items():
                if rng.random() < share:
                    obligations.append(
                        ReportingObligation(action_id=action.pk, recipient=recipient)
                    )
        Collaboration.objects.bulk_create(collaborations, batch_size=5000)
        ReportingObligation.objects.bulk_create(obligations, batch_size=5000)
        log(f"collaborations: {len(collaborations)}, obligations: {len(obligations)}")
        # Duties written once for a whole resolution ("report to Council on
        # progress in implementing this resolution"), as Resolution 73 has:
        # from a random stream of their own, so the rest of the data is as before.
        duty_rng = random.Random(seed + 1)
        duties = [
            ResolutionReportingDuty(resolution_id=resolution.pk, recipient="council_annual")
            for resolution in resolutions
            if duty_rng.random() < 0.08
        ]
        ResolutionReportingDuty.objects.bulk_create(duties, batch_size=5000)
        log(f"resolution-wide duties: {len(duties)}")

        # --- Lineage across assemblies ---------------------------------------------
        # A resolution revises the same number of the assembly before, unless it
        # is new; its actions carry on the earlier version's, clause number by
        # clause number, which the import of the later text supersedes a month
        # after that assembly closed, as the importer links and closes them.
        earlier_assembly = {b.pk: a.pk for a, b in itertools.pairwise(assemblies)}
        version = {(r.assembly_id, r.number): r for r in resolutions}
        revised = []
        for resolution in resolutions:
            earlier = version.get((earlier_assembly.get(resolution.assembly_id), resolution.number))
            if earlier is not None and resolution.marker != "New":
                resolution.revises_id = earlier.pk
                revised.append(resolution)
        Resolution.objects.bulk_update(revised, ["revises"], batch_size=2000)
        action_at = {(a.resolution_id, a.number): a for a in actions}
        continuing = []
        for action in actions:
            earlier = action_at.get((resolution_of[action.resolution_id].revises_id, action.number))
            if earlier is not None:
                action.continues_id = earlier.pk
                continuing.append(action)
        Action.objects.bulk_update(continuing, ["continues"], batch_size=5000)
        end_of = {a.pk: a.end_date for a in assemblies}
        superseded_on = {
            action.continues_id: end_of[resolution_of[action.resolution_id].assembly_id]
            + datetime.timedelta(days=30)
            for action in continuing
        }
        Action.objects.filter(pk__in=superseded_on).update(status=ActionStatus.SUPERSEDED)
        log(f"lineage: {len(revised)} revised resolutions, {len(continuing)} continuing actions")

        # --- Status history -------------------------------------------------------
        everyone = [u.pk for u in users]

        def status_changes() -> Iterator[StatusChange]:
            for action, path in zip(actions, histories, strict=True):
                start = assembly_start[action.resolution_id]
                pool = staff_of.get(bureau_of[action.owner.code]) or everyone
                # A superseded action changes no more once the next text is in.
                end = superseded_on.get(action.pk, LAST_DAY)
                span = (end - start).days
                days = sorted(rng.sample(range(1, span), k=min(span - 1, len(path) - 1)))
                for (before, after), offset in zip(itertools.pairwise(path), days, strict=False):
                    day = start + datetime.timedelta(days=offset)
                    yield StatusChange(
                        action_id=action.pk,
                        from_status=before,
                        to_status=after,
                        changed_by_id=rng.choice(pool),
                        changed_at=_moment(rng, day),
                        note=_text(rng, 10) if rng.random() < 0.5 else "",
                    )
                if action.pk in superseded_on:
                    yield StatusChange(
                        action_id=action.pk,
                        from_status=path[-1],
                        to_status=ActionStatus.SUPERSEDED,
                        changed_at=_moment(rng, end),
                        note="Continued in the next assembly's text.",
                    )

        changes = 0
        for batch in _batches(status_changes()):
            changes += len(StatusChange.objects.bulk_create(batch))
        log(f"status changes: {changes}")

        # --- Progress reports, skewed: most actions a few, some thousands ----------
        total = round(scale.reports_per_action * len(actions))
        hot = rng.sample(range(len(actions)), k=len(scale.hot_actions))
        per_action = [0] * len(actions)
        for index, count in zip(hot, scale.hot_actions, strict=True):
            per_action[index] = count
        rest = sorted(set(range(len(actions))) - set(hot))
        weights = [rng.lognormvariate(0, 1.3) for _ in rest]
        for index in rng.choices(rest, weights=weights, k=max(0, total - sum(scale.hot_actions))):
            per_action[index] += 1

        def reports() -> Iterator[ProgressReport]:
            for action, count in zip(actions, per_action, strict=True):
                start = assembly_start[action.resolution_id]
                own = bureau_of[action.owner.code]
                for _ in range(count):
                    bureau = own if rng.random() < 0.8 or not staff_of.get(own) else None
                    if bureau is None or not staff_of.get(bureau):
                        bureau = rng.choice(list(staff_of))
                    day = _day(rng, start, LAST_DAY)
                    state = _weighted(rng, REPORT_STATE_SHARE)
                    reviewed = state in ("approved", "returned")
                    reviewers = coordinators_of.get(bureau) or everyone
                    yield ProgressReport(
                        action_id=action.pk,
                        author_id=rng.choice(staff_of[bureau]),
                        bureau_id=bureau,
                        report_date=day,
                        period_start=day - datetime.timedelta(days=365),
                        period_end=day,
                        text=_text(rng, rng.randrange(40, 160)),
                        state=state,
                        submitted_at=_moment(rng, day) if state != "draft" else None,
                        reviewed_by_id=rng.choice(reviewers) if reviewed else None,
                        reviewed_at=_moment(rng, day) if reviewed else None,
                        review_note=_text(rng, 12) if state == "returned" else "",
                    )

        written = links = 0
        for batch in _batches(reports()):
            created = ProgressReport.objects.bulk_create(batch)
            written += len(created)
            evidence = [
                EvidenceLink(
                    report_id=report.pk,
                    url=f"https://www.itu.example/events/{report.pk}/{n}",
                    title=_text(rng, 5),
                )
                for report in created
                if rng.random() < 0.3
                for n in range(rng.choice([1, 1, 2]))
            ]
            links += len(EvidenceLink.objects.bulk_create(evidence))
        log(f"progress reports: {written}, evidence links: {links}")

        # --- A Council session every year, up to one whose reminders are due -------
        taken = set(
            GoverningBodyMeeting.objects.filter(kind="council").values_list(
                "start_date__year", flat=True
            )
        )
        GoverningBodyMeeting.objects.bulk_create(
            GoverningBodyMeeting(
                kind="council",
                name=f"Council {year}",
                place="Geneva",
                start_date=datetime.date(year, 6, 10),
                end_date=datetime.date(year, 6, 19),
            )
            for year in range(years[0], 2028)
            if year not in taken
        )

    # Statistics for the planner, as a production database would have after a while.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    counts = {
        "assemblies": len(assemblies),
        "resolutions": len(resolutions),
        "actions": len(actions),
        "status_changes": changes,
        "progress_reports": written,
        "evidence_links": links,
        "users": len(users),
        "council_meetings": GoverningBodyMeeting.objects.filter(kind="council").count(),
    }
    return Summary(counts=counts, seconds=time.perf_counter() - started)


def _stamp(target) -> Path:
    from bench.environment import BENCH_DIR

    return BENCH_DIR / f"{target.key}.stamp.json"


def _wanted(target) -> dict:
    return {"generator": GENERATOR_VERSION, "scale": target.scale}


def current_stamp(target) -> dict | None:
    """What the data of ``target`` was generated with, if it is this generator's."""
    stamp = _stamp(target)
    if not stamp.exists() or (target.vendor == "sqlite" and not target.sqlite_path.exists()):
        return None
    written = json.loads(stamp.read_text())
    return written if written.get("wanted") == _wanted(target) else None


def write_stamp(target, summary: Summary) -> dict:
    """Record that ``target`` holds this generator's data, so ``bench.run`` reuses it."""
    written = {"wanted": _wanted(target), "counts": summary.counts, "seconds": summary.seconds}
    _stamp(target).write_text(json.dumps(written, indent=1))
    return written


def prepare(target, *, fresh: bool) -> None:
    """Make an empty, migrated database for ``target`` (replacing it when ``fresh``).

    Replacing the data drops its stamp first, so that data cut short by an error
    or Ctrl-C is never taken for complete.
    """
    from bench.environment import ensure_postgres_database, may_replace_sqlite

    if target.vendor == "sqlite":
        if fresh:
            if not may_replace_sqlite(target.sqlite_path):
                raise SystemExit(
                    f"Refusing to replace {target.sqlite_path}: not under var/bench/ and "
                    "not named for a benchmark."
                )
            _stamp(target).unlink(missing_ok=True)
            for suffix in ("", "-wal", "-shm"):
                target.sqlite_path.with_name(target.sqlite_path.name + suffix).unlink(
                    missing_ok=True
                )
    else:
        if fresh:
            _stamp(target).unlink(missing_ok=True)
        ensure_postgres_database(target.url, recreate=fresh)


def main() -> None:
    import os

    from bench.environment import configure, target_for

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--scale", choices=sorted(SCALES), default=os.environ.get("BENCH_SCALE", "M")
    )
    parser.add_argument(
        "--database-url",
        default=os.environ.get("DATABASE_URL"),
        help="postgres://… (created if missing, emptied first: its name must contain "
        "'bench' unless it holds no tables) or sqlite:///path; default var/bench/<scale>.sqlite3",
    )
    args = parser.parse_args()
    target = target_for(args.scale, args.database_url)
    prepare(target, fresh=True)
    configure(target)

    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    summary = generate(SCALES[args.scale], log=lambda message: print(f"  {message}", flush=True))
    write_stamp(target, summary)
    print(f"Scale {args.scale} on {target.vendor} in {summary.seconds:.0f} s: {summary.counts}")


if __name__ == "__main__":
    main()
