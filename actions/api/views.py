"""API views for actions, progress reports, bodies, governing-body meetings and assessments.

Each write does the same steps in the same order, so the status code says
what went wrong first:

1. authentication (401), then the object, from a queryset that holds only
   what the user may see (404);
2. who may do this to this object, asking ``actions.permissions`` (403);
3. ``If-Match`` against the object's current ETag (428 when missing, 412 when stale);
4. the body (400 with field errors);
5. one service from ``actions.services``, which checks again and writes
   with a compare-and-set: a refused transition is a 400 that says why, a
   write that lost a race since step 3 is a 412.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.db import IntegrityError, transaction
from django.db.models import Model, Prefetch, QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import decorators, mixins, status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.serializers import Serializer

from actions import permissions, selectors
from actions.choices import COUNCIL_RECIPIENTS, MeetingKind, Readiness, ReportState
from actions.filtersets import ActionFilterSet, AssessmentFilterSet, ProgressReportFilterSet
from actions.models import (
    Action,
    Assessment,
    Body,
    GoverningBodyMeeting,
    ProgressReport,
    StatusChange,
)
from actions.services.actions import action_transition, action_update
from actions.services.assessments import assessment_confirm, assessment_propose
from actions.services.reports import (
    progress_report_create,
    progress_report_transition,
    progress_report_update,
)
from wtsa_tracker.api.base import TrackerViewSet
from wtsa_tracker.api.concurrency import check_if_match, etag
from wtsa_tracker.api.exceptions import ErrorSerializer
from wtsa_tracker.api.pagination import RowPagination

from . import serializers as s
from .idempotency import IDEMPOTENCY_KEY, IdempotentPostMixin
from .listing import action_list_rows, action_page_values
from .permissions import ActionWrite, AdministratorWrite, AssessmentWrite, ReportWrite

IF_MATCH = OpenApiParameter(
    "If-Match",
    str,
    OpenApiParameter.HEADER,
    required=True,
    description=str(
        _(
            "The ETag from your last read of this object. Missing: 428. "
            "Not the current one (someone changed it meanwhile): 412, nothing saved."
        )
    ),
)
ETAG = OpenApiParameter(
    "ETag",
    str,
    OpenApiParameter.HEADER,
    response=[200, 201],
    description=str(_('The object\'s version, e.g. W/"action-12-v3"; send it in If-Match.')),
)
ERROR = OpenApiResponse(ErrorSerializer, description="See the `detail` and `code`.")
READ_ERRORS = {404: ERROR}
WRITE_ERRORS = {400: ERROR, 403: ERROR, 404: ERROR, 412: ERROR, 428: ERROR}


def _write_schema(request: type[Serializer], response: type[Serializer], **extra):
    return extend_schema(
        request=request,
        responses={200: response, **WRITE_ERRORS},
        parameters=[IF_MATCH, ETAG],
        **extra,
    )


class _DetailResponses:
    """Answers with the detail representation, read afresh, and its ETag."""

    detail_serializer_class: type[Serializer]

    def detail_response(self, obj: Model, status_code: int = status.HTTP_200_OK) -> Response:
        # Read again after a write: the service changed the row, and the
        # prefetched relations (history, evidence) must show what it wrote.
        obj = self.get_queryset().get(pk=obj.pk)
        serializer = self.detail_serializer_class(obj, context=self.get_serializer_context())
        return Response(serializer.data, status=status_code, headers={"ETag": etag(obj)})

    def retrieve(self, request: Request, *args, **kwargs) -> Response:
        obj = self.get_object()
        serializer = self.detail_serializer_class(obj, context=self.get_serializer_context())
        return Response(serializer.data, headers={"ETag": etag(obj)})


def _validated(serializer_class: type[Serializer], request: Request, **kwargs) -> Serializer:
    serializer = serializer_class(data=request.data, **kwargs)
    serializer.is_valid(raise_exception=True)
    return serializer


# --- Actions --------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="List actions",
        description="Repeat `status`, `owner`, `collaborator`, `strength` or `reports_to` "
        "to match any of several values. `bureau` takes a Bureau's code and also matches the "
        "bodies it supports (T-SG17 for TSB). An unknown value is a 400, not an empty list. "
        "Pages come by number (`page`, `page_size`, any `ordering`) or, with `cursor`, "
        "in a fixed order by id.",
    ),
    retrieve=extend_schema(
        summary="Read an action with its status history",
        parameters=[ETAG],
        responses={200: s.ActionDetailSerializer, **READ_ERRORS},
    ),
)
class ActionViewSet(
    IdempotentPostMixin,
    _DetailResponses,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    TrackerViewSet,
):
    """Actions called for by resolutions. Status changes only through ``transition``."""

    queryset = Action.objects.all()
    filterset_class = ActionFilterSet
    permission_classes = [IsAuthenticated, ActionWrite]
    detail_serializer_class = s.ActionDetailSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet[Action]:
        if self.action == "list":
            # Filtered and ordered here; ``list`` reads the page as values.
            return Action.objects.all()
        history = StatusChange.objects.select_related("changed_by")
        return (
            Action.objects.for_list()
            .with_latest_approved_report()
            .select_related("continued_by")
            .prefetch_related(Prefetch("status_changes", queryset=history))
        )

    def get_serializer_class(self) -> type[Serializer]:
        return s.ActionSerializer if self.action == "list" else s.ActionDetailSerializer

    def list(self, request: Request, *args, **kwargs) -> Response:
        """``ActionSerializer``'s rows, written from values (see ``actions.api.listing``).

        The page is counted and cut on the bare list (its filters and order
        only); the columns, joins and subqueries of a row are read for the
        page's fifty ids alone.
        """
        actions = self.filter_queryset(self.get_queryset())
        ids = [row["id"] for row in self.paginate_queryset(actions.values("id"))]
        # The ids are the filtered page: their rows need none of the filters again.
        by_id = {row["id"]: row for row in action_page_values(ids)}
        # Put back in the page's order: a cursor walks by id, not by the list's order.
        rows = [by_id[pk] for pk in ids if pk in by_id]
        return self.get_paginated_response(action_list_rows(rows, user=request.user))

    @_write_schema(
        s.ActionUpdateSerializer,
        s.ActionDetailSerializer,
        summary="Change an action's focal point or target date",
    )
    def partial_update(self, request: Request, *args, **kwargs) -> Response:
        action = self.get_object()
        expected = check_if_match(request, action)
        changes = _validated(s.ActionUpdateSerializer, request)
        action_update(
            action=action,
            by=request.user,
            expected_version=expected,
            changes=changes.validated_data,
        )
        return self.detail_response(action)

    @_write_schema(
        s.ActionTransitionSerializer,
        s.ActionDetailSerializer,
        summary="Move an action to another status",
        description="Refused with 400, saying why, when the status cannot follow the current one.",
    )
    @decorators.action(detail=True, methods=["post"])
    def transition(self, request: Request, *args, **kwargs) -> Response:
        action = self.get_object()
        expected = check_if_match(request, action)
        data = _validated(s.ActionTransitionSerializer, request).validated_data
        action_transition(
            action=action,
            to=data["status"],
            by=request.user,
            note=data["note"],
            expected_version=expected,
        )
        return self.detail_response(action)


# --- Progress reports -----------------------------------------------------------

REPORT_ACTION_STATES = {
    "submit": ReportState.SUBMITTED,
    "approve": ReportState.APPROVED,
    "return_report": ReportState.RETURNED,
}


@extend_schema_view(
    list=extend_schema(summary="List progress reports you may see"),
    retrieve=extend_schema(
        summary="Read a progress report",
        parameters=[ETAG],
        responses={200: s.ProgressReportSerializer, **READ_ERRORS},
    ),
)
class ProgressReportViewSet(
    IdempotentPostMixin,
    _DetailResponses,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    TrackerViewSet,
):
    """Progress reports. Drafts and returned reports are seen only by the Bureau writing them."""

    queryset = ProgressReport.objects.all()
    filterset_class = ProgressReportFilterSet
    permission_classes = [IsAuthenticated, ReportWrite]
    serializer_class = s.ProgressReportSerializer
    detail_serializer_class = s.ProgressReportSerializer
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet[ProgressReport]:
        return permissions.reports_visible_to(self.request.user, ProgressReport.objects.for_list())

    @property
    def report_target(self) -> ReportState | None:
        """The state a lifecycle endpoint moves the report to; None for other endpoints."""
        return REPORT_ACTION_STATES.get(self.action)

    @extend_schema(
        request=s.ProgressReportCreateSerializer,
        responses={201: s.ProgressReportSerializer, 400: ERROR, 403: ERROR, 422: ERROR},
        parameters=[ETAG, IDEMPOTENCY_KEY],
        summary="Write a progress report on an action",
        description="A draft, or submitted for approval at once with `submit: true`. "
        "No If-Match: the report is new. Send an `Idempotency-Key` to retry safely.",
    )
    def create(self, request: Request, *args, **kwargs) -> Response:
        serializer = _validated(s.ProgressReportCreateSerializer, request)
        data = serializer.validated_data
        report = progress_report_create(
            action=data["action"],
            by=request.user,
            text=data["text"],
            period_start=data.get("period_start"),
            period_end=data.get("period_end"),
            report_date=data.get("report_date"),
            evidence=serializer.evidence() or (),
            submit=data["submit"],
        )
        response = self.detail_response(report, status.HTTP_201_CREATED)
        response["Location"] = reverse(
            "api:progress-report-detail", args=[report.pk], request=request
        )
        return response

    @_write_schema(
        s.ProgressReportUpdateSerializer,
        s.ProgressReportSerializer,
        summary="Rewrite a draft or returned report",
        description="Evidence links are replaced only when `evidence_links` is sent.",
    )
    def update(self, request: Request, *args, partial: bool = False, **kwargs) -> Response:
        report = self.get_object()
        expected = check_if_match(request, report)
        content = _validated(
            s.ProgressReportUpdateSerializer, request, instance=report, partial=partial
        )
        data = content.validated_data
        progress_report_update(
            report=report,
            by=request.user,
            expected_version=expected,
            text=data.get("text", report.text),
            period_start=data.get("period_start", report.period_start),
            period_end=data.get("period_end", report.period_end),
            evidence=content.evidence(),
        )
        return self.detail_response(report)

    @_write_schema(
        s.ProgressReportUpdateSerializer,
        s.ProgressReportSerializer,
        summary="Change part of a draft or returned report",
    )
    def partial_update(self, request: Request, *args, **kwargs) -> Response:
        return self.update(request, *args, partial=True, **kwargs)

    def _move(self, request: Request, body: type[Serializer] | None = None) -> Response:
        report = self.get_object()
        expected = check_if_match(request, report)
        note = _validated(body, request).validated_data.get("note", "")
        progress_report_transition(
            report=report,
            to=self.report_target,
            by=request.user,
            note=note,
            expected_version=expected,
        )
        return self.detail_response(report)

    @_write_schema(
        s.ReportSubmitSerializer,
        s.ProgressReportSerializer,
        summary="Submit a report for approval",
    )
    @decorators.action(detail=True, methods=["post"])
    def submit(self, request: Request, *args, **kwargs) -> Response:
        return self._move(request, s.ReportSubmitSerializer)

    @_write_schema(
        s.ReportReviewSerializer,
        s.ProgressReportSerializer,
        summary="Approve a submitted report (coordinators of the writing Bureau)",
    )
    @decorators.action(detail=True, methods=["post"])
    def approve(self, request: Request, *args, **kwargs) -> Response:
        return self._move(request, s.ReportReviewSerializer)

    @_write_schema(
        s.ReportReviewSerializer,
        s.ProgressReportSerializer,
        summary="Return a submitted report to its writers, saying why",
    )
    @decorators.action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_report(self, request: Request, *args, **kwargs) -> Response:
        return self._move(request, s.ReportReviewSerializer)


# --- Bodies and meetings --------------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary="List ITU bodies: Bureaux, study groups, advisory groups…"),
    retrieve=extend_schema(
        summary="Read an ITU body", responses={200: s.BodySerializer, **READ_ERRORS}
    ),
)
class BodyViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, TrackerViewSet):
    queryset = Body.objects.select_related("supporting_bureau")
    serializer_class = s.BodySerializer
    filterset_fields = {"kind": ["exact"]}


@extend_schema_view(
    list=extend_schema(summary="List governing-body meetings (Council, TSAG, assemblies…)"),
    retrieve=extend_schema(
        summary="Read a meeting",
        parameters=[ETAG],
        responses={200: s.MeetingSerializer, **READ_ERRORS},
    ),
    create=extend_schema(
        summary="Add a meeting (administrators)",
        responses={201: s.MeetingSerializer, 400: ERROR, 403: ERROR},
        parameters=[ETAG],
    ),
    update=_write_schema(
        s.MeetingSerializer, s.MeetingSerializer, summary="Correct a meeting (administrators)"
    ),
    partial_update=_write_schema(
        s.MeetingSerializer,
        s.MeetingSerializer,
        summary="Correct part of a meeting (administrators)",
    ),
)
class MeetingViewSet(
    IdempotentPostMixin,
    _DetailResponses,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    TrackerViewSet,
):
    """Sessions that reporting runs to. Administrators keep them up to date; no deletion here."""

    queryset = GoverningBodyMeeting.objects.all()
    serializer_class = s.MeetingSerializer
    detail_serializer_class = s.MeetingSerializer
    permission_classes = [IsAuthenticated, AdministratorWrite]
    filterset_fields = {"kind": ["exact"], "start_date": ["gte", "lte"]}
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def create(self, request: Request, *args, **kwargs) -> Response:
        serializer = _validated(s.MeetingSerializer, request, context=self.get_serializer_context())
        meeting = self._save(serializer)
        return self.detail_response(meeting, status.HTTP_201_CREATED)

    def update(self, request: Request, *args, **kwargs) -> Response:
        partial = kwargs.pop("partial", False)
        with transaction.atomic():
            # Meetings have no version column: the row stays locked from the
            # If-Match comparison to the save, so no write slips in between.
            meeting = GoverningBodyMeeting.objects.select_for_update().get(pk=self.get_object().pk)
            check_if_match(request, meeting)
            serializer = s.MeetingSerializer(
                meeting, data=request.data, partial=partial, context=self.get_serializer_context()
            )
            serializer.is_valid(raise_exception=True)
            self._save(serializer)
        return self.detail_response(meeting)

    @extend_schema(
        summary="Readiness for a Council session, per Bureau and resolution",
        description="For the session's reporting period: how many actions that report to "
        "Council have an approved report, one awaiting approval, a draft only, or none; in "
        "total, then a page (`page`, `page_size`) of rows per owning Bureau and resolution. "
        "Each row links to its gaps on the actions list "
        "(`/api/actions/?council=<session>&readiness=…`). Rows are counts worked out for "
        "the request, so they page by number only (no `cursor`). 404 for a meeting that is "
        "not a Council session and for a page past the last. Every signed-in person reads "
        "every Bureau's rows, their own Bureau's first, as on the web page.",
        parameters=[
            OpenApiParameter("page", int, description="A page number of the rows."),
            OpenApiParameter(
                "page_size",
                {"type": "integer", "minimum": 1},
                description="Rows per page (50; at most 200).",
            ),
        ],
        responses={200: s.CouncilReadinessSerializer, **READ_ERRORS},
    )
    @decorators.action(detail=True, methods=["get"], filter_backends=[])
    def readiness(self, request: Request, *args, **kwargs) -> Response:
        session = self.get_object()
        if session.kind != MeetingKind.COUNCIL:
            raise NotFound(_("Readiness is counted for Council sessions only."))
        period = selectors.reporting_period(session)
        rows = selectors.council_readiness(period, request.user)
        pages = RowPagination()
        page = pages.paginate_queryset(rows, request, view=self)
        for row in page:
            row.gaps_url = self._gaps_url(request, session, row)
        totals = {value: sum(row.counts[value] for row in rows) for value in Readiness.values}
        answer = {
            "session": session.pk,
            "period_start": period.start,
            "period_end": period.end,
            "totals": totals,
            "total": sum(totals.values()),
            "count": len(rows),
            "next": pages.get_next_link(),
            "previous": pages.get_previous_link(),
            "results": page,
        }
        return Response(s.CouncilReadinessSerializer(answer).data)

    @staticmethod
    def _gaps_url(request: Request, session: GoverningBodyMeeting, row) -> str | None:
        if row.bureau_code is None:
            return None  # no owner: the list has no filter for those
        # A study group's actions count for its Bureau; a body no Bureau
        # supports is filtered as the owner.
        query = {
            "bureau" if row.bureau_is_staff else "owner": row.bureau_code,
            "assembly": row.assembly_code,
            "resolution": row.resolution_number,
            "reports_to": sorted(recipient.value for recipient in COUNCIL_RECIPIENTS),
            "council": session.pk,
            "readiness": [value for value in Readiness.values if value != Readiness.APPROVED],
        }
        return f"{reverse('api:action-list', request=request)}?{urlencode(query, doseq=True)}"

    def _save(self, serializer: Serializer) -> GoverningBodyMeeting:
        try:
            with transaction.atomic():
                return serializer.save()
        except IntegrityError:
            # Another administrator added the same session a moment ago.
            raise ValidationError(
                {"non_field_errors": [_("A meeting of this kind already opens on that day.")]}
            ) from None


# --- Resolution 83 assessments (issue 9b) ----------------------------------------


@extend_schema_view(
    list=extend_schema(summary="List Resolution 83 assessments, one per resolution and period"),
    retrieve=extend_schema(
        summary="Read an assessment",
        parameters=[ETAG],
        responses={200: s.AssessmentSerializer, **READ_ERRORS},
    ),
)
class AssessmentViewSet(
    _DetailResponses, mixins.ListModelMixin, mixins.RetrieveModelMixin, TrackerViewSet
):
    """Assessments of resolutions per Council period: proposed, then confirmed by TSB."""

    queryset = Assessment.objects.all()
    filterset_class = AssessmentFilterSet
    permission_classes = [IsAuthenticated, AssessmentWrite]
    serializer_class = s.AssessmentSerializer
    detail_serializer_class = s.AssessmentSerializer
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet[Assessment]:
        return Assessment.objects.for_list().order_by("resolution", "meeting__start_date", "pk")

    @extend_schema(
        request=s.AssessmentProposeSerializer,
        responses={201: s.AssessmentSerializer, 400: ERROR, 403: ERROR, 412: ERROR},
        parameters=[ETAG],
        summary="Propose a resolution's assessment for a Council period",
        description="No If-Match: the assessment is new. If one exists for that resolution and "
        "period already, 412 with its ETag: revise it with PUT or PATCH instead.",
    )
    def create(self, request: Request, *args, **kwargs) -> Response:
        data = _validated(s.AssessmentProposeSerializer, request).validated_data
        assessment = assessment_propose(
            resolution=data["resolution"],
            meeting=data["meeting"],
            rating=data["rating"],
            rationale=data["rationale"],
            by=request.user,
        )
        response = self.detail_response(assessment, status.HTTP_201_CREATED)
        response["Location"] = reverse(
            "api:assessment-detail", args=[assessment.pk], request=request
        )
        return response

    @_write_schema(
        s.AssessmentContentSerializer,
        s.AssessmentSerializer,
        summary="Revise a proposed assessment (a confirmed one is final)",
    )
    def update(self, request: Request, *args, partial: bool = False, **kwargs) -> Response:
        assessment = self.get_object()
        expected = check_if_match(request, assessment)
        data = _validated(
            s.AssessmentContentSerializer, request, instance=assessment, partial=partial
        ).validated_data
        assessment_propose(
            resolution=assessment.resolution,
            meeting=assessment.meeting,
            rating=data.get("rating", assessment.rating),
            rationale=data.get("rationale", assessment.rationale),
            by=request.user,
            expected_version=expected,
        )
        return self.detail_response(assessment)

    @_write_schema(
        s.AssessmentContentSerializer,
        s.AssessmentSerializer,
        summary="Revise part of a proposed assessment",
    )
    def partial_update(self, request: Request, *args, **kwargs) -> Response:
        return self.update(request, *args, partial=True, **kwargs)

    @_write_schema(
        s.AssessmentConfirmSerializer,
        s.AssessmentSerializer,
        summary="Confirm a proposed assessment (TSB coordinators)",
    )
    @decorators.action(detail=True, methods=["post"])
    def confirm(self, request: Request, *args, **kwargs) -> Response:
        assessment = self.get_object()
        expected = check_if_match(request, assessment)
        _validated(s.AssessmentConfirmSerializer, request)  # it takes nothing: a key is refused
        assessment_confirm(assessment=assessment, by=request.user, expected_version=expected)
        return self.detail_response(assessment)
