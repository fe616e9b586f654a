"""The application pages: a student applies, the institute supervisor confirms, the
coordinator runs the allocation, pins, re-runs and confirms."""

import pytest
from django.urls import reverse

from allocation.models import Application, Decision, Preference, Proposal, ProposalStatus
from placements.models import Placement, SupervisionAssignment
from tests.allocation.steps import a_round

pytestmark = pytest.mark.django_db


def test_a_student_applies_and_changes_their_application(cast, login) -> None:
    r = a_round(cast)
    client = login(r.pabo_student)
    url = reverse("allocation:apply", args=[r.round.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert cast.school.name in page.content.decode()
    response = client.post(
        url,
        {
            "choice_1": cast.neighbourhood.pk,
            "choice_2": cast.school.pk,
            "weekdays": ["2", "3"],
            "class_days": ["4"],
        },
    )
    assert response.status_code == 302
    application = Application.objects.get(round=r.round, student=r.pabo_student)
    assert [p.host for p in application.preferences.all()] == [cast.neighbourhood, cast.school]
    # Changed days: the institute supervisor confirms again.
    assert application.confirmed_at is None


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"choice_1": "school", "choice_2": "school", "weekdays": ["2"]}, "choice_2"),
        ({"choice_1": "999999", "weekdays": ["2"]}, "choice_1"),
        ({"choice_1": "school"}, "weekdays"),
        ({"choice_1": "school", "weekdays": ["2"], "class_days": ["2"]}, "weekdays"),
        ({"choice_1": "school", "weekdays": ["9"]}, "weekdays"),
        ({"choice_1": "school", "weekdays": ["2"], "crebo": "12\x0034"}, "crebo"),
    ],
)
def test_bad_input_is_refused_at_the_field_and_changes_nothing(cast, login, data, field) -> None:
    r = a_round(cast)
    data = {k: (str(cast.school.pk) if v == "school" else v) for k, v in data.items()}
    before = list(Preference.objects.values_list("pk", "application", "rank", "host"))
    response = login(cast.student).post(reverse("allocation:apply", args=[r.round.pk]), data)
    assert response.status_code == 422
    assert field in response.context["form"].errors
    assert list(Preference.objects.values_list("pk", "application", "rank", "host")) == before


def test_a_closed_round_refuses_changes(cast, login) -> None:
    r = a_round(cast)
    r.round.closes_on = r.round.opens_on
    r.round.save()
    response = login(cast.student).post(
        reverse("allocation:apply", args=[r.round.pk]),
        {"choice_1": cast.school.pk, "weekdays": ["2"]},
    )
    assert response.status_code == 422
    assert "closed" in response.content.decode()
    assert [p.host for p in r.application.preferences.all()] == [cast.school, cast.neighbourhood]


def test_the_institute_supervisor_confirms(cast, login) -> None:
    r = a_round(cast)
    Application.objects.update(confirmed_at=None, confirmed_by=None)
    client = login(r.institute_supervisor)
    page = client.get(reverse("allocation:index"))
    assert r.pabo_student.full_name in page.content.decode()
    client.post(reverse("allocation:confirm_application", args=[r.pabo_application.pk]))
    r.pabo_application.refresh_from_db()
    assert r.pabo_application.confirmed_by == r.institute_supervisor
    # The student cannot confirm themselves.
    response = login(r.pabo_student).post(
        reverse("allocation:confirm_application", args=[r.pabo_application.pk])
    )
    assert response.status_code == 403


def test_the_coordinator_runs_pins_reruns_and_confirms(
    cast, login, django_capture_on_commit_callbacks
) -> None:
    r = a_round(cast)
    client = login(cast.coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("allocation:run", args=[r.round.pk]))
    page = client.get(reverse("allocation:round", args=[r.round.pk]))
    text = page.content.decode()
    assert "1st choice" in text or "1e keus" in text
    assert cast.student.full_name in text
    client.post(
        reverse("allocation:decide", args=[r.round.pk]),
        {"application": r.application.pk, "host": cast.neighbourhood.pk, "kind": "pin"},
    )
    assert Decision.objects.filter(application=r.application, kind="pin").exists()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("allocation:run", args=[r.round.pk]))
    proposal = Proposal.objects.filter(status=ProposalStatus.READY).get()
    client.post(reverse("allocation:confirm", args=[r.round.pk]), {"proposal": proposal.pk})
    placement = Placement.objects.get(student=cast.student, start_date=r.round.starts_on)
    assert placement.neighbourhood_organisation == cast.neighbourhood
    assert SupervisionAssignment.objects.get(placement=placement).supervisor == r.social_supervisor


def test_the_progress_fragment_polls_while_running(cast, login) -> None:
    r = a_round(cast)
    Proposal.objects.create(round=r.round, progress=1, total=2)
    client = login(cast.coordinator)
    url = reverse("allocation:round", args=[r.round.pk]) + "?part=progress"
    response = client.get(url, headers={"HX-Request": "true"})
    text = response.content.decode()
    assert 'id="proposal-progress"' in text and "<h1>" not in text
    assert 'value="50"' in text
    Proposal.objects.update(status=ProposalStatus.READY)
    response = client.get(url, headers={"HX-Request": "true"})
    assert response.headers["HX-Refresh"] == "true"


def test_a_bad_decision_is_refused(cast, login) -> None:
    r = a_round(cast)
    response = login(cast.coordinator).post(
        reverse("allocation:decide", args=[r.round.pk]),
        {"application": r.application.pk, "host": 999999, "kind": "pin"},
    )
    assert response.status_code == 422
    assert not Decision.objects.exists()


def test_queries_do_not_grow_with_applicants(cast, login, django_assert_max_num_queries) -> None:
    from accounts.models import Role
    from allocation.services import application_confirm, application_submit, proposal_solve
    from tests.accounts.factories import MembershipFactory, UserFactory

    r = a_round(cast, places=30)
    client = login(cast.coordinator)
    url = reverse("allocation:round", args=[r.round.pk])

    def count() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    def more(n: int) -> None:
        for i in range(n):
            user = UserFactory(email=f"s{Application.objects.count()}-{i}@example.org")
            MembershipFactory(
                user=user, environment=cast.environment, role=Role.STUDENT, programme=cast.pabo
            )
            a = application_submit(
                round=r.round, student=user, hosts=[cast.school], weekdays=[1, 2], class_days=[]
            )
            application_confirm(application=a, supervisor=r.institute_supervisor)
        proposal = Proposal.objects.create(round=r.round)
        proposal_solve(proposal_id=proposal.pk)

    more(1)
    few = count()
    more(8)
    assert count() == few
