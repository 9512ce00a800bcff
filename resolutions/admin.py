"""Back office for assemblies, resolutions and their clauses."""

import base64

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from actions.models import Action

from .models import Assembly, Clause, Resolution, ResolutionReference
from .parsing import ParseError
from .services import ImportRefused, document_read, resolution_import

# Largest upload accepted: the seed text is 80 kB, an official Word file a few hundred.
MAX_IMPORT_BYTES = 5 * 1024 * 1024
SESSION_KEY = "resolution_import"


class ImportUploadForm(forms.Form):
    assembly = forms.ModelChoiceField(queryset=Assembly.objects.all(), label=_("Assembly"))
    source = forms.FileField(
        label=_("Resolution text"),
        help_text=_(
            "A UTF-8 text file in the layout of the WTSA-20 background paper, "
            "or an official ITU Word (.docx) resolution."
        ),
    )

    def clean_source(self):
        source = self.cleaned_data["source"]
        if source.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError(_("The file is larger than 5 MB."))
        return source


@admin.register(Assembly)
class AssemblyAdmin(admin.ModelAdmin):
    list_display = ["code", "place", "start_date", "end_date"]
    search_fields = ["code", "name", "place"]
    date_hierarchy = "start_date"


class ClauseInline(admin.TabularInline):
    model = Clause
    extra = 0
    fields = ["order", "part", "verb", "label", "text", "is_withdrawn"]
    readonly_fields = fields
    show_change_link = True
    can_delete = False
    ordering = ["order"]

    def has_add_permission(self, request, obj=None):
        return False


class ResolutionReferenceInline(admin.TabularInline):
    model = ResolutionReference
    extra = 0


@admin.register(Resolution)
class ResolutionAdmin(admin.ModelAdmin):
    list_display = ["number", "title", "assembly", "marker", "imported_at"]
    list_display_links = ["number", "title"]
    list_filter = ["assembly", "marker"]
    search_fields = ["=number", "title", "overview"]
    list_select_related = ["assembly"]
    autocomplete_fields = ["assembly"]
    readonly_fields = ["source_hash", "imported_at"]
    inlines = [ResolutionReferenceInline, ClauseInline]
    change_list_template = "admin/resolutions/resolution/change_list.html"

    def get_urls(self):
        custom = [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="resolutions_resolution_import",
            ),
        ]
        return custom + super().get_urls()

    def import_view(self, request):
        """Upload a text or Word file, preview the import (a dry run), then apply it."""
        if not self.has_add_permission(request) or not self.has_change_permission(request):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Import resolutions"),
        }
        if request.method == "POST" and "apply" in request.POST:
            return self._apply_import(request)
        form = ImportUploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["source"]
            data = upload.read()
            assembly = form.cleaned_data["assembly"]
            try:
                document = document_read(name=upload.name, data=data)
                report = resolution_import(document=document, assembly=assembly, dry_run=True)
            except (ParseError, ImportRefused) as error:
                form.add_error("source", _("%(error)s. Nothing was imported.") % {"error": error})
            else:
                request.session[SESSION_KEY] = {
                    "name": upload.name,
                    "data": base64.b64encode(data).decode(),
                    "assembly": assembly.pk,
                }
                context.update(report=report, upload_name=upload.name, assembly=assembly)
        context["form"] = form
        return TemplateResponse(request, "admin/resolutions/resolution/import.html", context)

    def _apply_import(self, request):
        pending = request.session.pop(SESSION_KEY, None)
        if pending is None:
            messages.error(request, _("Nothing to import: upload the file again."))
            return redirect("admin:resolutions_resolution_import")
        try:
            document = document_read(name=pending["name"], data=base64.b64decode(pending["data"]))
            report = resolution_import(
                document=document, assembly=Assembly.objects.get(pk=pending["assembly"])
            )
        except (ParseError, ImportRefused, Assembly.DoesNotExist) as error:
            messages.error(request, _("%(error)s. Nothing was imported.") % {"error": error})
            return redirect("admin:resolutions_resolution_import")
        messages.success(request, report.summary())
        return redirect(reverse("admin:resolutions_resolution_changelist"))


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


@admin.register(Clause)
class ClauseAdmin(admin.ModelAdmin):
    list_display = ["__str__", "part", "verb", "label", "short_text", "is_withdrawn"]
    list_filter = ["resolution__assembly", "part", "verb", "is_withdrawn"]
    search_fields = ["text", "addressee", "=resolution__number"]
    list_select_related = ["resolution__assembly"]
    autocomplete_fields = ["resolution", "parent"]
    inlines = [ActionInline]

    @admin.display(description=_("text"))
    def short_text(self, obj: Clause) -> str:
        return obj.text if len(obj.text) <= 100 else f"{obj.text[:99]}…"
