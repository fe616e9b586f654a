import factory
from allauth.account.models import EmailAddress

from accounts.models import Membership, Role, User
from tests.environments.factories import LearningEnvironmentFactory

PASSWORD = "correct-horse-battery-42"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Sequence(lambda n: f"Persoon {n}")
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def verified_email(self, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            EmailAddress.objects.create(user=self, email=self.email, primary=True, verified=True)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    environment = factory.SubFactory(LearningEnvironmentFactory)
    role = Role.PRACTICE_SUPERVISOR
