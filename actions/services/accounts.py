"""Accounts: inviting a colleague, sending a password link, setting a password.

Nobody types another person's password: an administrator invites a
colleague by e-mail and the colleague chooses their own through a one-time
link (Django's password-reset tokens, which stop working once the password
is set). The admin and ``manage.py set_password`` call these services.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from ..choices import STAFF_BODY_KINDS, Role
from ..models import Body, User


class InvitationNotSent(Exception):
    """The account was created but the e-mail did not go out; send a link again later."""

    def __init__(self, user: User, error: Exception):
        self.user = user
        super().__init__(
            _(
                "The account of %(user)s was created, but the e-mail could not be sent "
                "(%(error)s). Send the link again from the list of users."
            )
            % {"user": user, "error": error}
        )


def password_link(user: User, *, url_name: str = "invitation_confirm") -> str:
    """The one-time address where ``user`` chooses a password (valid until it is used)."""
    path = reverse(
        url_name,
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    return settings.SITE_URL.rstrip("/") + path


def user_role_set(*, user: User, role: Role | str, by: User | None = None) -> None:
    """Give the user exactly one role: the role groups are exclusive.

    The user's history records the change and ``by`` (else the request's user).
    """
    role = Role(role)
    others = Group.objects.filter(name__in=[r.value for r in Role]).exclude(name=role)
    if by is not None:
        user._history_user = by
    try:
        user.groups.remove(*others)
        user.groups.add(Group.objects.get_or_create(name=role)[0])
    finally:
        user.__dict__.pop("_history_user", None)
    user._role_names = None


def user_invite(
    *,
    email: str,
    first_name: str,
    last_name: str,
    bureau: Body | None,
    role: Role | str,
    invited_by: User,
    username: str = "",
) -> User:
    """Create a colleague's account and e-mail them a link to choose their password.

    The account has no usable password until they do. The username defaults
    to the e-mail address. Staff and coordinators need a Bureau: their work
    is their Bureau's.
    """
    role = Role(role)
    email = User.objects.normalize_email(email.strip())
    username = (username or email).strip()
    if not email:
        raise ValidationError({"email": _("Give the e-mail address the invitation goes to.")})
    if role in {Role.BUREAU_STAFF, Role.COORDINATOR} and bureau is None:
        raise ValidationError(
            {"bureau": _("Bureau staff and coordinators work for a Bureau: choose theirs.")}
        )
    if bureau is not None and bureau.kind not in STAFF_BODY_KINDS:
        raise ValidationError({"bureau": _("Choose a Bureau or the General Secretariat.")})
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": _("Someone already has this username.")})
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": _("Someone already has an account with this address.")})
    with transaction.atomic():
        user = User(
            username=username,
            email=email,
            first_name=first_name.strip(),
            last_name=last_name.strip(),
            bureau=bureau,
            # The back office is for administrators.
            is_staff=role == Role.ADMINISTRATOR,
        )
        user.set_unusable_password()
        user.save()
        user_role_set(user=user, role=role)
    try:
        user_send_password_link(user=user, invited_by=invited_by)
    except OSError as error:  # SMTP errors are OSErrors: the account stays, the mail can be resent
        raise InvitationNotSent(user, error) from error
    return user


def user_send_password_link(*, user: User, invited_by: User | None = None) -> None:
    """E-mail a one-time link to choose a password: an invitation, or a fresh one."""
    if not user.email:
        raise ValidationError(
            {"email": _("%(user)s has no e-mail address to send a link to.") % {"user": user}}
        )
    context = {
        "user": user,
        "invited_by": invited_by,
        "link": password_link(user),
        "role": ", ".join(sorted(user.groups.values_list("name", flat=True))),
        "days": settings.PASSWORD_RESET_TIMEOUT // (24 * 60 * 60),
        "site_url": settings.SITE_URL.rstrip("/"),
    }
    send_mail(
        subject=_("Your account on the WTSA Implementation Tracker"),
        message=render_to_string("registration/invitation_email.txt", context),
        from_email=None,
        recipient_list=[user.email],
    )


def user_set_password(*, user: User, password: str) -> None:
    """Set a password chosen for the user, checked like any other password."""
    validate_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
