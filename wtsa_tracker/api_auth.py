"""API tokens: sign in for a token, revoke it, revoke them all (django-rest-knox).

Tokens are stored hashed (only the owner ever sees one, once), expire after
``REST_KNOX["TOKEN_TTL"]`` and are sent as ``Authorization: Token …``; they
are checked by ``wtsa_tracker.authentication``. Signing
in goes through the same authentication backends as the login page, so
django-axes counts failures and locks out here too; the endpoint is also
throttled per address.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth import authenticate
from django.utils.translation import gettext_lazy as _
from drf_spectacular.contrib.knox_auth_token import KnoxTokenScheme
from drf_spectacular.utils import extend_schema
from knox import views as knox_views
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from wtsa_tracker.api.exceptions import ErrorSerializer, api_exception_handler

from .authentication import TokenAuthentication
from .throttling import LoginThrottle


class TokenScheme(KnoxTokenScheme):
    """The OpenAPI security scheme of ``wtsa_tracker.authentication``: knox's own."""

    target_class = "wtsa_tracker.authentication.TokenAuthentication"


class LoginSerializer(serializers.Serializer):
    """A user name and password, checked by the authentication backends."""

    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=4096, style={"input_type": "password"})

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        request = self.context["request"]
        # The Django request, not DRF's: django-axes reads the client's address
        # from it and marks it when the user or address is locked out.
        user = authenticate(
            request._request, username=attrs["username"], password=attrs["password"]
        )
        if user is None or not user.is_active:
            raise serializers.ValidationError(_("Wrong user name or password."), code="invalid")
        attrs["user"] = user
        return attrs


class TokenSerializer(serializers.Serializer):
    """A new token, shown once, and when it expires."""

    token = serializers.CharField()
    expiry = serializers.DateTimeField()


class TrackerErrors:
    """The API's one error shape for these views too."""

    def get_exception_handler(self) -> Callable[..., Any]:
        return api_exception_handler


class LoginView(TrackerErrors, knox_views.LoginView):
    """Exchange a user name and password for a new API token."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [LoginThrottle]

    @extend_schema(
        request=LoginSerializer,
        responses={200: TokenSerializer, 400: ErrorSerializer, 429: ErrorSerializer},
        auth=[],
    )
    def post(self, request: Request, format: str | None = None) -> Response:
        serializer = LoginSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        request.user = serializer.validated_data["user"]
        return super().post(request, format)


class LogoutView(TrackerErrors, knox_views.LogoutView):
    """Revoke the token this request was made with."""

    authentication_classes = [TokenAuthentication]

    @extend_schema(request=None, responses={204: None, 401: ErrorSerializer})
    def post(self, request: Request, format: str | None = None) -> Response:
        return super().post(request, format)


class LogoutAllView(TrackerErrors, knox_views.LogoutAllView):
    """Revoke every token of the signed-in user."""

    authentication_classes = [TokenAuthentication]

    @extend_schema(request=None, responses={204: None, 401: ErrorSerializer})
    def post(self, request: Request, format: str | None = None) -> Response:
        return super().post(request, format)
