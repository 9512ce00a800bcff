import datetime

import pytest
from django.db import IntegrityError, transaction
from django.test import override_settings

from actions.choices import ActionStatus
from actions.models import Action, GoverningBodyMeeting, ProgressReport
from resolutions.models import Assembly, Clause
from tests import builders


def refuses(create) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        create()


@pytest.mark.django_db
def test_two_actions_cannot_share_a_number_within_a_resolution():
    first = builders.action()
    refuses(
        lambda: Action.objects.create(
            resolution=first.resolution,
            clause=builders.clause(first.resolution, key="other"),
            number=first.number,
            strength="instructs",
        )
    )


@pytest.mark.django_db
def test_action_status_outside_the_choices_is_refused_by_the_database():
    action = builders.action()
    refuses(lambda: Action.objects.filter(pk=action.pk).update(status="done"))


@pytest.mark.django_db
def test_clause_keys_are_unique_within_a_resolution():
    clause = builders.clause(key="instructs.1/1")
    refuses(lambda: builders.clause(clause.resolution, key="instructs.1/1"))


@pytest.mark.django_db
def test_assembly_cannot_end_before_it_starts():
    refuses(
        lambda: Assembly.objects.create(
            code="WTSA-99",
            name="x",
            place="y",
            start_date=datetime.date(2024, 10, 24),
            end_date=datetime.date(2024, 10, 15),
        )
    )


def test_report_period_cannot_end_before_it_starts(tsb_action, tsb_staff):
    refuses(
        lambda: builders.report(
            tsb_action,
            author=tsb_staff,
            period_start=datetime.date(2025, 1, 1),
            period_end=datetime.date(2024, 1, 1),
        )
    )
    assert not ProgressReport.objects.exists()


@pytest.mark.django_db
def test_meeting_deadline_override_cannot_fall_after_the_opening():
    refuses(
        lambda: builders.meeting(
            datetime.date(2026, 6, 16), document_deadline_override=datetime.date(2026, 6, 20)
        )
    )


@pytest.mark.django_db
def test_council_document_deadline_is_four_weeks_before_the_opening_by_default():
    session = builders.meeting(datetime.date(2025, 6, 17))

    assert session.document_deadline == datetime.date(2025, 5, 20)


@pytest.mark.django_db
@override_settings(COUNCIL_DOCUMENT_DEADLINE_DAYS=14)
def test_document_deadline_offset_comes_from_settings():
    assert builders.meeting(datetime.date(2025, 6, 17)).document_deadline == datetime.date(
        2025, 6, 3
    )


@pytest.mark.django_db
def test_a_session_may_override_its_document_deadline():
    session = builders.meeting(
        datetime.date(2025, 6, 17), document_deadline_override=datetime.date(2025, 5, 2)
    )

    assert GoverningBodyMeeting.objects.get(pk=session.pk).document_deadline == datetime.date(
        2025, 5, 2
    )


@pytest.mark.django_db
def test_overdue_actions_are_open_ones_past_their_target_date():
    today = datetime.date(2025, 6, 1)
    late = builders.action(target_date=datetime.date(2025, 5, 1))
    builders.action(target_date=datetime.date(2025, 5, 1), status=ActionStatus.COMPLETED)
    builders.action(target_date=datetime.date(2025, 7, 1))
    builders.action()

    assert list(Action.objects.overdue(today)) == [late]
    assert late.is_overdue(today)


@pytest.mark.django_db
def test_bureau_involvement_covers_owned_supported_and_collaborated_actions():
    owned = builders.action(owner="BDT")
    supported = builders.action(owner="D-SG2", collaborators=())
    supported.owner.supporting_bureau = builders.body("BDT")
    supported.owner.save()
    collaborated = builders.action(owner="TSB", collaborators=("BDT",))
    builders.action(owner="TSB", collaborators=("BR",))
    bdt = builders.body("BDT")

    assert set(Action.objects.owned_by_bureau(bdt.pk)) == {owned, supported}
    assert set(Action.objects.involving_bureau(bdt.pk)) == {owned, supported, collaborated}


@pytest.mark.django_db
def test_clause_is_kept_when_withdrawn():
    clause = builders.clause()
    Clause.objects.filter(pk=clause.pk).update(is_withdrawn=True)

    assert not Clause.objects.current().filter(pk=clause.pk).exists()
    assert Clause.objects.filter(pk=clause.pk).exists()
