"""Small builders for test data. Tests build what they need; they do not load
the shipped fixtures, so a change to the reference data cannot hide a bug."""

import datetime
import itertools

from django.contrib.auth.models import Group

from actions.choices import ActionStatus, BodyKind, ReportState, Role, Strength
from actions.models import Action, Body, GoverningBodyMeeting, ProgressReport, User
from resolutions.choices import ClauseVerb, PartKind
from resolutions.models import Assembly, Clause, Resolution

_sequence = itertools.count(1)

BUREAU_CODES = {"TSB", "BDT", "BR", "GS"}


def body(code: str, *, kind: str | None = None, bureau: str | None = None) -> Body:
    """Get or create a body; non-Bureau bodies are supported by ``bureau`` (default TSB)."""
    if kind is None:
        kind = BodyKind.BUREAU if code in BUREAU_CODES else BodyKind.STUDY_GROUP
    supporting = None
    if kind not in {BodyKind.BUREAU, BodyKind.GENERAL_SECRETARIAT}:
        supporting = body(bureau or "TSB")
    found, _ = Body.objects.get_or_create(
        code=code, defaults={"name": code, "kind": kind, "supporting_bureau": supporting}
    )
    return found


def user(
    username: str | None = None, *, bureau: str | None = None, role: Role | None = None, **extra
) -> User:
    username = username or f"user{next(_sequence)}"
    created = User.objects.create_user(
        username=username,
        password="secret-pass-123",
        bureau=body(bureau) if bureau else None,
        **extra,
    )
    if role is not None:
        # The data migration creates the groups; a test that committed and
        # flushed the database (live server, real worker) took them away.
        created.groups.add(Group.objects.get_or_create(name=role)[0])
    return created


def assembly(code: str = "WTSA-20", start: datetime.date | None = None) -> Assembly:
    start = start or datetime.date(2022, 3, 1)
    found, _ = Assembly.objects.get_or_create(
        code=code,
        defaults={
            "name": f"World Telecommunication Standardization Assembly ({code})",
            "place": "Geneva",
            "start_date": start,
            "end_date": start + datetime.timedelta(days=8),
        },
    )
    return found


def resolution(number: int | None = None, *, assembly_code: str = "WTSA-20", **extra) -> Resolution:
    number = number or next(_sequence) + 1000
    return Resolution.objects.create(
        assembly=assembly(assembly_code),
        number=number,
        title=extra.pop("title", f"Resolution {number} title"),
        **extra,
    )


def clause(res: Resolution | None = None, *, verb: str = ClauseVerb.INSTRUCTS, **extra) -> Clause:
    res = res or resolution()
    order = res.clauses.count() + 1
    return Clause.objects.create(
        resolution=res,
        key=extra.pop("key", f"{verb}.1/{order}"),
        part=extra.pop("part", PartKind.OPERATIVE),
        verb=verb,
        label=extra.pop("label", str(order)),
        text=extra.pop("text", f"to do thing number {order};"),
        order=order,
        **extra,
    )


def action(
    res: Resolution | None = None,
    *,
    owner: str = "TSB",
    collaborators: tuple[str, ...] = (),
    status: str = ActionStatus.NOT_STARTED,
    **extra,
) -> Action:
    res = res or resolution()
    cl = clause(res)
    created = Action.objects.create(
        resolution=res,
        clause=cl,
        number=res.actions.count() + 1,
        strength=extra.pop("strength", Strength.INSTRUCTS),
        owner=body(owner),
        status=status,
        **extra,
    )
    created.collaborators.set([body(code) for code in collaborators])
    return created


def report(act: Action, *, author: User, state: str = ReportState.DRAFT, **extra) -> ProgressReport:
    return ProgressReport.objects.create(
        action=act,
        author=author,
        bureau=extra.pop("bureau", author.bureau),
        report_date=extra.pop("report_date", datetime.date(2025, 5, 1)),
        period_start=extra.pop("period_start", datetime.date(2024, 6, 1)),
        period_end=extra.pop("period_end", datetime.date(2025, 5, 1)),
        text=extra.pop("text", "Held two workshops."),
        state=state,
        **extra,
    )


def meeting(start: datetime.date, **extra) -> GoverningBodyMeeting:
    return GoverningBodyMeeting.objects.create(
        kind=extra.pop("kind", "council"),
        name=extra.pop("name", f"Council {start.year}"),
        start_date=start,
        end_date=extra.pop("end_date", start + datetime.timedelta(days=9)),
        **extra,
    )


# --- Resolution 83 assessments and the Council report (issue 9b) ----------------


def council_duty(act: Action, recipient: str = "council_annual") -> Action:
    """Give an action a duty to report to Council, as the text would."""
    from actions.models import ReportingObligation

    ReportingObligation.objects.create(action=act, recipient=recipient)
    return act


def evidence(rep: ProgressReport, url: str, title: str = "") -> ProgressReport:
    from actions.models import EvidenceLink

    EvidenceLink.objects.create(report=rep, url=url, title=title)
    return rep


def assessment(res: Resolution, meet: GoverningBodyMeeting, *, by: User, **extra):
    """An assessment as proposed; ``confirmed_by`` confirms it too."""
    from django.utils import timezone

    from actions.choices import AssessmentRating, AssessmentState
    from actions.models import Assessment

    confirmed_by = extra.pop("confirmed_by", None)
    return Assessment.objects.create(
        resolution=res,
        meeting=meet,
        rating=extra.pop("rating", AssessmentRating.PARTLY_MET),
        rationale=extra.pop("rationale", "Half of the actions progressed."),
        proposed_by=by,
        proposed_at=timezone.now(),
        state=AssessmentState.CONFIRMED if confirmed_by else AssessmentState.PROPOSED,
        confirmed_by=confirmed_by,
        confirmed_at=timezone.now() if confirmed_by else None,
        **extra,
    )
