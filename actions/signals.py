"""What actions do when the resolutions app's rows change under them.

The resolutions app knows nothing of actions; actions listens instead.
"""

from __future__ import annotations

from django.db.models.signals import post_save
from django.dispatch import receiver

from resolutions.models import Assembly, Resolution

from .models import Action
from .services.actions import actions_sort_keys_refresh


@receiver(post_save, sender=Assembly, dispatch_uid="actions_follow_assembly_dates")
def assembly_saved(sender, instance: Assembly, created: bool, raw: bool, **kwargs) -> None:
    """An assembly's opening orders its actions in the lists: keep their sort keys right."""
    # Loaded data (``raw``) too, even new: a fixture may correct an assembly's
    # dates, or list the assembly after actions that were keyed without it.
    if raw or not created:
        actions_sort_keys_refresh(actions=Action.objects.filter(resolution__assembly=instance))


@receiver(post_save, sender=Resolution, dispatch_uid="actions_follow_resolution_number")
def resolution_saved(sender, instance: Resolution, created: bool, raw: bool, **kwargs) -> None:
    """A resolution's number orders its actions in the lists: keep their sort keys right."""
    if raw or not created:
        actions_sort_keys_refresh(actions=Action.objects.filter(resolution=instance))


@receiver(post_save, sender=Action, dispatch_uid="actions_key_loaded_action")
def action_loaded(sender, instance: Action, raw: bool, **kwargs) -> None:
    """Loaded data skips ``Action.save``: a dump from before sort keys has none to load."""
    if raw:
        actions_sort_keys_refresh(actions=Action.objects.filter(pk=instance.pk))
