"""Everything that writes actions, progress reports and reminders, by subject.

- ``actions``: status transitions, planning edits, actions made or flagged by an import;
- ``reports``: the progress-report lifecycle (write, edit, submit, approve, return);
- ``reminders``: deadline reminders and their delivery.

The web pages, the API, the admin, the tasks and the management commands
all call these functions; none writes an action or a report by itself. Each
service checks the user's right (``actions.permissions``), refuses a stale
edit by a compare-and-set on ``version`` and writes all its rows in one
transaction. Reads that several entry points share are in ``actions.selectors``.
"""
