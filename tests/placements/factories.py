import datetime

import factory
from django.utils import timezone

from environments.models import Domain
from placements.models import (
    ActivityEntry,
    ActivityKind,
    Placement,
    PlacementStatus,
    Setting,
    SupervisionAssignment,
    SupervisionRole,
)
from tests.accounts.factories import UserFactory
from tests.environments.factories import (
    LearningEnvironmentFactory,
    OrganisationFactory,
    ProgrammeFactory,
)


def _days_from_today(days: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=days)


class PlacementFactory(factory.django.DjangoModelFactory):
    """An active placement around today, hosted by a school."""

    class Meta:
        model = Placement

    student = factory.SubFactory(UserFactory)
    programme = factory.SubFactory(ProgrammeFactory)
    environment = factory.SubFactory(LearningEnvironmentFactory)
    school = factory.SubFactory(OrganisationFactory)
    start_date = factory.LazyFunction(lambda: _days_from_today(-60))
    end_date = factory.LazyFunction(lambda: _days_from_today(60))
    hours_per_week = 16
    status = PlacementStatus.ACTIVE


class ActivityEntryFactory(factory.django.DjangoModelFactory):
    """A draft entry of today."""

    class Meta:
        model = ActivityEntry

    placement = factory.SubFactory(PlacementFactory)
    date = factory.LazyFunction(timezone.localdate)
    minutes = 60
    setting = Setting.SCHOOL
    kind = ActivityKind.CLASSROOM
    description = factory.Sequence(lambda n: f"Activiteit {n}")


class SupervisionAssignmentFactory(factory.django.DjangoModelFactory):
    """A practice supervisor with an account who signs off the placement's hours."""

    class Meta:
        model = SupervisionAssignment

    placement = factory.SubFactory(PlacementFactory)
    supervisor = factory.SubFactory(UserFactory)
    role = SupervisionRole.PRACTICE
    domain = Domain.SOCIAL
    signs_off = True


def entry_post_data(**overrides: object) -> dict[str, object]:
    """The quick-log form as a student fills it in: today, one hour at school."""
    data: dict[str, object] = {
        "date": timezone.localdate().isoformat(),
        "minutes": "60",
        "setting": Setting.SCHOOL,
        "kind": ActivityKind.CLASSROOM,
        "disciplines": ["teacher"],
        "description": "Rekenles in groep 5 ondersteund.",
    }
    data.update(overrides)
    return data


def log_activity(placement: Placement, **fields: object) -> ActivityEntry:
    """An entry logged through the service, as the quick-log form does."""
    from placements.services import activity_create

    values: dict[str, object] = {
        "date": timezone.localdate(),
        "minutes": 60,
        "setting": Setting.SCHOOL,
        "kind": ActivityKind.CLASSROOM,
        "disciplines": [],
        "description": "Kringgesprek begeleid.",
    }
    values.update(fields)
    return activity_create(placement=placement, **values)
