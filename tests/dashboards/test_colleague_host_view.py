"""The colleague's host view (#14, part 3): a teacher at a host school opens their own
organisation's view from the home page, with counts below 5 suppressed and no student
by name; another organisation's view stays closed."""

from typing import Any

from django.test import Client
from django.urls import reverse

from accounts.models import Membership


def test_a_colleague_opens_the_host_view_of_their_own_school(cast: Any, client: Client) -> None:
    client.force_login(cast.colleague)
    url = reverse("dashboards:organisation", args=[cast.environment.pk, cast.school.pk])

    home = client.get(reverse("home")).content.decode()
    response = client.get(url)

    assert url in home
    assert response.status_code == 200
    page = response.content.decode()
    # The school hosts the cast's social-work student: a count, suppressed.
    assert cast.social_work.name in page
    assert "&lt;5" in page
    assert cast.student.full_name not in page
    assert cast.student.email not in page


def test_a_colleague_does_not_open_another_organisations_view(cast: Any, client: Client) -> None:
    client.force_login(cast.colleague)

    response = client.get(
        reverse("dashboards:organisation", args=[cast.environment.pk, cast.neighbourhood.pk])
    )

    assert response.status_code == 403


def test_a_colleague_whose_membership_ended_loses_the_host_view(cast: Any, client: Client) -> None:
    from supervision.people_services import member_end

    client.force_login(cast.colleague)
    url = reverse("dashboards:organisation", args=[cast.environment.pk, cast.school.pk])
    assert client.get(url).status_code == 200

    member_end(membership=Membership.objects.get(user=cast.colleague, role="colleague"))

    assert client.get(url).status_code == 404
