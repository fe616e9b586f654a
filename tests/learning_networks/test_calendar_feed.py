"""The private iCalendar feed (learning_networks.calendar_views.calendar_feed) and the page
where a user creates, renews and revokes its link.

Every feed is parsed back with the icalendar library, as a calendar app would.
"""

import datetime
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from icalendar import Calendar

from learning_networks.models import (
    CalendarFeed,
    LearningNetwork,
    NetworkSession,
    SessionStatus,
    hash_token,
)
from learning_networks.services import (
    calendar_feed_renew,
    calendar_feed_revoke,
    network_member_set,
    session_cancel,
    session_save,
)

pytestmark = pytest.mark.django_db

SETTINGS_URL = reverse("learning_networks:calendar_settings")


def feed_url(token: str) -> str:
    return reverse("learning_networks:calendar_feed", args=[token])


def fetch(token: str) -> Any:
    """The feed as a calendar app fetches it: no cookies, no login."""
    return Client().get(feed_url(token))


def events(token: str) -> dict[str, Any]:
    response = fetch(token)
    assert response.status_code == 200
    calendar = Calendar.from_ical(response.content)
    return {str(event["UID"]): event for event in calendar.walk("VEVENT")}


def uid(session: NetworkSession) -> str:
    return f"{session.uid}@ulvo"


def plan(cast: Any, *, theme: str, starts_at: datetime.datetime, **fields: Any) -> NetworkSession:
    values: dict[str, Any] = {
        "network": cast.network,
        "kind": "workshop",
        "status": SessionStatus.PLANNED,
        "location": cast.neighbourhood,
    }
    values.update(fields)
    return session_save(
        session=NetworkSession(
            theme=theme,
            starts_at=starts_at,
            ends_at=starts_at + datetime.timedelta(hours=1, minutes=30),
            **values,
        ),
        facilitators=[cast.supervisor],
        audience_programmes=[],
    )


# --- The feed -----------------------------------------------------------------------


def test_feed_is_valid_icalendar_with_the_users_sessions(cast: Any) -> None:
    token = calendar_feed_renew(user=cast.student)

    response = fetch(token)

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]
    assert settings.SESSION_COOKIE_NAME not in response.cookies
    calendar = Calendar.from_ical(response.content)
    assert str(calendar["VERSION"]) == "2.0"
    assert calendar["PRODID"]
    # Apps that honour a refresh hint pick up changes within the hour.
    assert b"REFRESH-INTERVAL;VALUE=DURATION:PT1H" in response.content
    assert b"X-PUBLISHED-TTL:PT1H" in response.content
    found = {str(event["UID"]): event for event in calendar.walk("VEVENT")}
    assert set(found) == {uid(cast.session), uid(cast.past_session)}

    event = found[uid(cast.session)]
    assert event.decoded("DTSTART") == cast.session.starts_at
    assert event.decoded("DTEND") == cast.session.ends_at
    assert event.decoded("DTSTART").utcoffset() == datetime.timedelta(0)
    assert int(event["SEQUENCE"]) == cast.session.sequence
    assert str(event["SUMMARY"]) == "Samenwerken rond een leesgroep"
    assert str(event["LOCATION"]) == "Basisschool De Regenboog"
    assert str(event["STATUS"]) == "CONFIRMED"
    assert event.decoded("DTSTAMP")
    assert event.decoded("LAST-MODIFIED")
    page = settings.ULVO_BASE_URL + cast.session.get_absolute_url()
    assert str(event["URL"]) == page
    description = str(event["DESCRIPTION"])
    assert page in description
    assert "Leernetwerk LR" in description
    with translation.override(cast.student.language):
        assert str(cast.session.get_kind_display()) in description


def test_location_names_the_room(cast: Any) -> None:
    token = calendar_feed_renew(user=cast.student)
    cast.session.room = "Lokaal 12"
    session_save(session=cast.session, facilitators=[cast.supervisor], audience_programmes=[])

    event = events(token)[uid(cast.session)]

    assert str(event["LOCATION"]) == "Basisschool De Regenboog, Lokaal 12"


def test_uids_are_stable_and_an_unchanged_agenda_gives_the_same_feed(cast: Any) -> None:
    token = calendar_feed_renew(user=cast.student)

    first, second = fetch(token), fetch(token)

    assert first.content == second.content
    assert set(events(token)) == {uid(cast.session), uid(cast.past_session)}


def test_a_moved_session_keeps_its_uid_with_a_higher_sequence(cast: Any) -> None:
    token = calendar_feed_renew(user=cast.student)
    before = events(token)[uid(cast.session)]

    session = NetworkSession.objects.get(pk=cast.session.pk)
    session.starts_at += datetime.timedelta(days=1, hours=2)
    session.ends_at += datetime.timedelta(days=1, hours=2)
    session_save(session=session, facilitators=[cast.supervisor], audience_programmes=[])

    after = events(token)[uid(cast.session)]
    assert int(after["SEQUENCE"]) > int(before["SEQUENCE"])
    assert after.decoded("DTSTART") == session.starts_at
    assert after.decoded("DTEND") == session.ends_at
    assert after.decoded("LAST-MODIFIED") >= before.decoded("LAST-MODIFIED")


def test_a_cancelled_session_stays_in_the_feed_as_cancelled(cast: Any) -> None:
    token = calendar_feed_renew(user=cast.student)
    before = events(token)[uid(cast.session)]

    session_cancel(session=cast.session)

    after = events(token)[uid(cast.session)]
    assert str(after["STATUS"]) == "CANCELLED"
    assert int(after["SEQUENCE"]) > int(before["SEQUENCE"])
    assert "Samenwerken rond een leesgroep" in str(after["SUMMARY"])


def test_drafts_and_sessions_outside_the_window_are_left_out(cast: Any) -> None:
    token = calendar_feed_renew(user=cast.student)
    now = cast.session.starts_at
    draft = plan(cast, theme="Concept", starts_at=now, status=SessionStatus.DRAFT)
    # A draft invites nobody; publish two sessions far away in time instead.
    long_ago = plan(cast, theme="Lang geleden", starts_at=now - datetime.timedelta(days=120))
    far_ahead = plan(cast, theme="Ver weg", starts_at=now + datetime.timedelta(days=400))
    recent = plan(cast, theme="Vorige maand", starts_at=now - datetime.timedelta(days=40))

    found = events(token)

    assert uid(recent) in found
    assert not {uid(draft), uid(long_ago), uid(far_ahead)} & set(found)


def test_another_users_sessions_never_appear(cast: Any) -> None:
    # A session for pabo students only: the (social-work) student is not invited.
    pabo_only = session_save(
        session=NetworkSession(
            network=cast.network,
            kind="mono",
            theme="Alleen voor pabo",
            starts_at=cast.session.starts_at + datetime.timedelta(days=2),
            ends_at=cast.session.ends_at + datetime.timedelta(days=2),
            status=SessionStatus.PLANNED,
        ),
        facilitators=[],
        audience_programmes=[cast.pabo],
    )
    # A session in the other environment, for the outsider.
    other_network = LearningNetwork.objects.create(
        environment=cast.other_environment, name="Netwerk Vleuten"
    )
    network_member_set(network=other_network, user=cast.outsider)
    elsewhere = session_save(
        session=NetworkSession(
            network=other_network,
            kind="mixed",
            theme="Bijeenkomst in Vleuten",
            starts_at=cast.session.starts_at,
            ends_at=cast.session.ends_at,
            status=SessionStatus.PLANNED,
        ),
        facilitators=[],
        audience_programmes=[],
    )

    student = fetch(calendar_feed_renew(user=cast.student)).content.decode()
    outsider = fetch(calendar_feed_renew(user=cast.outsider)).content.decode()
    bystander = fetch(calendar_feed_renew(user=cast.bystander)).content.decode()

    assert "Alleen voor pabo" not in student and str(pabo_only.uid) not in student
    assert "Bijeenkomst in Vleuten" not in student and str(elsewhere.uid) not in student
    assert "Bijeenkomst in Vleuten" in outsider
    assert "Samenwerken" not in outsider and "Gesprekstechnieken" not in outsider
    # Not in the network, not invited: an empty (but valid) calendar.
    assert Calendar.from_ical(bystander.encode()).walk("VEVENT") == []


def test_sessions_of_an_environment_one_has_left_disappear(cast: Any) -> None:
    token = calendar_feed_renew(user=cast.student)
    cast.student.memberships.update(is_active=False)

    assert events(token) == {}


def test_sessions_of_a_network_one_has_left_disappear(cast: Any) -> None:
    token = calendar_feed_renew(user=cast.student)
    assert uid(cast.session) in events(token)

    cast.network.memberships.filter(user=cast.student).delete()

    assert events(token) == {}


def test_facilitators_see_the_sessions_they_lead(cast: Any) -> None:
    token = calendar_feed_renew(user=cast.supervisor)

    assert set(events(token)) == {uid(cast.session), uid(cast.past_session)}


def test_the_feed_speaks_the_users_language(cast: Any) -> None:
    cast.student.language = "en"
    cast.student.save(update_fields=["language"])
    token = calendar_feed_renew(user=cast.student)

    event = events(token)[uid(cast.session)]

    assert "Learning network: Leernetwerk LR" in str(event["DESCRIPTION"])


# --- Tokens that do not (or no longer) work ----------------------------------------------


def assert_not_found_and_silent(response: Any) -> None:
    assert response.status_code == 404
    body = response.content.decode()
    for secret in ("Samenwerken", "Gesprekstechnieken", "Sanne", "student@example.org"):
        assert secret not in body
    assert not response["Content-Type"].startswith("text/calendar")


def test_a_revoked_token_is_not_found(cast: Any) -> None:
    token = calendar_feed_renew(user=cast.student)
    calendar_feed_revoke(user=cast.student)

    assert_not_found_and_silent(fetch(token))


def test_a_renewed_token_replaces_the_old_one(cast: Any) -> None:
    old = calendar_feed_renew(user=cast.student)
    new = calendar_feed_renew(user=cast.student)

    assert_not_found_and_silent(fetch(old))
    assert fetch(new).status_code == 200


@pytest.mark.parametrize(
    "tamper",
    [
        lambda token: token[:-1] + ("A" if token[-1] != "A" else "B"),
        lambda token: token[:-1],
        lambda token: token + "x",
        lambda token: token.upper(),
        lambda token: hash_token(token),  # the stored hash is not a token
        lambda token: "x" * 5000,
        lambda token: token + "\x00",
    ],
)
def test_a_tampered_token_is_not_found(cast: Any, tamper: Any) -> None:
    token = calendar_feed_renew(user=cast.student)

    assert_not_found_and_silent(fetch(tamper(token)))


def test_an_inactive_users_feed_is_not_found(cast: Any) -> None:
    token = calendar_feed_renew(user=cast.student)
    cast.student.is_active = False
    cast.student.save(update_fields=["is_active"])

    assert_not_found_and_silent(fetch(token))


def test_the_feed_answers_only_get_and_head(cast: Any) -> None:
    token = calendar_feed_renew(user=cast.student)

    for method in ("post", "put", "patch", "delete"):
        assert getattr(Client(), method)(feed_url(token)).status_code == 405
    assert Client().head(feed_url(token)).status_code == 200
    assert CalendarFeed.objects.get(user=cast.student).token_hash == hash_token(token)


def test_only_the_hash_of_the_token_is_stored(cast: Any) -> None:
    token = calendar_feed_renew(user=cast.student)

    feed = CalendarFeed.objects.get(user=cast.student)
    assert feed.token_hash == hash_token(token)
    assert token not in str(CalendarFeed.objects.values_list())


def test_query_count_does_not_grow_with_the_sessions(cast: Any) -> None:
    token = calendar_feed_renew(user=cast.student)
    start = cast.session.starts_at + datetime.timedelta(days=1)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert fetch(token).status_code == 200
        return len(queries)

    for index in range(1):
        plan(cast, theme=f"Sessie {index}", starts_at=start + datetime.timedelta(days=index))
    few = count()
    for index in range(1, 38):
        plan(cast, theme=f"Sessie {index}", starts_at=start + datetime.timedelta(days=index))
    assert len(events(token)) == 40
    assert count() == few


# --- The settings page -----------------------------------------------------------------


def test_settings_page_explains_how_to_subscribe(cast: Any, login: Any) -> None:
    response = login(cast.student).get(SETTINGS_URL)

    assert response.status_code == 200
    body = response.content.decode()
    for app in ("Google", "Outlook", "Apple"):
        assert app in body
    assert 'value="renew"' in body
    assert 'value="revoke"' not in body  # nothing to switch off yet


def test_creating_a_link_shows_it_once(cast: Any, login: Any) -> None:
    client = login(cast.student)

    response = client.post(SETTINGS_URL, {"action": "renew"})

    assert response.status_code == 302
    assert response["Location"] == SETTINGS_URL
    feed = CalendarFeed.objects.get(user=cast.student)
    page = client.get(SETTINGS_URL).content.decode()
    prefix = settings.ULVO_BASE_URL + feed_url("TOKEN").split("TOKEN")[0]
    start = page.index(prefix)
    url = page[start : page.index('"', start)]
    token = url.removeprefix(prefix).removesuffix(".ics")
    assert hash_token(token) == feed.token_hash
    assert "webcal://" in page
    # Shown once: the next visit no longer has it.
    assert token not in client.get(SETTINGS_URL).content.decode()
    assert fetch(token).status_code == 200


def test_renewing_makes_the_old_link_stop_working(cast: Any, login: Any) -> None:
    old = calendar_feed_renew(user=cast.student)
    client = login(cast.student)

    client.post(SETTINGS_URL, {"action": "renew"})

    assert fetch(old).status_code == 404
    assert CalendarFeed.objects.filter(user=cast.student).count() == 1


def test_revoking_switches_the_link_off(cast: Any, login: Any) -> None:
    token = calendar_feed_renew(user=cast.student)
    client = login(cast.student)
    assert 'value="revoke"' in client.get(SETTINGS_URL).content.decode()

    response = client.post(SETTINGS_URL, {"action": "revoke"})

    assert response.status_code == 302
    assert not CalendarFeed.objects.filter(user=cast.student).exists()
    assert fetch(token).status_code == 404


def test_a_link_revoked_in_between_is_not_shown(cast: Any, login: Any) -> None:
    client = login(cast.student)
    client.post(SETTINGS_URL, {"action": "renew"})
    calendar_feed_revoke(user=cast.student)

    page = client.get(SETTINGS_URL).content.decode()

    assert ".ics" not in page


@pytest.mark.parametrize("data", [{}, {"action": "delete"}, {"action": "x" * 10000}])
def test_an_unknown_action_changes_nothing(cast: Any, login: Any, data: dict[str, str]) -> None:
    token = calendar_feed_renew(user=cast.student)
    client = login(cast.student)

    response = client.post(SETTINGS_URL, data)

    assert response.status_code == 422
    assert CalendarFeed.objects.get(user=cast.student).token_hash == hash_token(token)


def test_settings_need_a_login_and_csrf(cast: Any) -> None:
    anonymous = Client()
    response = anonymous.get(SETTINGS_URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(cast.student)
    assert strict.post(SETTINGS_URL, {"action": "renew"}).status_code == 403
    assert not CalendarFeed.objects.exists()


def test_one_users_link_is_not_another_users(cast: Any, login: Any) -> None:
    calendar_feed_renew(user=cast.supervisor)
    client = login(cast.student)

    client.post(SETTINGS_URL, {"action": "revoke"})

    assert CalendarFeed.objects.filter(user=cast.supervisor).exists()
