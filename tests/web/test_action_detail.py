import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from actions.choices import ActionStatus, ReportingRecipient, ReportState, Role
from actions.models import Action, ReportingObligation, StatusChange, User
from actions.permissions import allowed_next_statuses
from actions.services.actions import action_transition, action_update
from tests import builders

# Who may change the status of, and plan, an action TSB owns (BDT collaborates).
STATUS_RIGHTS = [
    ("tsb_staff", True),
    ("tsb_coordinator", True),
    ("administrator", True),
    ("bdt_staff", False),
    ("bdt_coordinator", False),
    ("br_staff", False),
    ("reader", False),
    ("outsider", False),
]


def detail(client, action):
    return client.get(reverse("action_detail", args=[action.pk]))


def change_status(client, action, to, version=None, note=""):
    return client.post(
        reverse("action_status", args=[action.pk]),
        {"to": to, "version": version or action.version, "note": note},
    )


def plan(client, action, version=None, **values):
    data = {"focal_point": "", "target_date": "", "version": version or action.version}
    data.update(values)
    return client.post(reverse("action_plan", args=[action.pk]), data)


def test_action_detail_shows_the_clause_owner_collaborators_and_reporting_duties(
    login, reader, tsb_action
):
    ReportingObligation.objects.create(
        action=tsb_action, recipient=ReportingRecipient.COUNCIL_ANNUAL
    )

    response = detail(login(reader), tsb_action)

    page = response.content.decode()
    number = tsb_action.resolution.number
    label = tsb_action.clause.label
    assert f"<h1>Res. {number} · action {tsb_action.number} (instructs {label})</h1>" in page
    assert tsb_action.clause.text in page
    assert '<abbr title="BDT">BDT</abbr>' in page
    assert "Report to ITU Council, annually" in page
    assert "badge--not_started" in page


def test_action_detail_shows_dates_in_words(login, reader, tsb_action):
    tsb_action.target_date = datetime.date(2025, 6, 12)
    tsb_action.save()

    assert "12 June 2025" in detail(login(reader), tsb_action).content.decode()


@pytest.mark.parametrize(("persona", "allowed"), STATUS_RIGHTS)
def test_status_buttons_are_shown_only_to_those_who_may_change_the_status(
    request, login, tsb_action, persona, allowed
):
    page = detail(login(request.getfixturevalue(persona)), tsb_action).content.decode()

    buttons = (
        '<button type="submit" name="to" value="in_progress"',
        '<button type="submit" name="to" value="ongoing"',
    )
    assert all(button in page for button in buttons) is allowed
    assert (reverse("action_status", args=[tsb_action.pk]) in page) is allowed
    assert (reverse("action_plan", args=[tsb_action.pk]) in page) is allowed


def test_only_the_allowed_next_statuses_are_offered(login, tsb_staff):
    action = builders.action(owner="TSB", status=ActionStatus.COMPLETED)

    page = detail(login(tsb_staff), action).content.decode()

    assert 'value="in_progress"' in page
    assert 'name="to" value="not_started"' not in page
    assert 'name="to" value="ongoing"' not in page


@pytest.mark.parametrize(("persona", "allowed"), STATUS_RIGHTS)
def test_a_status_change_is_saved_for_the_owning_bureau_and_refused_with_403_for_others(
    request, login, tsb_action, persona, allowed
):
    person = request.getfixturevalue(persona)

    response = change_status(login(person), tsb_action, "in_progress", note="Work began")

    stored = Action.objects.get(pk=tsb_action.pk)
    if allowed:
        assert response.status_code == 302
        assert response["Location"] == reverse("action_detail", args=[tsb_action.pk])
        assert stored.status == ActionStatus.IN_PROGRESS
        change = StatusChange.objects.get()
        assert (change.changed_by, change.note) == (person, "Work began")
    else:
        assert response.status_code == 403
        assert stored.status == ActionStatus.NOT_STARTED
        assert stored.version == 1
        assert not StatusChange.objects.exists()


def test_a_status_change_says_so_and_shows_in_the_history(login, tsb_staff, tsb_action):
    client = login(tsb_staff)

    response = change_status(client, tsb_action, "in_progress")
    page = client.get(response["Location"]).content.decode()

    assert "is now “In progress”." in page
    assert "status changed by tsb_staff" in page


def test_a_status_change_through_htmx_lands_on_the_page_to_swap(login, tsb_staff, tsb_action):
    response = login(tsb_staff).post(
        reverse("action_status", args=[tsb_action.pk]),
        {"to": "in_progress", "version": 1},
        headers={"HX-Request": "true", "HX-Target": "status-panel"},
        follow=True,
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert '<section id="status-panel"' in page
    assert 'name="version" value="2"' in page


def test_the_outcome_of_a_status_change_or_a_plan_is_repeated_in_its_panel(
    login, tsb_staff, tsb_action
):
    # On a phone the page's messages are far above the panels: each repeats its own.
    client = login(tsb_staff)

    status = client.post(
        reverse("action_status", args=[tsb_action.pk]),
        {"to": "in_progress", "version": 1},
        headers={"HX-Request": "true", "HX-Target": "status-panel"},
        follow=True,
    ).content.decode()
    planned = client.get(
        plan(client, tsb_action, version=2, target_date="2026-12-31")["Location"]
    ).content.decode()

    status_panel = status[status.index('<section id="status-panel"') :]
    assert "is now “In progress”." in status_panel[: status_panel.index("</section>")]
    plan_panel = planned[planned.index('<section id="planning"') :]
    plan_panel = plan_panel[: plan_panel.index("</section>")]
    # Only the date changed, and the message says so.
    assert "Saved the target date of" in plan_panel
    assert "is now" not in plan_panel
    assert f'action="/actions/{tsb_action.pk}/plan/#planning"' in plan_panel


def test_completing_an_action_that_no_approved_report_describes_asks_for_one(
    login, tsb_staff, tsb_coordinator, tsb_action
):
    client = login(tsb_staff)
    ask = "No approved progress report says how it was completed"
    change_status(client, tsb_action, "in_progress")
    submitted = builders.report(tsb_action, author=tsb_staff, state=ReportState.SUBMITTED)

    completed = client.get(change_status(client, tsb_action, "completed", version=2)["Location"])

    assert "is now “Completed”." in completed.content.decode()
    assert ask in completed.content.decode()  # submitted, not yet approved
    assert Action.objects.get(pk=tsb_action.pk).status == "completed"

    # With an approved report, nothing more to ask.
    submitted.state = ReportState.APPROVED
    submitted.save()
    change_status(client, tsb_action, "in_progress", version=3)
    again = client.get(change_status(client, tsb_action, "completed", version=4)["Location"])
    assert "is now “Completed”." in again.content.decode()
    assert ask not in again.content.decode()


def test_a_stale_status_change_is_refused_and_shows_who_changed_it(
    login, tsb_staff, tsb_coordinator, tsb_action
):
    loaded_version = tsb_action.version
    action_transition(
        action=Action.objects.get(pk=tsb_action.pk), to="in_progress", by=tsb_coordinator
    )

    response = change_status(login(tsb_staff), tsb_action, "ongoing", version=loaded_version)

    assert response.status_code == 409
    page = response.content.decode()
    assert "Someone changed this action while you were editing" in page
    assert "it is now “In progress” (by tsb_coordinator on " in page
    assert "Your change was not saved" in page
    assert 'name="version" value="2"' in page  # the current version, to try again
    stored = Action.objects.get(pk=tsb_action.pk)
    assert (stored.status, stored.version) == (ActionStatus.IN_PROGRESS, 2)
    assert StatusChange.objects.count() == 1


def test_after_a_stale_status_change_the_plan_form_keeps_the_version_it_was_shown_with(
    login, tsb_staff, tsb_coordinator, bdt_staff, tsb_action
):
    # The status panel's swap carries the plan form's version along only when
    # the change succeeded: after a 409 the plan form still shows the values
    # loaded with the page, and a newer version would let it overwrite
    # someone else's plan without a word.
    client = login(tsb_staff)
    assert 'id="plan-version-sync"' in detail(client, tsb_action).content.decode()
    action_update(
        action=Action.objects.get(pk=tsb_action.pk),
        by=tsb_coordinator,
        expected_version=1,
        changes={"focal_point": bdt_staff},
    )

    response = change_status(client, tsb_action, "in_progress", version=1)

    assert response.status_code == 409
    assert 'id="plan-version-sync"' not in response.content.decode()
    stale_plan = plan(client, tsb_action, version=1, target_date="2027-01-31")
    assert stale_plan.status_code == 409
    assert Action.objects.get(pk=tsb_action.pk).focal_point == bdt_staff


def test_a_status_no_longer_reachable_after_someone_elses_change_is_reported_as_stale(
    login, tsb_staff, tsb_coordinator, tsb_action
):
    current = Action.objects.get(pk=tsb_action.pk)
    action_transition(action=current, to="in_progress", by=tsb_coordinator)
    action_transition(action=current, to="completed", by=tsb_coordinator)

    response = change_status(login(tsb_staff), tsb_action, "ongoing", version=1)

    assert response.status_code == 409
    assert "it is now “Completed”" in response.content.decode()
    assert Action.objects.get(pk=tsb_action.pk).status == ActionStatus.COMPLETED


def test_a_transition_the_rules_forbid_is_refused_with_the_allowed_steps(login, tsb_staff):
    action = builders.action(owner="TSB", status=ActionStatus.COMPLETED)

    response = change_status(login(tsb_staff), action, "not_started")

    assert response.status_code == 409
    assert "Allowed next: In progress" in response.content.decode()
    assert Action.objects.get(pk=action.pk).version == 1


def test_choosing_the_current_status_again_changes_nothing(login, tsb_staff, tsb_action):
    client = login(tsb_staff)

    response = change_status(client, tsb_action, "not_started")

    assert "is already “Not started”" in client.get(response["Location"]).content.decode()
    assert Action.objects.get(pk=tsb_action.pk).version == 1


def test_a_status_form_without_a_version_shows_an_error_and_writes_nothing(
    login, tsb_staff, tsb_action
):
    response = login(tsb_staff).post(
        reverse("action_status", args=[tsb_action.pk]), {"to": "in_progress"}
    )

    assert response.status_code == 400
    assert "This page was altered or is out of date: reload it" in response.content.decode()
    assert not StatusChange.objects.exists()


@pytest.mark.parametrize(("persona", "allowed"), STATUS_RIGHTS)
def test_the_plan_is_saved_for_the_owning_bureau_and_refused_with_403_for_others(
    request, login, tsb_action, tsb_staff, persona, allowed
):
    client = login(request.getfixturevalue(persona))

    response = plan(client, tsb_action, focal_point=tsb_staff.username, target_date="2026-12-31")

    stored = Action.objects.get(pk=tsb_action.pk)
    if allowed:
        assert response.status_code == 302
        assert stored.focal_point == tsb_staff
        assert stored.target_date == datetime.date(2026, 12, 31)
    else:
        assert response.status_code == 403
        assert (stored.focal_point, stored.target_date, stored.version) == (None, None, 1)


def test_the_focal_point_is_chosen_among_staff_of_the_involved_bureaux(
    login, tsb_staff, bdt_staff, br_staff, tsb_action
):
    # A box with suggestions as one types, not a list of every person of the Bureaux.
    page = detail(login(tsb_staff), tsb_action).content.decode()
    assert 'name="focal_point" autocomplete="off" spellcheck="false"' in page
    assert 'list="plan_focal_point_people"' in page
    assert '<datalist id="plan_focal_point_people"></datalist>' in page
    assert "<option" not in page

    response = plan(login(tsb_staff), tsb_action, focal_point=br_staff.username)

    assert response.status_code == 400
    assert (
        "No member of staff of the Bureaux working on this action has this username or "
        "e-mail address." in response.content.decode()
    )
    assert Action.objects.get(pk=tsb_action.pk).focal_point is None

    plan(login(tsb_staff), tsb_action, focal_point=bdt_staff.username)  # BDT contributes
    assert Action.objects.get(pk=tsb_action.pk).focal_point == bdt_staff


def suggestions(client, action, typed):
    return client.get(reverse("action_people", args=[action.pk]), {"focal_point": typed})


def test_the_focal_point_box_suggests_people_of_the_involved_bureaux_as_one_types(
    login, tsb_staff, bdt_staff, br_staff, tsb_action
):
    staff = {"role": Role.BUREAU_STAFF}
    builders.user("akeita", bureau="BDT", first_name="Amina", last_name="Keïta", **staff)
    builders.user("akeita2", bureau="BR", first_name="Amina", last_name="Keïta", **staff)  # no
    builders.user("akone", bureau="TSB", first_name="A", last_name="Koné", is_active=False, **staff)
    builders.user("akane", bureau="TSB", first_name="Amina", last_name="Kane", role=Role.READER)
    client = login(tsb_staff)

    response = suggestions(client, tsb_action, "  AMINA KEÏ ")

    assert response.status_code == 200
    assert response.content.decode().strip() == (
        '<datalist id="plan_focal_point_people">'
        '<option value="akeita">Amina Keïta · BDT</option></datalist>'
    )
    # Nothing typed yet (the box has the focus): the first people by name.
    everyone = suggestions(client, tsb_action, "").content.decode()
    assert everyone.count("<option") == 3
    assert 'value="akeita"' in everyone
    assert 'value="bdt_staff"' in everyone
    assert 'value="br_staff"' not in everyone
    assert 'value="akone"' not in everyone
    assert 'value="akane"' not in everyone  # a reader writes no reports
    # Names only: a few letters at a time would spell out an e-mail address.
    akeita = User.objects.get(username="akeita")
    akeita.email = "amina.keita@itu.int"
    akeita.save()
    assert "<option" not in suggestions(client, tsb_action, "itu.int").content.decode()
    # Unreadable input finds nobody rather than failing.
    assert "<option" not in suggestions(client, tsb_action, "\x00" + "x" * 500).content.decode()


def test_the_focal_point_box_suggests_at_most_twenty_people_in_constant_queries(
    login, tsb_staff, tsb_action, django_assert_num_queries
):
    for n in range(25):
        builders.user(f"tsb{n:02}", bureau="TSB", last_name=f"Staff {n:02}", role=Role.BUREAU_STAFF)
    client = login(tsb_staff)
    client.get(reverse("action_people", args=[tsb_action.pk]))  # the session, once

    with django_assert_num_queries(6):
        page = suggestions(client, tsb_action, "staff").content.decode()

    # By name: tsb_staff has none and comes first, then Staff 00 to Staff 18.
    assert page.count("<option") == 20
    positions = [page.index(f'value="{name}"') for name in ("tsb_staff", "tsb00", "tsb18")]
    assert positions == sorted(positions)
    assert 'value="tsb19"' not in page


@pytest.mark.parametrize(("persona", "allowed"), STATUS_RIGHTS)
def test_only_those_who_plan_the_action_get_suggestions(
    request, login, tsb_action, persona, allowed
):
    response = suggestions(login(request.getfixturevalue(persona)), tsb_action, "staff")

    assert response.status_code == (200 if allowed else 403)


def test_the_focal_point_may_be_typed_as_an_e_mail_address_or_in_another_case(
    login, tsb_staff, bdt_staff, tsb_action
):
    bdt_staff.email = "B.Staff@itu.int"
    bdt_staff.save()
    twin = builders.user("Twin", bureau="TSB", role=Role.BUREAU_STAFF)
    builders.user("twin", bureau="TSB", role=Role.BUREAU_STAFF)

    assert plan(login(tsb_staff), tsb_action, focal_point=" b.staff@ITU.int ").status_code == 302
    assert Action.objects.get(pk=tsb_action.pk).focal_point == bdt_staff

    # A username exactly as typed wins; in another case, two people could be meant.
    version = Action.objects.get(pk=tsb_action.pk).version
    assert plan(login(tsb_staff), tsb_action, version, focal_point="Twin").status_code == 302
    assert Action.objects.get(pk=tsb_action.pk).focal_point == twin
    version = Action.objects.get(pk=tsb_action.pk).version
    response = plan(login(tsb_staff), tsb_action, version, focal_point="TWIN")
    assert response.status_code == 400
    assert Action.objects.get(pk=tsb_action.pk).focal_point == twin


def test_an_invalid_target_date_shows_an_error_and_writes_nothing(login, tsb_staff, tsb_action):
    response = plan(login(tsb_staff), tsb_action, target_date="31/12/2026x")

    assert response.status_code == 400
    assert "Enter a valid date." in response.content.decode()
    assert Action.objects.get(pk=tsb_action.pk).version == 1


def test_a_stale_plan_is_refused_and_the_current_values_are_shown(
    login, tsb_staff, tsb_coordinator, tsb_action
):
    action_update(
        action=Action.objects.get(pk=tsb_action.pk),
        by=tsb_coordinator,
        expected_version=1,
        changes={"target_date": datetime.date(2027, 1, 15)},
    )

    response = plan(
        login(tsb_staff),
        tsb_action,
        version=1,
        focal_point=tsb_staff.username,
        target_date="2026-12-31",
    )

    assert response.status_code == 409
    page = response.content.decode()
    assert "Someone changed this action while you were editing (last changed on " in page
    # What changed, in words, and not a word about the status, which did not change.
    assert "Now the focal point is nobody and the target date is 15 January 2027." in page
    assert "status" not in str(list(response.context["messages"])[0])
    # What the user chose stays in the form, with the current version, to save again.
    assert 'value="2026-12-31"' in page
    assert 'name="focal_point" value="tsb_staff"' in page
    assert 'name="version" value="2"' in page
    assert Action.objects.get(pk=tsb_action.pk).target_date == datetime.date(2027, 1, 15)

    again = plan(
        login(tsb_staff),
        tsb_action,
        version=2,
        focal_point=tsb_staff.username,
        target_date="2026-12-31",
    )

    assert again.status_code == 302
    stored = Action.objects.get(pk=tsb_action.pk)
    assert (stored.focal_point, stored.target_date) == (tsb_staff, datetime.date(2026, 12, 31))


def test_a_stale_plan_names_who_changed_the_action_when_the_history_knows(
    login, tsb_staff, tsb_coordinator, tsb_action
):
    action_transition(
        action=Action.objects.get(pk=tsb_action.pk), to="in_progress", by=tsb_coordinator
    )

    response = plan(login(tsb_staff), tsb_action, version=1, target_date="2026-12-31")

    assert response.status_code == 409
    assert "while you were editing (tsb_coordinator on " in response.content.decode()
    assert 'value="2026-12-31"' in response.content.decode()


def test_keeping_a_focal_point_who_left_the_bureau_does_not_block_a_new_target_date(
    login, tsb_staff, tsb_action
):
    gone = builders.user("gone", bureau="TSB", is_active=False)
    Action.objects.filter(pk=tsb_action.pk).update(focal_point=gone)

    response = plan(
        login(tsb_staff), tsb_action, focal_point=gone.username, target_date="2026-12-31"
    )

    assert response.status_code == 302
    stored = Action.objects.get(pk=tsb_action.pk)
    assert (stored.focal_point, stored.target_date) == (gone, datetime.date(2026, 12, 31))


def test_an_unknown_action_is_not_found(login, reader):
    assert login(reader).get(reverse("action_detail", args=[999])).status_code == 404


def test_a_collaborator_is_told_who_changes_the_status_and_that_they_report(
    login, bdt_staff, tsb_action
):
    page = detail(login(bdt_staff), tsb_action).content.decode()

    assert "Only TSB staff can change this status." in page
    assert "BDT contributes progress reports." in page
    assert '<p><a href="#new-report">Add a progress report</a></p>' in page
    assert "Staff of the Bureau responsible for" not in page


def test_a_reader_is_told_who_changes_the_status_and_nothing_about_reporting(
    login, reader, tsb_action
):
    page = detail(login(reader), tsb_action).content.decode()

    assert "Only TSB staff can change this status." in page
    assert "contributes progress reports" not in page


def test_the_status_of_a_study_groups_action_is_changed_by_its_supporting_bureau(login, bdt_staff):
    action = builders.action(owner="T-SG17", collaborators=("BDT",))

    page = detail(login(bdt_staff), action).content.decode()

    assert "Only TSB staff can change this status." in page


def test_an_action_without_an_owner_waits_for_an_administrator(login, reader, tsb_action):
    Action.objects.filter(pk=tsb_action.pk).update(owner=None)

    page = detail(login(reader), tsb_action).content.decode()

    assert "An administrator assigns an owner first" in page


def test_an_action_is_named_with_the_item_it_comes_from(login, reader):
    action = builders.action(owner="TSB")
    action.clause.verb = "further_instructs"
    action.clause.label = ""
    action.clause.save()

    page = detail(login(reader), action).content.decode()

    number = action.resolution.number
    assert f"<h1>Res. {number} · action 1 (further instructs)</h1>" in page


def test_a_stale_status_change_keeps_the_note_the_user_wrote(
    login, tsb_staff, tsb_coordinator, tsb_action
):
    action_transition(
        action=Action.objects.get(pk=tsb_action.pk), to="in_progress", by=tsb_coordinator
    )

    response = change_status(
        login(tsb_staff), tsb_action, "ongoing", version=1, note="Mandate renewed by TSAG."
    )

    assert response.status_code == 409
    page = response.content.decode()
    assert "Your note is kept in the form: choose the new status again." in page
    assert (
        '<textarea id="status-note" name="note" rows="2" maxlength="2000" '
        'aria-describedby="status-note-help">Mandate renewed by TSAG.</textarea>'
    ) in page
    assert StatusChange.objects.count() == 1


def test_a_refused_status_change_keeps_the_note(login, tsb_staff):
    action = builders.action(owner="TSB", status=ActionStatus.COMPLETED)

    response = change_status(login(tsb_staff), action, "not_started", note="Undo.")

    assert response.status_code == 409
    assert 'aria-describedby="status-note-help">Undo.</textarea>' in response.content.decode()


@pytest.mark.parametrize("url_name", ["action_status", "action_plan", "report_create"])
def test_opening_a_form_address_of_an_action_leads_to_the_actions_page(
    login, tsb_staff, tsb_action, url_name
):
    client = login(tsb_staff)

    response = client.get(reverse(url_name, args=[tsb_action.pk]))

    assert response.status_code == 303
    assert response["Location"] == reverse("action_detail", args=[tsb_action.pk])
    assert client.head(reverse(url_name, args=[tsb_action.pk])).status_code == 303
    assert client.put(reverse(url_name, args=[tsb_action.pk])).status_code == 405
    assert Action.objects.get(pk=tsb_action.pk).version == 1


def test_opening_the_state_address_of_a_report_leads_to_its_action(login, tsb_staff, tsb_action):
    report = builders.report(tsb_action, author=tsb_staff, state="submitted")

    response = login(tsb_staff).get(reverse("report_transition", args=[report.pk]))

    assert response.status_code == 303
    assert response["Location"] == reverse("action_detail", args=[tsb_action.pk])


def test_the_state_address_of_a_draft_hidden_from_the_user_is_not_found(
    login, tsb_staff, bdt_staff, tsb_action
):
    draft = builders.report(tsb_action, author=bdt_staff)

    assert login(tsb_staff).get(reverse("report_transition", args=[draft.pk])).status_code == 404


def test_a_report_whose_period_ends_at_the_end_of_time_does_not_break_the_page(
    login, tsb_staff, tsb_action
):
    builders.report(tsb_action, author=tsb_staff, period_end=datetime.date.max)

    response = detail(login(tsb_staff), tsb_action)

    assert response.status_code == 200
    initial = response.context["report_form"].initial
    assert initial["period_end"] == timezone.localdate()


def _council_sessions() -> tuple:
    """A Council session held some months ago and the next one, around today."""
    today = timezone.localdate()
    last = builders.meeting(today - datetime.timedelta(days=200), name="Last Council")
    upcoming = builders.meeting(today + datetime.timedelta(days=90), name="Next Council")
    return last, upcoming


def test_a_new_report_covers_the_open_reporting_period_even_after_an_earlier_report(
    login, tsb_staff, tsb_action
):
    last, upcoming = _council_sessions()
    builders.report(tsb_action, author=tsb_staff, period_end=timezone.localdate())

    initial = detail(login(tsb_staff), tsb_action).context["report_form"].initial

    assert (initial["period_start"], initial["period_end"]) == (
        last.document_deadline + datetime.timedelta(days=1),
        upcoming.document_deadline,
    )


def test_without_a_next_session_a_new_report_runs_from_the_last_deadline_to_today(
    login, tsb_staff, tsb_action
):
    today = timezone.localdate()
    last = builders.meeting(today - datetime.timedelta(days=200))

    initial = detail(login(tsb_staff), tsb_action).context["report_form"].initial

    assert (initial["period_start"], initial["period_end"]) == (
        last.document_deadline + datetime.timedelta(days=1),
        today,
    )


def test_an_action_reporting_to_council_says_when_no_session_is_recorded(
    login, tsb_staff, tsb_action
):
    ReportingObligation.objects.create(action=tsb_action, recipient=ReportingRecipient.COUNCIL)

    page = detail(login(tsb_staff), tsb_action).content.decode()

    assert "No upcoming Council session is recorded" in page


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("tsb_staff", [ActionStatus.IN_PROGRESS, ActionStatus.ONGOING]),
        ("tsb_coordinator", [ActionStatus.IN_PROGRESS, ActionStatus.ONGOING]),
        ("administrator", [ActionStatus.IN_PROGRESS, ActionStatus.ONGOING]),
        ("bdt_staff", []),
        ("bdt_coordinator", []),
        ("br_staff", []),
        ("reader", []),
        ("outsider", []),
    ],
)
def test_allowed_next_statuses_follow_the_transitions_and_the_right_to_change(
    request, tsb_action, persona, expected
):
    user = request.getfixturevalue(persona)

    assert allowed_next_statuses(user, tsb_action) == expected


def test_allowed_next_statuses_of_a_completed_action_only_reopen_it(tsb_staff):
    action = builders.action(owner="TSB", status=ActionStatus.COMPLETED)

    assert allowed_next_statuses(tsb_staff, action) == [ActionStatus.IN_PROGRESS]


def test_a_long_history_is_shown_twenty_entries_at_a_time_newest_first(
    login, reader, tsb_staff, tsb_action
):
    start = timezone.now() - datetime.timedelta(days=100)
    for day in range(45):
        report = builders.report(
            tsb_action, author=tsb_staff, state="approved", text=f"Report of day {day}."
        )
        # created_at is set on insert; age the reports so their order is known.
        type(report).objects.filter(pk=report.pk).update(
            created_at=start + datetime.timedelta(days=day)
        )
    client = login(reader)

    first = detail(client, tsb_action)

    entries = first.context["timeline"]
    assert [entry.item.text for entry in entries] == [
        f"Report of day {d}." for d in range(44, 24, -1)
    ]
    older = first.context["timeline_older"]
    assert older == entries[-1].at

    second = client.get(
        reverse("action_detail", args=[tsb_action.pk]), {"before": older.isoformat()}
    )
    texts = [entry.item.text for entry in second.context["timeline"]]
    assert texts == [f"Report of day {d}." for d in range(24, 4, -1)]
    assert "Newest entries" in second.content.decode()

    last = client.get(
        reverse("action_detail", args=[tsb_action.pk]),
        {"before": second.context["timeline_older"].isoformat()},
    )
    assert [entry.item.text for entry in last.context["timeline"]] == [
        f"Report of day {d}." for d in range(4, -1, -1)
    ]
    assert last.context["timeline_older"] is None
    assert "Older entries" not in last.content.decode()


@pytest.mark.parametrize(
    "before",
    [
        "yesterday-ish",
        "2025-13-45T00:00",
        "2025-02-30T10:00",
        "2025-01-01T25:00",
        "0001-01-01T00:00",
        "9999-12-31T23:59",
    ],
)
def test_an_unreadable_history_position_shows_the_newest_entries(
    login, reader, tsb_staff, tsb_action, before
):
    builders.report(tsb_action, author=tsb_staff, state="approved", text="The only one.")

    response = login(reader).get(reverse("action_detail", args=[tsb_action.pk]), {"before": before})

    assert response.status_code == 200
    assert [entry.item.text for entry in response.context["timeline"]] == ["The only one."]
    assert response.context["timeline_is_first_page"] is True


def test_an_action_shows_the_duty_written_for_its_whole_resolution(login, tsb_staff, tsb_action):
    from actions.models import ResolutionReportingDuty

    ResolutionReportingDuty.objects.create(
        resolution=tsb_action.resolution,
        recipient=ReportingRecipient.COUNCIL_ANNUAL,
        clause=tsb_action.clause,
    )

    page = detail(login(tsb_staff), tsb_action).content.decode()

    assert "Report to ITU Council, annually" in page
    assert f"for the whole resolution, as its item {tsb_action.clause.label} says" in page
    assert "The text asks for no report." not in page
