"""Staff pages: the dashboard, lists of actions, an action's page and its progress reports.

Views parse input and call one service (``actions.services``) or read through
``actions.selectors``; the services
check the user's rights and refuse stale edits. Views ask ``actions.permissions``
only to hide what a user may not do, and to answer a forged request with 403
before reading its form.
"""

from .dashboard import dashboard
from .detail import action_detail, action_plan, action_status, report_create
from .exports import export_create, export_detail, export_download
from .lists import action_export, action_list, my_actions
from .reports import report_edit, report_transition
from .resolutions import resolution_detail, resolution_list

__all__ = [
    "action_detail",
    "action_export",
    "action_list",
    "action_plan",
    "action_status",
    "dashboard",
    "export_create",
    "export_detail",
    "export_download",
    "my_actions",
    "report_create",
    "report_edit",
    "report_transition",
    "resolution_detail",
    "resolution_list",
]
