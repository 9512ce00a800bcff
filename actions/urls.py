"""Staff web pages: dashboard, actions, progress reports, resolutions and their text."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("actions/", views.action_list, name="action_list"),
    path("actions/export.csv", views.action_export, name="action_export"),
    # Exports too large to stream (issue 13)
    path("actions/export/", views.export_create, name="export_create"),
    path("exports/<int:pk>/", views.export_detail, name="export_detail"),
    path("exports/<int:pk>/download/", views.export_download, name="export_download"),
    path("actions/mine/", views.my_actions, name="my_actions"),
    path("people/<slug:name>/", views.person_suggestions, name="person_suggestions"),
    path("actions/<int:pk>/", views.action_detail, name="action_detail"),
    path("actions/<int:pk>/status/", views.action_status, name="action_status"),
    path("actions/<int:pk>/plan/", views.action_plan, name="action_plan"),
    path("actions/<int:pk>/people/", views.action_people, name="action_people"),
    path("actions/<int:pk>/reports/", views.report_create, name="report_create"),
    path("reports/<int:pk>/edit/", views.report_edit, name="report_edit"),
    path("reports/<int:pk>/state/", views.report_transition, name="report_transition"),
    # Issue 9: reports across actions, reviewed in bulk; readiness for Council.
    path("reports/", views.report_list, name="report_list"),
    path("reports/review/", views.report_review_bulk, name="report_review_bulk"),
    path("council/readiness/", views.council_readiness, name="council_readiness"),
    path("resolutions/", views.resolution_list, name="resolution_list"),
    path(
        "resolutions/<slug:assembly>/<int:number>/",
        views.resolution_detail,
        name="resolution_detail",
    ),
    # --- Resolution 83 assessments and the Council report (issue 9b) ---
    path(
        "resolutions/<slug:assembly>/<int:number>/assessments/",
        views.resolution_assessments,
        name="resolution_assessments",
    ),
    path("assessments/<int:pk>/confirm/", views.assessment_confirm_view, name="assessment_confirm"),
    path("council-report/", views.council_report, name="council_report"),
    path("council-report/runs/<int:pk>/", views.council_report_run, name="council_report_run"),
    path(
        "council-report/runs/<int:pk>/status/",
        views.council_report_run_status,
        name="council_report_run_status",
    ),
    path(
        "council-report/runs/<int:pk>/preview/",
        views.council_report_run_preview,
        name="council_report_run_preview",
    ),
    path(
        "council-report/runs/<int:pk>/download.<str:fmt>",
        views.council_report_run_download,
        name="council_report_run_download",
    ),
    path(
        "council-report/runs/<int:pk>/freeze/",
        views.council_report_run_freeze,
        name="council_report_run_freeze",
    ),
    path(
        "council-report/frozen/<int:pk>/",
        views.council_report_snapshot,
        name="council_report_snapshot",
    ),
    path(
        "council-report/frozen/<int:pk>/download.<str:fmt>",
        views.council_report_snapshot_download,
        name="council_report_snapshot_download",
    ),
    path("council-report/compare/", views.council_report_compare, name="council_report_compare"),
    # Notifications and the calendar feed (issue 10).
    path("notifications/", views.notification_list, name="notification_list"),
    path("notifications/read/", views.notifications_read, name="notifications_read"),
    path("notifications/settings/", views.notification_settings, name="notification_settings"),
    path("notifications/calendar/rotate/", views.calendar_rotate, name="calendar_rotate"),
    # Tokens are secrets.token_urlsafe(): the slug alphabet, so a NUL or a stray character
    # is no address at all (PostgreSQL refuses a NUL in a query).
    path("calendar/<slug:token>.ics", views.calendar_feed, name="calendar_feed"),
    # Across assemblies (issue 11): the versions of a resolution and their differences.
    path(
        "resolutions/<slug:assembly>/<int:number>/lineage/",
        views.resolution_lineage,
        name="resolution_lineage",
    ),
]
