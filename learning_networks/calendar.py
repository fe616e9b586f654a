"""Sessions as an iCalendar (RFC 5545) document, for a user's private feed.

Calendar apps recognise an event by its UID and replace their copy when the
SEQUENCE is higher, so the UID is the session's stable ``uid`` and the sequence
is the one the services raise on every change a calendar shows. Cancelled
sessions stay in the feed with STATUS:CANCELLED so the apps remove them.
"""

import datetime
from collections.abc import Iterable

from django.utils.translation import gettext as _
from icalendar import Calendar, Event, vDuration

from learning_networks.models import NetworkSession, SessionStatus

PRODID = "-//ULVO//Leernetwerken//NL"
# A hint for apps that honour it (Apple, Outlook); Google polls on its own schedule.
REFRESH_INTERVAL = datetime.timedelta(hours=1)


def event_uid(session: NetworkSession) -> str:
    return f"{session.uid}@ulvo"


def _utc(moment: datetime.datetime) -> datetime.datetime:
    return moment.astimezone(datetime.UTC)


def session_location(session: NetworkSession) -> str:
    return ", ".join(part for part in (str(session.location or ""), session.room) if part)


def session_event(session: NetworkSession, *, base_url: str) -> Event:
    """One VEVENT. Needs ``network`` and ``location`` loaded (select_related)."""
    url = base_url + session.get_absolute_url()
    cancelled = session.status == SessionStatus.CANCELLED
    summary = session.theme
    if cancelled:
        # Some apps ignore STATUS on subscribed calendars; the title says it too.
        summary = _("Cancelled: %(theme)s") % {"theme": session.theme}
    description = "\n".join(
        [
            session.get_kind_display(),
            _("Learning network: %(network)s") % {"network": session.network.name},
            url,
        ]
    )
    event = Event()
    event.add("uid", event_uid(session))
    event.add("sequence", session.sequence)
    event.add("dtstamp", _utc(session.updated_at))
    event.add("last-modified", _utc(session.updated_at))
    event.add("created", _utc(session.created_at))
    event.add("dtstart", _utc(session.starts_at))
    event.add("dtend", _utc(session.ends_at))
    event.add("summary", summary)
    location = session_location(session)
    if location:
        event.add("location", location)
    event.add("description", description)
    event.add("url", url)
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event.add("transp", "TRANSPARENT" if cancelled else "OPAQUE")
    return event


def sessions_to_ical(
    sessions: Iterable[NetworkSession], *, base_url: str, name: str = "ULVO"
) -> bytes:
    """The calendar document. Times are in UTC, so no VTIMEZONE is needed.

    The output depends only on the sessions (DTSTAMP is the last change, not the
    time of the request), so an unchanged agenda gives the same bytes.
    """
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", "Europe/Amsterdam")
    calendar.add("refresh-interval", REFRESH_INTERVAL, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", vDuration(REFRESH_INTERVAL))
    for session in sessions:
        calendar.add_component(session_event(session, base_url=base_url))
    return calendar.to_ical()
