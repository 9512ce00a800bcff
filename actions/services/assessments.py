"""Resolution 83 assessments: proposed by an involved Bureau, confirmed by TSB."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from resolutions.models import Resolution
from wtsa_tracker.errors import StaleVersion, TransitionRefused

from .. import permissions
from ..choices import AssessmentRating, AssessmentState, MeetingKind
from ..display import day
from ..models import Assessment, GoverningBodyMeeting, User
from ..validators import RATIONALE_MAX_LENGTH, check_characters, text_too_long
from .common import compare_and_set
from .notifications import assessment_confirmed_notify, assessment_proposed_notify


def _clean(
    rating: str, rationale: str, meeting: GoverningBodyMeeting, resolution: Resolution
) -> AssessmentRating:
    errors = {}
    try:
        rating = AssessmentRating(rating)
    except ValueError:
        errors["rating"] = _("“%(rating)s” is not a rating.") % {"rating": rating}
    if not rationale.strip():
        errors["rationale"] = _("Say why: an assessment needs its rationale.")
    elif len(rationale) > RATIONALE_MAX_LENGTH:
        errors["rationale"] = text_too_long(RATIONALE_MAX_LENGTH, len(rationale))
    else:
        try:
            check_characters(rationale=rationale)
        except ValidationError as refused:
            errors.update(refused.message_dict)
    assembly = resolution.assembly
    if meeting.kind != MeetingKind.COUNCIL:
        errors["meeting"] = _("An assessment is for the reporting period of a Council session.")
    elif meeting.document_deadline < assembly.start_date:
        # Nothing of this text could be carried out in a period that ended before it existed.
        errors["meeting"] = _(
            "The reporting period of %(session)s ended on %(end)s, before %(assembly)s adopted "
            "this text: choose a later session."
        ) % {
            "session": meeting.name,
            "end": day(meeting.document_deadline),
            "assembly": assembly.code,
        }
    if errors:
        raise ValidationError(errors)
    return rating


def assessment_propose(
    *,
    resolution: Resolution,
    meeting: GoverningBodyMeeting,
    rating: AssessmentRating | str,
    rationale: str,
    by: User,
    expected_version: int | None = None,
    now: datetime.datetime | None = None,
) -> Assessment:
    """Propose a resolution's assessment for a Council period, or revise the proposal.

    Revising an existing proposal needs the version the caller read
    (``expected_version``); a confirmed assessment is final.
    """
    if not permissions.can_propose_assessment(by, resolution):
        raise PermissionDenied(permissions.PROPOSE_ASSESSMENT_REFUSED)
    rating = _clean(str(rating), rationale, meeting, resolution)
    now = now or timezone.now()
    values = {
        "rating": rating,
        "rationale": rationale.strip(),
        "proposed_by": by,
        "proposed_at": now,
    }
    with transaction.atomic():
        current = Assessment.objects.filter(resolution=resolution, meeting=meeting).first()
        if current is None:
            try:
                with transaction.atomic():
                    made = Assessment.objects.create(
                        resolution=resolution, meeting=meeting, **values
                    )
            except IntegrityError:
                # Someone proposed one for the same period a moment ago: theirs stands.
                current = Assessment.objects.get(resolution=resolution, meeting=meeting)
                raise StaleVersion(current) from None
            assessment_proposed_notify(assessment=made, by=by)
            return made
        if current.state == AssessmentState.CONFIRMED:
            raise TransitionRefused(
                _("The assessment for this period is confirmed: it can no longer change.")
            )
        if expected_version is None:
            # A new proposal where one exists: say so, rather than "changed by someone else".
            raise StaleVersion(
                current,
                _(
                    "%(object)s exists already (version %(version)s): revise it, sending its "
                    "ETag, instead of proposing another. Nothing was saved."
                )
                % {"object": current, "version": current.version},
            )
        compare_and_set(Assessment, current, expected_version, by=by, **values)
        assessment_proposed_notify(assessment=current, by=by)
    return current


def assessment_confirm(
    *,
    assessment: Assessment,
    by: User,
    expected_version: int,
    now: datetime.datetime | None = None,
) -> Assessment:
    """Confirm a proposed assessment as read (TSB); from then on it goes to Council.

    Checked against ``assessment`` as given, which must be the version the
    caller read: the row is then confirmed only if it is still that version.
    """
    if not permissions.can_confirm_assessment(by, assessment):
        raise PermissionDenied(permissions.confirm_assessment_refusal(by))
    if assessment.state == AssessmentState.CONFIRMED:
        raise TransitionRefused(_("This assessment is confirmed already."))
    if assessment.version != expected_version:
        # Whoever proposed the version read is not known here: never confirm it blind.
        raise StaleVersion(Assessment.objects.get(pk=assessment.pk))
    now = now or timezone.now()
    with transaction.atomic():
        compare_and_set(
            Assessment,
            assessment,
            expected_version,
            by=by,
            state=AssessmentState.CONFIRMED,
            confirmed_by=by,
            confirmed_at=now,
        )
        assessment_confirmed_notify(assessment=assessment, by=by)
    return assessment
