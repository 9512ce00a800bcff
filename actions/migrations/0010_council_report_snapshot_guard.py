"""A frozen Council report is never changed or deleted: the database refuses it too.

The admin and the services refuse already; these triggers also stop a raw
UPDATE (both databases) or DELETE (PostgreSQL) from a shell or a script. On
SQLite a DELETE is left to the application: Django empties SQLite tables
with DELETE between tests, where PostgreSQL uses TRUNCATE, which no row
trigger sees.

A later migration that alters this table on SQLite rebuilds it, and the
rebuilt table has no trigger: such a migration must create it again.
"""

from django.db import migrations

TABLE = "actions_councilreportsnapshot"
MESSAGE = "A frozen Council report is never changed or deleted."

SQLITE = [
    f"""CREATE TRIGGER councilreportsnapshot_no_{event.lower()}
        BEFORE {event} ON {TABLE}
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;"""
    for event in ("UPDATE",)
]
SQLITE_DROP = ["DROP TRIGGER IF EXISTS councilreportsnapshot_no_update"]

POSTGRESQL = [
    f"""CREATE FUNCTION councilreportsnapshot_frozen() RETURNS trigger AS $$
        BEGIN RAISE EXCEPTION '{MESSAGE}'; END; $$ LANGUAGE plpgsql;""",
    f"""CREATE TRIGGER councilreportsnapshot_frozen BEFORE UPDATE OR DELETE ON {TABLE}
        FOR EACH ROW EXECUTE FUNCTION councilreportsnapshot_frozen();""",
]
POSTGRESQL_DROP = [
    f"DROP TRIGGER IF EXISTS councilreportsnapshot_frozen ON {TABLE}",
    "DROP FUNCTION IF EXISTS councilreportsnapshot_frozen()",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("actions", "0009_council_report_assessments")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE, "postgresql": POSTGRESQL}),
            _run({"sqlite": SQLITE_DROP, "postgresql": POSTGRESQL_DROP}),
        )
    ]
