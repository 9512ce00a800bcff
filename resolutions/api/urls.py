"""API routes for assemblies, resolutions and clauses.

wtsa_tracker/api_urls.py serves this router with the actions one under /api/.
"""

from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("assemblies", views.AssemblyViewSet, basename="assembly")
router.register("resolutions", views.ResolutionViewSet, basename="resolution")
router.register("clauses", views.ClauseViewSet, basename="clause")

urlpatterns = router.urls
