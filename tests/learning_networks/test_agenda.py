"""The shared agenda of an environment (learning_networks.calendar_views.environment_agenda)."""

import datetime
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from learning_networks.calendar_views import AgendaItem, find_overlaps
from learning_networks.models import LearningNetwork, NetworkSession, SessionStatus
from learning_networks.services import network_member_set, session_cancel, session_save

pytestmark = pytest.mark.django_db


def agenda_url(cast: Any, **query: str) -> str:
    url = reverse("learning_networks:environment_agenda", args=[cast.environment.pk])
    if query:
        url += "?" + "&".join(f"{key}={value}" for key, value in query.items())
    return url


def second_network(cast: Any) -> LearningNetwork:
    """A network of the same environment that the student is not in."""
    network = LearningNetwork.objects.create(environment=cast.environment, name="Netwerk Zuid")
    network_member_set(network=network, user=cast.bystander, core_team=True)
    return network


def plan(
    network: LearningNetwork,
    *,
    theme: str,
    starts_at: datetime.datetime,
    hours: float = 2,
    status: str = SessionStatus.PLANNED,
    facilitators: list[Any] | None = None,
) -> NetworkSession:
    return session_save(
        session=NetworkSession(
            network=network,
            kind="workshop",
            theme=theme,
            starts_at=starts_at,
            ends_at=starts_at + datetime.timedelta(hours=hours),
            status=status,
            room="Zaal 2",
        ),
        facilitators=facilitators or [],
        audience_programmes=[],
    )


def test_members_see_every_networks_sessions_grouped_by_week_and_day(cast: Any, login: Any) -> None:
    other = second_network(cast)
    zuid = plan(
        other,
        theme="Buurtwandeling Zuid",
        starts_at=cast.session.starts_at + datetime.timedelta(days=1),
        facilitators=[cast.bystander],
    )

    response = login(cast.student).get(agenda_url(cast))

    assert response.status_code == 200
    body = response.content.decode()
    assert "Samenwerken rond een leesgroep" in body
    assert "Buurtwandeling Zuid" in body and "Netwerk Zuid" in body
    assert "Bea Buurtwerker" in body  # the facilitator
    # The past session is outside the default period (the coming eight weeks).
    assert "Gesprekstechnieken" not in body
    # Only sessions of the viewer's own networks link to their page.
    assert cast.session.get_absolute_url() in body
    assert zuid.get_absolute_url() not in body
    day = timezone.localtime(cast.session.starts_at).date()
    monday = day - datetime.timedelta(days=day.weekday())
    assert f'id="week-{monday:%Y-%m-%d}"' in body
    weeks = response.context["weeks"]
    assert weeks[0].days[0].items[0].session == cast.session


def test_drafts_are_not_in_the_agenda(cast: Any, login: Any) -> None:
    plan(
        cast.network,
        theme="Nog een concept",
        starts_at=cast.session.starts_at + datetime.timedelta(days=3),
        status=SessionStatus.DRAFT,
    )

    body = login(cast.coordinator).get(agenda_url(cast)).content.decode()

    assert "Nog een concept" not in body


def test_overlapping_sessions_are_flagged_and_named(cast: Any, login: Any) -> None:
    other = second_network(cast)
    clash = plan(
        other,
        theme="Tegelijk in Zuid",
        starts_at=cast.session.starts_at + datetime.timedelta(hours=1),
    )
    plan(other, theme="Daarna in Zuid", starts_at=clash.ends_at)  # touches, no overlap

    response = login(cast.supervisor).get(agenda_url(cast))

    items = {
        item.session.theme: item
        for week in response.context["weeks"]
        for day in week.days
        for item in day.items
    }
    assert items["Samenwerken rond een leesgroep"].overlaps == [clash]
    assert items["Tegelijk in Zuid"].overlaps == [cast.session]
    assert items["Daarna in Zuid"].overlaps == []
    assert response.context["overlap_count"] == 2
    body = response.content.decode()
    assert "Overlaps with:" in body or "Overlapt met" in body


def test_cancelled_sessions_are_struck_through_and_do_not_clash(cast: Any, login: Any) -> None:
    other = second_network(cast)
    cancelled = plan(
        other,
        theme="Afgelast in Zuid",
        starts_at=cast.session.starts_at,
    )
    session_cancel(session=cancelled)

    response = login(cast.student).get(agenda_url(cast))

    body = response.content.decode()
    assert "<s>Afgelast in Zuid</s>" in body
    assert response.context["overlap_count"] == 0


def test_a_period_can_be_chosen(cast: Any, login: Any) -> None:
    past = timezone.localtime(cast.past_session.starts_at).date()

    response = login(cast.student).get(
        agenda_url(cast, **{"from": past.isoformat(), "to": past.isoformat()})
    )

    assert response.status_code == 200
    body = response.content.decode()
    assert "Gesprekstechnieken" in body
    assert "Samenwerken rond een leesgroep" not in body


def test_only_a_start_gives_eight_weeks(cast: Any, login: Any) -> None:
    start = timezone.localdate() + datetime.timedelta(days=100)

    response = login(cast.student).get(agenda_url(cast, **{"from": start.isoformat()}))

    assert response.status_code == 200
    assert response.context["period_start"] == start
    assert response.context["period_end"] == start + datetime.timedelta(weeks=8)


@pytest.mark.parametrize(
    "query",
    [
        {"from": "2026-02-30"},
        {"from": "morgen"},
        {"from": "2026-05-01", "to": "2026-04-01"},
        {"from": "2026-01-01", "to": "2028-01-01"},
        {"from": "9999-12-31"},
        {"to": "0001-01-01"},
        {"from": "2026-01-01\x00"},
        {"from": "1" * 5000},
    ],
)
def test_bad_periods_are_refused_with_a_message(
    cast: Any, login: Any, query: dict[str, str]
) -> None:
    response = login(cast.student).get(
        reverse("learning_networks:environment_agenda", args=[cast.environment.pk]), query
    )

    assert response.status_code == 422
    assert response.context["form"].errors
    assert 'class="errorlist' in response.content.decode()


def test_outsiders_get_404_and_anonymous_users_log_in(cast: Any, login: Any) -> None:
    assert login(cast.outsider).get(agenda_url(cast)).status_code == 404
    assert login(cast.other_coordinator).get(agenda_url(cast)).status_code == 404
    anonymous = Client().get(agenda_url(cast))
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith(reverse("account_login"))


def test_former_members_get_404(cast: Any, login: Any) -> None:
    cast.student.memberships.update(is_active=False)

    assert login(cast.student).get(agenda_url(cast)).status_code == 404


def test_the_agenda_answers_only_get(cast: Any, login: Any) -> None:
    assert login(cast.student).post(agenda_url(cast)).status_code == 405


def test_query_count_does_not_grow_with_the_sessions(cast: Any, login: Any) -> None:
    client = login(cast.student)
    other = second_network(cast)
    start = cast.session.starts_at + datetime.timedelta(hours=1)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(agenda_url(cast)).status_code == 200
        return len(queries)

    plan(other, theme="Zuid 0", starts_at=start, facilitators=[cast.bystander])
    few = count()
    for index in range(1, 30):
        plan(
            other if index % 2 else cast.network,
            theme=f"Sessie {index}",
            starts_at=start + datetime.timedelta(days=index % 20, hours=index % 3),
            facilitators=[cast.bystander, cast.supervisor],
        )
    assert count() == few


def test_overlaps_of_a_long_session_reach_past_shorter_ones() -> None:
    """A sweep that stops at the first non-overlapping neighbour still finds later clashes."""
    base = datetime.datetime(2026, 10, 5, 9, tzinfo=datetime.UTC)

    def item(theme: str, start: int, end: int, status: str = SessionStatus.PLANNED) -> AgendaItem:
        return AgendaItem(
            session=NetworkSession(
                theme=theme,
                starts_at=base + datetime.timedelta(hours=start),
                ends_at=base + datetime.timedelta(hours=end),
                status=status,
            )
        )

    day = item("dag", 0, 8)
    morning = item("ochtend", 1, 2)
    afternoon = item("middag", 5, 6)
    cancelled = item("afgelast", 5, 6, SessionStatus.CANCELLED)
    evening = item("avond", 9, 10)
    items = [day, morning, afternoon, cancelled, evening]

    find_overlaps(items)

    assert [s.theme for s in day.overlaps] == ["ochtend", "middag"]
    assert [s.theme for s in morning.overlaps] == ["dag"]
    assert [s.theme for s in afternoon.overlaps] == ["dag"]
    assert cancelled.overlaps == [] and evening.overlaps == []
