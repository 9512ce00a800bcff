"""Assemblies, their resolutions and the clauses those resolutions are made of."""

from django.db import models
from django.db.models import F, OuterRef, Q, Subquery
from django.utils.translation import gettext_lazy as _

from wtsa_tracker.characters import control_character_validator

from .choices import DIRECTIVE_VERBS, ClauseVerb, Conference, PartKind, RevisionMarker


class AssemblyManager(models.Manager):
    def get_by_natural_key(self, code: str) -> "Assembly":
        return self.get(code=code)


class Assembly(models.Model):
    """A session of the World Telecommunication Standardization Assembly, e.g. WTSA-20."""

    code = models.SlugField(_("code"), max_length=20, unique=True, help_text=_("e.g. WTSA-20"))
    name = models.CharField(_("name"), max_length=200, validators=[control_character_validator])
    place = models.CharField(_("place"), max_length=100, validators=[control_character_validator])
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))

    objects = AssemblyManager()

    class Meta:
        ordering = ["-start_date"]
        verbose_name = _("assembly")
        verbose_name_plural = _("assemblies")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")),
                name="assembly_ends_after_it_starts",
                violation_error_message=_("An assembly cannot end before it starts."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} ({self.place})"

    def natural_key(self) -> tuple[str]:
        return (self.code,)


class ResolutionQuerySet(models.QuerySet):
    def for_list(self) -> "ResolutionQuerySet":
        """With the assembly, the suppressing one and ``successor_id``: the next version's id.

        The next version is read by a subquery on the unique ``revises``
        column, not joined: where no lineage is recorded, SQLite's statistics
        made it read every resolution for each row listed (issue 13).
        """
        successor = Resolution.objects.filter(revises=OuterRef("pk")).values("pk")[:1]
        return self.select_related("assembly", "suppressed_by").annotate(
            successor_id=Subquery(successor)
        )


class ResolutionManager(models.Manager.from_queryset(ResolutionQuerySet)):
    def get_by_natural_key(self, assembly_code: str, number: int) -> "Resolution":
        return self.get(assembly__code=assembly_code, number=number)


class Resolution(models.Model):
    """One resolution as adopted or revised by an assembly, with its source text."""

    assembly = models.ForeignKey(
        Assembly, on_delete=models.PROTECT, related_name="resolutions", verbose_name=_("assembly")
    )
    number = models.PositiveIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=500, validators=[control_character_validator])
    marker = models.CharField(
        _("marker"),
        max_length=3,
        choices=RevisionMarker.choices,
        blank=True,
        help_text=_("What the assembly did to it: revised, no change or new."),
    )
    revision_text = models.CharField(
        _("revision"),
        max_length=100,
        blank=True,
        validators=[control_character_validator],
        help_text=_("e.g. Rev. Geneva, 2022"),
    )
    overview = models.TextField(_("overview"), blank=True, validators=[control_character_validator])
    footnotes = models.JSONField(
        _("footnotes"), default=list, blank=True, help_text=_("Footnotes of the title.")
    )
    source_text = models.TextField(
        _("source text"), blank=True, validators=[control_character_validator]
    )
    source_hash = models.CharField(_("source hash"), max_length=64, blank=True, editable=False)
    imported_at = models.DateTimeField(_("imported at"), null=True, blank=True, editable=False)
    # --- Across assemblies (issue 11) ---------------------------------------
    # The same number in the latest earlier assembly: the text this one revises
    # (or keeps unchanged). Set by the import; the chain is the lineage page.
    revises = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="revised_by",
        verbose_name=_("revises"),
        help_text=_("The previous assembly's version of this resolution."),
    )
    suppressed_by = models.ForeignKey(
        Assembly,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="suppressed_resolutions",
        verbose_name=_("suppressed by"),
        help_text=_("The later assembly that did not keep this resolution."),
    )

    objects = ResolutionManager()

    class Meta:
        ordering = ["assembly__start_date", "number"]
        verbose_name = _("resolution")
        verbose_name_plural = _("resolutions")
        constraints = [
            models.UniqueConstraint(
                fields=["assembly", "number"],
                name="resolution_number_unique_per_assembly",
                violation_error_message=_(
                    "This assembly already has a resolution with this number."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"Resolution {self.number} ({self.assembly.code})"

    def natural_key(self) -> tuple[str, int]:
        return (*self.assembly.natural_key(), self.number)

    natural_key.dependencies = ["resolutions.assembly"]

    def lineage(self) -> list["Resolution"]:
        """This resolution's versions across assemblies, oldest first, by the ``revises``
        links: the same number in another assembly with no link is another text. One query."""
        same_number = list(
            Resolution.objects.select_related("assembly", "suppressed_by")
            .filter(number=self.number)
            .order_by("assembly__start_date")
        )
        by_pk = {version.pk: version for version in same_number}
        chain = [by_pk.get(self.pk, self)]
        seen = {self.pk}  # a link typed wrong in the admin may close a loop: it ends there
        while chain[0].revises_id in by_pk and chain[0].revises_id not in seen:
            seen.add(chain[0].revises_id)
            chain.insert(0, by_pk[chain[0].revises_id])
        later = {version.revises_id: version for version in same_number if version.revises_id}
        while chain[-1].pk in later and later[chain[-1].pk].pk not in seen:
            seen.add(later[chain[-1].pk].pk)
            chain.append(later[chain[-1].pk])
        return chain


class ResolutionReference(models.Model):
    """A resolution of another conference cited by a resolution's text."""

    resolution = models.ForeignKey(
        Resolution, on_delete=models.CASCADE, related_name="references", verbose_name=_("citing")
    )
    conference = models.CharField(_("conference"), max_length=4, choices=Conference.choices)
    number = models.PositiveIntegerField(_("number"))
    is_revision = models.BooleanField(_("revised"), default=False)
    place = models.CharField(_("place"), max_length=100, validators=[control_character_validator])
    year = models.PositiveSmallIntegerField(_("year"))
    text = models.CharField(_("as cited"), max_length=300, validators=[control_character_validator])

    class Meta:
        ordering = ["conference", "number", "year"]
        verbose_name = _("cited resolution")
        verbose_name_plural = _("cited resolutions")
        constraints = [
            models.UniqueConstraint(
                fields=["resolution", "conference", "number", "year"],
                name="reference_unique_per_resolution",
                violation_error_message=_(
                    "This resolution already cites that resolution of that conference and year."
                ),
            ),
        ]

    def __str__(self) -> str:
        revision = "Rev. " if self.is_revision else ""
        return f"{self.conference} Resolution {self.number} ({revision}{self.place}, {self.year})"


class ClauseQuerySet(models.QuerySet):
    def current(self) -> "ClauseQuerySet":
        return self.filter(is_withdrawn=False)


class Clause(models.Model):
    """One item of a resolution: a lettered preamble item or a numbered operative item.

    A part with a single unnumbered paragraph is one clause with an empty
    label. The part's verb and addressee are repeated on each of its clauses,
    which keeps the text of a resolution a flat, ordered list.
    """

    resolution = models.ForeignKey(
        Resolution, on_delete=models.CASCADE, related_name="clauses", verbose_name=_("resolution")
    )
    key = models.CharField(
        _("key"),
        max_length=100,
        help_text=_("Stable identity within the resolution, e.g. instructs.2/7."),
    )
    part = models.CharField(_("part"), max_length=10, choices=PartKind.choices)
    verb = models.CharField(_("verb"), max_length=20, choices=ClauseVerb.choices)
    heading = models.CharField(
        _("heading as written"),
        max_length=100,
        blank=True,
        validators=[control_character_validator],
    )
    addressee = models.TextField(
        _("addressee"), blank=True, validators=[control_character_validator]
    )
    label = models.CharField(
        _("label"), max_length=20, blank=True, validators=[control_character_validator]
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent item"),
    )
    text = models.TextField(_("text"), validators=[control_character_validator])
    footnotes = models.JSONField(_("footnotes"), default=list, blank=True)
    order = models.PositiveIntegerField(_("order"))
    source_line = models.PositiveIntegerField(_("source line"), null=True, blank=True)
    # A clause missing from a later import of its resolution is kept, not
    # deleted: its action and the reports on it are history.
    is_withdrawn = models.BooleanField(_("withdrawn"), default=False)

    objects = ClauseQuerySet.as_manager()

    class Meta:
        ordering = ["resolution", "order"]
        verbose_name = _("clause")
        verbose_name_plural = _("clauses")
        constraints = [
            models.UniqueConstraint(
                fields=["resolution", "key"],
                name="clause_key_unique",
                violation_error_message=_("This resolution already has a clause with this key."),
            ),
        ]

    def __str__(self) -> str:
        label = f" {self.label}" if self.label else ""
        return f"Res. {self.resolution.number} {self.get_verb_display()}{label}"

    @property
    def is_directive(self) -> bool:
        return self.verb in DIRECTIVE_VERBS
