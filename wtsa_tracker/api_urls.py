"""The REST API under /api/: the resources of both apps, the schema and its docs.

Names live in the ``api`` namespace (``api:action-detail``), apart from the
web pages' names.
"""

from csp.constants import UNSAFE_INLINE
from csp.decorators import csp_update
from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from actions.api.urls import router as actions_router
from resolutions.api.urls import router as resolutions_router
from wtsa_tracker import api_auth

app_name = "api"

# One router for both apps, for the browsable root at /api/ that lists them all.
router = DefaultRouter()
router.registry.extend(resolutions_router.registry)
router.registry.extend(actions_router.registry)

# Swagger UI (its script served as a file by the split view) injects style
# elements: the docs page alone allows inline styles, never inline scripts.
docs = csp_update({"style-src": [UNSAFE_INLINE]})(
    SpectacularSwaggerSplitView.as_view(url_name="api:schema")
)

urlpatterns = [
    path("auth/login/", api_auth.LoginView.as_view(), name="auth-login"),
    path("auth/logout/", api_auth.LogoutView.as_view(), name="auth-logout"),
    path("auth/logoutall/", api_auth.LogoutAllView.as_view(), name="auth-logoutall"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", docs, name="docs"),
    *router.urls,
]
