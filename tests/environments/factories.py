import factory

from environments.models import (
    Domain,
    LearningEnvironment,
    Level,
    Organisation,
    OrganisationKind,
    OrganisationSubtype,
    Programme,
    Region,
)


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ["name"]

    name = "Utrecht"


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    region = factory.SubFactory(RegionFactory)
    name = factory.Sequence(lambda n: f"Basisschool {n}")
    kind = OrganisationKind.SCHOOL
    subtype = OrganisationSubtype.PRIMARY


class NeighbourhoodOrganisationFactory(OrganisationFactory):
    name = factory.Sequence(lambda n: f"Buurtteam {n}")
    kind = OrganisationKind.NEIGHBOURHOOD
    subtype = OrganisationSubtype.SOCIAL_WORK


class InstituteFactory(OrganisationFactory):
    name = factory.Sequence(lambda n: f"Hogeschool {n}")
    kind = OrganisationKind.INSTITUTE
    subtype = OrganisationSubtype.HBO


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme

    institute = factory.SubFactory(InstituteFactory)
    name = factory.Sequence(lambda n: f"Social work {n}")
    level = Level.HBO
    domain = Domain.SOCIAL


class LearningEnvironmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LearningEnvironment

    region = factory.SubFactory(RegionFactory)
    name = factory.Sequence(lambda n: f"Leeromgeving {n}")
    neighbourhood = "Leidsche Rijn"
    school_year = "2026-2027"
