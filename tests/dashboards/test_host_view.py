"""The host view's people (#19, part 3): who is in the building this week at a school
(name, programme, weekdays on site, supervisors), for the host's professionals and the
coordinators only, with only students placed at that host; the same list as CSV.
Access is also in the authorisation matrix (tests/security/cases_host_view.py)."""

import datetime
from typing import Any

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from placements.models import (
    Placement,
    PlacementStatus,
    SupervisionAssignment,
    SupervisionRole,
    weekdays_to_mask,
)
from tests.accounts.factories import MembershipFactory, UserFactory


def view_url(cast: Any, organisation: Any = None) -> str:
    organisation = organisation or cast.school
    return reverse("dashboards:organisation", args=[cast.environment.pk, organisation.pk])


def export_url(cast: Any, organisation: Any = None) -> str:
    organisation = organisation or cast.school
    return reverse(
        "dashboards:organisation_building_export", args=[cast.environment.pk, organisation.pk]
    )


def as_user(client: Client, user: Any) -> Client:
    client.cookies["ulvo_language"] = "en"
    client.force_login(user)
    return client


def student_placed(
    cast: Any,
    name: str,
    *,
    school: Any = None,
    neighbourhood: Any = None,
    starts: int = -30,
    ends: int = 30,
    status: str = PlacementStatus.ACTIVE,
) -> Placement:
    person = UserFactory(full_name=name)
    MembershipFactory(
        user=person, environment=cast.environment, role=Role.STUDENT, programme=cast.pabo
    )
    today = timezone.localdate()
    return Placement.objects.create(
        student=person,
        programme=cast.pabo,
        environment=cast.environment,
        school=school,
        neighbourhood_organisation=neighbourhood,
        start_date=today + datetime.timedelta(days=starts),
        end_date=today + datetime.timedelta(days=ends),
        weekdays_on_site=weekdays_to_mask([5]),
        hours_per_week=8,
        status=status,
    )


def test_the_school_trainer_sees_this_weeks_students_with_days_and_supervisors(
    cast: Any, client: Client
) -> None:
    html = as_user(client, cast.supervisor).get(view_url(cast)).content.decode()

    section = html[html.index("In the building this week") :]
    assert cast.student.full_name in section
    assert cast.social_work.name in section
    assert "Monday, Tuesday, Thursday" in section
    assert f"{cast.supervisor.full_name} (school trainer)" in section
    assert export_url(cast) in section


def test_only_students_placed_at_the_host_this_week(cast: Any, client: Client) -> None:
    student_placed(cast, "Hier Deze Week", school=cast.school)
    student_placed(cast, "Ergens Anders", neighbourhood=cast.neighbourhood)
    student_placed(cast, "Al Klaar", school=cast.school, starts=-90, ends=-10)
    student_placed(cast, "Nog Niet", school=cast.school, starts=10, ends=90)
    student_placed(cast, "Geannuleerd", school=cast.school, status=PlacementStatus.CANCELLED)

    html = as_user(client, cast.supervisor).get(view_url(cast)).content.decode()

    assert "Hier Deze Week" in html and "Friday" in html
    for name in ("Ergens Anders", "Al Klaar", "Nog Niet", "Geannuleerd"):
        assert name not in html
    # Sorted by name.
    assert html.index("Hier Deze Week") < html.index(cast.student.full_name)


def test_the_neighbourhood_organisation_sees_its_own(cast: Any, client: Client) -> None:
    student_placed(cast, "Alleen Op School", school=cast.school)
    html = as_user(client, cast.bystander).get(view_url(cast, cast.neighbourhood)).content.decode()
    # The cast's student is placed at the school and the neighbourhood organisation.
    assert cast.student.full_name in html
    assert "Alleen Op School" not in html


def test_the_coordinator_sees_them_and_a_colleague_keeps_the_counts(
    cast: Any, client: Client
) -> None:
    coordinator = as_user(client, cast.coordinator).get(view_url(cast)).content.decode()
    assert "In the building this week" in coordinator
    assert cast.student.full_name in coordinator

    response = as_user(Client(), cast.colleague).get(view_url(cast))
    assert response.status_code == 200
    html = response.content.decode()
    assert "In the building this week" not in html
    assert cast.student.full_name not in html
    assert as_user(Client(), cast.colleague).get(export_url(cast)).status_code == 403


def test_an_ended_membership_loses_the_names(cast: Any, client: Client) -> None:
    from accounts.models import Membership

    Membership.objects.filter(user=cast.supervisor, role=Role.SCHOOL_TRAINER).update(
        is_active=False
    )
    response = as_user(client, cast.supervisor).get(export_url(cast))
    assert response.status_code in (403, 404)


def test_csv_export_has_the_same_rows(cast: Any, client: Client) -> None:
    placement = student_placed(cast, "Hier Deze Week", school=cast.school)
    SupervisionAssignment.objects.create(
        placement=placement,
        name="Extern Begeleider",
        email="extern@example.org",
        role=SupervisionRole.PRACTICE,
        domain="educational",
    )
    response = as_user(client, cast.supervisor).get(export_url(cast))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith("attachment")
    lines = response.content.decode("utf-8-sig").splitlines()
    assert len(lines) == 3
    assert "Student" in lines[0] and "Supervisors" in lines[0]
    assert "Hier Deze Week" in lines[1] and "Friday" in lines[1]
    assert "Extern Begeleider (practice supervisor)" in lines[1]
    assert cast.student.full_name in lines[2]
    assert "Ergens" not in response.content.decode("utf-8-sig")


def test_the_list_costs_the_same_queries_for_many_students(cast: Any, client: Client) -> None:
    client = as_user(client, cast.supervisor)
    client.get(view_url(cast))
    with CaptureQueriesContext(connection) as few:
        client.get(view_url(cast))
    for index in range(12):
        placement = student_placed(cast, f"Student {index:02}", school=cast.school)
        SupervisionAssignment.objects.create(
            placement=placement,
            supervisor=cast.supervisor,
            role=SupervisionRole.SCHOOL_TRAINER,
            domain="educational",
        )
    with CaptureQueriesContext(connection) as many:
        html = client.get(view_url(cast)).content.decode()
    assert "Student 11" in html
    assert len(many) == len(few)
