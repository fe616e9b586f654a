"""The coordinator's settings of their own environment (#14, part 1): profile, partner
organisations, programmes taking part and the target mix."""

from typing import Any

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import AuditEvent, Role
from accounts.navigation import navigation_key
from accounts.services import invitation_create
from environments.models import (
    Domain,
    DomainTarget,
    LearningEnvironment,
    Organisation,
    OrganisationKind,
    Partnership,
    ProgrammeTarget,
)
from tests.accounts.factories import MembershipFactory, UserFactory
from tests.environments.factories import (
    InstituteFactory,
    LearningEnvironmentFactory,
    OrganisationFactory,
    ProgrammeFactory,
)
from tests.security.matrix import db_snapshot

PAGES = ["accounts:environment_settings", "accounts:environment_partners",
         "accounts:environment_programmes"]  # fmt: skip


def url(name: str, cast: Any, *args: Any) -> str:
    return reverse(name, args=[cast.environment.pk, *args])


def profile_data(environment: LearningEnvironment, **overrides: Any) -> dict[str, Any]:
    data = {
        "name": environment.name,
        "neighbourhood": environment.neighbourhood,
        "school_year": environment.school_year,
        "holiday_region": environment.holiday_region,
        "vision": environment.vision,
        "expectations": environment.expectations,
    }
    data.update(overrides)
    return data


def events(cast: Any, model: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(model=model).order_by("pk"))


# --- who may -------------------------------------------------------------------------


@pytest.mark.parametrize("name", PAGES)
def test_only_the_environments_coordinator_opens_the_settings(
    cast: Any, client: Client, name: str
) -> None:
    for user, status in (
        (cast.coordinator, 200),
        (cast.student, 403),
        (cast.supervisor, 403),
        (cast.colleague, 403),
        (cast.other_coordinator, 404),
        (cast.outsider, 404),
    ):
        client.force_login(user)
        assert client.get(url(name, cast)).status_code == status, user


def test_another_coordinator_changes_nothing_here(cast: Any, client: Client) -> None:
    other_school = OrganisationFactory(name="De Vleuter")
    client.force_login(cast.other_coordinator)
    before = db_snapshot()

    for name, data in (
        ("accounts:environment_settings", profile_data(cast.environment, name="Gekaapt")),
        ("accounts:partner_add", {"organisation": other_school.pk}),
        ("accounts:environment_programmes", {"domain_social": "3"}),
    ):
        assert client.post(url(name, cast), data).status_code == 404
    assert client.post(url("accounts:partner_remove", cast, cast.school.pk)).status_code == 404
    assert db_snapshot() == before


def test_the_environment_page_links_the_settings_for_coordinators_only(
    cast: Any, client: Client
) -> None:
    settings_url = url("accounts:environment_settings", cast)
    client.force_login(cast.coordinator)
    assert settings_url in client.get(url("accounts:environment", cast)).content.decode()
    client.force_login(cast.student)
    assert settings_url not in client.get(url("accounts:environment", cast)).content.decode()


# --- the profile ---------------------------------------------------------------------


def test_the_profile_is_saved_without_javascript_and_audited(
    cast: Any, login: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client = login(cast.coordinator)
    cache.set(navigation_key(cast.student.pk), "stale")

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url("accounts:environment_settings", cast),
            profile_data(
                cast.environment,
                name="Leidsche Rijn Centrum",
                neighbourhood="Leidsche Rijn",
                holiday_region="noord",
                vision="Samen leren in de wijk.\n\nMet de scholen.",
                expectations="Je loopt stage op twee plekken.",
            ),
        )

    assert response.status_code == 302
    assert response["Location"] == url("accounts:environment_settings", cast)
    environment = LearningEnvironment.objects.get(pk=cast.environment.pk)
    assert environment.name == "Leidsche Rijn Centrum"
    assert environment.holiday_region == "noord"
    assert environment.vision == "Samen leren in de wijk.\n\nMet de scholen."
    [event] = events(cast, "environments.LearningEnvironment")
    assert event.environment_id == environment.pk
    assert event.actor_id == cast.coordinator.pk
    # Free text is recorded as changed, never with its words.
    assert event.changes["vision"] is None
    assert event.changes["name"] is None
    assert event.changes["holiday_region"] == ["midden", "noord"]
    # The new name is in every member's navigation.
    assert cache.get(navigation_key(cast.student.pk)) is None


def test_the_vision_shows_safely_on_the_environment_page_and_to_invitees(
    cast: Any, client: Client, login: Any
) -> None:
    login(cast.coordinator).post(
        url("accounts:environment_settings", cast),
        profile_data(
            cast.environment,
            vision='Samen <script>alert("x")</script>\nleren',
            expectations="Je werkt met pabo en social work.",
        ),
    )
    invitation = invitation_create(
        environment=cast.environment,
        invited_by=cast.coordinator,
        email="nieuw@example.org",
        role=Role.STUDENT,
        programme=cast.social_work,
    )

    page = login(cast.student).get(url("accounts:environment", cast)).content.decode()
    client.logout()
    invite = client.get(reverse("accounts:invitation_accept", args=[invitation.token]))

    for html in (page, invite.content.decode()):
        assert "Samen &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;<br>leren" in html
        assert "<script>alert" not in html
        assert "Je werkt met pabo en social work." in html


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        pytest.param({"name": ""}, "name", id="empty-name"),
        pytest.param({"name": "Vleuten/De Meern"}, "name", id="name-taken-this-year"),
        pytest.param({"school_year": "2026"}, "school_year", id="bad-year"),
        pytest.param({"vision": "x" * 1501}, "vision", id="vision-too-long"),
        pytest.param({"expectations": "a\x00b"}, "expectations", id="nul-byte"),
        pytest.param({"holiday_region": "oost"}, "holiday_region", id="unknown-region"),
    ],
)
def test_a_bad_profile_is_refused_at_the_field(
    cast: Any, login: Any, overrides: dict[str, Any], field: str
) -> None:
    cast.other_environment.school_year = cast.environment.school_year
    cast.other_environment.save()
    client = login(cast.coordinator)
    before = db_snapshot()

    response = client.post(
        url("accounts:environment_settings", cast), profile_data(cast.environment, **overrides)
    )

    assert response.status_code == 422
    assert field in response.context["form"].errors
    assert db_snapshot() == before


def test_the_region_and_other_fields_cannot_be_assigned(cast: Any, login: Any) -> None:
    other_region = LearningEnvironmentFactory(region__name="Amersfoort").region
    login(cast.coordinator).post(
        url("accounts:environment_settings", cast),
        profile_data(cast.environment, region=other_region.pk, organisations=[]),
    )
    environment = LearningEnvironment.objects.get(pk=cast.environment.pk)
    assert environment.region_id == cast.environment.region_id
    assert environment.organisations.count() == 3


# --- partner organisations -----------------------------------------------------------


def test_adding_an_organisation_of_the_region(cast: Any, login: Any) -> None:
    school = OrganisationFactory(name="Obs De Vuurvogel")
    elsewhere = OrganisationFactory(name="School in Amersfoort", region__name="Amersfoort")
    client = login(cast.coordinator)

    page = client.get(url("accounts:environment_partners", cast)).content.decode()
    assert "Obs De Vuurvogel" in page
    assert "School in Amersfoort" not in page

    response = client.post(url("accounts:partner_add", cast), {"organisation": school.pk})
    assert response.status_code == 302
    assert cast.environment.organisations.filter(pk=school.pk).exists()
    [event] = events(cast, "environments.Partnership")
    assert event.action == "create"
    assert event.environment_id == cast.environment.pk

    refused = client.post(url("accounts:partner_add", cast), {"organisation": elsewhere.pk})
    assert refused.status_code == 422
    assert "organisation" in refused.context["add_form"].errors
    assert not cast.environment.organisations.filter(pk=elsewhere.pk).exists()


def test_creating_a_partner_with_a_contact_person(cast: Any, login: Any) -> None:
    response = login(cast.coordinator).post(
        url("accounts:partner_create", cast),
        {
            "name": "Jongerenwerk Leidsche Rijn",
            "kind": OrganisationKind.NEIGHBOURHOOD,
            "subtype": "youth_work",
            "address": "Brennerbaan 150, Utrecht",
            "contact_name": "Mo Jongerenwerker",
            "contact_email": "mo@example.org",
        },
    )

    assert response.status_code == 302
    organisation = Organisation.objects.get(name="Jongerenwerk Leidsche Rijn")
    assert organisation.region_id == cast.environment.region_id
    assert organisation.contact_email == "mo@example.org"
    assert cast.environment.organisations.filter(pk=organisation.pk).exists()
    [created] = events(cast, "environments.Organisation")
    # The contact person's name and address are personal: changed, never their value.
    assert created.changes["contact_name"] is None
    assert created.changes["contact_email"] is None
    assert events(cast, "environments.Partnership")


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        pytest.param({"subtype": "primary"}, "subtype", id="subtype-of-another-kind"),
        pytest.param({"kind": "hospital"}, "kind", id="unknown-kind"),
        pytest.param({"name": "Basisschool De Regenboog"}, "name", id="name-taken"),
        pytest.param({"name": ""}, "name", id="empty-name"),
        pytest.param({"contact_email": "geen adres"}, "contact_email", id="bad-email"),
        pytest.param({"address": "x" * 201}, "address", id="long-address"),
    ],
)
def test_a_bad_new_organisation_is_refused_at_the_field(
    cast: Any, login: Any, overrides: dict[str, Any], field: str
) -> None:
    data = {
        "name": "Sportclub Parkwijk",
        "kind": OrganisationKind.NEIGHBOURHOOD,
        "subtype": "sport",
        **overrides,
    }
    client = login(cast.coordinator)
    before = db_snapshot()

    response = client.post(url("accounts:partner_create", cast), data)

    assert response.status_code == 422
    errors = response.context["create_form"].errors
    assert field in errors
    assert str(errors[field][0]) in response.content.decode()
    assert db_snapshot() == before


def test_removing_a_partner_that_nobody_belongs_to(cast: Any, login: Any) -> None:
    spare = OrganisationFactory(name="Kinderopvang Zonnetje")
    cast.environment.organisations.add(spare)

    response = login(cast.coordinator).post(url("accounts:partner_remove", cast, spare.pk))

    assert response.status_code == 302
    assert not cast.environment.organisations.filter(pk=spare.pk).exists()
    assert Organisation.objects.filter(pk=spare.pk).exists()  # still in the region
    [event] = events(cast, "environments.Partnership")
    assert event.action == "delete"


# The supervisor belongs to the school; programmes of the institute take part.
@pytest.mark.parametrize("partner", ["school", "institute"])
def test_a_partner_still_in_use_is_not_removed(cast: Any, login: Any, partner: str) -> None:
    organisation = getattr(cast, partner)
    ProgrammeTarget.objects.create(environment=cast.environment, programme=cast.pabo, students=2)
    client = login(cast.coordinator)
    before = db_snapshot()

    response = client.post(url("accounts:partner_remove", cast, organisation.pk), follow=True)

    assert response.status_code == 200
    assert db_snapshot() == before
    messages = [str(m) for m in response.context["messages"]]
    assert len(messages) == 1
    assert organisation.name in messages[0]


def test_a_partner_where_placements_happen_is_not_removed(cast: Any, login: Any) -> None:
    # Nobody belongs to the neighbourhood organisation once the bystander leaves,
    # but the placement still takes place there.
    cast.environment.memberships.filter(user=cast.bystander).update(is_active=False)
    client = login(cast.coordinator)
    before = db_snapshot()

    response = client.post(url("accounts:partner_remove", cast, cast.neighbourhood.pk), follow=True)

    assert db_snapshot() == before
    [message] = [str(m) for m in response.context["messages"]]
    assert "Buurtteam Leidsche Rijn" in message


# --- programmes and the target mix ---------------------------------------------------


def test_adding_a_programme_of_another_institute_makes_it_a_partner(cast: Any, login: Any) -> None:
    mbo = InstituteFactory(name="MBO Utrecht")
    assistant = ProgrammeFactory(
        institute=mbo, name="Onderwijsassistent", domain=Domain.EDUCATIONAL
    )
    client = login(cast.coordinator)

    response = client.post(url("accounts:programme_add", cast), {"programme": assistant.pk})

    assert response.status_code == 302
    target = ProgrammeTarget.objects.get(environment=cast.environment, programme=assistant)
    assert target.students is None
    assert cast.environment.organisations.filter(pk=mbo.pk).exists()
    assert [e.action for e in events(cast, "environments.ProgrammeTarget")] == ["create"]
    assert [e.action for e in events(cast, "environments.Partnership")] == ["create"]

    # A programme already taking part is not offered again.
    again = client.post(url("accounts:programme_add", cast), {"programme": assistant.pk})
    assert again.status_code == 422
    assert "programme" in again.context["add_form"].errors


def test_removing_a_programme(cast: Any, login: Any) -> None:
    ProgrammeTarget.objects.create(environment=cast.environment, programme=cast.pabo, students=2)
    ProgrammeTarget.objects.create(
        environment=cast.environment, programme=cast.social_work, students=4
    )
    client = login(cast.coordinator)

    removed = client.post(url("accounts:programme_remove", cast, cast.pabo.pk))
    refused = client.post(url("accounts:programme_remove", cast, cast.social_work.pk), follow=True)

    assert removed.status_code == 302
    assert not ProgrammeTarget.objects.filter(programme=cast.pabo).exists()
    # The student of social work still belongs to the environment.
    assert ProgrammeTarget.objects.filter(programme=cast.social_work).exists()
    # The first removal's message waits for the next page too: the refusal is last.
    messages = [str(m) for m in refused.context["messages"]]
    assert len(messages) == 2
    assert "Pabo" in messages[0]
    assert "Social work" in messages[1]
    assert [e.action for e in events(cast, "environments.ProgrammeTarget")] == ["delete"]


def targets(cast: Any) -> dict[str, Any]:
    return {
        f"programme_{cast.pabo.pk}": "6",
        f"programme_{cast.social_work.pk}": "",
        "domain_educational": "8",
        "domain_social": "5",
        "domain_pedagogical": "",
    }


def test_the_target_mix_is_saved_on_one_page_and_audited(cast: Any, login: Any) -> None:
    ProgrammeTarget.objects.create(environment=cast.environment, programme=cast.pabo, students=2)
    ProgrammeTarget.objects.create(
        environment=cast.environment, programme=cast.social_work, students=4
    )
    DomainTarget.objects.create(environment=cast.environment, domain=Domain.PEDAGOGICAL, students=3)

    response = login(cast.coordinator).post(
        url("accounts:environment_programmes", cast), targets(cast)
    )

    assert response.status_code == 302
    numbers = dict(
        ProgrammeTarget.objects.filter(environment=cast.environment).values_list(
            "programme__name", "students"
        )
    )
    assert numbers == {"Pabo": 6, "Social work": None}
    assert dict(
        DomainTarget.objects.filter(environment=cast.environment).values_list("domain", "students")
    ) == {"educational": 8, "social": 5}
    assert sorted(
        (e.action, e.changes.get("students")) for e in events(cast, "environments.ProgrammeTarget")
    ) == [("update", [2, 6]), ("update", [4, None])]
    assert sorted(e.action for e in events(cast, "environments.DomainTarget")) == [
        "create",
        "create",
        "delete",
    ]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("-1", "A target cannot be negative."),
        ("2001", "No environment hosts more than 2000 students: check the number."),
        ("1e9", "Write the number of students as a whole number."),
        ("veel", "Write the number of students as a whole number."),
    ],
)
def test_a_bad_target_is_refused_at_its_field_and_nothing_changes(
    cast: Any, login: Any, value: str, message: str
) -> None:
    ProgrammeTarget.objects.create(environment=cast.environment, programme=cast.pabo, students=2)
    ProgrammeTarget.objects.create(
        environment=cast.environment, programme=cast.social_work, students=4
    )
    data = {**targets(cast), "domain_social": value}
    client = login(cast.coordinator)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    before = db_snapshot()

    response = client.post(url("accounts:environment_programmes", cast), data)

    assert response.status_code == 422
    form = response.context["targets_form"]
    assert list(form.errors) == ["domain_social"]
    assert form.errors["domain_social"] == [message]
    assert message in response.content.decode()
    # The valid numbers of the same submission are not saved either.
    assert db_snapshot() == before


def test_a_negative_target_is_explained_in_dutch(cast: Any, login: Any) -> None:
    response = login(cast.coordinator).post(
        url("accounts:environment_programmes", cast), {"domain_social": "-3"}
    )
    assert response.status_code == 422
    assert "Een doel kan niet negatief zijn." in response.content.decode()


def test_targets_of_programmes_not_taking_part_are_ignored(cast: Any, login: Any) -> None:
    foreign = ProgrammeTarget.objects.create(
        environment=cast.other_environment, programme=cast.pabo, students=1
    )
    login(cast.coordinator).post(
        url("accounts:environment_programmes", cast),
        {**targets(cast), f"programme_{cast.pabo.pk}": "9"},
    )
    foreign.refresh_from_db()
    assert foreign.students == 1


# --- constant queries ----------------------------------------------------------------


@pytest.mark.parametrize("name", PAGES)
def test_the_settings_pages_run_a_constant_number_of_queries(
    cast: Any, login: Any, name: str
) -> None:
    client = login(cast.coordinator)
    OrganisationFactory(name="Nog geen partner")  # the list to add from is not empty
    client.get(url(name, cast))  # warm up session and caches
    with CaptureQueriesContext(connection) as few:
        client.get(url(name, cast))

    for index in range(5):
        institute = InstituteFactory(name=f"Instituut {index}")
        school = OrganisationFactory(name=f"School {index}")
        cast.environment.organisations.add(institute, school)
        OrganisationFactory(name=f"Niet gekoppeld {index}")
        programme = ProgrammeFactory(institute=institute, name=f"Opleiding {index}")
        ProgrammeFactory(institute=institute, name=f"Andere opleiding {index}")
        ProgrammeTarget.objects.create(
            environment=cast.environment, programme=programme, students=index
        )
        MembershipFactory(
            user=UserFactory(), environment=cast.environment, role=Role.STUDENT, programme=programme
        )
    with CaptureQueriesContext(connection) as many:
        response = client.get(url(name, cast))

    assert response.status_code == 200
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]


def test_partnerships_of_the_cast_are_rows(cast: Any) -> None:
    # The many-to-many field and its model are the same table.
    assert Partnership.objects.filter(learningenvironment=cast.environment).count() == 3


def test_the_settings_changes_are_in_the_coordinators_audit_log(cast: Any, login: Any) -> None:
    client = login(cast.coordinator)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.post(
        url("accounts:environment_settings", cast),
        profile_data(cast.environment, holiday_region="zuid", vision="Geheime visie-tekst"),
    )
    client.post(url("accounts:programme_add", cast), {"programme": cast.pabo.pk})
    client.post(
        url("accounts:environment_programmes", cast),
        {f"programme_{cast.pabo.pk}": "7", "domain_social": "3"},
    )

    response = client.get(url("accounts:audit_log", cast))

    html = response.content.decode()
    assert response.status_code == 200
    for text in ("learning environment", "programme target", "domain target", "Pabo (hbo)"):
        assert text in html, text
    assert "south" in html
    # What the coordinator wrote is recorded as changed, not copied into the trail.
    assert "Geheime visie-tekst" not in html


def test_the_dashboard_compares_each_domain_with_its_own_target(cast: Any, login: Any) -> None:
    from dashboards import figures

    today = cast.placement.start_date
    period = figures.Period(today, today, "vandaag")
    ProgrammeTarget.objects.create(environment=cast.environment, programme=cast.pabo, students=2)
    ProgrammeTarget.objects.create(
        environment=cast.environment, programme=cast.social_work, students=4
    )
    before = {row.key: row.target for row in figures.balance(cast.environment, period).domains}
    assert before == {"educational": 2, "social": 4}

    login(cast.coordinator).post(
        url("accounts:environment_programmes", cast),
        {
            f"programme_{cast.pabo.pk}": "2",
            f"programme_{cast.social_work.pk}": "4",
            "domain_social": "9",
            "domain_pedagogical": "3",
        },
    )

    after = {
        row.key: (row.students, row.target)
        for row in figures.balance(cast.environment, period).domains
    }
    # The domain's own number wins over its programmes' sum; a domain with a target
    # and no programme yet is shown with nobody.
    assert after == {"educational": (0, 2), "social": (1, 9), "pedagogical": (0, 3)}
