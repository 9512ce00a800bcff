"""Representations of actions, reports, bodies and meetings, and the inputs that change them.

Output serializers only read what the view's queryset loaded (``for_list()``
and the view's prefetches), so a list costs the same number of queries
whatever its length. Input serializers only parse: every write goes through
a service in ``actions.services``.
"""

from __future__ import annotations

import copy
import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from actions import permissions
from actions.choices import (
    ActionStatus,
    AssessmentRating,
    AssessmentState,
    BodyKind,
    MeetingKind,
    ReportingRecipient,
    ReportState,
    Strength,
)
from actions.models import (
    Action,
    Assessment,
    Body,
    EvidenceLink,
    GoverningBodyMeeting,
    ProgressReport,
    ReportingObligation,
    ResolutionReportingDuty,
    StatusChange,
    User,
)
from actions.services.reports import MAX_EVIDENCE_LINKS, Evidence
from actions.validators import (
    EVIDENCE_URL_MAX_LENGTH,
    NOTE_MAX_LENGTH,
    RATIONALE_MAX_LENGTH,
    REPORT_TEXT_MAX_LENGTH,
    max_length_validator,
    planning_date_validators,
    web_address_validator,
)
from resolutions.models import Clause, Resolution
from wtsa_tracker.api.base import StrictInputSerializer
from wtsa_tracker.api.fields import (
    EtagField,
    LabelField,
    StrictPrimaryKeyRelatedField,
    enum_schema,
)


def _user(serializer: serializers.Serializer) -> User:
    return serializer.context["request"].user


def _today(serializer: serializers.Serializer) -> datetime.date:
    # Shared by every row of a list: the date is read once per response.
    return serializer.context.setdefault("today", timezone.localdate())


@extend_schema_field(OpenApiTypes.STR)
class PersonField(serializers.Field):
    """A user's name as people know it (full name, or the username if none is set)."""

    def __init__(self, **kwargs: Any):
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, value: User | None) -> str | None:
        return None if value is None else str(value)


@extend_schema_field(OpenApiTypes.URI)
class WebAddressField(serializers.CharField):
    """A link readers open in a browser: http or https only, and the message says so."""

    def __init__(self, **kwargs: Any):
        super().__init__(max_length=EVIDENCE_URL_MAX_LENGTH, **kwargs)
        self.validators.append(web_address_validator)


def _limited_text(limit: int, **kwargs: Any) -> serializers.CharField:
    """A text with the same limit, and the same message, as on the staff pages."""
    field = serializers.CharField(**kwargs)
    field.max_length = limit  # for the schema; the validator below enforces it
    field.validators.append(max_length_validator(limit))
    return field


# One named schema per choice set, however many fields use it (status,
# allowed next statuses, history), instead of one unnamed enum per field.
@extend_schema_field(enum_schema(ActionStatus), component_name="ActionStatus")
class ActionStatusField(serializers.ChoiceField):
    def __init__(self, **kwargs: Any):
        super().__init__(choices=ActionStatus.choices, **kwargs)


@extend_schema_field(enum_schema(ReportState), component_name="ReportState")
class ReportStateField(serializers.ChoiceField):
    def __init__(self, **kwargs: Any):
        super().__init__(choices=ReportState.choices, **kwargs)


# --- Bodies and meetings --------------------------------------------------------


class BodySerializer(serializers.ModelSerializer):
    kind_label = LabelField(BodyKind, source="kind")
    supporting_bureau = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Body
        fields = ["id", "code", "name", "kind", "kind_label", "supporting_bureau"]


class MeetingSerializer(serializers.ModelSerializer):
    """A governing-body session; administrators create and correct them."""

    kind_label = LabelField(MeetingKind, source="kind")
    document_deadline = serializers.DateField(
        read_only=True,
        help_text=_("When secretariat documents are due: the override, or four weeks before."),
    )
    contribution_deadline = serializers.DateField(
        read_only=True,
        allow_null=True,
        help_text=_("When Member State contributions are due, by the rule of the meeting's kind."),
    )
    etag = EtagField()

    class Meta:
        model = GoverningBodyMeeting
        fields = [
            "id",
            "kind",
            "kind_label",
            "name",
            "place",
            "start_date",
            "end_date",
            "document_deadline_override",
            "document_deadline",
            "reporting_period_start_override",
            "contribution_deadline",
            "provisional",
            "etag",
        ]
        # Projected sessions are confirmed in the admin, not through the API.
        read_only_fields = ["provisional"]

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        # The database refuses these too (check constraints); saying why here
        # turns what would be an IntegrityError into a 400 naming the field.
        def value(name: str) -> Any:
            return attrs.get(name, getattr(self.instance, name, None))

        start, end = value("start_date"), value("end_date")
        override = value("document_deadline_override")
        if start and end and end < start:
            raise serializers.ValidationError(
                {"end_date": _("A meeting cannot close before it opens.")}
            )
        if start and override and override > start:
            raise serializers.ValidationError(
                {
                    "document_deadline_override": _(
                        "The document deadline cannot fall after the opening."
                    )
                }
            )
        period_start = value("reporting_period_start_override")
        if start and period_start and period_start > start:
            raise serializers.ValidationError(
                {
                    "reporting_period_start_override": _(
                        "The reporting period cannot start after the opening."
                    )
                }
            )
        if start:
            try:
                start - datetime.timedelta(days=settings.COUNCIL_DOCUMENT_DEADLINE_DAYS)
            except OverflowError:
                raise serializers.ValidationError(
                    {"start_date": _("The default document deadline would fall before year 1.")}
                ) from None
        # The model's own rules across fields and rows, as the admin applies them.
        meeting = copy.copy(self.instance) if self.instance else GoverningBodyMeeting()
        for name, given in attrs.items():
            setattr(meeting, name, given)
        try:
            meeting.clean()
        except DjangoValidationError as refused:
            raise serializers.ValidationError(refused.message_dict) from None
        return attrs


class ReadinessCountsSerializer(serializers.Serializer):
    """How many actions that report to Council are at each readiness for the session."""

    approved = serializers.IntegerField(help_text=_("With an approved report for the period."))
    submitted = serializers.IntegerField(help_text=_("With a report awaiting approval."))
    draft = serializers.IntegerField(help_text=_("With a draft or returned report only."))
    missing = serializers.IntegerField(help_text=_("With no report for the period."))


class ReadinessRowSerializer(serializers.Serializer):
    """One Bureau's Council actions under one resolution, counted by readiness."""

    bureau = serializers.CharField(
        source="bureau_code",
        allow_null=True,
        help_text=_(
            "The owning Bureau; a study group's actions count for the Bureau that supports it. "
            "A body no Bureau supports is given by its own code."
        ),
    )
    bureau_name = serializers.CharField(allow_null=True)
    assembly = serializers.CharField(source="assembly_code", help_text=_("e.g. WTSA-20"))
    resolution = serializers.IntegerField(source="resolution_number")
    resolution_title = serializers.CharField()
    counts = ReadinessCountsSerializer()
    total = serializers.IntegerField()
    gaps = serializers.IntegerField(help_text=_("Actions without an approved report."))
    gaps_url = serializers.URLField(
        allow_null=True,
        help_text=_(
            "These gaps on the actions list, to read them, filter further or page; "
            "null for actions that have no owner yet, which no filter of the list selects."
        ),
    )


class CouncilReadinessSerializer(serializers.Serializer):
    """Readiness for a Council session: the totals, then a page of Bureau × resolution rows."""

    session = serializers.IntegerField(help_text=_("The Council session (a meeting's id)."))
    period_start = serializers.DateField(help_text=_("The reporting period the session covers."))
    period_end = serializers.DateField(help_text=_("The session's document deadline."))
    totals = ReadinessCountsSerializer()
    total = serializers.IntegerField()
    count = serializers.IntegerField(help_text=_("How many rows, on all pages."))
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = ReadinessRowSerializer(
        many=True,
        help_text=_("Your own Bureau first, then the others; by assembly and resolution."),
    )


# --- Actions --------------------------------------------------------------------


class ActionResolutionSerializer(serializers.ModelSerializer):
    assembly = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Resolution
        fields = ["id", "number", "assembly", "title"]


class ActionClauseSerializer(serializers.ModelSerializer):
    class Meta:
        model = Clause
        fields = ["id", "key", "label", "verb", "addressee", "text"]


class ObligationSerializer(serializers.ModelSerializer):
    label = LabelField(ReportingRecipient, source="recipient")

    class Meta:
        model = ReportingObligation
        fields = ["recipient", "label"]


class ResolutionDutySerializer(serializers.ModelSerializer):
    """A reporting duty written once for the whole resolution, which the action shares."""

    label = LabelField(ReportingRecipient, source="recipient")

    class Meta:
        model = ResolutionReportingDuty
        fields = ["recipient", "label"]


class StatusChangeSerializer(serializers.ModelSerializer):
    from_status = ActionStatusField(read_only=True)
    to_status = ActionStatusField(read_only=True)
    changed_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    changed_by_name = PersonField(source="changed_by")

    class Meta:
        model = StatusChange
        fields = ["from_status", "to_status", "changed_by", "changed_by_name", "changed_at", "note"]


class LatestReportSerializer(serializers.Serializer):
    """The action's latest approved progress report, from the list's annotations."""

    report_date = serializers.DateField(source="latest_report_date")
    period_start = serializers.DateField(source="latest_report_period_start")
    period_end = serializers.DateField(source="latest_report_period_end")
    text = serializers.CharField(source="latest_report_text")


class ActionSerializer(serializers.ModelSerializer):
    """An action as listed: who owns it, where it stands, what the requester may do next."""

    resolution = ActionResolutionSerializer(read_only=True)
    clause = ActionClauseSerializer(read_only=True)
    strength_label = LabelField(Strength, source="strength")
    owner = serializers.SlugRelatedField(slug_field="code", read_only=True)
    collaborators = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    status = ActionStatusField(read_only=True)
    status_label = LabelField(ActionStatus, source="status")
    allowed_next_statuses = serializers.SerializerMethodField()
    reporting_obligations = ObligationSerializer(source="obligations", many=True, read_only=True)
    resolution_reporting_duties = ResolutionDutySerializer(
        source="resolution.reporting_duties",
        many=True,
        read_only=True,
        help_text=_("Duties written for the whole resolution: they apply to this action too."),
    )
    focal_point = serializers.SlugRelatedField(slug_field="username", read_only=True)
    focal_point_name = PersonField(source="focal_point")
    is_overdue = serializers.SerializerMethodField()
    latest_approved_report = serializers.SerializerMethodField()
    continues = serializers.PrimaryKeyRelatedField(read_only=True)
    continued_by = serializers.SerializerMethodField()
    etag = EtagField()

    class Meta:
        model = Action
        fields = [
            "id",
            "resolution",
            "number",
            "clause",
            "strength",
            "strength_label",
            "owner",
            "collaborators",
            "status",
            "status_label",
            "allowed_next_statuses",
            "reporting_obligations",
            "resolution_reporting_duties",
            "focal_point",
            "focal_point_name",
            "target_date",
            "is_overdue",
            "latest_approved_report",
            "needs_review",
            "review_reason",
            "continues",
            "continued_by",
            "version",
            "etag",
            "updated_at",
            "changed_at",
        ]
        read_only_fields = fields

    def get_continued_by(self, action: Action) -> int | None:
        """The id of the next assembly's action that carries this one on, if any."""
        later = getattr(action, "continued_by", None)
        return later.pk if later else None

    @extend_schema_field(serializers.ListField(child=ActionStatusField()))
    def get_allowed_next_statuses(self, action: Action) -> list[str]:
        """Statuses the requester may move this action to now (none if they may not change it)."""
        return [s.value for s in permissions.allowed_next_statuses(_user(self), action)]

    def get_is_overdue(self, action: Action) -> bool:
        return action.is_overdue(_today(self))

    @extend_schema_field(LatestReportSerializer(allow_null=True))
    def get_latest_approved_report(self, action: Action) -> dict | None:
        """Date, period and text of the latest approved report; null when none was approved."""
        if getattr(action, "latest_report_date", None) is None:
            return None
        # Written out rather than through LatestReportSerializer(action).data:
        # a serializer per row deep-copies its fields, which cost a list of
        # fifty actions more than reading them (issue 13). Same output, in the
        # same order, as the schema's LatestReportSerializer.
        start, end = action.latest_report_period_start, action.latest_report_period_end
        return {
            "report_date": action.latest_report_date.isoformat(),
            "period_start": start.isoformat() if start else None,
            "period_end": end.isoformat() if end else None,
            "text": action.latest_report_text,
        }


class ActionDetailSerializer(ActionSerializer):
    """An action with its status history, newest first."""

    status_history = StatusChangeSerializer(source="status_changes", many=True, read_only=True)

    class Meta(ActionSerializer.Meta):
        fields = [*ActionSerializer.Meta.fields, "status_history"]
        read_only_fields = fields


class ActionUpdateSerializer(StrictInputSerializer):
    """Planning fields staff of the owning Bureau keep up to date (PATCH: send what changes)."""

    unknown_field_hint = _(
        "Only focal_point and target_date change here; the status changes through "
        "POST /api/actions/<id>/transition/."
    )

    focal_point = serializers.SlugRelatedField(
        slug_field="username",
        queryset=User.objects.filter(is_active=True),
        allow_null=True,
        required=False,
        help_text=_("Username of the person following the action, or null."),
    )
    target_date = serializers.DateField(
        allow_null=True, required=False, validators=planning_date_validators
    )


class ActionTransitionSerializer(StrictInputSerializer):
    status = ActionStatusField()
    note = _limited_text(
        NOTE_MAX_LENGTH,
        allow_blank=True,
        default="",
        help_text=_("Why: kept in the status history."),
    )


# --- Progress reports -----------------------------------------------------------


class EvidenceLinkSerializer(StrictInputSerializer, serializers.ModelSerializer):
    url = WebAddressField(help_text=_("A web page or document: http:// or https:// only."))
    title = serializers.CharField(max_length=200, allow_blank=True, default="")

    class Meta:
        model = EvidenceLink
        fields = ["url", "title"]


class ProgressReportSerializer(serializers.ModelSerializer):
    resolution_number = serializers.IntegerField(source="action.resolution.number", read_only=True)
    action_number = serializers.IntegerField(source="action.number", read_only=True)
    author = serializers.SlugRelatedField(slug_field="username", read_only=True)
    author_name = PersonField(source="author")
    bureau = serializers.SlugRelatedField(slug_field="code", read_only=True)
    state = ReportStateField(read_only=True)
    state_label = LabelField(ReportState, source="state")
    allowed_next_states = serializers.SerializerMethodField()
    reviewed_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    reviewed_by_name = PersonField(source="reviewed_by")
    evidence_links = EvidenceLinkSerializer(many=True, read_only=True)
    etag = EtagField()

    class Meta:
        model = ProgressReport
        fields = [
            "id",
            "action",
            "resolution_number",
            "action_number",
            "author",
            "author_name",
            "bureau",
            "report_date",
            "period_start",
            "period_end",
            "text",
            "state",
            "state_label",
            "allowed_next_states",
            "submitted_at",
            "reviewed_by",
            "reviewed_by_name",
            "reviewed_at",
            "review_note",
            "evidence_links",
            "version",
            "etag",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=ReportStateField()))
    def get_allowed_next_states(self, report: ProgressReport) -> list[str]:
        """States the requester may move this report to now."""
        return [s.value for s in permissions.allowed_next_report_states(_user(self), report)]


class SameIdField(serializers.IntegerField):
    """The id of what a record belongs to, which a client may send again (a PUT of the
    body it POSTed or read) but never change: another id is refused with ``message``."""

    def __init__(self, attribute: str, message: str, **kwargs):
        super().__init__(required=False, **kwargs)
        self.attribute, self.message = attribute, message

    def to_internal_value(self, data: Any) -> int:
        value = super().to_internal_value(data)
        if value != getattr(self.parent.instance, self.attribute, None):
            raise serializers.ValidationError(self.message)
        return value


class _ReportContentSerializer(StrictInputSerializer):
    unknown_field_hint = _(
        "A report's text, period and evidence links are written here; its state changes "
        "through POST /api/progress-reports/<id>/submit/, approve/ or return/."
    )

    text = _limited_text(REPORT_TEXT_MAX_LENGTH)
    period_start = serializers.DateField()
    period_end = serializers.DateField()
    evidence_links = EvidenceLinkSerializer(
        many=True, required=False, max_length=MAX_EVIDENCE_LINKS
    )

    def evidence(self) -> list[Evidence] | None:
        links = self.validated_data.get("evidence_links")
        if links is None:
            return None
        return [Evidence(url=link["url"], title=link.get("title", "")) for link in links]


class ProgressReportCreateSerializer(_ReportContentSerializer):
    period_start = serializers.DateField(
        required=False, help_text=_("Defaults to the start of the open reporting period.")
    )
    period_end = serializers.DateField(
        required=False,
        help_text=_("Defaults to the end of the open reporting period (the Council deadline)."),
    )
    action = StrictPrimaryKeyRelatedField(
        queryset=Action.objects.select_related("owner", "resolution__assembly").prefetch_related(
            "collaborators"
        )
    )
    report_date = serializers.DateField(required=False, help_text=_("Defaults to today."))
    submit = serializers.BooleanField(
        default=False, help_text=_("Submit it for approval at once instead of keeping a draft.")
    )


class ProgressReportUpdateSerializer(_ReportContentSerializer):
    """Text and period of a draft or returned report; evidence is replaced only if sent.

    A report stays on its action: ``action`` may be sent (a client that PUTs
    the body it POSTed) only if it is the report's own. Its date is for good.
    """

    action = SameIdField(
        "action_id",
        _("A report stays on its action: write a new report on the other action."),
        help_text=_("The report's own action, if sent; it cannot change."),
    )


class ReportReviewSerializer(StrictInputSerializer):
    note = _limited_text(
        NOTE_MAX_LENGTH,
        allow_blank=True,
        default="",
        help_text=_("Why; required to return a report."),
    )


class ReportSubmitSerializer(StrictInputSerializer):
    """Submitting takes no input."""


# --- Resolution 83 assessments (issue 9b) ----------------------------------------


class AssessmentSerializer(serializers.ModelSerializer):
    resolution_number = serializers.IntegerField(source="resolution.number", read_only=True)
    assembly = serializers.CharField(source="resolution.assembly.code", read_only=True)
    meeting_name = serializers.CharField(source="meeting.name", read_only=True)
    rating_label = LabelField(AssessmentRating, source="rating")
    state_label = LabelField(AssessmentState, source="state")
    proposed_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    confirmed_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    etag = EtagField()

    class Meta:
        model = Assessment
        fields = [
            "id",
            "resolution",
            "resolution_number",
            "assembly",
            "meeting",
            "meeting_name",
            "rating",
            "rating_label",
            "rationale",
            "state",
            "state_label",
            "proposed_by",
            "proposed_at",
            "confirmed_by",
            "confirmed_at",
            "version",
            "etag",
        ]
        read_only_fields = fields


class AssessmentContentSerializer(StrictInputSerializer):
    """A rating and its rationale, as a revision of a proposal (PUT or PATCH, with If-Match).

    Its resolution and period may be sent again, never changed.
    """

    unknown_field_hint = _(
        "An assessment's rating and rationale are written here; a TSB coordinator confirms "
        "it through POST /api/assessments/<id>/confirm/."
    )

    rating = serializers.ChoiceField(choices=AssessmentRating.choices)
    rationale = _limited_text(RATIONALE_MAX_LENGTH)
    resolution = SameIdField(
        "resolution_id",
        _("An assessment stays on its resolution: propose one for the other resolution."),
        help_text=_("The assessment's own resolution, if sent; it cannot change."),
    )
    meeting = SameIdField(
        "meeting_id",
        _("An assessment stays on its period: propose one for the other session."),
        help_text=_("The assessment's own Council session, if sent; it cannot change."),
    )


class AssessmentProposeSerializer(AssessmentContentSerializer):
    resolution = StrictPrimaryKeyRelatedField(queryset=Resolution.objects.all())
    meeting = StrictPrimaryKeyRelatedField(
        queryset=GoverningBodyMeeting.objects.filter(kind=MeetingKind.COUNCIL),
        help_text=_("The Council session whose reporting period is assessed."),
    )


class AssessmentConfirmSerializer(StrictInputSerializer):
    """Confirming takes no input."""
