import datetime

import factory
from django.utils import timezone

from environments.models import Domain
from supervision.models import MeetingNote, TimeKind, TimeLog
from tests.accounts.factories import UserFactory
from tests.environments.factories import LearningEnvironmentFactory, OrganisationFactory
from tests.placements.factories import PlacementFactory


class MeetingNoteFactory(factory.django.DjangoModelFactory):
    """Notes of a meeting a week ago."""

    class Meta:
        model = MeetingNote

    placement = factory.SubFactory(PlacementFactory)
    author = factory.SubFactory(UserFactory)
    date = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=7))
    notes = factory.Sequence(lambda n: f"Gesprek {n} over de leerdoelen.")


class TimeLogFactory(factory.django.DjangoModelFactory):
    """An hour of supervision today."""

    class Meta:
        model = TimeLog

    person = factory.SubFactory(UserFactory)
    environment = factory.SubFactory(LearningEnvironmentFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    domain = Domain.EDUCATIONAL
    date = factory.LazyFunction(timezone.localdate)
    minutes = 60
    kind = TimeKind.SUPERVISION
