"""Staff pages: the resolutions, and each one's text with its items linked to their actions.

They live in ``actions`` because they show the actions beside the text; the
``resolutions`` app knows nothing of actions.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from resolutions.choices import ClauseVerb, PartKind
from resolutions.models import Assembly, Clause, Resolution
from resolutions.ordering import reading_order_key
from resolutions.services import clause_pairs
from wtsa_tracker.pagination import DeferredJoinPaginator

from ..choices import OPEN_STATUSES, ActionStatus, choice_label
from ..display import word_diff
from ..models import RESOLUTION_TEXT_FIELDS, Action
from .shared import assembly_code_in_any_case

# Thirty years of assemblies hold thousands of resolutions: a page of them
# stays small (issue 13: no page over 200 KB, whatever the data). The latest
# assembly comes first.
RESOLUTIONS_PER_PAGE = 100


@dataclass
class Item:
    """One item of the text, with its sub-items and the action it calls for, if any."""

    clause: Clause
    action: Action | None
    footnotes: list[dict]
    children: list[Item] = field(default_factory=list)


@dataclass
class Part:
    """A verb heading ("instructs"), its addressee and its items."""

    heading: str
    addressee: str
    is_operative: bool
    items: list[Item] = field(default_factory=list)


def _footnotes(clause: Clause) -> list[dict]:
    notes = []
    for note in clause.footnotes or []:
        if isinstance(note, dict):
            notes.append({"number": str(note.get("number", "")), "text": note.get("text", "")})
        else:
            notes.append({"number": "", "text": str(note)})
    return notes


def _text_parts(resolution: Resolution, clauses: list[Clause]) -> list[Part]:
    """Rebuild the parts of the text from its flat clauses, in reading order."""
    parts: list[Part] = []
    items: dict[int, Item] = {}
    for clause in clauses:
        action = getattr(clause, "action", None)
        if action is not None:
            action.resolution = resolution
        item = Item(clause, action, _footnotes(clause))
        items[clause.pk] = item
        parent = items.get(clause.parent_id) if clause.parent_id else None
        if parent is not None:
            parent.children.append(item)
            continue
        heading = clause.heading or choice_label(ClauseVerb, clause.verb)
        if not parts or (parts[-1].heading, parts[-1].addressee) != (heading, clause.addressee):
            parts.append(Part(heading, clause.addressee, clause.part == PartKind.OPERATIVE))
        parts[-1].items.append(item)
    # The directive parts in the order their actions are numbered (instructs
    # before invites, by item number), so the page and the action list agree.
    in_order = reading_order_key([clause for clause in clauses if clause.parent_id is None])
    for part in parts:
        part.items.sort(key=lambda item: in_order(item.clause))
    parts.sort(key=lambda part: in_order(part.items[0].clause))
    return parts


@login_required
@require_safe
def resolution_list(request: HttpRequest) -> HttpResponse:
    assemblies = list(
        Assembly.objects.annotate(resolution_count=Count("resolutions")).order_by("-start_date")
    )
    asked = request.GET.get("assembly", "")
    # A code in any case, as a person may type it ("wtsa-20").
    chosen = next((a for a in assemblies if a.code.casefold() == asked.casefold()), None)
    chosen_code = chosen.code if chosen else asked
    resolutions = (
        Resolution.objects.select_related("assembly")
        .defer(*RESOLUTION_TEXT_FIELDS)
        .order_by("-assembly__start_date", "number")
    )
    if asked:
        resolutions = resolutions.filter(assembly=chosen) if chosen else resolutions.none()
    page = DeferredJoinPaginator(resolutions, RESOLUTIONS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    _count_actions(page.object_list)
    context = {
        "section": "resolutions",
        "page": page,
        "resolutions": list(page.object_list),
        "assemblies": assemblies,
        "chosen": chosen_code,
        "chosen_assembly": chosen,
        # Where to look instead when the chosen assembly has nothing (yet).
        "other_assemblies": [a for a in assemblies if a.resolution_count and a.code != chosen_code],
    }
    # An assembly that is not one: the page says so (its empty list), with a 400.
    status = 400 if asked and chosen is None else 200
    return render(request, "resolutions/resolution_list.html", context, status=status)


def _count_actions(resolutions: list[Resolution]) -> None:
    """Set ``action_count``, ``open_count`` and ``completed_count`` on each, in one query.

    Counted for the page's resolutions only: grouping every resolution with
    its actions, to show a hundred of them, cost a second at scale M.
    """
    counts = {
        row["resolution"]: row
        for row in Action.objects.filter(resolution__in=resolutions)
        .order_by()
        .values("resolution")
        .annotate(
            action_count=Count("pk"),
            open_count=Count("pk", filter=Q(status__in=OPEN_STATUSES)),
            completed_count=Count("pk", filter=Q(status=ActionStatus.COMPLETED)),
        )
    }
    for resolution in resolutions:
        row = counts.get(resolution.pk, {})
        for name in ("action_count", "open_count", "completed_count"):
            setattr(resolution, name, row.get(name, 0))


@login_required
@require_safe
@assembly_code_in_any_case
def resolution_detail(request: HttpRequest, assembly: str, number: int) -> HttpResponse:
    resolution = get_object_or_404(
        Resolution.objects.for_list(), assembly__code=assembly, number=number
    )
    clauses = list(resolution.clauses.select_related("action").order_by("order"))
    parts = _text_parts(resolution, clauses)
    notes: dict[str, dict] = {}
    for clause in clauses:
        for note in _footnotes(clause):
            notes.setdefault(note["number"] or note["text"], note)
    counts = {status: 0 for status in ActionStatus}
    for clause in clauses:
        action = getattr(clause, "action", None)
        if action is not None:
            counts[ActionStatus(action.status)] += 1
    context = {
        "section": "resolutions",
        "resolution": resolution,
        "parts": parts,
        "notes": list(notes.values()),
        "references": list(resolution.references.all()),
        "status_counts": [(status, counts[status]) for status in ActionStatus],
        "action_count": sum(counts.values()),
    }
    return render(request, "resolutions/resolution_detail.html", context)


# --- Across assemblies (issue 11) --------------------------------------------


@dataclass
class ClauseChange:
    """One clause of the later version beside the one it revises, word by word."""

    before: Clause | None
    after: Clause | None
    runs: list[tuple[str, str]]

    @property
    def kind(self) -> str:
        if self.before is None:
            return "added"
        if self.after is None:
            return "dropped"
        return "same" if self.before.text == self.after.text else "changed"


def _clauses(resolution: Resolution) -> list[Clause]:
    return list(resolution.clauses.current().select_related("action").order_by("order"))


@login_required
@require_safe
@assembly_code_in_any_case
def resolution_lineage(request: HttpRequest, assembly: str, number: int) -> HttpResponse:
    """A resolution's versions across assemblies, and what changed between two of them."""
    resolution = get_object_or_404(
        Resolution.objects.select_related("assembly"), assembly__code=assembly, number=number
    )
    versions = resolution.lineage()
    # Codes as the page links them, in any case as a person may type them.
    by_code = {version.assembly.code.casefold(): version for version in versions}
    newer = request.GET.get("to", resolution.assembly.code)
    after = by_code.get(newer.casefold(), resolution)
    position = versions.index(after)
    older = request.GET.get("from", versions[position - 1].assembly.code if position else "")
    before = by_code.get(older.casefold())
    # A version asked for that this resolution does not have (a stale link, a
    # typed address) is refused with a 400 that says so, over the default pair.
    unknown = [code for code in (newer, older) if code and code.casefold() not in by_code]
    for code in unknown:
        messages.error(
            request,
            _("Resolution %(number)s has no version of “%(code)s”: choose one from the list.")
            % {"number": resolution.number, "code": code[:20]},
        )
    changes: list[ClauseChange] = []
    if before is not None and before != after:
        for old, new in clause_pairs(before=_clauses(before), after=_clauses(after)):
            runs = word_diff(old.text if old else "", new.text if new else "")
            changes.append(ClauseChange(old, new, runs))
    context = {
        "section": "resolutions",
        "resolution": resolution,
        "versions": versions,
        "before": before,
        "after": after,
        "changes": changes,
        "changed_count": sum(1 for change in changes if change.kind != "same"),
    }
    return render(
        request, "resolutions/resolution_lineage.html", context, status=400 if unknown else 200
    )
