"""Actions called for by resolutions, who owns them, and how they progress."""

import datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Exists, F, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from resolutions.models import Clause, Resolution

from .choices import (
    COUNCIL_RECIPIENTS,
    OPEN_STATUSES,
    STAFF_BODY_KINDS,
    ActionStatus,
    BodyKind,
    EmailDelivery,
    MeetingKind,
    NotificationKind,
    ReminderKind,
    ReportingRecipient,
    ReportState,
    Strength,
)


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
        duties = ReportingObligation.objects.filter(
            action=OuterRef("pk"), recipient__in=COUNCIL_RECIPIENTS
        )
        return self.filter(Exists(duties))

    def for_list(self) -> "ActionQuerySet":
        return self.select_related(
            "resolution__assembly", "clause", "owner", "focal_point"
        ).prefetch_related("collaborators", "obligations")


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

    objects = ActionQuerySet.as_manager()

    class Meta:
        ordering = ["resolution", "number"]
        verbose_name = _("action")
        verbose_name_plural = _("actions")
        constraints = [
            models.UniqueConstraint(
                fields=["resolution", "number"], name="action_number_unique_per_resolution"
            ),
            models.CheckConstraint(
                condition=Q(status__in=ActionStatus.values), name="action_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(strength__in=Strength.values), name="action_strength_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"Res. {self.resolution.number} action {self.number}"

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
        constraints = [
            models.UniqueConstraint(
                fields=["action", "recipient"], name="obligation_unique_per_action"
            ),
        ]

    def __str__(self) -> str:
        return self.get_recipient_display()


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
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["-changed_at", "-pk"]
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        constraints = [
            models.CheckConstraint(
                condition=~Q(from_status=F("to_status")), name="status_change_changes_something"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_from_status_display()} → {self.get_to_status_display()}"


class ProgressReportQuerySet(models.QuerySet):
    def to_finish_by(self, user: User) -> "ProgressReportQuerySet":
        """The user's own drafts and the reports returned to them."""
        return self.filter(author=user, state__in=[ReportState.DRAFT, ReportState.RETURNED])

    def for_list(self) -> "ProgressReportQuerySet":
        return self.select_related(
            "action__resolution", "author", "bureau", "reviewed_by"
        ).prefetch_related("evidence_links")


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
    text = models.TextField(_("text"))
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
    review_note = models.TextField(_("review note"), blank=True)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ProgressReportQuerySet.as_manager()

    class Meta:
        ordering = ["-report_date", "-pk"]
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")),
                name="report_period_ends_after_it_starts",
            ),
            models.CheckConstraint(
                condition=Q(state__in=ReportState.values), name="report_state_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.action} – {self.report_date:%Y-%m-%d}"


class EvidenceLink(models.Model):
    """A link to evidence behind a progress report: a workshop page, a document."""

    report = models.ForeignKey(
        ProgressReport,
        on_delete=models.CASCADE,
        related_name="evidence_links",
        verbose_name=_("report"),
    )
    url = models.URLField(_("URL"), max_length=500)
    title = models.CharField(_("title"), max_length=200, blank=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("evidence link")
        verbose_name_plural = _("evidence links")

    def __str__(self) -> str:
        return self.title or self.url


class MeetingRule(models.Model):
    """How a kind of meeting sets its deadlines and how often it meets.

    Council (Rule of Procedure 20, Decision 556): secretariat documents four
    weeks before the opening, Member State contributions 14 days before; it
    meets yearly. The rows are data an administrator corrects; a kind without
    a row uses ``DEFAULT_MEETING_RULES``.
    """

    kind = models.CharField(_("kind"), max_length=20, choices=MeetingKind.choices, unique=True)
    secretariat_days = models.PositiveSmallIntegerField(
        _("secretariat documents due (days before the opening)")
    )
    contribution_days = models.PositiveSmallIntegerField(
        _("contributions due (days before the opening)"), null=True, blank=True
    )
    rhythm_months = models.PositiveSmallIntegerField(
        _("meets every (months)"),
        null=True,
        blank=True,
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
    name = models.CharField(_("name"), max_length=200)
    place = models.CharField(_("place"), max_length=100, blank=True)
    start_date = models.DateField(_("opens"))
    end_date = models.DateField(_("closes"))
    document_deadline_override = models.DateField(
        _("document deadline (override)"),
        null=True,
        blank=True,
        help_text=_("Leave empty to use the rule of its kind (Council: four weeks before)."),
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
    # --- issue 10: calendar ---------------------------------------------------
    contribution_deadline_override = models.DateField(
        _("contribution deadline (override)"),
        null=True,
        blank=True,
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
