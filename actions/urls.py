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
    path("actions/<int:pk>/", views.action_detail, name="action_detail"),
    path("actions/<int:pk>/status/", views.action_status, name="action_status"),
    path("actions/<int:pk>/plan/", views.action_plan, name="action_plan"),
    path("actions/<int:pk>/reports/", views.report_create, name="report_create"),
    path("reports/<int:pk>/edit/", views.report_edit, name="report_edit"),
    path("reports/<int:pk>/state/", views.report_transition, name="report_transition"),
    path("resolutions/", views.resolution_list, name="resolution_list"),
    path(
        "resolutions/<slug:assembly>/<int:number>/",
        views.resolution_detail,
        name="resolution_detail",
    ),
]
