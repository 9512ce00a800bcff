"""Choosing a password: from an invitation, or after forgetting it.

Django's own views, with the tracker's pages and two changes: a colleague
who was invited and lost the e-mail can ask for a link too (their account has
no usable password yet), and the invitation logs them in once they choose one.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import views as auth_views
from django.urls import reverse_lazy
from django.utils.translation import gettext as _

from wtsa_tracker.accounts import PasswordResetView as RateLimitedPasswordResetView

from ..models import User


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Every active account with that address gets a link, invited ones included."""

    def get_users(self, email: str):
        return User.objects.filter(email__iexact=email, is_active=True).exclude(email="")


class PasswordResetView(RateLimitedPasswordResetView):
    """The rate-limited reset of the project, with the tracker's form and e-mail."""

    form_class = PasswordResetForm
    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"

    def form_valid(self, form):
        # Links in e-mails use the configured address, not whatever Host the request named.
        self.extra_email_context = {"site_url": settings.SITE_URL.rstrip("/")}
        return super().form_valid(form)


class InvitationConfirmView(auth_views.PasswordResetConfirmView):
    """An invited colleague chooses their password and is logged in."""

    template_name = "registration/invitation_confirm.html"
    post_reset_login = True
    # Several backends are configured (django-axes checks lockouts first): say which logs in.
    post_reset_login_backend = "django.contrib.auth.backends.ModelBackend"
    success_url = reverse_lazy("dashboard")

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(
            self.request, _("Your password is saved. Welcome to the WTSA Implementation Tracker.")
        )
        return response
