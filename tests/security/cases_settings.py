"""The coordinator's environment settings in the authorisation matrix (#14, part 1):
only the environment's own coordinators open or change them; other members 403,
outsiders and the other environment's coordinator 404."""

from typing import Any

from tests.security.matrix import LOGIN, Case, env_pk, statuses

MANAGE = statuses(student=403, supervisor=403, bystander=403, outsider=404, other_coordinator=404)


def writes(coordinator: int) -> dict[str, int]:
    return {**MANAGE, "anonymous": LOGIN, "coordinator": coordinator}


def spare_school(cast: Any) -> Any:
    """An organisation of the region that is not yet a partner."""
    from tests.environments.factories import OrganisationFactory

    return OrganisationFactory(name="Obs De Vuurvogel")


def spare_partner(cast: Any) -> Any:
    """A partner nobody and nothing of the environment belongs to."""
    organisation = spare_school(cast)
    cast.environment.organisations.add(organisation)
    return organisation


def spare_programme(cast: Any) -> Any:
    """A programme of a region's institute that does not take part yet."""
    from tests.environments.factories import ProgrammeFactory

    return ProgrammeFactory(institute=cast.institute, name="Vaktherapie")


def programme_taking_part(cast: Any) -> Any:
    from environments.models import ProgrammeTarget

    programme = spare_programme(cast)
    ProgrammeTarget.objects.create(environment=cast.environment, programme=programme, students=2)
    return programme


def profile(cast: Any) -> dict[str, Any]:
    return {
        "name": "Leidsche Rijn Centrum",
        "neighbourhood": "Leidsche Rijn",
        "school_year": cast.environment.school_year,
        "holiday_region": "midden",
        "vision": "Samen leren in de wijk.",
        "expectations": "",
    }


CASES = [
    Case("accounts:environment_settings", MANAGE, args=env_pk),
    Case("accounts:environment_settings", writes(302), method="post", args=env_pk, data=profile),
    Case("accounts:environment_partners", MANAGE, args=env_pk),
    Case(
        "accounts:partner_add",
        writes(302),
        method="post",
        setup=spare_school,
        args=env_pk,
        data=lambda cast: {"organisation": cast.setup_result.pk},
    ),
    Case(
        "accounts:partner_create",
        writes(302),
        method="post",
        args=env_pk,
        data=lambda cast: {
            "name": "Sportclub Parkwijk",
            "kind": "neighbourhood",
            "subtype": "sport",
            "contact_name": "Sam Sport",
            "contact_email": "sam@example.org",
        },
    ),
    Case(
        "accounts:partner_remove",
        writes(302),
        method="post",
        setup=spare_partner,
        args=lambda cast: [cast.environment.pk, cast.setup_result.pk],
    ),
    Case("accounts:environment_programmes", MANAGE, args=env_pk),
    Case(
        "accounts:environment_programmes",
        writes(302),
        method="post",
        setup=programme_taking_part,
        args=env_pk,
        data=lambda cast: {
            f"programme_{cast.setup_result.pk}": "4",
            "domain_social": "6",
        },
    ),
    Case(
        "accounts:programme_add",
        writes(302),
        method="post",
        setup=spare_programme,
        args=env_pk,
        data=lambda cast: {"programme": cast.setup_result.pk},
    ),
    Case(
        "accounts:programme_remove",
        writes(302),
        method="post",
        setup=programme_taking_part,
        args=lambda cast: [cast.environment.pk, cast.setup_result.pk],
    ),
]

ALLOWED_WRITES = {
    ("accounts:environment_settings", "coordinator"),
    ("accounts:partner_add", "coordinator"),
    ("accounts:partner_create", "coordinator"),
    ("accounts:partner_remove", "coordinator"),
    ("accounts:environment_programmes", "coordinator"),
    ("accounts:programme_add", "coordinator"),
    ("accounts:programme_remove", "coordinator"),
}
