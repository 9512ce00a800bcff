"""Forms of the staff pages. They parse input; the services decide and write."""

import datetime
import uuid

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from resolutions.models import Resolution
from wtsa_tracker.characters import control_character_validator
from wtsa_tracker.filters import NUMBER_MAX
from wtsa_tracker.forms import PersonChoiceField

from .choices import STAFF_BODY_KINDS, ActionStatus, AssessmentRating, ReportState
from .council_report import NoResolutionInPeriod, resolution_in_period
from .display import session_name
from .models import Action, Body, GoverningBodyMeeting, ProgressReport, User
from .selectors import council_meetings, focal_point_candidates, reporting_period
from .services.reports import MAX_EVIDENCE_LINKS, Evidence, check_report_period
from .validators import (
    DOCUMENT_NUMBER_MAX_LENGTH,
    EVIDENCE_URL_MAX_LENGTH,
    NOTE_MAX_LENGTH,
    RATIONALE_MAX_LENGTH,
    REPORT_TEXT_MAX_LENGTH,
    TOO_LONG_MESSAGE,
    document_number_validator,
    normalized_document_number,
    planning_date_validators,
    web_address_validator,
)

# Each label, help text, error list and input in one block, for spacing.
FIELD_TEMPLATE = "actions/_field.html"

# The suggestions of the plan's focal point box (a <datalist>).
PEOPLE_LIST_ID = "plan_focal_point_people"


def group_fields(form: forms.BaseForm) -> None:
    for form_field in form.fields.values():
        form_field.template_name = FIELD_TEMPLATE


# The largest value of a version column (a positive integer on every database).
VERSION_MAX = 2_147_483_647

HIDDEN_FIELD_MESSAGE = _(
    "This page was altered or is out of date: reload it and try again. Nothing was saved."
)


class OnceField(forms.UUIDField):
    """The one-time key of a new record's page, which makes a second click save nothing
    more. An unreadable key is taken as none: the page then saves as one without it,
    rather than refusing every try with a key the user cannot see or change."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        super().__init__(required=False, initial=uuid.uuid4, **kwargs)

    def to_python(self, value):
        try:
            return super().to_python(value)
        except ValidationError:
            return None


class StaffForm(forms.Form):
    """A form of the staff pages: refused, it puts the focus on the first field in error.

    The browser focuses an ``autofocus`` field as the page loads and scrolls
    to it (htmx does the same in a swapped panel), so on a phone the user
    lands on what to correct, not at the top of a long page. An error of the
    whole form (a stale version) focuses its first field, under the message.
    """

    def add_error(self, field, error):
        # Cleaning adds its errors here, and so does a view with a service's refusal,
        # which may name a field the form does not have (a report's date): the form's own then.
        if field is None and hasattr(error, "error_dict"):
            for name, errors in error.error_dict.items():
                self.add_error(name if name in self.fields else None, errors)
            return
        super().add_error(field, error)
        visible = [name for name, shown in self.fields.items() if not shown.widget.is_hidden]
        first = next((name for name in visible if name in self._errors), None)
        for name in visible:
            self.fields[name].widget.attrs.pop("autofocus", None)
        if first is None and visible:
            first = visible[0]
        if first is not None:
            self.fields[first].widget.attrs["autofocus"] = True

    def _post_clean(self):
        # A field the page fills (a version) that its own cleaning could not
        # read: the page was altered or is too old, which the form says once.
        # A hidden field's error shows nowhere, and "Enter a whole number" would not help.
        unreadable = [
            name
            for name in self._errors
            if name in self.fields and self.fields[name].widget.is_hidden
        ]
        for name in unreadable:
            del self._errors[name]
        if unreadable:
            self.add_error(None, ValidationError(HIDDEN_FIELD_MESSAGE, code="page_altered"))
        super()._post_clean()


def focus_once(*forms_in_page_order: forms.BaseForm) -> None:
    """One focused field per page (``autofocus`` may be given once): the first form's in error.

    A report's form and its evidence links are separate forms, each focusing its own error.
    """
    focused = False
    for form in forms_in_page_order:
        for field in form.fields.values():
            if focused:
                field.widget.attrs.pop("autofocus", None)
            elif "autofocus" in field.widget.attrs:
                focused = True


class DateInput(forms.DateInput):
    """The browser's own date picker; ISO dates both ways."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class VersionField(forms.IntegerField):
    """The version of the record the user loaded: a stale save is refused, not merged."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        # No record reaches a version its column cannot hold: such a number was
        # never on a page, which the form then says was altered.
        super().__init__(min_value=1, max_value=VERSION_MAX, **kwargs)


class StatusChangeForm(StaffForm):
    """The status panel: one button per allowed next status, and an optional note."""

    to = forms.ChoiceField(label=_("New status"), choices=ActionStatus.choices)
    note = forms.CharField(
        label=_("Note (optional)"),
        required=False,
        max_length=NOTE_MAX_LENGTH,
        validators=[control_character_validator],
        error_messages={"max_length": TOO_LONG_MESSAGE},
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Why the status changes, for the history."),
    )
    version = VersionField()


class ActionPlanningForm(StaffForm):
    """Focal point and target date: what owning staff plan, not the status."""

    # Typed, with suggestions as one types (``views.action_people``): a list of every
    # person of the Bureaux involved ran to 1,400 options for a TSB action,
    # most of the page (issue 13).
    focal_point = PersonChoiceField(
        by_email=True,  # among the people of the Bureaux involved only
        label=_("Focal point"),
        queryset=User.objects.none(),
        to_field_name="username",
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        help_text=_(
            "Type a name, username or e-mail address and choose the person from the "
            "suggestions: a member of staff of a Bureau working on this action (not a "
            "reader). Empty for nobody."
        ),
        error_messages={
            "invalid_choice": _(
                "No member of staff of the Bureaux working on this action has this "
                "username or e-mail address. Type part of a name and choose from the suggestions."
            )
        },
    )
    target_date = forms.DateField(
        label=_("Target date"),
        required=False,
        widget=DateInput,
        validators=planning_date_validators,
    )
    version = VersionField()

    people_list_id = PEOPLE_LIST_ID

    def __init__(self, *args, action: Action, **kwargs):
        kwargs.setdefault("auto_id", "plan_%s")
        kwargs.setdefault(
            "initial",
            {
                "focal_point": action.focal_point.username if action.focal_point_id else "",
                "target_date": action.target_date,
                "version": action.version,
            },
        )
        super().__init__(*args, **kwargs)
        group_fields(self)
        # Staff of the Bureaux that own or contribute (the service's rule), and
        # whoever holds the role today even if they moved on, so the current
        # value can always be shown.
        people = focal_point_candidates(action.involved_bureau_ids())
        if action.focal_point_id:
            people = people | User.objects.filter(pk=action.focal_point_id)
        self.fields["focal_point"].queryset = people
        # The suggestions come as the user types (htmx); without JavaScript
        # the username or e-mail address typed in is enough.
        self.fields["focal_point"].widget.attrs.update(
            {
                "list": PEOPLE_LIST_ID,
                "hx-get": reverse("action_people", args=[action.pk]),
                "hx-trigger": "input changed delay:300ms, focus once",
                "hx-target": f"#{PEOPLE_LIST_ID}",
                "hx-swap": "outerHTML",
                "hx-sync": "this:replace",
            }
        )

    def changes(self, action: Action) -> dict:
        """The fields the user changed: a focal point left as it was is not checked again."""
        return {
            name: self.cleaned_data[name]
            for name in ("focal_point", "target_date")
            if getattr(action, name) != self.cleaned_data[name]
        }


class ProgressReportForm(StaffForm):
    def __init__(self, *args, report_date: datetime.date | None = None, **kwargs):
        """``report_date``: the report's date (a new report's is today's)."""
        kwargs.setdefault("auto_id", "report_%s")
        super().__init__(*args, **kwargs)
        self.report_date = report_date or timezone.localdate()
        group_fields(self)

    period_start = forms.DateField(
        label=_("Period from"),
        widget=DateInput,
        error_messages={"required": _("Give the first day of the period the report covers.")},
    )
    period_end = forms.DateField(
        label=_("Period to"),
        widget=DateInput,
        error_messages={"required": _("Give the last day of the period the report covers.")},
    )
    # A one-time token per rendered form: sent twice, it makes one report.
    once = OnceField()
    text = forms.CharField(
        label=_("What was done"),
        max_length=REPORT_TEXT_MAX_LENGTH,
        validators=[control_character_validator],
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Meetings held, documents produced, results: what Council should read."),
        error_messages={
            "required": _("A progress report needs some text."),
            "max_length": TOO_LONG_MESSAGE,
        },
    )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("period_start"), cleaned.get("period_end")
        if start and end:
            # The service's rules, here too: shown with the other fields' errors at once.
            try:
                check_report_period(start, end, self.report_date)
            except ValidationError as invalid:
                self.add_error(None, invalid)
        return cleaned


class ProgressReportEditForm(ProgressReportForm):
    version = VersionField()
    once = None  # an edit is guarded by its version instead


def report_form_initial(period: tuple[datetime.date, datetime.date]) -> dict:
    """A new report's fields, filled with the period it most likely covers."""
    return {"period_start": period[0], "period_end": period[1]}


class WebAddressField(forms.URLField):
    """A link readers open in a browser: http or https only, and the message says so.

    An address pasted without its scheme ("www.itu.int/…") is read as https. The
    box is a text box that asks phones for their web-address keyboard: a browser's
    own ``type="url"`` check would refuse that address before the form could take it.
    """

    default_validators = [web_address_validator]
    default_error_messages = {"invalid": web_address_validator.message}
    widget = forms.TextInput(attrs={"inputmode": "url", "spellcheck": "false"})

    def __init__(self, *, assume_scheme: str = "https", **kwargs):
        super().__init__(assume_scheme=assume_scheme, **kwargs)


class EvidenceForm(StaffForm):
    url = WebAddressField(label=_("Link"), max_length=EVIDENCE_URL_MAX_LENGTH, required=False)
    title = forms.CharField(
        label=_("Title"), max_length=200, required=False, validators=[control_character_validator]
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("title") and not cleaned.get("url") and "url" not in self.errors:
            self.add_error("url", _("Give the link this title belongs to."))
        return cleaned


class BaseEvidenceFormSet(forms.BaseFormSet):
    def evidence(self) -> list[Evidence]:
        return [
            Evidence(url=form.cleaned_data["url"], title=form.cleaned_data.get("title", ""))
            for form in self.forms
            if form.cleaned_data.get("url")
        ]


EvidenceFormSet = forms.formset_factory(
    EvidenceForm,
    formset=BaseEvidenceFormSet,
    extra=3,
    max_num=MAX_EVIDENCE_LINKS,
    validate_max=True,
)


def evidence_formset(data=None, report: ProgressReport | None = None) -> BaseEvidenceFormSet:
    """Rows for the links a report has, and a few empty ones for new links."""
    initial = []
    if report is not None:
        initial = [{"url": link.url, "title": link.title} for link in report.evidence_links.all()]
    return EvidenceFormSet(data, initial=initial, prefix="evidence")


class ReportTransitionForm(StaffForm):
    to = forms.ChoiceField(choices=ReportState.choices)
    note = forms.CharField(
        label=_("Reason for returning"),
        required=False,
        max_length=NOTE_MAX_LENGTH,
        validators=[control_character_validator],
        error_messages={"max_length": TOO_LONG_MESSAGE},
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    version = VersionField()


# --- Resolution 83 assessments and the Council report (issue 9b) ----------------


def _council_sessions():
    return council_meetings()


class DocumentNumberField(forms.CharField):
    """A document number, read as the files will carry it before it is checked:
    pasted from Word, "C27/35–E" (an en dash) is C27/35-E."""

    def to_python(self, value):
        return normalized_document_number(super().to_python(value))


class CouncilReportForm(StaffForm):
    """What a coordinator asks for: the session, and optionally one Bureau or resolution."""

    meeting = forms.ModelChoiceField(
        label=_("Council session"), queryset=GoverningBodyMeeting.objects.none(), empty_label=None
    )
    bureau = forms.ModelChoiceField(
        label=_("Bureau"),
        queryset=Body.objects.filter(kind__in=STAFF_BODY_KINDS),
        required=False,
        empty_label=_("All Bureaux"),
        help_text=_("Only the actions this Bureau owns or contributes to."),
    )
    # A number, not a list to choose from: thirty years of assemblies make a
    # list of thousands of resolutions (a 400 KB page read in seconds).
    resolution = forms.IntegerField(
        label=_("Resolution"),
        required=False,
        min_value=1,
        max_value=NUMBER_MAX,
        help_text=_(
            "Only this resolution, e.g. 73, in the version in force in the period. "
            "Empty: all resolutions."
        ),
    )
    document_number = DocumentNumberField(
        label=_("Document number"),
        required=False,
        max_length=DOCUMENT_NUMBER_MAX_LENGTH,
        validators=[document_number_validator],
        help_text=_("As the Council secretariat assigned it, e.g. C27/35-E. Empty: C27/xx-E."),
    )

    def __init__(self, *args, own_bureau: Body | None = None, **kwargs):
        """``own_bureau``: the one Bureau the user may report on (not TSB's coordinators)."""
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = _council_sessions()
        # A projected session is chosen knowing that its dates may still move.
        self.fields["meeting"].label_from_instance = session_name
        if own_bureau is not None:
            # Offered only what they may choose: never "All Bureaux" quietly narrowed.
            bureau = self.fields["bureau"]
            bureau.queryset = Body.objects.filter(pk=own_bureau.pk)
            bureau.required = True
            bureau.empty_label = None
            bureau.initial = own_bureau.pk
            bureau.help_text = _(
                "The actions your Bureau owns or contributes to: TSB's coordinators report "
                "on every Bureau."
            )
        group_fields(self)

    def clean_resolution(self) -> Resolution | None:
        """The version of the resolution with that number in force in the chosen session's
        period (``resolution_in_period``); refused with a sentence when there is none."""
        number = self.cleaned_data["resolution"]
        meeting = self.cleaned_data.get("meeting")
        if number is None or meeting is None:
            return None  # no scope, or no session to judge it by (the form says so)
        try:
            return resolution_in_period(number, reporting_period(meeting))
        except NoResolutionInPeriod as missing:
            raise forms.ValidationError(str(missing), code="not_in_period") from None


class AssessmentForm(StaffForm):
    """A proposed rating and its rationale for one Council period."""

    meeting = forms.ModelChoiceField(
        label=_("Reporting period of"),
        queryset=GoverningBodyMeeting.objects.none(),
        empty_label=None,
    )
    # No rating chosen in advance: one preselected was sent unread, whatever the suggestion said.
    rating = forms.ChoiceField(
        label=_("Rating"),
        choices=[("", _("Choose a rating")), *AssessmentRating.choices],
        error_messages={"required": _("Choose a rating.")},
    )
    rationale = forms.CharField(
        label=_("Rationale"),
        max_length=RATIONALE_MAX_LENGTH,
        validators=[control_character_validator],
        error_messages={
            "required": _("Say why: what was done, what was not, and why this rating."),
            "max_length": TOO_LONG_MESSAGE,
        },
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What was done, what was not, and why this rating."),
    )
    # Empty for a first proposal; the version read when revising one.
    version = forms.IntegerField(
        widget=forms.HiddenInput, required=False, min_value=1, max_value=VERSION_MAX
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = _council_sessions()
        # As the page's period menu names them: "Council 2027 (provisional)".
        self.fields["meeting"].label_from_instance = session_name
        group_fields(self)


class AssessmentConfirmForm(StaffForm):
    version = VersionField()


class SnapshotCompareForm(StaffForm):
    """Two frozen reports to compare: the earlier (``a``) and the later (``b``)."""

    a = forms.ModelChoiceField(label=_("Earlier"), queryset=None, empty_label=None)
    b = forms.ModelChoiceField(label=_("Later"), queryset=None, empty_label=None)

    def __init__(self, *args, snapshots, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["a"].queryset = snapshots
        self.fields["b"].queryset = snapshots
        group_fields(self)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("a") is not None and cleaned.get("a") == cleaned.get("b"):
            self.add_error("b", _("Choose two different reports: a report is the same as itself."))
        return cleaned
