"""Staff pages: the dashboard, lists of actions, an action's page and its progress reports.

Views parse input and call one service (``actions.services``) or read through
``actions.selectors``; the services
check the user's rights and refuse stale edits. Views ask ``actions.permissions``
only to hide what a user may not do, and to answer a forged request with 403
before reading its form.
"""

from .assessments import assessment_confirm_view, resolution_assessments
from .council import (
    council_report,
    council_report_compare,
    council_report_run,
    council_report_run_download,
    council_report_run_freeze,
    council_report_run_preview,
    council_report_run_status,
    council_report_snapshot,
    council_report_snapshot_download,
)
from .dashboard import dashboard
from .detail import action_detail, action_people, action_plan, action_status, report_create
from .exports import export_create, export_detail, export_download
from .lists import action_export, action_list, my_actions, person_suggestions
from .notifications import (
    calendar_feed,
    calendar_rotate,
    notification_list,
    notification_settings,
    notifications_read,
)
from .readiness import council_readiness
from .reports import report_edit, report_transition
from .resolutions import resolution_detail, resolution_lineage, resolution_list
from .review import report_list, report_review_bulk

__all__ = [
    "assessment_confirm_view",
    "council_report",
    "council_report_compare",
    "council_report_run",
    "council_report_run_download",
    "council_report_run_freeze",
    "council_report_run_preview",
    "council_report_run_status",
    "council_report_snapshot",
    "council_report_snapshot_download",
    "resolution_assessments",
    "action_detail",
    "action_export",
    "action_list",
    "action_people",
    "action_plan",
    "council_readiness",
    "action_status",
    "calendar_feed",
    "calendar_rotate",
    "dashboard",
    "export_create",
    "export_detail",
    "export_download",
    "my_actions",
    "person_suggestions",
    "notification_list",
    "notification_settings",
    "notifications_read",
    "report_create",
    "report_edit",
    "report_list",
    "report_review_bulk",
    "report_transition",
    "resolution_detail",
    "resolution_lineage",
    "resolution_list",
]
