"""Representations of assemblies, resolutions and their clauses (read-only in the API)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from resolutions.models import Assembly, Clause, Resolution, ResolutionReference


class AssemblySerializer(serializers.ModelSerializer):
    class Meta:
        model = Assembly
        fields = ["id", "code", "name", "place", "start_date", "end_date"]


class ResolutionSerializer(serializers.ModelSerializer):
    """A resolution as listed."""

    assembly = serializers.SlugRelatedField(slug_field="code", read_only=True)
    marker_label = serializers.CharField(source="get_marker_display", read_only=True)
    # Across assemblies: the version this one revises, the one that revised it,
    # and the assembly that suppressed it.
    revises = serializers.PrimaryKeyRelatedField(read_only=True)
    revised_by = serializers.SerializerMethodField()
    suppressed_by = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Resolution
        fields = [
            "id",
            "assembly",
            "number",
            "title",
            "marker",
            "marker_label",
            "revision_text",
            "imported_at",
            "revises",
            "revised_by",
            "suppressed_by",
        ]

    def get_revised_by(self, resolution: Resolution) -> int | None:
        """The id of the next assembly's version of this resolution, if any.

        ``successor_id`` comes from ``Resolution.objects.for_list()``: a
        queryset without it fails here rather than answer null.
        """
        return resolution.successor_id


class ReferenceSerializer(serializers.ModelSerializer):
    class Meta:
        model = ResolutionReference
        fields = ["conference", "number", "is_revision", "place", "year", "text"]


class ClauseSerializer(serializers.ModelSerializer):
    """One item of a resolution, with the action it became (if it is a directive)."""

    resolution = serializers.PrimaryKeyRelatedField(read_only=True)
    resolution_number = serializers.IntegerField(source="resolution.number", read_only=True)
    action = serializers.SerializerMethodField()

    class Meta:
        model = Clause
        fields = [
            "id",
            "resolution",
            "resolution_number",
            "key",
            "part",
            "verb",
            "heading",
            "addressee",
            "label",
            "parent",
            "text",
            "footnotes",
            "order",
            "is_directive",
            "is_withdrawn",
            "action",
        ]

    @extend_schema_field({"type": "integer", "nullable": True, "readOnly": True})
    def get_action(self, clause: Clause) -> int | None:
        """The id of the action tracking this clause; null for preamble and other items."""
        # The view selects the reverse one-to-one, so a missing action costs no query.
        action = getattr(clause, "action", None)
        return action.pk if action is not None else None


class ResolutionClauseSerializer(ClauseSerializer):
    class Meta(ClauseSerializer.Meta):
        fields = [f for f in ClauseSerializer.Meta.fields if not f.startswith("resolution")]


class ResolutionDetailSerializer(ResolutionSerializer):
    """A resolution with its overview, the resolutions it cites and its clauses in order."""

    references = ReferenceSerializer(many=True, read_only=True)
    clauses = ResolutionClauseSerializer(many=True, read_only=True)

    class Meta(ResolutionSerializer.Meta):
        fields = [
            *ResolutionSerializer.Meta.fields,
            "overview",
            "footnotes",
            "references",
            "clauses",
        ]
