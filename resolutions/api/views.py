"""Read-only API views for assemblies, resolutions and clauses.

They change only through the importer; the API serves them to read.
"""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins
from rest_framework.serializers import Serializer

from resolutions.models import Assembly, Clause, Resolution
from wtsa_tracker.api.base import TrackerViewSet
from wtsa_tracker.api.exceptions import ErrorSerializer

from ..filtersets import ClauseFilterSet, ResolutionFilterSet
from . import serializers as s

NOT_FOUND = {404: OpenApiResponse(ErrorSerializer)}


class _ReadOnlyViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, TrackerViewSet):
    pass


@extend_schema_view(
    list=extend_schema(summary="List assemblies"),
    retrieve=extend_schema(
        summary="Read an assembly", responses={200: s.AssemblySerializer, **NOT_FOUND}
    ),
)
class AssemblyViewSet(_ReadOnlyViewSet):
    queryset = Assembly.objects.all()
    serializer_class = s.AssemblySerializer
    filterset_fields = {"code": ["exact"]}


@extend_schema_view(
    list=extend_schema(summary="List resolutions"),
    retrieve=extend_schema(
        summary="Read a resolution with its clauses",
        responses={200: s.ResolutionDetailSerializer, **NOT_FOUND},
    ),
)
class ResolutionViewSet(_ReadOnlyViewSet):
    queryset = Resolution.objects.all()
    filterset_class = ResolutionFilterSet

    def get_queryset(self) -> QuerySet[Resolution]:
        queryset = Resolution.objects.for_list()
        if self.action != "list":
            clauses = Clause.objects.select_related("action")
            queryset = queryset.prefetch_related(
                "references", Prefetch("clauses", queryset=clauses)
            )
        return queryset

    def get_serializer_class(self) -> type[Serializer]:
        return s.ResolutionSerializer if self.action == "list" else s.ResolutionDetailSerializer


@extend_schema_view(
    list=extend_schema(summary="List clauses of resolutions"),
    retrieve=extend_schema(
        summary="Read a clause", responses={200: s.ClauseSerializer, **NOT_FOUND}
    ),
)
class ClauseViewSet(_ReadOnlyViewSet):
    queryset = Clause.objects.select_related("resolution", "action")
    serializer_class = s.ClauseSerializer
    filterset_class = ClauseFilterSet
