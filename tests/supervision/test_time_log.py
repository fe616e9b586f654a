"""Time invested by professionals: their own hours, and the coordinator's totals."""

import datetime
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from environments.models import Domain
from learning_networks.services import network_member_set
from supervision.models import MAX_TIME_NOTE, TimeKind, TimeLog
from tests.accounts.factories import MembershipFactory, UserFactory
from tests.accounts.steps import activate_totp
from tests.supervision.factories import TimeLogFactory


def log_url(cast: Any) -> str:
    return reverse("supervision:time_log", args=[cast.environment.pk])


def totals_url(cast: Any) -> str:
    return reverse("supervision:time_totals", args=[cast.environment.pk])


def time_data(cast: Any, **overrides: Any) -> dict[str, Any]:
    data = {
        "date": timezone.localdate().isoformat(),
        "minutes": "90",
        "kind": TimeKind.PREPARATION,
        "organisation": cast.school.pk,
        "domain": Domain.EDUCATIONAL,
        "note": "Bijeenkomst over leesplezier voorbereid.",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def rows() -> list[tuple[Any, ...]]:
    return list(
        TimeLog.objects.order_by("pk").values_list(
            "person_id", "environment_id", "organisation_id", "domain", "date", "minutes", "kind"
        )
    )


# --- Logging one's own hours ------------------------------------------------------


def test_supervisor_logs_time(cast: Any, client: Client) -> None:
    client.force_login(cast.supervisor)
    page = client.get(log_url(cast))
    assert page.status_code == 200
    form = page.context["form"]
    # Defaults from the membership: the school, and the domain supervised in.
    assert form.initial["organisation"] == cast.school.pk
    assert form.initial["domain"] == Domain.EDUCATIONAL

    response = client.post(log_url(cast), time_data(cast))
    today = timezone.localdate()
    assert response.status_code == 302
    assert response["Location"] == f"{log_url(cast)}?maand={today:%Y-%m}"
    assert rows() == [
        (
            cast.supervisor.pk,
            cast.environment.pk,
            cast.school.pk,
            Domain.EDUCATIONAL,
            today,
            90,
            TimeKind.PREPARATION,
        )
    ]
    page = client.get(response["Location"])
    assert page.context["month_total"] == 90
    assert "1\u00a0uur 30\u00a0min" in page.content.decode()


def test_htmx_quick_form_returns_the_section(cast: Any, client: Client) -> None:
    client.force_login(cast.supervisor)
    response = client.post(log_url(cast), time_data(cast), headers={"HX-Request": "true"})
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="time-log"')
    assert 'id="month-total"' in html
    assert len(rows()) == 1


def test_core_team_member_logs_time(cast: Any, client: Client) -> None:
    coach = UserFactory(full_name="Kim Kernteam")
    # A coordinator by role, who also works for the neighbourhood organisation.
    MembershipFactory(
        user=coach,
        environment=cast.environment,
        role=Role.COORDINATOR,
        organisation=cast.neighbourhood,
    )
    activate_totp(coach)
    client.force_login(coach)
    assert client.get(log_url(cast)).status_code == 403
    network_member_set(network=cast.network, user=coach, core_team=True)
    page = client.get(log_url(cast))
    assert page.status_code == 200
    assert page.context["form"].initial["domain"] == Domain.SOCIAL
    data = time_data(cast, organisation=cast.neighbourhood.pk, domain=Domain.SOCIAL)
    assert client.post(log_url(cast), data).status_code == 302
    assert rows()[0][:4] == (coach.pk, cast.environment.pk, cast.neighbourhood.pk, "social")


def test_choosing_between_organisations(cast: Any, client: Client) -> None:
    MembershipFactory(
        user=cast.supervisor,
        environment=cast.environment,
        role=Role.PRACTICE_SUPERVISOR,
        organisation=cast.neighbourhood,
    )
    client.force_login(cast.supervisor)
    choices = set(client.get(log_url(cast)).context["form"].fields["organisation"].queryset)
    assert choices == {cast.school, cast.neighbourhood}
    data = time_data(cast, organisation=cast.neighbourhood.pk, domain=Domain.SOCIAL)
    assert client.post(log_url(cast), data).status_code == 302
    assert rows()[0][2] == cast.neighbourhood.pk


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("minutes", "0"),
        ("minutes", "-30"),
        ("minutes", "4"),
        ("minutes", "721"),
        ("minutes", "99999999999"),
        ("minutes", "1.5"),
        ("minutes", "abc"),
        ("minutes", None),
        ("date", (timezone.localdate() + datetime.timedelta(days=1)).isoformat()),
        ("date", "1999-12-31"),
        ("date", "2026-13-01"),
        ("date", None),
        ("kind", "holiday"),
        ("domain", "medical"),
        ("organisation", "999999"),
        ("organisation", "abc"),
        ("note", "x" * (MAX_TIME_NOTE + 1)),
        ("note", "NUL\x00"),
    ],
)
def test_bad_input_is_refused_at_the_field(
    cast: Any, client: Client, field: str, value: Any
) -> None:
    client.force_login(cast.supervisor)
    data = time_data(cast, **{field: value})
    response = client.post(log_url(cast), data, headers={"HX-Request": "true"})
    assert response.status_code == 422
    assert field in response.context["form"].errors
    assert 'class="errorlist' in response.content.decode()
    response = client.post(log_url(cast), data)
    assert response.status_code == 422
    assert rows() == []


def test_an_organisation_one_does_not_work_for_is_refused(cast: Any, client: Client) -> None:
    client.force_login(cast.supervisor)
    response = client.post(log_url(cast), time_data(cast, organisation=cast.neighbourhood.pk))
    assert response.status_code == 422
    assert "organisation" in response.context["form"].errors
    assert rows() == []


def test_more_than_a_day_is_refused(cast: Any, client: Client) -> None:
    client.force_login(cast.supervisor)
    for _ in range(2):
        assert client.post(log_url(cast), time_data(cast, minutes="720")).status_code == 302
    response = client.post(log_url(cast), time_data(cast, minutes="5"))
    assert response.status_code == 422
    assert "minutes" in response.context["form"].errors
    assert len(rows()) == 2


def test_person_and_environment_cannot_be_assigned(cast: Any, client: Client) -> None:
    client.force_login(cast.supervisor)
    data = time_data(cast, person=cast.bystander.pk, environment=cast.other_environment.pk)
    assert client.post(log_url(cast), data).status_code == 302
    assert rows()[0][:2] == (cast.supervisor.pk, cast.environment.pk)


def test_who_may_log(cast: Any, client: Client) -> None:
    for user, status in [
        (cast.student, 403),
        (cast.coordinator, 403),
        (cast.outsider, 404),
        (cast.other_coordinator, 404),
    ]:
        client.force_login(user)
        assert client.get(log_url(cast)).status_code == status, user
        assert client.post(log_url(cast), time_data(cast)).status_code == status, user
    assert rows() == []
    client.logout()
    response = client.get(log_url(cast))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_own_entries_only(cast: Any, client: Client) -> None:
    mine = TimeLogFactory(
        person=cast.supervisor, environment=cast.environment, organisation=cast.school
    )
    theirs = TimeLogFactory(
        person=cast.bystander,
        environment=cast.environment,
        organisation=cast.neighbourhood,
        note="ANDERMANS-MARKER",
    )
    client.force_login(cast.supervisor)
    page = client.get(log_url(cast))
    assert page.context["entries"] == [mine]
    assert "ANDERMANS-MARKER" not in page.content.decode()
    for name in ("supervision:time_log_edit", "supervision:time_log_delete"):
        url = reverse(name, args=[theirs.pk])
        assert client.post(url, time_data(cast)).status_code == 404
    assert client.get(reverse("supervision:time_log_edit", args=[theirs.pk])).status_code == 404
    assert TimeLog.objects.count() == 2


def test_edit_and_delete(cast: Any, client: Client) -> None:
    entry = TimeLogFactory(
        person=cast.supervisor, environment=cast.environment, organisation=cast.school
    )
    edit_url = reverse("supervision:time_log_edit", args=[entry.pk])
    client.force_login(cast.supervisor)
    assert client.get(edit_url).status_code == 200
    assert client.post(edit_url, time_data(cast, minutes="45")).status_code == 302
    entry.refresh_from_db()
    assert (entry.minutes, entry.kind) == (45, TimeKind.PREPARATION)
    assert client.post(edit_url, time_data(cast, minutes="0")).status_code == 422
    entry.refresh_from_db()
    assert entry.minutes == 45

    delete_url = reverse("supervision:time_log_delete", args=[entry.pk])
    assert client.get(delete_url).status_code == 405
    response = client.post(delete_url, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert 'id="time-log"' in response.content.decode()
    assert not TimeLog.objects.exists()


def test_months(cast: Any, client: Client) -> None:
    today = timezone.localdate()
    earlier = (today.replace(day=1) - datetime.timedelta(days=1)).replace(day=10)
    for day, minutes in [(today, 60), (today, 30), (earlier, 120)]:
        TimeLogFactory(
            person=cast.supervisor,
            environment=cast.environment,
            organisation=cast.school,
            date=day,
            minutes=minutes,
        )
    client.force_login(cast.supervisor)
    page = client.get(log_url(cast))
    assert page.context["month_total"] == 90
    assert [row["minutes"] for row in page.context["months"]] == [90, 120]
    page = client.get(log_url(cast) + f"?maand={earlier:%Y-%m}")
    assert page.context["month_total"] == 120
    for nonsense in ("2026-13", "abc", "-1-1", "99999-01"):
        assert client.get(log_url(cast) + f"?maand={nonsense}").status_code == 200


def test_query_count_does_not_grow(cast: Any, client: Client) -> None:
    TimeLogFactory(person=cast.supervisor, environment=cast.environment, organisation=cast.school)
    client.force_login(cast.supervisor)
    client.get(log_url(cast))
    with CaptureQueriesContext(connection) as few:
        client.get(log_url(cast))
    TimeLogFactory.create_batch(
        11,
        person=cast.supervisor,
        environment=cast.environment,
        organisation=cast.school,
        minutes=15,
    )
    with CaptureQueriesContext(connection) as many:
        response = client.get(log_url(cast))
    assert len(response.context["entries"]) == 12
    assert len(many) == len(few)


# --- The coordinator's totals -------------------------------------------------------


def test_coordinator_sees_totals_per_organisation_and_domain(cast: Any, client: Client) -> None:
    today = timezone.localdate()
    for person, organisation, domain, minutes, kind in [
        (cast.supervisor, cast.school, Domain.EDUCATIONAL, 60, TimeKind.SUPERVISION),
        (cast.supervisor, cast.school, Domain.EDUCATIONAL, 30, TimeKind.PREPARATION),
        (cast.bystander, cast.neighbourhood, Domain.SOCIAL, 45, TimeKind.MEETING),
    ]:
        TimeLogFactory(
            person=person,
            environment=cast.environment,
            organisation=organisation,
            domain=domain,
            minutes=minutes,
            kind=kind,
            date=today,
            note="NOTITIE-MARKER",
        )
    TimeLogFactory(environment=cast.other_environment, organisation=cast.institute, minutes=500)
    client.force_login(cast.coordinator)
    start = (today - datetime.timedelta(days=30)).isoformat()
    response = client.get(totals_url(cast), {"start": start, "end": today.isoformat()})
    assert response.status_code == 200
    assert sorted(
        (row["organisation__name"], row["domain"], row["minutes"], row["people"])
        for row in response.context["rows"]
    ) == [
        ("Basisschool De Regenboog", "educational", 90, 1),
        ("Buurtteam Leidsche Rijn", "social", 45, 1),
    ]
    assert response.context["total"] == 135
    assert dict(response.context["per_domain"])[Domain.EDUCATIONAL.label] == 90
    assert dict(response.context["per_kind"])[TimeKind.MEETING.label] == 45
    html = response.content.decode()
    # Totals only: no names, no notes.
    assert "NOTITIE-MARKER" not in html
    assert "Bram Schoolopleider" not in html
    assert "Bea Buurtwerker" not in html


def test_totals_period_is_validated(cast: Any, client: Client) -> None:
    client.force_login(cast.coordinator)
    response = client.get(totals_url(cast), {"start": "2026-05-01", "end": "2026-01-01"})
    assert response.status_code == 200
    assert "end" in response.context["period"].errors
    assert client.get(totals_url(cast), {"start": "nonsense"}).status_code == 200


def test_totals_are_for_coordinators(cast: Any, client: Client) -> None:
    for user, status in [
        (cast.student, 403),
        (cast.supervisor, 403),
        (cast.bystander, 403),
        (cast.outsider, 404),
        (cast.other_coordinator, 404),
    ]:
        client.force_login(user)
        assert client.get(totals_url(cast)).status_code == status, user
    client.force_login(cast.coordinator)
    assert client.post(totals_url(cast)).status_code == 405


def test_totals_query_count_does_not_grow(cast: Any, client: Client) -> None:
    client.force_login(cast.coordinator)
    client.get(totals_url(cast))
    with CaptureQueriesContext(connection) as few:
        client.get(totals_url(cast))
    for organisation in (cast.school, cast.neighbourhood, cast.institute):
        TimeLogFactory.create_batch(
            3, environment=cast.environment, organisation=organisation, minutes=20
        )
    with CaptureQueriesContext(connection) as many:
        response = client.get(totals_url(cast))
    assert response.context["total"] == 180
    assert len(many) == len(few)
