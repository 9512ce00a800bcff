"""Actions called for by resolutions, who owns them, and how they progress."""

import datetime
from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Exists, F, OuterRef, Q, Subquery
from django.utils.translation import gettext_lazy as _

from resolutions.models import Clause, Resolution

from .choices import (
    COUNCIL_RECIPIENTS,
    FINISHED_EXPORT_STATES,
    OPEN_STATUSES,
    STAFF_BODY_KINDS,
    ActionStatus,
    BodyKind,
    ExportState,
    MeetingKind,
    ReportingRecipient,
    ReportState,
    Strength,
    choice_label,
)
from .validators import (
    EVIDENCE_URL_MAX_LENGTH,
    NOTE_MAX_LENGTH,
    REPORT_TEXT_MAX_LENGTH,
    max_length_validator,
    web_address_validator,
)

# Columns that list pages and the API never show: a resolution's imported text
# (tens of kilobytes each) and a user's credentials. Loading them with every row
# made sorting and DISTINCT carry them along (see ``make bench``).
RESOLUTION_TEXT_FIELDS = ("source_text", "overview", "footnotes")
USER_PRIVATE_FIELDS = ("password", "last_login", "date_joined")


def _deferred(prefix: str, fields: tuple[str, ...]) -> list[str]:
    return [f"{prefix}__{name}" for name in fields]


class BodyManager(models.Manager):
    def get_by_natural_key(self, code: str) -> "Body":
        return self.get(code=code)


class Body(models.Model):
    """An ITU entity a resolution addresses: a Bureau, a study group, TSAG, the membership…

    Every body but a Bureau is supported by one (SG13 → TSB); that Bureau's
    staff act for it in the tracker.
    """

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=BodyKind.choices)
    supporting_bureau = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="supported_bodies",
        limit_choices_to={"kind__in": STAFF_BODY_KINDS},
        verbose_name=_("supporting Bureau"),
    )
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)

    objects = BodyManager()

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("body")
        verbose_name_plural = _("bodies")

    def __str__(self) -> str:
        return self.code

    def natural_key(self) -> tuple[str]:
        return (self.code,)

    def get_kind_display(self) -> str:
        return choice_label(BodyKind, self.kind)

    @property
    def responsible_bureau_id(self) -> int | None:
        """The Bureau whose staff act for this body: itself if it is one."""
        if self.kind in STAFF_BODY_KINDS:
            return self.pk
        return self.supporting_bureau_id


class User(AbstractUser):
    """A member of the ITU secretariat. Staff belong to one Bureau (or the GS)."""

    bureau = models.ForeignKey(
        Body,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
        limit_choices_to={"kind__in": STAFF_BODY_KINDS},
        verbose_name=_("Bureau"),
    )

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"

    def __str__(self) -> str:
        # People know each other by name: pages, admin, API and e-mails show
        # this, and the username only for accounts with no name yet.
        return self.get_full_name() or self.get_username()


def _bureau_q(prefix: str, bureau_id: int) -> Q:
    """Bodies that are ``bureau_id`` or are supported by it, under a lookup prefix."""
    return Q(**{prefix: bureau_id}) | Q(**{f"{prefix}__supporting_bureau": bureau_id})


class ActionQuerySet(models.QuerySet):
    def open(self) -> "ActionQuerySet":
        return self.filter(status__in=OPEN_STATUSES)

    def overdue(self, today: datetime.date) -> "ActionQuerySet":
        return self.open().filter(target_date__lt=today)

    def owned_by_bureau(self, bureau_id: int) -> "ActionQuerySet":
        return self.filter(_bureau_q("owner", bureau_id))

    def involving_bureau(self, bureau_id: int) -> "ActionQuerySet":
        """Actions the Bureau owns or collaborates on (directly or through a body it supports)."""
        collaborates = Action.collaborators.through.objects.filter(
            _bureau_q("body", bureau_id), action=OuterRef("pk")
        )
        return self.filter(_bureau_q("owner", bureau_id) | Exists(collaborates))

    def reporting_to_council(self) -> "ActionQuerySet":
        """Actions whose progress must be reported to ITU Council: the one definition of it."""
        return self.reporting_to(COUNCIL_RECIPIENTS)

    def reporting_to(self, recipients: Iterable[str]) -> "ActionQuerySet":
        """Actions with a duty to report to any of ``recipients``.

        EXISTS rather than a join: an action with two matching duties stays
        one row, so no DISTINCT over every selected column is needed.
        """
        duties = ReportingObligation.objects.filter(
            action=OuterRef("pk"), recipient__in=list(recipients)
        )
        return self.filter(Exists(duties))

    def with_latest_approved_report(self) -> "ActionQuerySet":
        """Annotate each action with its latest approved report: ``latest_report_date``,
        ``latest_report_period_start``, ``latest_report_period_end``, ``latest_report_text``.

        Latest means covering the most recent period (then the latest dated);
        None where no report was approved. One query, however many actions.
        """
        latest = ProgressReport.objects.filter(
            action=OuterRef("pk"), state=ReportState.APPROVED
        ).order_by("-period_end", "-report_date", "-pk")
        return self.annotate(
            latest_report_date=Subquery(latest.values("report_date")[:1]),
            latest_report_period_start=Subquery(latest.values("period_start")[:1]),
            latest_report_period_end=Subquery(latest.values("period_end")[:1]),
            latest_report_text=Subquery(latest.values("text")[:1]),
        )

    def for_export(self) -> "ActionQuerySet":
        """What a row of the CSV export shows, without the resolutions' long texts."""
        return (
            self.for_list()
            .with_latest_approved_report()
            .defer(
                "resolution__source_text",
                "resolution__overview",
                "resolution__footnotes",
                "clause__footnotes",
            )
        )

    def for_list(self) -> "ActionQuerySet":
        return (
            self.select_related("resolution__assembly", "clause", "owner", "focal_point")
            .defer(
                *_deferred("resolution", RESOLUTION_TEXT_FIELDS),
                *_deferred("focal_point", USER_PRIVATE_FIELDS),
            )
            .prefetch_related("collaborators", "obligations")
        )


class Action(models.Model):
    """A trackable piece of work: one directive item of a resolution.

    Items are numbered in sequence within each resolution, as in TSB's
    action plan. ``version`` grows on every write, for optimistic concurrency.
    """

    resolution = models.ForeignKey(
        Resolution, on_delete=models.PROTECT, related_name="actions", verbose_name=_("resolution")
    )
    clause = models.OneToOneField(
        Clause, on_delete=models.PROTECT, related_name="action", verbose_name=_("clause")
    )
    number = models.PositiveIntegerField(
        _("number"), help_text=_("Sequence within the resolution.")
    )
    strength = models.CharField(_("strength"), max_length=20, choices=Strength.choices)
    owner = models.ForeignKey(
        Body,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="owned_actions",
        verbose_name=_("owner"),
    )
    collaborators = models.ManyToManyField(
        Body, blank=True, related_name="collaborations", verbose_name=_("collaborators")
    )
    status = models.CharField(
        _("status"), max_length=20, choices=ActionStatus.choices, default=ActionStatus.NOT_STARTED
    )
    focal_point = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="focal_actions",
        verbose_name=_("focal point"),
    )
    target_date = models.DateField(_("target date"), null=True, blank=True)
    needs_review = models.BooleanField(
        _("needs review"),
        default=False,
        help_text=_("Set by an import when the clause changed, vanished or names no known owner."),
    )
    review_reason = models.CharField(_("review reason"), max_length=300, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    # updated_at also moves when the shipped data is loaded or a text is
    # re-imported; this one only when a person changes the status or the plan.
    changed_at = models.DateTimeField(
        _("last changed by a person"), null=True, blank=True, editable=False
    )

    objects = ActionQuerySet.as_manager()

    class Meta:
        ordering = ["resolution", "number"]
        verbose_name = _("action")
        verbose_name_plural = _("actions")
        # The filters and sort orders the lists offer (status, overdue, updated).
        indexes = [
            models.Index(fields=["status"], name="action_status_idx"),
            models.Index(fields=["target_date"], name="action_target_date_idx"),
            models.Index(fields=["updated_at", "id"], name="action_updated_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["resolution", "number"],
                name="action_number_unique_per_resolution",
                violation_error_message=_(
                    "This resolution already has an action with this number."
                ),
            ),
            models.CheckConstraint(
                condition=Q(status__in=ActionStatus.values),
                name="action_status_valid",
                violation_error_message=_("Choose one of the listed statuses."),
            ),
            models.CheckConstraint(
                condition=Q(strength__in=Strength.values),
                name="action_strength_valid",
                violation_error_message=_("Choose one of the listed strengths."),
            ),
        ]

    def __str__(self) -> str:
        return f"Res. {self.resolution.number} action {self.number}"

    def get_status_display(self) -> str:
        return choice_label(ActionStatus, self.status)

    def get_strength_display(self) -> str:
        return choice_label(Strength, self.strength)

    @property
    def owning_bureau_id(self) -> int | None:
        """The Bureau whose staff change the status: the owner, or the Bureau supporting it."""
        return self.owner.responsible_bureau_id if self.owner_id else None

    @property
    def owning_bureau(self) -> "Body | None":
        if self.owner_id is None:
            return None
        return self.owner if self.owner.kind in STAFF_BODY_KINDS else self.owner.supporting_bureau

    def involved_bureau_ids(self) -> set[int]:
        """Bureaux that own or contribute to the action (uses prefetched collaborators)."""
        bureaux = {body.responsible_bureau_id for body in self.collaborators.all()}
        if self.owner_id:
            bureaux.add(self.owning_bureau_id)
        return bureaux - {None}

    def is_overdue(self, today: datetime.date) -> bool:
        return (
            self.status in OPEN_STATUSES
            and self.target_date is not None
            and self.target_date < today
        )


class ReportingObligation(models.Model):
    """A duty, written in the clause, to report on an action to a governing body."""

    action = models.ForeignKey(
        Action, on_delete=models.CASCADE, related_name="obligations", verbose_name=_("action")
    )
    recipient = models.CharField(_("report to"), max_length=20, choices=ReportingRecipient.choices)

    class Meta:
        ordering = ["action", "recipient"]
        verbose_name = _("reporting obligation")
        verbose_name_plural = _("reporting obligations")
        # ?reports_to= and the reminder sweep look duties up by recipient first.
        indexes = [models.Index(fields=["recipient", "action"], name="obligation_recipient_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["action", "recipient"],
                name="obligation_unique_per_action",
                violation_error_message=_("This action already reports to that body."),
            ),
        ]

    def __str__(self) -> str:
        return self.get_recipient_display()

    def get_recipient_display(self) -> str:
        return choice_label(ReportingRecipient, self.recipient)


class StatusChange(models.Model):
    """One change of an action's status: who, when, from, to and why. Never edited."""

    action = models.ForeignKey(
        Action, on_delete=models.CASCADE, related_name="status_changes", verbose_name=_("action")
    )
    from_status = models.CharField(_("from"), max_length=20, choices=ActionStatus.choices)
    to_status = models.CharField(_("to"), max_length=20, choices=ActionStatus.choices)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="status_changes",
        verbose_name=_("changed by"),
    )
    changed_at = models.DateTimeField(_("changed at"))
    note = models.TextField(
        _("note"),
        blank=True,
        max_length=NOTE_MAX_LENGTH,
        validators=[max_length_validator(NOTE_MAX_LENGTH)],
    )

    class Meta:
        ordering = ["-changed_at", "-pk"]
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        # Newest first: across all actions (the dashboard) and within one (its history).
        indexes = [
            models.Index(fields=["-changed_at", "-id"], name="status_change_recent_idx"),
            models.Index(fields=["action", "-changed_at", "-id"], name="status_change_action_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(from_status=F("to_status")),
                name="status_change_changes_something",
                violation_error_message=_("A status change must move to a different status."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_from_status_display()} → {self.get_to_status_display()}"

    def get_from_status_display(self) -> str:
        return choice_label(ActionStatus, self.from_status)

    def get_to_status_display(self) -> str:
        return choice_label(ActionStatus, self.to_status)


def report_editors() -> models.Prefetch:
    """Who wrote or edited each report: names only, never credentials."""
    return models.Prefetch(
        "editors", queryset=User.objects.defer(*USER_PRIVATE_FIELDS).order_by("pk")
    )


class ProgressReportQuerySet(models.QuerySet):
    def to_finish_by(self, user: User) -> "ProgressReportQuerySet":
        """The user's own drafts and the reports returned to them."""
        return self.filter(author=user, state__in=[ReportState.DRAFT, ReportState.RETURNED])

    def for_list(self) -> "ProgressReportQuerySet":
        return (
            self.select_related("action__resolution", "author", "bureau", "reviewed_by")
            .defer(
                *_deferred("action__resolution", RESOLUTION_TEXT_FIELDS),
                *_deferred("author", USER_PRIVATE_FIELDS),
                *_deferred("reviewed_by", USER_PRIVATE_FIELDS),
            )
            .prefetch_related("evidence_links", report_editors())
        )


class ProgressReport(models.Model):
    """A dated narrative of progress on an action, with evidence.

    Written by the owning Bureau, or by a collaborating one as a contribution,
    and approved by that Bureau's coordinator before it goes to Council.
    """

    action = models.ForeignKey(
        Action, on_delete=models.PROTECT, related_name="reports", verbose_name=_("action")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="progress_reports",
        verbose_name=_("author"),
    )
    bureau = models.ForeignKey(
        Body,
        on_delete=models.PROTECT,
        related_name="progress_reports",
        limit_choices_to={"kind__in": STAFF_BODY_KINDS},
        verbose_name=_("Bureau"),
        help_text=_("The author's Bureau when the report was written."),
    )
    report_date = models.DateField(_("date"))
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    text = models.TextField(
        _("text"),
        max_length=REPORT_TEXT_MAX_LENGTH,
        validators=[max_length_validator(REPORT_TEXT_MAX_LENGTH)],
    )
    state = models.CharField(
        _("state"), max_length=20, choices=ReportState.choices, default=ReportState.DRAFT
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reviewed_reports",
        verbose_name=_("reviewed by"),
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    review_note = models.TextField(
        _("review note"),
        blank=True,
        max_length=NOTE_MAX_LENGTH,
        validators=[max_length_validator(NOTE_MAX_LENGTH)],
    )
    editors = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="edited_reports",
        verbose_name=_("written or edited by"),
        help_text=_("Everyone who wrote a version of the text: none of them may review it."),
    )
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ProgressReportQuerySet.as_manager()

    class Meta:
        ordering = ["-report_date", "-pk"]
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        indexes = [
            # Newest first: the progress-reports API and each action's timeline.
            models.Index(fields=["-report_date", "-id"], name="report_recent_idx"),
            models.Index(fields=["action", "-report_date", "-id"], name="report_action_idx"),
            # Coordinators' queue: submitted reports, oldest first.
            models.Index(fields=["state", "submitted_at"], name="report_awaiting_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")),
                name="report_period_ends_after_it_starts",
                violation_error_message=_("The reporting period cannot end before it starts."),
            ),
            models.CheckConstraint(
                condition=Q(state__in=ReportState.values),
                name="report_state_valid",
                violation_error_message=_("Choose one of the listed report states."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.action} – {self.report_date:%Y-%m-%d}"

    def get_state_display(self) -> str:
        return choice_label(ReportState, self.state)


class EvidenceLink(models.Model):
    """A link to evidence behind a progress report: a workshop page, a document."""

    report = models.ForeignKey(
        ProgressReport,
        on_delete=models.CASCADE,
        related_name="evidence_links",
        verbose_name=_("report"),
    )
    url = models.URLField(
        _("URL"), max_length=EVIDENCE_URL_MAX_LENGTH, validators=[web_address_validator]
    )
    title = models.CharField(_("title"), max_length=200, blank=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("evidence link")
        verbose_name_plural = _("evidence links")

    def __str__(self) -> str:
        return self.title or self.url


class GoverningBodyMeetingQuerySet(models.QuerySet):
    def upcoming(self, today: datetime.date) -> "GoverningBodyMeetingQuerySet":
        return self.filter(start_date__gte=today).order_by("start_date")

    def next_council(self, today: datetime.date) -> "GoverningBodyMeeting | None":
        """The next ordinary session of Council, whose deadlines staff work to."""
        return self.filter(kind=MeetingKind.COUNCIL).upcoming(today).first()

    def get_by_natural_key(self, kind: str, start_date: str) -> "GoverningBodyMeeting":
        return self.get(kind=kind, start_date=start_date)


class GoverningBodyMeeting(models.Model):
    """A session of Council, TSAG, an assembly…: the dates that reporting runs to.

    Staff deadlines run backwards from the opening date (Council Rule of
    Procedure 20: secretariat documents four weeks before) unless the session
    sets its own.
    """

    kind = models.CharField(_("kind"), max_length=20, choices=MeetingKind.choices)
    name = models.CharField(_("name"), max_length=200)
    place = models.CharField(_("place"), max_length=100, blank=True)
    start_date = models.DateField(_("opens"))
    end_date = models.DateField(_("closes"))
    document_deadline_override = models.DateField(
        _("document deadline (override)"),
        null=True,
        blank=True,
        help_text=_("Leave empty to use the default: four weeks before the opening."),
    )
    reporting_period_start_override = models.DateField(
        _("reporting period starts (override)"),
        null=True,
        blank=True,
        help_text=_(
            "Leave empty to start the day after the previous session's document deadline "
            "(for the first session, the day after the assembly closed)."
        ),
    )

    objects = GoverningBodyMeetingQuerySet.as_manager()

    class Meta:
        ordering = ["start_date"]
        verbose_name = _("governing-body meeting")
        verbose_name_plural = _("governing-body meetings")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "start_date"],
                name="meeting_unique_per_day",
                violation_error_message=_("A meeting of this kind already opens on that day."),
            ),
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")),
                name="meeting_ends_after_it_starts",
                violation_error_message=_(
                    "A meeting cannot close before it opens: check the closing date."
                ),
            ),
            models.CheckConstraint(
                condition=Q(document_deadline_override__isnull=True)
                | Q(document_deadline_override__lte=F("start_date")),
                name="meeting_deadline_not_after_opening",
                violation_error_message=_(
                    "The document deadline cannot fall after the meeting opens."
                ),
            ),
            models.CheckConstraint(
                condition=Q(reporting_period_start_override__isnull=True)
                | Q(reporting_period_start_override__lte=F("start_date")),
                name="meeting_period_starts_before_opening",
                violation_error_message=_(
                    "The reporting period cannot start after the opening: check its start."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def natural_key(self) -> tuple[str, str]:
        return (self.kind, self.start_date.isoformat())

    def get_kind_display(self) -> str:
        return choice_label(MeetingKind, self.kind)

    @property
    def document_deadline(self) -> datetime.date:
        if self.document_deadline_override:
            return self.document_deadline_override
        return self.start_date - datetime.timedelta(days=settings.COUNCIL_DOCUMENT_DEADLINE_DAYS)


class Reminder(models.Model):
    """A reminder sent (or claimed for sending) before a meeting's document deadline.

    The unique ``key`` is the claim: a second worker that tries to send the
    same reminder fails to insert it and leaves it alone.
    """

    key = models.CharField(_("key"), max_length=200, unique=True)
    meeting = models.ForeignKey(
        GoverningBodyMeeting,
        on_delete=models.CASCADE,
        related_name="reminders",
        verbose_name=_("meeting"),
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="reminders",
        verbose_name=_("recipient"),
    )
    days_before = models.PositiveSmallIntegerField(_("days before the deadline"))
    created_at = models.DateTimeField(_("claimed at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    error = models.TextField(_("last error"), blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")

    def __str__(self) -> str:
        return self.key


# --- Exports run in the background (issue 13) ---------------------------------


class Export(models.Model):
    """A CSV export too large to stream within a request, written by a Celery task.

    ``query`` keeps the list's filters as they were asked (a query string), so
    the file holds exactly what the streamed download would have. Only the user
    who asked for it may download it.
    """

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="exports",
        verbose_name=_("requested by"),
    )
    query = models.TextField(_("filters"), blank=True)
    state = models.CharField(
        _("state"), max_length=10, choices=ExportState.choices, default=ExportState.QUEUED
    )
    rows_done = models.PositiveIntegerField(_("rows written"), default=0)
    rows_total = models.PositiveIntegerField(_("rows to write"), default=0)
    file = models.FileField(_("file"), upload_to="exports/%Y/%m/", blank=True)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("export")
        verbose_name_plural = _("exports")

    def __str__(self) -> str:
        return f"{self.requested_by} {self.created_at:%Y-%m-%d %H:%M} ({self.get_state_display()})"

    @property
    def finished(self) -> bool:
        return self.state in FINISHED_EXPORT_STATES

    @property
    def percent_done(self) -> int:
        if not self.rows_total:
            return 100 if self.state == ExportState.READY else 0
        return min(100, self.rows_done * 100 // self.rows_total)
