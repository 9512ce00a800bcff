"""Back office for administrators. Status changes go through the services."""

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from celery import current_app
from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import F, QuerySet
from django.http import Http404, HttpRequest
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from knox.models import AuthToken
from simple_history.admin import SimpleHistoryAdmin
from simple_history.models import DeletedObject
from simple_history.template_utils import HistoricalRecordContextHelper

from resolutions import admin as resolutions_admin
from resolutions.models import Assembly, Clause, Resolution
from wtsa_tracker.admin_base import ModelAdmin
from wtsa_tracker.errors import StaleVersion, TransitionRefused

from . import selectors
from .choices import (
    ALLOWED_TRANSITIONS,
    EDITABLE_REPORT_STATES,
    ActionStatus,
    ImportState,
    ReportState,
    Role,
)
from .display import day
from .forms import WebAddressField
from .importing import (
    import_job_apply,
    import_job_claim_apply,
    import_job_create,
    import_job_preview,
)
from .models import (
    Action,
    Assessment,
    Body,
    CouncilReportRun,
    CouncilReportSnapshot,
    EvidenceLink,
    Export,
    GoverningBodyMeeting,
    ImportJob,
    MeetingRule,
    Notification,
    ProgressReport,
    Reminder,
    ReportingObligation,
    ResolutionReportingDuty,
    StatusChange,
    User,
    bureaux_of,
)
from .services.accounts import (
    InvitationNotSent,
    user_invite,
    user_role_set,
    user_send_password_link,
)
from .services.actions import (
    ADMIN_EDITABLE_ACTION_FIELDS,
    action_transition,
    action_update,
    check_focal_point,
    check_transition,
)
from .services.calendar import meeting_confirm
from .services.reports import (
    MAX_EVIDENCE_LINKS,
    Evidence,
    progress_report_transition,
    progress_report_update,
)


class VersionedForm(forms.ModelForm):
    """Carries the version the editor loaded, so a stale save is refused, not merged."""

    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["expected_version"].initial = self.instance.version

    def clean(self):
        cleaned = super().clean()
        expected = cleaned.get("expected_version")
        if self.instance.pk and expected is not None:
            current = type(self.instance).objects.filter(pk=self.instance.pk).first()
            if current is not None and current.version != expected:
                raise ValidationError(
                    _(
                        "Someone else changed this record while you were editing it. "
                        "Reload the page to see their changes; nothing was saved."
                    )
                )
        return cleaned


class _HistoryChanges(HistoricalRecordContextHelper):
    """A history's changes as the staff pages word them: an empty link or list is
    "—", not "Deleted user (pk=None)" or "[]", and a choice is its label, not its code."""

    def prepare_delta_change_value(self, change, value):
        value = super().prepare_delta_change_value(change, value)
        field = self.model._meta.get_field(change.field)
        if isinstance(field, models.ManyToManyField):  # "BDT, BR", not "[BDT, BR]"
            return ", ".join(str(item) for item in value) or "—"
        if isinstance(value, DeletedObject) and value.pk is None:
            return "—"
        if field.choices and not isinstance(value, list):
            return dict(field.flatchoices).get(value, value)
        return value


class ReadOnlyHistoryAdmin(ModelAdmin, SimpleHistoryAdmin):
    """Shows an object's history (who, when, what, why) and never changes it.

    django-simple-history's page of one past version saves a POSTed form
    even with "revert" disabled: here it only ever shows, so nobody, an
    administrator included, rewrites the past through it.
    """

    object_history_list_template = "admin/history_list.html"

    def get_historical_record_context_helper(self, request, historical_record):
        return _HistoryChanges(self.model, historical_record)

    def history_view(self, request, object_id, extra_context=None):
        _check_id(self.model, object_id)
        # The trail's first row reads "Created", as on the staff pages, whatever
        # its type: an import's first row is the change that set the collaborators.
        first = (
            self.model.history.filter(**{self.model._meta.pk.attname: unquote(object_id)})
            .order_by("history_date", "history_id")
            .values_list("history_id", flat=True)
            .first()
        )
        return super().history_view(
            request, object_id, {"first_history_id": first, **(extra_context or {})}
        )

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method not in {"GET", "HEAD"}:
            raise PermissionDenied(_("The history of a record cannot be changed."))
        _check_id(self.model, object_id)
        _check_id(self.model.history.model, version_id)
        return super().history_form_view(request, object_id, version_id, extra_context)


def _check_id(model, value: str) -> None:
    """A 404 for a history address whose id is no id of ``model`` (``/abc/history/``).

    django-simple-history queries with it as given, and the database's refusal was a 500.
    """
    try:
        model._meta.pk.to_python(unquote(value))
    except ValidationError:
        raise Http404(_("No such record.")) from None


@admin.register(Body)
class BodyAdmin(ModelAdmin):
    list_display = ["code", "name", "kind", "supporting_bureau", "sort_order"]
    list_filter = ["kind", "supporting_bureau"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["supporting_bureau"]
    list_select_related = ["supporting_bureau"]


ROLE_CHOICES = [("", "—"), *Role.choices]


class UserInviteForm(forms.ModelForm):
    """A colleague's name, address, Bureau and one role: they choose their own password."""

    email = forms.EmailField(label=_("E-mail address"), help_text=_("The invitation goes here."))
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, widget=forms.RadioSelect)
    username = forms.CharField(
        label=_("Username"),
        max_length=150,
        required=False,
        help_text=_("Leave empty to use the e-mail address."),
    )

    class Meta:
        model = User
        fields = ["email", "first_name", "last_name", "bureau", "role", "username"]

    def clean_email(self):
        email = User.objects.normalize_email(self.cleaned_data["email"].strip())
        if User.objects.filter(email__iexact=email).exists():
            raise ValidationError(_("Someone already has an account with this address."))
        return email

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("username") and cleaned.get("email"):
            cleaned["username"] = cleaned["email"]
            if User.objects.filter(username__iexact=cleaned["username"]).exists():
                self.add_error("username", _("Someone already has this username."))
        if cleaned.get("role") in {Role.BUREAU_STAFF, Role.COORDINATOR} and not cleaned.get(
            "bureau"
        ):
            self.add_error(
                "bureau", _("Bureau staff and coordinators work for a Bureau: choose theirs.")
            )
        return cleaned


class UserChangeForm(BaseUserAdmin.form):
    """The one role a user has, chosen from a list instead of ticking groups."""

    role = forms.ChoiceField(label=_("Role"), choices=ROLE_CHOICES, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            roles = [name for name in self.instance.groups.values_list("name", flat=True)]
            self.fields["role"].initial = next((r for r in Role if r in roles), "")


@admin.register(User)
class UserAdmin(ReadOnlyHistoryAdmin, BaseUserAdmin):
    form = UserChangeForm
    add_form = UserInviteForm
    list_display = ["username", "name", "email", "bureau", "role", "is_active"]
    list_filter = ["bureau", "groups", "is_active", "is_staff"]
    list_select_related = ["bureau"]
    autocomplete_fields = ["bureau"]
    # The Bureau and the role decide what a user may do: beside the name, not at the bottom.
    fieldsets = [
        *BaseUserAdmin.fieldsets[:2],
        (_("ITU"), {"fields": ["bureau", "role"]}),
        (_("Permissions"), {"fields": ["is_active", "is_staff", "is_superuser"]}),
        *BaseUserAdmin.fieldsets[3:],
    ]
    add_fieldsets = [
        (
            None,
            {
                "fields": ["email", "first_name", "last_name", "bureau", "role", "username"],
                "description": _(
                    "They receive an e-mail with a link to choose their own password."
                ),
            },
        ),
    ]
    actions = ["send_password_link"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    @admin.display(description=_("name"), ordering="last_name")
    def name(self, obj: User) -> str:
        return obj.get_full_name() or "—"

    @admin.display(description=_("role"))
    def role(self, obj: User) -> str:
        names = {group.name for group in obj.groups.all()}
        return ", ".join(str(role.label) for role in Role if role in names) or "—"

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            if "role" in form.changed_data:
                if form.cleaned_data["role"]:
                    user_role_set(user=obj, role=form.cleaned_data["role"], by=request.user)
                else:
                    obj.groups.remove(*obj.groups.filter(name__in=Role.values))
            return
        try:
            invited = user_invite(
                email=form.cleaned_data["email"],
                first_name=form.cleaned_data["first_name"],
                last_name=form.cleaned_data["last_name"],
                bureau=form.cleaned_data["bureau"],
                role=form.cleaned_data["role"],
                username=form.cleaned_data["username"],
                invited_by=request.user,
            )
        except InvitationNotSent as unsent:
            invited = unsent.user
            self.message_user(request, str(unsent), messages.ERROR)
        else:
            self.message_user(
                request,
                _("An invitation to choose a password went to %(email)s.")
                % {"email": invited.email},
                messages.SUCCESS,
            )
        # The admin goes on with the object it built (logging, the next page).
        obj.__dict__.update(invited.__dict__)

    def save_related(self, request, form, formsets, change):
        # The invitation set the groups; the invite form has no other relation.
        if change:
            super().save_related(request, form, formsets, change)

    @admin.action(description=_("Send a link to choose a new password"))
    def send_password_link(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        sent = 0
        for user in queryset:
            try:
                user_send_password_link(user=user)
            except ValidationError as error:
                self.message_user(request, " ".join(error.messages), messages.WARNING)
            except OSError as error:
                self.message_user(
                    request,
                    _("No e-mail could be sent to %(user)s: %(error)s")
                    % {"user": user, "error": error},
                    messages.ERROR,
                )
            else:
                sent += 1
        self.message_user(request, _("%(n)d link(s) sent.") % {"n": sent})


class ReportingObligationInline(admin.TabularInline):
    model = ReportingObligation
    extra = 0


# An action gathers thousands of reports over the years: its page shows the latest.
LATEST_ON_ACTION_PAGE = 20


class LatestFormSet(forms.BaseInlineFormSet):
    """The ``LATEST_ON_ACTION_PAGE`` latest rows of a read-only inline; the rest are a link away."""

    def get_queryset(self):
        # Read once: each form takes its row from this list (a sliced queryset
        # would be read again for every form).
        if not hasattr(self, "_latest"):
            self._latest = list(super().get_queryset()[:LATEST_ON_ACTION_PAGE])
        return self._latest


class StatusChangeInline(admin.TabularInline):
    """History is written by the transition service only: read it here, never edit it."""

    model = StatusChange
    formset = LatestFormSet
    extra = 0
    can_delete = False
    fields = ["changed_at", "from_status", "to_status", "changed_by", "note"]
    readonly_fields = fields
    ordering = ["-changed_at", "-pk"]
    verbose_name_plural = _("latest status changes")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("changed_by")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ProgressReportInline(admin.TabularInline):
    model = ProgressReport
    formset = LatestFormSet
    extra = 0
    can_delete = False
    show_change_link = True
    fields = ["report_date", "bureau", "author", "state", "period_start", "period_end"]
    readonly_fields = fields
    ordering = ["-created_at", "-pk"]
    verbose_name_plural = _("latest progress reports")

    def get_queryset(self, request):
        # The change link names the report by its action and resolution.
        return (
            super().get_queryset(request).select_related("action__resolution", "bureau", "author")
        )

    def has_add_permission(self, request, obj=None):
        return False


class ActionAdminForm(VersionedForm):
    new_status = forms.ChoiceField(
        label=_("Change status to"),
        required=False,
        help_text=_("Recorded in the status history with your name and the note."),
    )
    status_note = forms.CharField(
        label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Offer only the statuses that may follow the current one.
        current = ActionStatus(self.instance.status or ActionStatus.NOT_STARTED)
        self.fields["new_status"].choices = [("", "—")] + [
            (status.value, status.label)
            for status in ActionStatus
            if status in ALLOWED_TRANSITIONS[current]
        ]

    def clean(self):
        cleaned = super().clean()
        # The service's rule, checked here so that a refusal is the form's error.
        focal_point = cleaned.get("focal_point")
        changing = {"focal_point", "owner", "collaborators"} & set(self.changed_data)
        if focal_point is not None and changing:
            owner, collaborators = cleaned.get("owner"), cleaned.get("collaborators") or []
            try:
                check_focal_point(focal_point, bureaux_of([owner, *collaborators]))
            except ValidationError as refused:
                self.add_error(None, refused)
        return cleaned

    def clean_new_status(self):
        new_status = self.cleaned_data["new_status"]
        if new_status and self.instance.pk:
            try:
                check_transition(ActionStatus(self.instance.status), ActionStatus(new_status))
            except TransitionRefused as refused:
                raise ValidationError(str(refused)) from None
        return new_status


@admin.register(Action)
class ActionAdmin(ReadOnlyHistoryAdmin):
    form = ActionAdminForm
    list_display = [
        "__str__",
        "resolution",
        "strength",
        "owner",
        "status",
        "target_date",
        "needs_review",
    ]
    list_filter = [
        "status",
        "strength",
        "needs_review",
        ("owner", admin.RelatedOnlyFieldListFilter),
        "resolution__assembly",
        # No list of resolutions (thousands over the years): search for "=73" instead.
        "obligations__recipient",
    ]
    search_fields = [
        "clause__text",
        "resolution__title",
        "=resolution__number",
        "=focal_point__username",
    ]
    list_select_related = ["resolution__assembly", "owner"]
    autocomplete_fields = ["resolution", "clause", "owner", "collaborators", "focal_point"]
    readonly_fields = [
        "status",
        "version",
        "created_at",
        "updated_at",
        "clause_text",
        "reports_and_changes",
    ]
    show_full_result_count = False
    fieldsets = [
        (None, {"fields": ["resolution", "number", "clause", "clause_text", "strength"]}),
        (_("Who"), {"fields": ["owner", "collaborators", "focal_point"]}),
        (
            _("Status"),
            {"fields": ["status", "new_status", "status_note", "target_date", "expected_version"]},
        ),
        (_("Review"), {"fields": ["needs_review", "review_reason"]}),
        (
            _("Record"),
            {"fields": ["version", "created_at", "updated_at", "reports_and_changes"]},
        ),
    ]
    inlines = [ReportingObligationInline, StatusChangeInline, ProgressReportInline]
    list_per_page = 50

    @admin.display(description=_("Clause text"))
    def clause_text(self, obj: Action) -> str:
        return obj.clause.text if obj.clause_id else "—"

    @admin.display(description=_("All reports and changes"))
    def reports_and_changes(self, obj: Action) -> str:
        """How many reports and status changes the action has, each linking to all of them."""
        if obj.pk is None:
            return "—"
        reports, changes = obj.reports.count(), obj.status_changes.count()
        return format_html(
            '<a href="{}?action__id__exact={}">{}</a> · <a href="{}?action__id__exact={}">{}</a>',
            reverse("admin:actions_progressreport_changelist"),
            obj.pk,
            ngettext("%(n)d progress report", "%(n)d progress reports", reports) % {"n": reports},
            reverse("admin:actions_statuschange_changelist"),
            obj.pk,
            ngettext("%(n)d status change", "%(n)d status changes", changes) % {"n": changes},
        )

    def get_readonly_fields(self, request, obj=None):
        # Which clause an action stands for is the import's to decide.
        if obj is not None:
            return [*self.readonly_fields, "resolution", "number", "clause"]
        return [*self.readonly_fields, "resolution"]

    def save_model(self, request, obj, form, change):
        if not change:
            # An action belongs to the resolution of its clause; no room for two answers.
            obj.resolution = obj.clause.resolution
            super().save_model(request, obj, form, change)
            return
        stored = Action.objects.get(pk=obj.pk)
        changes = {
            name: getattr(obj, name)
            for name in form.changed_data
            if name in ADMIN_EDITABLE_ACTION_FIELDS
        }
        action_update(
            action=stored,
            by=request.user,
            expected_version=form.cleaned_data.get("expected_version") or stored.version,
            changes=changes,
            collaborators=form.cleaned_data["collaborators"]
            if "collaborators" in form.changed_data
            else None,
        )
        if new_status := form.cleaned_data.get("new_status"):
            action_transition(
                action=stored,
                to=new_status,
                by=request.user,
                note=form.cleaned_data.get("status_note", ""),
            )
        obj.version, obj.status = stored.version, stored.status

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # Reporting duties are part of the action: a change makes older copies stale.
        if change and any(formset.has_changed() for formset in formsets):
            Action.objects.filter(pk=form.instance.pk).update(
                version=F("version") + 1, changed_at=timezone.now()
            )


class EvidenceLinkInline(admin.TabularInline):
    model = EvidenceLink
    extra = 1
    # As many as the staff pages and the API take, refused beyond with a message.
    max_num = MAX_EVIDENCE_LINKS

    def get_formset(self, request, obj=None, **kwargs):
        return super().get_formset(request, obj, validate_max=True, **kwargs)

    # The same rule and message as the staff pages: http and https only.
    formfield_overrides = {models.URLField: {"form_class": WebAddressField}}

    def has_change_permission(self, request, obj=None):
        return obj is None or obj.state in EDITABLE_REPORT_STATES

    has_add_permission = has_delete_permission = has_change_permission


def _report_transition_action(to: ReportState, description: str):
    """A bulk action that moves reports through the same service as the staff pages.

    There is none for returning: a return needs its own reason, given on the
    action's page.
    """

    def run(modeladmin, request: HttpRequest, queryset: QuerySet[ProgressReport]) -> None:
        done = 0
        for report in queryset:
            try:
                progress_report_transition(report=report, to=to, by=request.user)
            except (TransitionRefused, PermissionDenied, ValidationError, StaleVersion) as error:
                modeladmin.message_user(request, f"{report}: {error}", messages.WARNING)
            else:
                done += 1
        modeladmin.message_user(request, _("%(n)d report(s) updated.") % {"n": done})

    run.__name__ = f"mark_{to.value}"
    run.short_description = description
    return run


@admin.register(ProgressReport)
class ProgressReportAdmin(ReadOnlyHistoryAdmin):
    form = VersionedForm
    list_display = ["__str__", "bureau", "author", "state", "period_start", "period_end"]
    list_filter = [
        "state",
        "bureau",
        "action__resolution__assembly",
        # No list of resolutions (thousands over the years): search for "=73" instead.
    ]
    search_fields = ["text", "=action__resolution__number", "=author__username"]
    show_full_result_count = False
    list_select_related = ["action__resolution", "bureau", "author"]
    autocomplete_fields = ["action", "author", "bureau", "reviewed_by"]
    readonly_fields = [
        "state",
        "submitted_at",
        "reviewed_by",
        "reviewed_at",
        # Who else wrote the text comes from its history, not from a list of every user.
        "editors",
        "version",
        "created_at",
        "updated_at",
    ]
    inlines = [EvidenceLinkInline]
    actions = [
        _report_transition_action(ReportState.SUBMITTED, _("Submit selected reports")),
        _report_transition_action(ReportState.APPROVED, _("Approve selected reports")),
    ]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return self.readonly_fields
        # Who wrote it, for which action, stays as written; once submitted, so does the text.
        # The date is the day it was written; a review note is written by returning it.
        frozen = ["action", "author", "bureau", "report_date", "review_note"]
        if obj.state not in EDITABLE_REPORT_STATES:
            frozen += ["period_start", "period_end", "text"]
        return [*self.readonly_fields, *frozen]

    def has_add_permission(self, request):
        # Reports are written on the action's page or through the API, where
        # the rules on who, which action and which dates apply.
        return False

    def has_delete_permission(self, request, obj=None):
        # What went, or is going, to Council is evidence: only unsent drafts go.
        return super().has_delete_permission(request, obj) and (
            obj is not None and obj.state in EDITABLE_REPORT_STATES
        )

    def save_model(self, request, obj, form, change):
        """Nothing yet: the report is saved with its evidence links in ``save_related``."""

    def save_related(self, request, form, formsets, change):
        # One edit through the service, as on the staff pages: a new version, the
        # editor recorded, and a page open elsewhere told that it is stale.
        report = form.instance
        evidence = None
        if report.state in EDITABLE_REPORT_STATES:
            [links] = formsets
            evidence = [
                Evidence(link["url"], link.get("title", ""))
                for link in links.cleaned_data
                if link.get("url") and not link.get("DELETE")
            ]
        progress_report_update(
            report=ProgressReport.objects.get(pk=report.pk),
            by=request.user,
            expected_version=form.cleaned_data.get("expected_version") or report.version,
            text=report.text,
            period_start=report.period_start,
            period_end=report.period_end,
            evidence=evidence,
        )
        for formset in formsets:
            # Saved by the service, not the formset: the admin's log lists no link of
            # its own, and the report's history names each.
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []


@admin.register(StatusChange)
class StatusChangeAdmin(ModelAdmin):
    """Read-only: the history is evidence and is written by the transition service."""

    list_display = ["action", "from_status", "to_status", "changed_by", "changed_at"]
    # People are searched by user name, not listed: there are thousands over the years.
    # Dates by recent period, not by the years of every change (a scan of all of them).
    list_filter = ["to_status", "from_status", "changed_at"]
    search_fields = ["note", "=action__resolution__number", "=changed_by__username"]
    show_full_result_count = False
    list_select_related = ["action__resolution", "changed_by"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(GoverningBodyMeeting)
class GoverningBodyMeetingAdmin(ReadOnlyHistoryAdmin):
    list_display = [
        "name",
        "kind",
        "place",
        "start_date",
        "end_date",
        "document_deadline",
        "provisional",
    ]
    list_filter = ["kind", "provisional"]
    search_fields = ["name", "place"]
    date_hierarchy = "start_date"
    actions = ["confirm"]
    readonly_fields = ["dates_in_force"]

    @admin.display(description=_("Dates in force"))
    def dates_in_force(self, obj: GoverningBodyMeeting | None) -> str:
        """What the rules and overrides make of the session's dates, as saved."""
        if obj is None or obj.pk is None:
            return _("Shown once the session is saved.")
        # The saved row, not ``obj``: a form redrawn in error holds the refused
        # dates on it (a year 1 opening has no deadline before it).
        obj = GoverningBodyMeeting.objects.get(pk=obj.pk)
        contributions = obj.contribution_deadline
        parts = [_("Documents due %(day)s") % {"day": day(obj.document_deadline)}]
        if contributions:
            parts.append(_("contributions due %(day)s") % {"day": day(contributions)})
        parts.append(_("reports cover %(period)s") % {"period": selectors.reporting_period(obj)})
        return " · ".join(parts)

    def save_model(self, request, obj, form, change):
        # Correcting a projected session's dates is confirming them.
        if change and obj.provisional and {"start_date", "end_date"} & set(form.changed_data):
            obj.provisional = False
        super().save_model(request, obj, form, change)

    @admin.action(description=_("Confirm the dates of the selected sessions"))
    def confirm(self, request, queryset):
        for meeting in queryset.filter(provisional=True):
            meeting_confirm(meeting=meeting, by=request.user)
            self.message_user(request, _("%(name)s confirmed.") % {"name": meeting.name})


@admin.register(MeetingRule)
class MeetingRuleAdmin(ModelAdmin):
    list_display = ["kind", "secretariat_days", "contribution_days", "rhythm_months"]


@admin.register(Notification)
class NotificationAdmin(ModelAdmin):
    list_display = ["subject", "recipient", "kind", "created_at", "read_at", "emailed_at"]
    list_filter = ["kind", "email_delivery"]
    search_fields = ["key", "recipient__username"]
    list_select_related = ["recipient"]
    readonly_fields = [field.name for field in Notification._meta.fields]


@admin.register(Reminder)
class ReminderAdmin(ModelAdmin):
    list_display = [
        "key",
        "kind",
        "meeting",
        "recipient",
        "days_before",
        "attempts",
        "claimed_at",
        "sent_at",
        "error",
    ]
    list_filter = ["kind", "days_before", "meeting"]
    search_fields = ["key", "recipient__username"]
    list_select_related = ["meeting", "recipient"]
    autocomplete_fields = ["meeting", "recipient"]


@admin.register(ReportingObligation)
class ReportingObligationAdmin(ModelAdmin):
    list_display = ["action", "recipient"]
    list_filter = ["recipient"]
    search_fields = ["=action__resolution__number"]
    list_select_related = ["action__resolution"]
    autocomplete_fields = ["action"]


# --- Reporting duties written for a whole resolution (issue 9) -----------------


@admin.register(ResolutionReportingDuty)
class ResolutionReportingDutyAdmin(ModelAdmin):
    """The import records them from the text; correct one here if the text was misread."""

    list_display = ["resolution", "recipient", "clause"]
    list_filter = ["recipient"]
    search_fields = ["=resolution__number"]
    list_select_related = ["resolution__assembly", "clause"]
    raw_id_fields = ["resolution", "clause"]


# --- Resolutions: the parts of their admin that span both apps ---------------
#
# ``resolutions.admin`` knows nothing of actions; here its Resolution admin
# gains the import of texts (which makes actions) and its Clause admin shows
# the action each directive clause became.

# Largest upload accepted: the seed text is 80 kB, an official Word file a few hundred.
MAX_IMPORT_BYTES = 5 * 1024 * 1024


class ImportUploadForm(forms.Form):
    assembly = forms.ModelChoiceField(queryset=Assembly.objects.all(), label=_("Assembly"))
    source = forms.FileField(
        label=_("Resolution text"),
        help_text=_(
            "A UTF-8 text file in the layout of the WTSA-20 background paper, "
            "or an official ITU Word (.docx) resolution."
        ),
    )
    suppress_missing = forms.BooleanField(
        label=_("This file is the assembly's complete set of resolutions"),
        required=False,
        help_text=_(
            "The resolutions of earlier assemblies still in force that are not in the file "
            "are then marked suppressed, and their open actions closed."
        ),
    )

    def clean_source(self):
        source = self.cleaned_data["source"]
        if source.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError(_("The file is larger than 5 MB."))
        return source


def _enqueue(task_name: str, job: ImportJob) -> None:
    # Sent by name, once the job is saved: the admin and the tasks are both
    # entry points, and entry points do not import each other; a web process
    # has not loaded the tasks, so its registry does not know them.
    transaction.on_commit(lambda: current_app.send_task(task_name, args=[job.pk]))


class ResolutionImportAdmin(resolutions_admin.ResolutionAdmin):
    """Resolutions, with "Import from a file": upload, preview, apply.

    The upload is kept in storage under a random token (``ImportJob``), never
    in the session. A small file is previewed and imported within the
    request; a large one by a Celery task, while the page polls its progress.
    """

    change_list_template = "admin/resolutions/resolution/change_list.html"

    def get_urls(self):
        custom = [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="resolutions_resolution_import",
            ),
            path(
                "import/<str:token>/",
                self.admin_site.admin_view(self.import_job_view),
                name="resolutions_resolution_import_job",
            ),
            path(
                "import/<str:token>/progress/",
                self.admin_site.admin_view(self.import_progress_view),
                name="resolutions_resolution_import_progress",
            ),
        ]
        return custom + super().get_urls()

    def _check_import_permission(self, request):
        if not self.has_add_permission(request) or not self.has_change_permission(request):
            raise PermissionDenied

    def _context(self, request, **extra):
        return {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Import resolutions"),
            **extra,
        }

    def import_view(self, request):
        """Upload a text or Word file; its preview follows."""
        self._check_import_permission(request)
        if request.method == "POST" and "apply" in request.POST:
            # An apply button of a page older than the token: nothing to apply.
            messages.error(request, _("Nothing to import: upload the file again."))
            return redirect("admin:resolutions_resolution_import")
        form = ImportUploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["source"]
            job = import_job_create(
                name=upload.name,
                data=upload.read(),
                assembly=form.cleaned_data["assembly"],
                by=request.user,
                suppress_missing=form.cleaned_data["suppress_missing"],
            )
            if job.size > settings.IMPORT_SYNC_MAX_BYTES:
                _enqueue("actions.tasks.preview_import", job)
                return redirect("admin:resolutions_resolution_import_job", token=job.token)
            job = import_job_preview(job_id=job.pk)
            if job.state == ImportState.FAILED:
                form.add_error("source", job.error)
            else:
                return self._job_page(request, job)
        return TemplateResponse(
            request, "admin/resolutions/resolution/import.html", self._context(request, form=form)
        )

    def _job(self, request, token: str) -> ImportJob:
        self._check_import_permission(request)
        # A NUL never is in a token, and PostgreSQL refuses one in a query: not found.
        job = (
            None
            if "\x00" in token
            else ImportJob.objects.select_related("assembly").filter(token=token).first()
        )
        # Another person's upload is nobody else's business, not even to know it exists.
        if job is None or (job.created_by_id != request.user.pk and not request.user.is_superuser):
            raise Http404(_("No such import."))
        return job

    def _job_page(self, request, job: ImportJob):
        context = self._context(request, job=job, report=job.report, form=None)
        return TemplateResponse(request, "admin/resolutions/resolution/import.html", context)

    def import_job_view(self, request, token: str):
        """An upload's progress and preview; POST applies it."""
        job = self._job(request, token)
        if request.method != "POST":
            return self._job_page(request, job)
        if not import_job_claim_apply(job=job):
            messages.error(
                request, _("This file was already imported, or could not be: upload it again.")
            )
            return redirect("admin:resolutions_resolution_import")
        if job.size > settings.IMPORT_SYNC_MAX_BYTES:
            _enqueue("actions.tasks.apply_import", job)
            return redirect("admin:resolutions_resolution_import_job", token=job.token)
        job = import_job_apply(job_id=job.pk)
        if job.state == ImportState.FAILED:
            messages.error(request, job.error)
            return redirect("admin:resolutions_resolution_import")
        messages.success(request, job.report["summary"])
        return redirect(reverse("admin:resolutions_resolution_changelist"))

    def import_progress_view(self, request, token: str):
        """The progress bar, polled by the page (htmx) while a task works; reloads when done."""
        job = self._job(request, token)
        response = TemplateResponse(
            request, "admin/resolutions/resolution/_import_progress.html", {"job": job}
        )
        if not job.is_running:
            response["HX-Refresh"] = "true"
        return response


class ActionInline(admin.StackedInline):
    """The action a directive clause became; change it on its own page."""

    model = Action
    extra = 0
    max_num = 1
    can_delete = False
    show_change_link = True
    fields = ["number", "strength", "owner", "status", "target_date", "needs_review"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


class ClauseWithActionAdmin(resolutions_admin.ClauseAdmin):
    inlines = [ActionInline]


admin.site.unregister(Resolution)
admin.site.register(Resolution, ResolutionImportAdmin)
admin.site.unregister(Clause)
admin.site.register(Clause, ClauseWithActionAdmin)

# Other apps' lists (sign-in records, API tokens, groups) check the years in
# their addresses as ours do.
for _model in (AccessAttempt, AccessLog, AccessFailureLog, AuthToken, Group):
    if admin.site.is_registered(_model):
        _theirs = type(admin.site.get_model_admin(_model))
        admin.site.unregister(_model)
        admin.site.register(_model, type(_theirs.__name__, (ModelAdmin, _theirs), {}))


# --- Resolution 83 assessments and the Council report (issue 9b) ----------------
# Shown, never written here: assessments change through their page or the API
# (propose, confirm, with the compare-and-set), reports through their page, and
# a frozen report never changes at all.


class _ReadOnlyAdmin(ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Assessment)
class AssessmentAdmin(_ReadOnlyAdmin):
    list_display = ["resolution", "meeting", "rating", "state", "proposed_by", "confirmed_by"]
    # Only the sessions assessed, not every TSAG, RAG and assembly over the years.
    list_filter = ["state", "rating", ("meeting", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["resolution__assembly", "meeting", "proposed_by", "confirmed_by"]

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CouncilReportRun)
class CouncilReportRunAdmin(_ReadOnlyAdmin):
    list_display = ["document_number", "meeting", "bureau", "state", "requested_by", "requested_at"]
    list_filter = ["state", ("meeting", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["meeting", "bureau", "requested_by"]
    exclude = ["data"]


@admin.register(CouncilReportSnapshot)
class CouncilReportSnapshotAdmin(_ReadOnlyAdmin):
    list_display = ["document_number", "meeting", "bureau", "frozen_by", "frozen_at"]
    list_select_related = ["meeting", "bureau", "frozen_by"]
    exclude = ["data", "docx", "xlsx"]

    def get_queryset(self, request):
        return super().get_queryset(request).defer("data", "docx", "xlsx")

    def has_delete_permission(self, request, obj=None):
        return False  # not even for superusers: a report submitted to Council is a record


# --- Exports (issue 13) ---------------------------------------------------------


@admin.register(Export)
class ExportAdmin(ModelAdmin):
    """Exports are written by the worker: the admin shows them and may delete old ones."""

    list_display = ["requested_by", "state", "rows_done", "rows_total", "created_at", "finished_at"]
    list_filter = ["state"]
    search_fields = ["requested_by__username"]
    list_select_related = ["requested_by"]
    readonly_fields = [
        "requested_by",
        "query",
        "state",
        "rows_done",
        "rows_total",
        "file",
        "error",
        "created_at",
        "finished_at",
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
