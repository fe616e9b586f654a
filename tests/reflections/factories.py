import factory
from django.utils import timezone

from reflections.models import LearningOutcome, Reflection, TArm, Visibility
from tests.accounts.factories import UserFactory
from tests.environments.factories import LearningEnvironmentFactory


class ReflectionFactory(factory.django.DjangoModelFactory):
    """A published reflection shared with the author's supervisors."""

    class Meta:
        model = Reflection

    author = factory.SubFactory(UserFactory)
    environment = factory.SubFactory(LearningEnvironmentFactory)
    text = factory.Sequence(
        lambda n: f"Ik leerde van de buurtwerker over ouderbetrokkenheid ({n})."
    )
    shows_identification = True
    t_arm = TArm.CONNECTING
    visibility = Visibility.SUPERVISORS
    published_at = factory.LazyFunction(timezone.now)


class LearningOutcomeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LearningOutcome

    environment = factory.SubFactory(LearningEnvironmentFactory)
    title = factory.Sequence(lambda n: f"Samenwerken over grenzen {n}")
    description = "Je werkt samen met andere disciplines rond een leerling."
    criteria = "Je beschrijft een samenwerking en wat die opleverde."
