"""A coordinator lists, creates and edits the placements of their environment."""

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import Role
from placements.models import (
    Placement,
    PlacementStatus,
    SupervisionAssignment,
    SupervisionRole,
    weekdays_to_mask,
)
from tests.accounts.factories import MembershipFactory, UserFactory
from tests.environments.factories import InstituteFactory, OrganisationFactory, ProgrammeFactory
from tests.placements.factories import (
    PlacementFactory,
    SupervisionAssignmentFactory,
    log_activity,
)


@pytest.fixture
def coordinator(cast: Any, client: Client) -> Client:
    client.cookies["ulvo_language"] = "en"
    client.force_login(cast.coordinator)
    return client


def list_url(cast: Any) -> str:
    return reverse("placements:environment_placements", args=[cast.environment.pk])


def create_url(cast: Any) -> str:
    return reverse("placements:create", args=[cast.environment.pk])


def edit_url(placement: Placement) -> str:
    return reverse("placements:edit", args=[placement.pk])


def new_student(cast: Any, name: str = "Nina Nieuw") -> Any:
    user = UserFactory(full_name=name)
    MembershipFactory(
        user=user, environment=cast.environment, role=Role.STUDENT, programme=cast.social_work
    )
    return user


def placement_data(cast: Any, student: Any, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "student": student.pk,
        "programme": cast.social_work.pk,
        "school": cast.school.pk,
        "neighbourhood_organisation": cast.neighbourhood.pk,
        "start_date": "2026-09-01",
        "end_date": "2027-06-30",
        "days_on_site": ["1", "2", "4"],
        "class_days": ["3"],
        "hours_per_week": "16",
        "status": PlacementStatus.ACTIVE,
        "signoff_supervisor": "",
        "signoff_name": "",
        "signoff_email": "",
        "signoff_domain": "social",
    }
    data.update(overrides)
    return data


def snapshot() -> dict[str, list[tuple[Any, ...]]]:
    return {
        "placements": sorted(Placement.objects.values_list()),
        "assignments": sorted(SupervisionAssignment.objects.values_list()),
    }


# --- The list -----------------------------------------------------------------------------


def test_the_list_shows_the_environments_placements_filtered_by_status(
    cast: Any, coordinator: Client
) -> None:
    PlacementFactory(
        student=new_student(cast, "Piet Gepland"),
        environment=cast.environment,
        status=PlacementStatus.PLANNED,
    )
    PlacementFactory(
        student=new_student(cast, "Karin Klaar"),
        environment=cast.environment,
        status=PlacementStatus.COMPLETED,
    )
    PlacementFactory(
        student=UserFactory(full_name="Olaf Elders"), environment=cast.other_environment
    )

    everything = coordinator.get(list_url(cast)).content.decode()
    planned = coordinator.get(list_url(cast), {"status": "planned"}).content.decode()
    nonsense = coordinator.get(list_url(cast), {"status": "<script>"}).content.decode()

    for name in ("Sanne Student", "Piet Gepland", "Karin Klaar"):
        assert name in everything
        assert name in nonsense
    assert "Piet Gepland" in planned
    assert "Sanne Student" not in planned and "Karin Klaar" not in planned
    assert '<option value="planned" selected>' in planned
    assert "Olaf Elders" not in everything
    assert "<script>" not in nonsense
    assert reverse("placements:edit", args=[cast.placement.pk]) in everything


# --- Creating ------------------------------------------------------------------------------


def test_the_create_form_offers_only_this_environments_people_and_places(
    cast: Any, coordinator: Client
) -> None:
    form = coordinator.get(create_url(cast)).context["form"]

    assert list(form.fields["student"].queryset) == [cast.student]
    assert set(form.fields["signoff_supervisor"].queryset) == {cast.supervisor, cast.bystander}
    assert list(form.fields["school"].queryset) == [cast.school]
    assert list(form.fields["neighbourhood_organisation"].queryset) == [cast.neighbourhood]
    assert set(form.fields["programme"].queryset) == {cast.social_work, cast.pabo}


def test_creating_a_placement_with_a_supervisor_who_signs_off(
    cast: Any, coordinator: Client
) -> None:
    student = new_student(cast)

    response = coordinator.post(
        create_url(cast),
        placement_data(cast, student, signoff_supervisor=cast.bystander.pk),
    )

    assert response.status_code == 302
    assert response["Location"] == list_url(cast)
    placement = Placement.objects.get(student=student)
    assert placement.environment == cast.environment
    assert placement.programme == cast.social_work
    assert (placement.school, placement.neighbourhood_organisation) == (
        cast.school,
        cast.neighbourhood,
    )
    assert str(placement.start_date) == "2026-09-01"
    assert str(placement.end_date) == "2027-06-30"
    assert placement.weekdays_on_site == 0b1011
    assert placement.days_on_site == [1, 2, 4]
    assert placement.institute_days == 0b100
    assert placement.hours_per_week == 16
    assert placement.status == PlacementStatus.ACTIVE
    assignment = placement.assignments.get()
    assert assignment.supervisor == cast.bystander
    assert assignment.signs_off is True
    assert (assignment.name, assignment.email, assignment.domain) == ("", "", "social")
    assert "Placement saved." in coordinator.get(response["Location"]).content.decode()


def test_creating_a_placement_signed_off_by_someone_without_an_account(
    cast: Any, coordinator: Client
) -> None:
    student = new_student(cast)

    response = coordinator.post(
        create_url(cast),
        placement_data(
            cast,
            student,
            school="",
            signoff_name="Wendy Wijkteam",
            signoff_email="wendy@buurtteam.example.org",
        ),
    )

    assert response.status_code == 302
    placement = Placement.objects.get(student=student)
    assert placement.school is None
    assignment = placement.assignments.get()
    assert assignment.supervisor is None
    assert (assignment.name, assignment.email) == ("Wendy Wijkteam", "wendy@buurtteam.example.org")
    assert assignment.signs_off is True


def test_creating_a_placement_without_anyone_who_signs_off(cast: Any, coordinator: Client) -> None:
    student = new_student(cast)

    response = coordinator.post(create_url(cast), placement_data(cast, student))

    assert response.status_code == 302
    assert not Placement.objects.get(student=student).assignments.exists()


def test_creating_ignores_forged_fields(cast: Any, coordinator: Client) -> None:
    student = new_student(cast)

    response = coordinator.post(
        create_url(cast),
        placement_data(
            cast,
            student,
            environment=cast.other_environment.pk,
            environment_id=cast.other_environment.pk,
            weekdays_on_site="31",
            institute_days="31",
            created_at="2000-01-01T00:00:00Z",
        ),
    )

    assert response.status_code == 302
    placement = Placement.objects.get(student=student)
    assert placement.environment == cast.environment
    assert (placement.weekdays_on_site, placement.institute_days) == (0b1011, 0b100)
    assert placement.created_at.year != 2000


def other_environments_programme(cast: Any) -> Any:
    institute = InstituteFactory(name="Elders Hogeschool")
    cast.other_environment.organisations.add(institute)
    return ProgrammeFactory(institute=institute, name="Elders opleiding")


def other_environments_school(cast: Any) -> Any:
    school = OrganisationFactory(name="School Elders")
    cast.other_environment.organisations.add(school)
    return school


INVALID = [
    pytest.param("end_date", lambda cast: {"end_date": "2026-08-31"}, id="end-before-start"),
    pytest.param("start_date", lambda cast: {"start_date": "2026-02-30"}, id="impossible-date"),
    pytest.param(
        "school", lambda cast: {"school": "", "neighbourhood_organisation": ""}, id="no-host"
    ),
    pytest.param(
        "class_days",
        lambda cast: {"days_on_site": ["1", "3"], "class_days": ["3", "5"]},
        id="on-site-and-class-day",
    ),
    pytest.param("days_on_site", lambda cast: {"days_on_site": ["6"]}, id="saturday"),
    pytest.param("class_days", lambda cast: {"class_days": ["x"]}, id="day-not-a-number"),
    pytest.param("hours_per_week", lambda cast: {"hours_per_week": "41"}, id="41-hours"),
    pytest.param("hours_per_week", lambda cast: {"hours_per_week": "-1"}, id="negative-hours"),
    pytest.param("hours_per_week", lambda cast: {"hours_per_week": "veel"}, id="hours-text"),
    pytest.param("hours_per_week", lambda cast: {"hours_per_week": ""}, id="no-hours"),
    pytest.param("student", lambda cast: {"student": cast.outsider.pk}, id="outside-student"),
    pytest.param("student", lambda cast: {"student": cast.bystander.pk}, id="not-a-student"),
    pytest.param(
        "programme",
        lambda cast: {"programme": other_environments_programme(cast).pk},
        id="other-environments-programme",
    ),
    pytest.param(
        "school",
        lambda cast: {"school": other_environments_school(cast).pk},
        id="other-environments-school",
    ),
    pytest.param(
        "school", lambda cast: {"school": cast.neighbourhood.pk}, id="neighbourhood-as-school"
    ),
    pytest.param("status", lambda cast: {"status": "deleted"}, id="unknown-status"),
    pytest.param(
        "signoff_name",
        lambda cast: {
            "signoff_supervisor": cast.supervisor.pk,
            "signoff_name": "Wendy Wijkteam",
            "signoff_email": "wendy@buurtteam.example.org",
        },
        id="supervisor-and-name",
    ),
    pytest.param(
        "signoff_email", lambda cast: {"signoff_name": "Wendy Wijkteam"}, id="name-without-email"
    ),
    pytest.param(
        "signoff_email",
        lambda cast: {"signoff_email": "wendy@buurtteam.example.org"},
        id="email-without-name",
    ),
    pytest.param(
        "signoff_email",
        lambda cast: {"signoff_name": "Wendy", "signoff_email": "geen-adres"},
        id="bad-email",
    ),
    pytest.param(
        "signoff_name",
        lambda cast: {"signoff_name": "Wen\x00dy", "signoff_email": "w@example.org"},
        id="nul-byte",
    ),
    pytest.param(
        "signoff_supervisor",
        lambda cast: {"signoff_supervisor": cast.outsider.pk},
        id="supervisor-from-outside",
    ),
    pytest.param(
        "signoff_supervisor",
        lambda cast: {"signoff_supervisor": cast.student.pk},
        id="student-as-supervisor",
    ),
    pytest.param("signoff_domain", lambda cast: {"signoff_domain": "magic"}, id="bad-domain"),
]


@pytest.mark.parametrize(("field", "bad"), INVALID)
def test_invalid_placement_is_422_at_the_field_and_saves_nothing(
    cast: Any, coordinator: Client, field: str, bad: Any
) -> None:
    student = new_student(cast)
    data = {**placement_data(cast, student), **bad(cast)}
    before = snapshot()

    response = coordinator.post(create_url(cast), data)

    assert response.status_code == 422
    assert field in response.context["form"].errors
    assert f'id="id_{field}_error"' in response.content.decode() or field.endswith("days")
    for error in response.context["form"].errors[field]:
        assert error.replace("'", "&#x27;") in response.content.decode()
    assert snapshot() == before


@pytest.mark.parametrize(
    ("field", "bad"), [param for param in INVALID[:12] if param.values[0] != "student"]
)
def test_invalid_edit_is_422_and_changes_nothing(
    cast: Any, coordinator: Client, field: str, bad: Any
) -> None:
    data = {
        **placement_data(cast, cast.student, signoff_supervisor=cast.supervisor.pk),
        **bad(cast),
    }
    before = snapshot()

    response = coordinator.post(edit_url(cast.placement), data)

    assert response.status_code == 422
    assert field in response.context["form"].errors
    assert snapshot() == before


def test_editing_never_moves_a_placement_to_another_student(cast: Any, coordinator: Client) -> None:
    """The entries belong to the student: a forged student in the edit form is ignored."""
    other = new_student(cast)
    data = {
        **placement_data(cast, cast.student, signoff_supervisor=cast.supervisor.pk),
        "student": other.pk,
    }

    coordinator.post(edit_url(cast.placement), data)

    cast.placement.refresh_from_db()
    assert cast.placement.student == cast.student


# --- Editing ------------------------------------------------------------------------------


def test_the_edit_form_shows_the_days_and_who_signs_off(cast: Any, coordinator: Client) -> None:
    response = coordinator.get(edit_url(cast.placement))

    form = response.context["form"]
    assert form["days_on_site"].value() == ["1", "2", "4"]
    assert form["class_days"].value() == ["3"]
    assert form["signoff_supervisor"].value() == cast.supervisor.pk
    html = response.content.decode()
    assert 'name="days_on_site" value="4"' in html


def test_editing_changes_the_days_and_who_signs_off(cast: Any, coordinator: Client) -> None:
    assignment = cast.placement.assignments.get()

    response = coordinator.post(
        edit_url(cast.placement),
        placement_data(
            cast,
            cast.student,
            days_on_site=["2", "5"],
            class_days=["1"],
            hours_per_week="12.5",
            signoff_supervisor=cast.bystander.pk,
        ),
    )

    assert response.status_code == 302
    cast.placement.refresh_from_db()
    assert cast.placement.weekdays_on_site == weekdays_to_mask([2, 5]) == 0b10010
    assert cast.placement.institute_days == 0b1
    assert str(cast.placement.hours_per_week) == "12.5"
    assert cast.placement.assignments.count() == 1
    assignment.refresh_from_db()
    assert assignment.supervisor == cast.bystander
    assert assignment.signs_off is True


def test_editing_from_an_account_to_someone_without_one(cast: Any, coordinator: Client) -> None:
    response = coordinator.post(
        edit_url(cast.placement),
        placement_data(
            cast, cast.student, signoff_name="Wendy Wijkteam", signoff_email="wendy@example.org"
        ),
    )

    assert response.status_code == 302
    assignment = cast.placement.assignments.get()
    assert assignment.supervisor is None
    assert (assignment.name, assignment.email) == ("Wendy Wijkteam", "wendy@example.org")


def test_closing_a_placement(cast: Any, coordinator: Client) -> None:
    data = placement_data(
        cast, cast.student, status=PlacementStatus.COMPLETED, signoff_supervisor=cast.supervisor.pk
    )

    response = coordinator.post(edit_url(cast.placement), data)

    assert response.status_code == 302
    cast.placement.refresh_from_db()
    assert cast.placement.status == PlacementStatus.COMPLETED
    assert not cast.placement.accepts_entries


def test_saving_the_edit_form_unchanged_changes_nothing(cast: Any, coordinator: Client) -> None:
    """The sign-off person's role (here a school trainer) must survive a save."""
    form = coordinator.get(edit_url(cast.placement)).context["form"]
    data = {
        name: "" if value is None else value
        for name, value in ((name, form[name].value()) for name in form.fields)
    }
    data["start_date"] = cast.placement.start_date.isoformat()
    data["end_date"] = cast.placement.end_date.isoformat()
    before = snapshot()

    response = coordinator.post(edit_url(cast.placement), data)

    assert response.status_code == 302
    assert cast.placement.assignments.get().role == SupervisionRole.SCHOOL_TRAINER
    assert snapshot() == before


def test_choosing_a_supervisor_who_already_guides_the_student(
    cast: Any, coordinator: Client
) -> None:
    """The bystander already guides this student; making them sign off must not crash."""
    SupervisionAssignmentFactory(
        placement=cast.placement,
        supervisor=cast.bystander,
        role=SupervisionRole.PRACTICE,
        signs_off=False,
    )

    response = coordinator.post(
        edit_url(cast.placement),
        placement_data(cast, cast.student, signoff_supervisor=cast.bystander.pk),
    )

    assert response.status_code in (302, 422)
    if response.status_code == 302:
        signers = cast.placement.assignments.filter(signs_off=True)
        assert [a.supervisor for a in signers] == [cast.bystander]
        assert cast.placement.assignments.filter(supervisor=cast.bystander).count() == 1


def test_the_coordinator_sees_activity_only_as_totals(cast: Any, coordinator: Client) -> None:
    log_activity(cast.placement, minutes=90, description="Gesprek met een leerling.")
    log_activity(cast.placement, minutes=45, setting="online", kind="intervision")

    detail = coordinator.get(reverse("placements:detail", args=[cast.placement.pk]))
    overview = coordinator.get(reverse("placements:overview", args=[cast.placement.pk]))

    for response in (detail, overview):
        html = response.content.decode()
        assert response.status_code == 200
        assert response.context["totals"]["total_minutes"] == 135
        assert "2\u00a0h 15\u00a0min" in html
        assert "Gesprek met een leerling." not in html
        assert "entries" not in response.context
        assert 'class="entry' not in html
