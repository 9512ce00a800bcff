"""Top-level URLs: the staff pages, the REST API and the admin back office."""

from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from wtsa_tracker.accounts import PasswordResetView

admin.site.site_header = _("WTSA Implementation Tracker")
admin.site.site_title = _("WTSA Implementation Tracker")
admin.site.index_title = _("Back office")

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", include("wtsa_tracker.api_urls")),
    path("accounts/password_reset/", PasswordResetView.as_view(), name="password_reset"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("", include("actions.urls")),
    path("resolutions/", include("resolutions.urls")),
]
