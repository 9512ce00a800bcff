"""API routes for actions, progress reports, bodies and meetings.

wtsa_tracker/api_urls.py serves this router with the resolutions one under /api/.
"""

from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("actions", views.ActionViewSet, basename="action")
router.register("progress-reports", views.ProgressReportViewSet, basename="progress-report")
router.register("bodies", views.BodyViewSet, basename="body")
router.register("meetings", views.MeetingViewSet, basename="meeting")
router.register("assessments", views.AssessmentViewSet, basename="assessment")

urlpatterns = router.urls
