"""Actions called for by resolutions, who owns them, and how they progress."""

import datetime
import secrets
from collections.abc import Iterable
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, F, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from resolutions.models import Clause, Resolution
from wtsa_tracker.characters import control_character_validator

from .choices import (
    COUNCIL_RECIPIENTS,
    EDITABLE_REPORT_STATES,
    FINISHED_EXPORT_STATES,
    IMPORT_RUNNING_STATES,
    OPEN_STATUSES,
    STAFF_BODY_KINDS,
    ActionStatus,
    AssessmentRating,
    AssessmentState,
    BodyKind,
    EmailDelivery,
    ExportState,
    ImportState,
    MeetingKind,
    NotificationKind,
    ReminderKind,
    ReportFormat,
    ReportingRecipient,
    ReportRunState,
    ReportState,
    Strength,
    choice_label,
)
from .display import day, short_action_name
from .validators import (
    DOCUMENT_NUMBER_MAX_LENGTH,
    EVIDENCE_URL_MAX_LENGTH,
    NOTE_MAX_LENGTH,
    REPORT_TEXT_MAX_LENGTH,
    document_number_validator,
    max_length_validator,
    planning_date_validators,
    web_address_validator,
)

# Columns that list pages and the API never show: a resolution's imported text
# (tens of kilobytes each) and a user's credentials. Loading them with every row
# made sorting and DISTINCT carry them along (see ``make bench``).
RESOLUTION_TEXT_FIELDS = ("source_text", "overview", "footnotes")
USER_PRIVATE_FIELDS = ("password", "last_login", "date_joined")


def _deferred(prefix: str, fields: tuple[str, ...]) -> list[str]:
    return [f"{prefix}__{name}" for name in fields]


class AuditTrail(HistoricalRecords):
    """django-simple-history's record of every change, minus saves of untracked fields.

    A login saves ``last_login`` alone: that is no change to the account, and
    one row per login would bury the changes people look for.
    """

    def post_save(self, instance, created, using=None, **kwargs):
        update_fields = kwargs.get("update_fields")
        if not created and update_fields and set(update_fields) <= set(self.excluded_fields):
            return
        super().post_save(instance, created, using=using, **kwargs)


class BodyManager(models.Manager):
    def get_by_natural_key(self, code: str) -> "Body":
        return self.get(code=code)


class Body(models.Model):
    """An ITU entity a resolution addresses: a Bureau, a study group, TSAG, the membership…

    Every body but a Bureau is supported by one (SG13 → TSB); that Bureau's
    staff act for it in the tracker.
    """

    code = models.CharField(
        _("code"), max_length=20, unique=True, validators=[control_character_validator]
    )
    name = models.CharField(_("name"), max_length=200, validators=[control_character_validator])
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

    # Who changed a colleague's Bureau, role (group) or name, and when. The
    # password hash and the login time are no one's business in a history.
    history = AuditTrail(
        m2m_fields=["groups"],
        excluded_fields=["password", "last_login"],
        history_change_reason_field=models.TextField(null=True),
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

    def reporting_to(self, recipients) -> "ActionQuerySet":
        """Actions with a duty to report to any of ``recipients``.

        The duty is written on the action's own item, or once for the whole
        resolution ("on progress in implementing this resolution").
        """
        own = ReportingObligation.objects.filter(action=OuterRef("pk"), recipient__in=recipients)
        whole = ResolutionReportingDuty.objects.filter(
            resolution=OuterRef("resolution"), recipient__in=recipients
        )
        return self.filter(Exists(own) | Exists(whole))

    def reporting_to_council(self) -> "ActionQuerySet":
        """Actions whose progress must be reported to ITU Council: the one definition of it."""
        return self.reporting_to(COUNCIL_RECIPIENTS)

    def in_force_during(self, start: datetime.date, end: datetime.date) -> "ActionQuerySet":
        """The actions of the texts in force at some time from ``start`` to ``end``.

        Left out: the actions of an assembly that closed after ``end`` (its
        texts were not adopted yet), and those superseded before ``start`` --
        by a recorded change, or by the close of the later assembly that
        revised or dropped their resolution, even when its texts were imported
        later: a superseded action's work goes on in the action that continues
        it (or the assembly dropped the item), so a Council period that starts
        after that has nothing to ask of it. The period in which it was
        superseded still reports on it. Over thirty years of assemblies this
        keeps each Council report, and its readiness, to the texts in force.
        """
        start_at = timezone.make_aware(datetime.datetime.combine(start, datetime.time.min))
        superseded_before = StatusChange.objects.filter(
            action=OuterRef("pk"), to_status=ActionStatus.SUPERSEDED, changed_at__lt=start_at
        )
        revised_before = Resolution.objects.filter(
            revises=OuterRef("resolution"), assembly__end_date__lt=start
        )
        replaced_before = (
            Exists(superseded_before)
            | Exists(revised_before)
            | Q(resolution__suppressed_by__end_date__lt=start)
        )
        return self.filter(resolution__assembly__end_date__lte=end).exclude(
            Q(status=ActionStatus.SUPERSEDED) & replaced_before
        )

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
        """What a row of the CSV export reads of the action itself: its latest approved report.

        The export reads these with the action's columns as plain tuples, and
        their collaborators and duties apart (``selectors.action_lists``).
        """
        return self.with_latest_approved_report()

    def for_table(self) -> "ActionQuerySet":
        """What a row of the pages' tables of actions shows (``_action_table.html``):
        the resolution, the item, the owner and the focal point, in one query."""
        # Not the successor (``continued_by``): a reverse one-to-one join that
        # SQLite's statistics, with the column mostly empty, turn into a scan of
        # every action per row. The pages that show it ask for it.
        return self.select_related("resolution__assembly", "clause", "owner", "focal_point").defer(
            *_deferred("resolution", RESOLUTION_TEXT_FIELDS),
            *_deferred("focal_point", USER_PRIVATE_FIELDS),
        )

    def for_list(self) -> "ActionQuerySet":
        """A table's row and the many-valued parts an action's page and the API show:
        collaborators and reporting duties, each prefetched in one query."""
        return self.for_table().prefetch_related(
            "collaborators", "obligations", "resolution__reporting_duties"
        )


# Kept by name so that the compare-and-set services, whose ``QuerySet.update``
# sends no signal, can write the same history row a ``save()`` would. Every
# history keeps its reason (a note runs to 2,000 characters) as text: the
# library's default column holds 100.
_ACTION_HISTORY = AuditTrail(
    m2m_fields=["collaborators"],
    history_change_reason_field=models.TextField(null=True),
    # Derived from the resolution and the number, which the history keeps.
    excluded_fields=["sort_key"],
)
_REPORT_HISTORY = AuditTrail(history_change_reason_field=models.TextField(null=True))
_ASSESSMENT_HISTORY = AuditTrail(history_change_reason_field=models.TextField(null=True))


class Action(models.Model):
    """A trackable piece of work: one directive item of a resolution.

    Items are numbered in sequence within each resolution, as in TSB's
    action plan, in reading order (``resolutions.ordering``: instructs before
    invites, then by item number); pages and the API address an action by id.
    ``version`` grows on every write, for optimistic concurrency.
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
    target_date = models.DateField(
        _("target date"), null=True, blank=True, validators=planning_date_validators
    )
    needs_review = models.BooleanField(
        _("needs review"),
        default=False,
        help_text=_("Set by an import when the clause changed, vanished or names no known owner."),
    )
    review_reason = models.CharField(
        _("review reason"), max_length=300, blank=True, validators=[control_character_validator]
    )
    # --- Across assemblies (issue 11) ---------------------------------------
    # The previous assembly's action for the same clause: it is "superseded"
    # and keeps its history; this one carries the work on.
    continues = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="continued_by",
        verbose_name=_("continues"),
        help_text=_("The action of the previous assembly's text that this one carries on."),
    )
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    # updated_at also moves when the shipped data is loaded or a text is
    # re-imported; this one only when a person changes the status or the plan.
    changed_at = models.DateTimeField(
        _("last changed by a person"), null=True, blank=True, editable=False
    )

    # The lists' order (assembly's opening, resolution number, action number)
    # kept on the row, so that a page of the list is read from an index
    # instead of sorting every action through two joins (issue 13).
    sort_key = models.CharField(_("sort key"), max_length=32, editable=False, default="")

    # The audit trail: every change, with who, when and the note (a status
    # change's note is the history's change reason).
    history = _ACTION_HISTORY

    objects = ActionQuerySet.as_manager()

    class Meta:
        ordering = ["sort_key", "id"]
        verbose_name = _("action")
        verbose_name_plural = _("actions")
        # The filters and sort orders the lists offer (status, overdue, updated).
        indexes = [
            models.Index(fields=["sort_key", "id"], name="action_sort_key_idx"),
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
        # As the pages name it ("Res. 73 · action 4"): the admin, e-mails and feeds alike.
        return short_action_name(self)

    def save(self, *args, **kwargs) -> None:
        update_fields = kwargs.get("update_fields")
        if update_fields is None or {"resolution", "resolution_id", "number"} & set(update_fields):
            self.sort_key = action_sort_key(self.resolution, self.number)
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "sort_key"}
        super().save(*args, **kwargs)

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
        return bureaux_of([self.owner if self.owner_id else None, *self.collaborators.all()])

    def reporting_duties(self) -> list[str]:
        """Every recipient this action reports to: its own duties and its resolution's.

        Uses the prefetched ``obligations`` and ``resolution.reporting_duties``.
        """
        recipients = {duty.recipient for duty in self.obligations.all()}
        recipients |= {duty.recipient for duty in self.resolution.reporting_duties.all()}
        return sorted(recipients)  # as the obligations are ordered

    def is_overdue(self, today: datetime.date) -> bool:
        return action_is_overdue(self.status, self.target_date, today)


def bureaux_of(bodies: Iterable[Body | None]) -> set[int]:
    """The Bureaux whose staff act for these bodies (an owner and its collaborators)."""
    return {body.responsible_bureau_id for body in bodies if body is not None} - {None}


def action_sort_key(resolution: Resolution, number: int) -> str:
    """Where an action sorts in the lists: its assembly's opening, its resolution, its number.

    Written so that text order is that order: ``20220301.000073.000005``.
    Kept on the action (``Action.sort_key``); ``actions_sort_keys_refresh``
    rewrites it when an assembly's dates or a resolution's number change.
    """
    return f"{resolution.assembly.start_date:%Y%m%d}.{resolution.number:06d}.{number:06d}"


def action_is_overdue(status: str, target_date: datetime.date | None, today: datetime.date) -> bool:
    """Still open past its target date: the one rule, for an action and for a row of values."""
    return status in OPEN_STATUSES and target_date is not None and target_date < today


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


# --- Reporting duties written once for a whole resolution (issue 9) -------------


class ResolutionReportingDuty(models.Model):
    """A duty to report on a whole resolution, which every one of its actions shares.

    Written once in one item ("to report annually to the Council on progress in
    implementing this resolution"), it covers every action of the resolution,
    not only the action of the item that says so.
    """

    resolution = models.ForeignKey(
        Resolution,
        on_delete=models.CASCADE,
        related_name="reporting_duties",
        verbose_name=_("resolution"),
    )
    recipient = models.CharField(_("report to"), max_length=20, choices=ReportingRecipient.choices)
    clause = models.ForeignKey(
        Clause,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("written in"),
        help_text=_("The item of the text that sets the duty."),
    )

    class Meta:
        ordering = ["resolution", "recipient"]
        verbose_name = _("resolution reporting duty")
        verbose_name_plural = _("resolution reporting duties")
        constraints = [
            models.UniqueConstraint(
                fields=["resolution", "recipient"],
                name="resolution_duty_unique_per_recipient",
                violation_error_message=_(
                    "This resolution already has this reporting duty: keep one of the two."
                ),
            ),
            models.CheckConstraint(
                condition=Q(recipient__in=ReportingRecipient.values),
                name="resolution_duty_recipient_valid",
                violation_error_message=_("Choose one of the listed governing bodies."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.resolution}: {self.get_recipient_display()}"


# --- End of resolution reporting duties ------------------------------------------


class StatusChange(models.Model):
    """One change of an action's status: who, when, from, to and why. Never edited."""

    action = models.ForeignKey(
        Action, on_delete=models.CASCADE, related_name="status_changes", verbose_name=_("action")
    )
    from_status = models.CharField(_("from"), max_length=20, choices=ActionStatus.choices)
    to_status = models.CharField(_("to"), max_length=20, choices=ActionStatus.choices)
    # Empty when an import made the change (an action superseded by the next
    # assembly's text run from the command line has nobody behind it).
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="status_changes",
        verbose_name=_("changed by"),
    )
    changed_at = models.DateTimeField(_("changed at"))
    note = models.TextField(
        _("note"),
        blank=True,
        max_length=NOTE_MAX_LENGTH,
        validators=[max_length_validator(NOTE_MAX_LENGTH), control_character_validator],
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
        """The user's own drafts and the reports returned to them, in their present Bureau.

        Written for a Bureau the user has since left, a report is that Bureau's
        to finish: the user can no longer open it.
        """
        return self.filter(author=user, bureau_id=user.bureau_id, state__in=EDITABLE_REPORT_STATES)

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
        validators=[max_length_validator(REPORT_TEXT_MAX_LENGTH), control_character_validator],
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
        validators=[max_length_validator(NOTE_MAX_LENGTH), control_character_validator],
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

    # The one-time token of the page's form that wrote the report: a second
    # submit of the same form (a double click, a browser retry) finds this
    # report instead of making another.
    submission_token = models.UUIDField(
        _("form token"), null=True, blank=True, unique=True, editable=False
    )

    # Every version of the text, and every move through the approval cycle.
    history = _REPORT_HISTORY

    objects = ProgressReportQuerySet.as_manager()

    class Meta:
        ordering = ["-report_date", "-pk"]
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        indexes = [
            # Newest first: the progress-reports API and each action's timeline.
            models.Index(fields=["-report_date", "-id"], name="report_recent_idx"),
            models.Index(fields=["action", "-report_date", "-id"], name="report_action_idx"),
            # Each listed action's latest approved report, read without a sort
            # (``ActionQuerySet.with_latest_approved_report``).
            models.Index(
                fields=["action", "state", "-period_end", "-report_date", "-id"],
                name="report_latest_approved_idx",
            ),
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
    title = models.CharField(
        _("title"), max_length=200, blank=True, validators=[control_character_validator]
    )

    history = AuditTrail(history_change_reason_field=models.TextField(null=True))

    class Meta:
        ordering = ["pk"]
        verbose_name = _("evidence link")
        verbose_name_plural = _("evidence links")

    def __str__(self) -> str:
        return self.title or self.url


# A deadline at most a year before the opening; a body meeting at least every ten years.
MAX_DAYS_BEFORE_MEETING = 366
MAX_MEETING_RHYTHM_MONTHS = 120


class MeetingRule(models.Model):
    """How a kind of meeting sets its deadlines and how often it meets.

    Council (Rule of Procedure 20, Decision 556): secretariat documents four
    weeks before the opening, Member State contributions 14 days before; it
    meets yearly. The rows are data an administrator corrects; a kind without
    a row uses ``DEFAULT_MEETING_RULES``.
    """

    kind = models.CharField(_("kind"), max_length=20, choices=MeetingKind.choices, unique=True)
    # Bounded whatever the database (SQLite stores any integer): a deadline
    # years before the opening put every page that shows one out of the calendar.
    secretariat_days = models.PositiveSmallIntegerField(
        _("secretariat documents due (days before the opening)"),
        validators=[MaxValueValidator(MAX_DAYS_BEFORE_MEETING)],
    )
    contribution_days = models.PositiveSmallIntegerField(
        _("contributions due (days before the opening)"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(MAX_DAYS_BEFORE_MEETING)],
    )
    rhythm_months = models.PositiveSmallIntegerField(
        _("meets every (months)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_MEETING_RHYTHM_MONTHS)],
        help_text=_("Leave empty when the body meets irregularly: no session is projected."),
    )

    class Meta:
        ordering = ["kind"]
        verbose_name = _("deadline rule")
        verbose_name_plural = _("deadline rules")

    def __str__(self) -> str:
        return str(self.get_kind_display())


def default_meeting_rule(kind: str) -> MeetingRule:
    """The rule a kind of meeting follows when no row is recorded for it."""
    days, contributions, rhythm = {
        MeetingKind.COUNCIL: (settings.COUNCIL_DOCUMENT_DEADLINE_DAYS, 14, 12),
        MeetingKind.WTSA: (28, 21, 48),
        MeetingKind.PP: (28, 21, 48),
    }.get(kind, (28, None, None))
    return MeetingRule(
        kind=kind, secretariat_days=days, contribution_days=contributions, rhythm_months=rhythm
    )


class GoverningBodyMeetingQuerySet(models.QuerySet):
    def upcoming(self, today: datetime.date) -> "GoverningBodyMeetingQuerySet":
        return self.filter(start_date__gte=today).order_by("start_date")

    def next_council(self, today: datetime.date) -> "GoverningBodyMeeting | None":
        """The next session of Council, whose deadlines staff work to (provisional or not)."""
        return self.filter(kind=MeetingKind.COUNCIL).upcoming(today).first()

    def get_by_natural_key(self, kind: str, start_date: str) -> "GoverningBodyMeeting":
        return self.get(kind=kind, start_date=start_date)


class GoverningBodyMeetingManager(models.Manager.from_queryset(GoverningBodyMeetingQuerySet)):
    """Every session is read with its kind's deadline rule, so a list costs no extra query."""

    def get_queryset(self) -> GoverningBodyMeetingQuerySet:
        rules = MeetingRule.objects.filter(kind=OuterRef("kind"))
        return (
            super()
            .get_queryset()
            .annotate(
                rule_found=Exists(rules),
                rule_secretariat_days=Subquery(rules.values("secretariat_days")[:1]),
                rule_contribution_days=Subquery(rules.values("contribution_days")[:1]),
                rule_rhythm_months=Subquery(rules.values("rhythm_months")[:1]),
            )
        )


class GoverningBodyMeeting(models.Model):
    """A session of Council, TSAG, an assembly…: the dates that reporting runs to.

    Staff deadlines run backwards from the opening date by the kind's
    ``MeetingRule`` (Council Rule of Procedure 20: secretariat documents four
    weeks before) unless the session sets its own. A *provisional* session was
    projected from the body's rhythm; an administrator confirms or corrects it.
    """

    kind = models.CharField(_("kind"), max_length=20, choices=MeetingKind.choices)
    name = models.CharField(_("name"), max_length=200, validators=[control_character_validator])
    place = models.CharField(
        _("place"), max_length=100, blank=True, validators=[control_character_validator]
    )
    start_date = models.DateField(_("opens"), validators=planning_date_validators)
    end_date = models.DateField(_("closes"), validators=planning_date_validators)
    document_deadline_override = models.DateField(
        _("document deadline (override)"),
        null=True,
        blank=True,
        validators=planning_date_validators,
        help_text=_("Leave empty to use the rule of its kind (Council: four weeks before)."),
    )
    reporting_period_start_override = models.DateField(
        _("reporting period starts (override)"),
        null=True,
        blank=True,
        validators=planning_date_validators,
        help_text=_(
            "Leave empty to start the day after the previous session's document deadline "
            "(for the first session, the day after the assembly closed)."
        ),
    )
    # --- issue 10: calendar ---------------------------------------------------
    contribution_deadline_override = models.DateField(
        _("contribution deadline (override)"),
        null=True,
        blank=True,
        validators=planning_date_validators,
        help_text=_("Leave empty to use the rule of its kind (Council: 14 days before)."),
    )
    ordinary = models.BooleanField(
        _("ordinary session"),
        default=True,
        help_text=_(
            "The body's regular session. The next one is projected from the last ordinary "
            "session; an extra meeting (such as Council's last meeting before a "
            "Plenipotentiary Conference) is not."
        ),
    )
    provisional = models.BooleanField(
        _("provisional"),
        default=False,
        help_text=_(
            "Projected from the body's rhythm, not yet confirmed. Untick it once the dates "
            "are known."
        ),
    )

    history = AuditTrail(history_change_reason_field=models.TextField(null=True))

    objects = GoverningBodyMeetingManager()

    class Meta:
        ordering = ["start_date"]
        verbose_name = _("governing-body meeting")
        verbose_name_plural = _("governing-body meetings")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "start_date"],
                name="meeting_unique_per_day",
                violation_error_message=_("A session of this body already opens on that day."),
            ),
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")),
                name="meeting_ends_after_it_starts",
                violation_error_message=_("A session cannot close before it opens."),
            ),
            models.CheckConstraint(
                condition=Q(document_deadline_override__isnull=True)
                | Q(document_deadline_override__lte=F("start_date")),
                name="meeting_deadline_not_after_opening",
                violation_error_message=_(
                    "Documents cannot be due after the session opens: set the deadline on or "
                    "before the opening day."
                ),
            ),
            models.CheckConstraint(
                condition=Q(reporting_period_start_override__isnull=True)
                | Q(reporting_period_start_override__lte=F("start_date")),
                name="meeting_period_starts_before_opening",
                violation_error_message=_(
                    "The reporting period must start before the session opens."
                ),
            ),
            models.CheckConstraint(
                condition=Q(contribution_deadline_override__isnull=True)
                | Q(contribution_deadline_override__lte=F("start_date")),
                name="meeting_contributions_not_after_opening",
                violation_error_message=_(
                    "Contributions cannot be due after the session opens: set the deadline on "
                    "or before the opening day."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def natural_key(self) -> tuple[str, str]:
        return (self.kind, self.start_date.isoformat())

    def get_kind_display(self) -> str:
        return choice_label(MeetingKind, self.kind)

    def clean(self) -> None:
        """Rules across fields and rows that the database's constraints cannot say.

        The admin's form calls it, and the API's serializer does too.
        """
        errors = {}
        period_start = self.reporting_period_start_override
        try:
            deadline = self.document_deadline if period_start and self.start_date else None
        except OverflowError:  # an opening in year 1, which its own field refuses
            deadline = None
        if deadline and period_start > deadline:
            errors["reporting_period_start_override"] = _(
                "The reporting period must start on or before the document deadline "
                "(%(deadline)s): it is the time the report covers."
            ) % {"deadline": day(deadline)}
        if self.pk and self.kind:
            stored = type(self).objects.filter(pk=self.pk).values_list("kind", flat=True).first()
            if stored and stored != self.kind and self.reported_on():
                errors["kind"] = _(
                    "This session has Resolution 83 assessments or Council reports, so it stays "
                    "a session of %(kind)s: add the other body's session as a new one."
                ) % {"kind": choice_label(MeetingKind, stored)}
        if errors:
            raise ValidationError(errors)

    def reported_on(self) -> bool:
        """Whether assessments or Council reports were made for this session."""
        return (
            self.assessments.exists()
            or self.council_report_runs.exists()
            or self.council_report_snapshots.exists()
        )

    @property
    def rule(self) -> MeetingRule:
        """The deadline rule of this kind of meeting (looked up once per object)."""
        cached = self.__dict__.get("_rule")
        if cached is not None and cached.kind == self.kind:
            return cached
        if "rule_found" in self.__dict__ and cached is None:
            # Read with the row (see GoverningBodyMeetingManager): no query.
            cached = default_meeting_rule(self.kind)
            if self.rule_found:
                cached = MeetingRule(
                    kind=self.kind,
                    secretariat_days=self.rule_secretariat_days,
                    contribution_days=self.rule_contribution_days,
                    rhythm_months=self.rule_rhythm_months,
                )
        else:
            found = MeetingRule.objects.filter(kind=self.kind).first()
            cached = found or default_meeting_rule(self.kind)
        self.__dict__["_rule"] = cached
        return cached

    @rule.setter
    def rule(self, value: MeetingRule) -> None:
        self.__dict__["_rule"] = value

    @property
    def document_deadline(self) -> datetime.date:
        if self.document_deadline_override:
            return self.document_deadline_override
        return self.start_date - datetime.timedelta(days=self.rule.secretariat_days)

    @property
    def contribution_deadline(self) -> datetime.date | None:
        if self.contribution_deadline_override:
            return self.contribution_deadline_override
        if self.rule.contribution_days is None:
            return None
        return self.start_date - datetime.timedelta(days=self.rule.contribution_days)


class ReminderQuerySet(models.QuerySet):
    def to_send(self, now: datetime.datetime, lease: datetime.timedelta) -> "ReminderQuerySet":
        """Unsent reminders that no live worker holds, and whose retry time has come.

        A claim older than the lease belongs to a worker that died or hung: it
        is offered again.
        """
        return self.filter(
            Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - lease),
            sent_at__isnull=True,
            next_attempt_at__lte=now,
        )


class Reminder(models.Model):
    """A reminder before a meeting's document deadline, or an escalation after it.

    The unique ``key`` makes each reminder exist once. Sending is a lease:
    ``claimed_at`` is set, the message sent, then ``sent_at`` set; a claim that
    is not completed within the lease is taken by the next sweep, so a worker
    killed at any point loses nothing. The key is also the e-mail's
    ``Message-ID``, so a resend after a crash threads with the first.
    """

    key = models.CharField(_("key"), max_length=200, unique=True)
    kind = models.CharField(
        _("kind"), max_length=20, choices=ReminderKind.choices, default=ReminderKind.REMINDER
    )
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
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    error = models.TextField(_("last error"), blank=True)
    # The e-mail's text, written by the sweep for every reminder at once (a
    # few queries in all, not a few per e-mail: issue 13), and the day its
    # counts are for; a send on a later day writes the text afresh.
    subject = models.CharField(_("subject"), max_length=300, blank=True)
    body = models.TextField(_("message"), blank=True)
    body_date = models.DateField(_("message written for"), null=True, blank=True)

    objects = ReminderQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                name="reminder_unsent",
                condition=Q(sent_at__isnull=True),
            )
        ]

    def __str__(self) -> str:
        return self.key

    @property
    def message_id(self) -> str:
        """A Message-ID that every attempt at this reminder shares."""
        return make_message_id(self.key)


# --- Resolution 83 assessments and the Council report (issue 9b) ----------------


class AssessmentQuerySet(models.QuerySet):
    def for_list(self) -> "AssessmentQuerySet":
        return self.select_related("resolution__assembly", "meeting", "proposed_by", "confirmed_by")

    def confirmed(self) -> "AssessmentQuerySet":
        return self.filter(state=AssessmentState.CONFIRMED)


class Assessment(models.Model):
    """How far a resolution was implemented in one Council reporting period (Resolution 83).

    Not a status: a rating on a small scale with its rationale. A coordinator
    of a Bureau involved in the resolution proposes it; a TSB coordinator
    confirms it, and only a confirmed assessment goes into the Council report.
    One per resolution and period, so the rows of a resolution are its history.
    """

    resolution = models.ForeignKey(
        Resolution,
        on_delete=models.PROTECT,
        related_name="assessments",
        verbose_name=_("resolution"),
    )
    meeting = models.ForeignKey(
        GoverningBodyMeeting,
        on_delete=models.PROTECT,
        related_name="assessments",
        limit_choices_to={"kind": MeetingKind.COUNCIL},
        verbose_name=_("Council session"),
        help_text=_("The session whose reporting period is assessed."),
    )
    rating = models.CharField(_("rating"), max_length=20, choices=AssessmentRating.choices)
    rationale = models.TextField(_("rationale"), validators=[control_character_validator])
    state = models.CharField(
        _("state"),
        max_length=20,
        choices=AssessmentState.choices,
        default=AssessmentState.PROPOSED,
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="proposed_assessments",
        verbose_name=_("proposed by"),
    )
    proposed_at = models.DateTimeField(_("proposed at"))
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="confirmed_assessments",
        verbose_name=_("confirmed by"),
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    # Every proposal, revision and confirmation, with who and when.
    history = _ASSESSMENT_HISTORY

    objects = AssessmentQuerySet.as_manager()

    class Meta:
        ordering = ["resolution", "meeting__start_date"]
        verbose_name = _("Resolution 83 assessment")
        verbose_name_plural = _("Resolution 83 assessments")
        constraints = [
            models.UniqueConstraint(
                fields=["resolution", "meeting"],
                name="assessment_unique_per_period",
                violation_error_message=_(
                    "This resolution is already assessed for this Council session: "
                    "revise that assessment instead."
                ),
            ),
            models.CheckConstraint(
                condition=Q(rating__in=AssessmentRating.values),
                name="assessment_rating_valid",
                violation_error_message=_("Choose one of the listed ratings."),
            ),
            models.CheckConstraint(
                condition=Q(state=AssessmentState.PROPOSED, confirmed_by__isnull=True)
                | Q(state=AssessmentState.CONFIRMED, confirmed_by__isnull=False),
                name="assessment_confirmed_by_someone",
                violation_error_message=_(
                    "A confirmed assessment names who confirmed it; a proposed one does not."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"Res. {self.resolution.number} – {self.meeting}"

    def get_absolute_url(self) -> str:
        """Its resolution's assessments page, open on its period."""
        resolution = self.resolution
        page = reverse("resolution_assessments", args=[resolution.assembly.code, resolution.number])
        return f"{page}?meeting={self.meeting_id}"


def _report_file_path(run: "CouncilReportRun", filename: str) -> str:
    return f"council-reports/{run.requested_at:%Y/%m}/{filename}"


class CouncilReportRunQuerySet(models.QuerySet):
    def for_list(self) -> "CouncilReportRunQuerySet":
        return self.select_related("meeting", "bureau", "resolution__assembly", "requested_by")


class CouncilReportRun(models.Model):
    """One generation of the report to Council: its scope, progress and files.

    Generated by a Celery task; the data the files were written from is kept
    beside them, so the preview shows exactly what the files hold and a
    freeze stores the three together.
    """

    meeting = models.ForeignKey(
        GoverningBodyMeeting,
        on_delete=models.PROTECT,
        related_name="council_report_runs",
        verbose_name=_("Council session"),
    )
    bureau = models.ForeignKey(
        Body,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Bureau"),
    )
    resolution = models.ForeignKey(
        Resolution,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("resolution"),
    )
    document_number = models.CharField(
        _("document number"),
        max_length=DOCUMENT_NUMBER_MAX_LENGTH,
        validators=[document_number_validator],
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("requested by"),
    )
    requested_at = models.DateTimeField(_("requested at"))
    state = models.CharField(
        _("state"), max_length=20, choices=ReportRunState.choices, default=ReportRunState.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    error = models.TextField(_("error"), blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    data = models.JSONField(_("data"), null=True, blank=True, editable=False)
    docx = models.FileField(_("Word file"), upload_to=_report_file_path, blank=True)
    xlsx = models.FileField(_("spreadsheet"), upload_to=_report_file_path, blank=True)

    objects = CouncilReportRunQuerySet.as_manager()

    class Meta:
        ordering = ["-requested_at", "-pk"]
        verbose_name = _("Council report (generated)")
        verbose_name_plural = _("Council reports (generated)")
        constraints = [
            models.CheckConstraint(
                condition=Q(progress__lte=100),
                name="council_report_progress_percent",
                violation_error_message=_("Progress is a percentage: at most 100."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.document_number} ({self.requested_at:%Y-%m-%d %H:%M})"

    def file_for(self, fmt: "ReportFormat | str"):
        return self.docx if fmt == ReportFormat.DOCX else self.xlsx


class CouncilReportSnapshotQuerySet(models.QuerySet):
    def for_list(self) -> "CouncilReportSnapshotQuerySet":
        # The files and the data stay in the database until someone downloads them.
        return self.select_related("meeting", "bureau", "resolution__assembly", "frozen_by").defer(
            "docx", "xlsx", "data"
        )


class CouncilReportSnapshot(models.Model):
    """A Council report as submitted: its files, the data they came from, digests, who, when.

    Never changed and never deleted, by anyone: the admin shows it read-only,
    the service refuses, and database triggers refuse an UPDATE or DELETE.
    """

    run = models.OneToOneField(
        CouncilReportRun,
        on_delete=models.PROTECT,
        related_name="snapshot",
        verbose_name=_("generated report"),
    )
    meeting = models.ForeignKey(
        GoverningBodyMeeting,
        on_delete=models.PROTECT,
        related_name="council_report_snapshots",
        verbose_name=_("Council session"),
    )
    bureau = models.ForeignKey(
        Body, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    resolution = models.ForeignKey(
        Resolution, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    document_number = models.CharField(_("document number"), max_length=40)
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    data = models.TextField(_("data (JSON)"))
    docx = models.BinaryField(_("Word file"))
    xlsx = models.BinaryField(_("spreadsheet"))
    data_sha256 = models.CharField(_("SHA-256 of the data"), max_length=64)
    docx_sha256 = models.CharField(_("SHA-256 of the Word file"), max_length=64)
    xlsx_sha256 = models.CharField(_("SHA-256 of the spreadsheet"), max_length=64)
    generated_at = models.DateTimeField(_("generated at"))
    frozen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("frozen by"),
    )
    frozen_at = models.DateTimeField(_("frozen at"))

    objects = CouncilReportSnapshotQuerySet.as_manager()

    class Meta:
        ordering = ["-frozen_at", "-pk"]
        verbose_name = _("Council report (frozen)")
        verbose_name_plural = _("Council reports (frozen)")

    def __str__(self) -> str:
        # The site's time (Geneva), as every page shows a moment; stored in UTC.
        frozen = timezone.localtime(self.frozen_at)
        return f"{self.document_number} ({_('frozen')} {frozen:%Y-%m-%d %H:%M})"


def make_message_id(key: str) -> str:
    """``<key@host>``: stable, so mail clients thread a resend with the first copy."""
    host = urlsplit(settings.SITE_URL).hostname or "localhost"
    return f"<{key}@{host}>"


# --- issue 10: notifications ---------------------------------------------------


class NotificationQuerySet(models.QuerySet):
    def unread(self) -> "NotificationQuerySet":
        return self.filter(read_at__isnull=True)

    def to_email(self, now: datetime.datetime, lease: datetime.timedelta) -> "NotificationQuerySet":
        """Notifications still to be e-mailed (at once or in a digest) that no worker holds."""
        return self.filter(
            Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - lease),
            emailed_at__isnull=True,
            next_attempt_at__lte=now,
        )


class Notification(models.Model):
    """Something a user should know: a report to approve, a report returned, a deadline…

    Shown in the app until read, and e-mailed as the user chose (at once, in a
    daily digest, or not). ``key`` makes each notification exist once.
    """

    key = models.CharField(_("key"), max_length=200, unique=True)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("recipient"),
    )
    kind = models.CharField(_("kind"), max_length=30, choices=NotificationKind.choices)
    subject = models.CharField(_("subject"), max_length=300)
    body = models.TextField(_("text"), blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    # How it is e-mailed, copied from the user's choice when it was made; an
    # e-mail is sent under a lease, as reminders are.
    email_delivery = models.CharField(
        _("e-mail"), max_length=20, choices=EmailDelivery.choices, default=EmailDelivery.NONE
    )
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)
    error = models.TextField(_("last error"), blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notification_inbox"),
            models.Index(
                fields=["email_delivery", "next_attempt_at"],
                name="notification_unsent",
                condition=Q(emailed_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return self.subject


class NotificationSettings(models.Model):
    """A user's choices: how notifications are e-mailed, and their calendar feed's secret."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_settings",
        verbose_name=_("user"),
    )
    email_delivery = models.CharField(
        _("e-mail"),
        max_length=20,
        choices=EmailDelivery.choices,
        default=EmailDelivery.IMMEDIATE,
    )
    calendar_token = models.CharField(_("calendar token"), max_length=64, unique=True)

    class Meta:
        verbose_name = _("notification settings")
        verbose_name_plural = _("notification settings")

    def __str__(self) -> str:
        return str(self.user)


# --- Imports of uploaded files (issue 11) -----------------------------------


def _import_token() -> str:
    return secrets.token_urlsafe(24)


class ImportJob(models.Model):
    """One uploaded file on its way in: kept in storage under a random token, not in the session.

    The preview and the import are worked out from the stored file, in the
    request for a small file and by a Celery task for a large one; the page
    polls ``state`` and ``done``/``total`` until the task has finished.
    """

    token = models.CharField(_("token"), max_length=64, unique=True, default=_import_token)
    file_name = models.CharField(_("file name"), max_length=255)
    stored_as = models.CharField(_("stored as"), max_length=300)
    size = models.PositiveIntegerField(_("size (bytes)"))
    assembly = models.ForeignKey(
        "resolutions.Assembly",
        on_delete=models.CASCADE,
        related_name="import_jobs",
        verbose_name=_("assembly"),
    )
    suppress_missing = models.BooleanField(
        _("complete set"),
        default=False,
        help_text=_(
            "The file holds every resolution the assembly kept: the resolutions of earlier "
            "assemblies still in force and missing from it were suppressed."
        ),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="import_jobs",
        verbose_name=_("uploaded by"),
    )
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    state = models.CharField(
        _("state"), max_length=20, choices=ImportState.choices, default=ImportState.PREVIEWING
    )
    stage = models.CharField(_("stage"), max_length=200, blank=True)
    done = models.PositiveIntegerField(_("resolutions done"), default=0)
    total = models.PositiveIntegerField(_("resolutions in the file"), default=0)
    report = models.JSONField(_("report"), default=dict, blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=ImportState.values),
                name="import_job_state_valid",
                violation_error_message=_(
                    "An import is previewing, previewed, applying, applied or failed."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.file_name} → {self.assembly_id}"

    @property
    def is_running(self) -> bool:
        return self.state in IMPORT_RUNNING_STATES

    @property
    def percent(self) -> int:
        return int(100 * self.done / self.total) if self.total else 0


# --- Idempotent creates (issue 12 part B) ------------------------------------------


class IdempotencyKeyQuerySet(models.QuerySet):
    def expired(self, now: datetime.datetime) -> "IdempotencyKeyQuerySet":
        return self.filter(created_at__lt=now - IDEMPOTENCY_KEY_LIFETIME)


# How long a client may retry a POST under the same Idempotency-Key.
IDEMPOTENCY_KEY_LIFETIME = datetime.timedelta(hours=24)


class IdempotencyKey(models.Model):
    """A POST the API answered under a client's ``Idempotency-Key``, kept for a day.

    The unique (user, key) pair is the claim: a retry, or a duplicate sent at
    the same moment, fails to insert its own row and gets this one's answer,
    so one request makes one object. The claim and the answer are written in
    the request's transaction: a request that fails leaves no claim.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="idempotency_keys",
        verbose_name=_("user"),
    )
    key = models.CharField(_("key"), max_length=255)
    request_hash = models.CharField(_("request digest"), max_length=64)
    status_code = models.PositiveSmallIntegerField(_("status code"), null=True)
    response = models.JSONField(_("response"), null=True, encoder=DjangoJSONEncoder)
    headers = models.JSONField(_("response headers"), default=dict)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)

    objects = IdempotencyKeyQuerySet.as_manager()

    class Meta:
        verbose_name = _("idempotency key")
        verbose_name_plural = _("idempotency keys")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "key"],
                name="idempotency_key_unique_per_user",
                violation_error_message=_("This Idempotency-Key was already used."),
            ),
        ]

    def __str__(self) -> str:
        return self.key


def history_record_change(
    obj: models.Model, *, by: "User | None", reason: str = "", created: bool = False
) -> None:
    """Write the history row of a change made with ``QuerySet.update``: who, when, why.

    ``obj`` holds the values as written. Without ``by`` (an import, a task) the
    request's user is taken, as for any other save, or nobody. ``created``: the
    row of its creation, for one made by ``bulk_create``.
    """
    records = {
        Action: _ACTION_HISTORY,
        ProgressReport: _REPORT_HISTORY,
        Assessment: _ASSESSMENT_HISTORY,
    }[type(obj)]
    if by is not None:
        obj._history_user = by
    obj._change_reason = reason
    try:
        records.create_historical_record(obj, "+" if created else "~")
    finally:
        obj.__dict__.pop("_history_user", None)
        obj.__dict__.pop("_change_reason", None)


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
        created = timezone.localtime(self.created_at)
        return f"{self.requested_by} {created:%Y-%m-%d %H:%M} ({self.get_state_display()})"

    @property
    def finished(self) -> bool:
        return self.state in FINISHED_EXPORT_STATES

    @property
    def percent_done(self) -> int:
        if not self.rows_total:
            return 100 if self.state == ExportState.READY else 0
        return min(100, self.rows_done * 100 // self.rows_total)
