"""Top-level URLs: the staff pages, the REST API and the admin back office."""

from django.contrib import admin
from django.shortcuts import redirect
from django.templatetags.static import static
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from actions.views.accounts import InvitationConfirmView, PasswordResetView
from wtsa_tracker.api.exceptions import api_bad_request, api_page_not_found, api_server_error

admin.site.site_header = _("WTSA Implementation Tracker")
admin.site.site_title = _("WTSA Implementation Tracker")
admin.site.index_title = _("Back office")

# Errors outside any view: JSON under /api/, as the API's own errors are.
handler400 = api_bad_request
handler404 = api_page_not_found
handler500 = api_server_error

urlpatterns = [
    # Browsers ask for /favicon.ico on pages that name no icon (the admin's).
    path("favicon.ico", lambda request: redirect(static("actions/favicon.svg"))),
    path("admin/", admin.site.urls),
    path("api/", include("wtsa_tracker.api_urls")),
    # Before Django's own: the same names, with the tracker's form and e-mail.
    path("accounts/password_reset/", PasswordResetView.as_view(), name="password_reset"),
    path(
        "accounts/welcome/<uidb64>/<token>/",
        InvitationConfirmView.as_view(),
        name="invitation_confirm",
    ),
    path("accounts/", include("django.contrib.auth.urls")),
    path("", include("actions.urls")),
]
