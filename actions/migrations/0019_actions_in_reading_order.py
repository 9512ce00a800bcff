"""Renumber every resolution's actions in reading order (issue 14).

Actions were numbered as their items stood in the text, so Resolution 73's
first action was "instructs all ITU-T study groups 6". They are now numbered
by ``resolutions.ordering``: instructs before invites, and by item number.
Only the number changes: pages, the API and the resolution page's anchors
address actions by id, so every existing link still reaches the same action.
"""

from django.db import migrations
from django.db.models import F, Max

from resolutions.ordering import reading_order_key


def renumber(apps, schema_editor):
    Action = apps.get_model("actions", "Action")
    by_resolution: dict[int, list] = {}
    for action in Action.objects.select_related("clause").order_by("resolution_id", "number"):
        by_resolution.setdefault(action.resolution_id, []).append(action)
    changed = []
    for actions in by_resolution.values():
        key = reading_order_key([action.clause for action in actions])
        actions.sort(key=lambda action: key(action.clause))
        for number, action in enumerate(actions, start=1):
            if action.number != number:
                action.number = number
                changed.append(action)
    if not changed:
        return
    # Out of the way first: numbers are unique per resolution at every row.
    offset = (Action.objects.aggregate(top=Max("number"))["top"] or 0) + 1
    Action.objects.filter(pk__in=[a.pk for a in changed]).update(number=F("number") + offset)
    Action.objects.bulk_update(changed, ["number"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("actions", "0018_export"),
        ("resolutions", "0005_resolution_lineage"),
    ]

    operations = [migrations.RunPython(renumber, migrations.RunPython.noop)]
