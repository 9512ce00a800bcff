"""Enumerations for resolution texts."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RevisionMarker(models.TextChoices):
    """What the assembly did to a resolution, as marked in the overview table."""

    REVISED = "Rev", _("Revised")
    UNCHANGED = "NOC", _("No change")
    NEW = "New", _("New")


class PartKind(models.TextChoices):
    """Where a part sits in a resolution; a section holds numbered paragraphs."""

    PREAMBLE = "preamble", _("Preamble")
    OPERATIVE = "operative", _("Operative")
    SECTION = "section", _("Section")


class ClauseVerb(models.TextChoices):
    """The verb that opens a part of a resolution, in canonical form."""

    CONSIDERING = "considering", _("considering")
    RECALLING = "recalling", _("recalling")
    NOTING = "noting", _("noting")
    RECOGNIZING = "recognizing", _("recognizing")
    BEARING_IN_MIND = "bearing_in_mind", _("bearing in mind")
    RESOLVES = "resolves", _("resolves")
    RESOLVES_FURTHER = "resolves_further", _("resolves further")
    INSTRUCTS = "instructs", _("instructs")
    FURTHER_INSTRUCTS = "further_instructs", _("further instructs")
    INVITES = "invites", _("invites")
    CALLS_UPON = "calls_upon", _("calls upon")
    ENCOURAGES = "encourages", _("encourages")
    REQUESTS = "requests", _("requests")
    # "SECTION 1" of numbered paragraphs, as the rules of procedure are written.
    SECTION = "section", _("section")


# The verbs whose items ask somebody to do something: each item becomes an action.
DIRECTIVE_VERBS = frozenset(
    {
        ClauseVerb.INSTRUCTS,
        ClauseVerb.FURTHER_INSTRUCTS,
        ClauseVerb.INVITES,
        ClauseVerb.CALLS_UPON,
        ClauseVerb.ENCOURAGES,
        ClauseVerb.REQUESTS,
    }
)


class Conference(models.TextChoices):
    """ITU conferences whose resolutions a WTSA text cites."""

    WTSA = "WTSA", _("World Telecommunication Standardization Assembly")
    WTDC = "WTDC", _("World Telecommunication Development Conference")
    PP = "PP", _("Plenipotentiary Conference")
