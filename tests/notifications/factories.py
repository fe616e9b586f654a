from typing import Any

from notifications.models import Kind, Notification
from notifications.services import notify
from placements.models import Placement


def queue(
    recipient: Any,
    *,
    key: str = "test:1",
    kind: str = Kind.LOG_REMINDER,
    payload: dict[str, Any] | None = None,
    **kw: Any,
) -> Notification:
    """A notification queued through the service, as other apps do.

    Without a payload: a reminder to log the week of 1 March 2027 of a placement the
    recipient may see (the outbox queues nothing about what they may not see).
    """
    if payload is None:
        assert kind == Kind.LOG_REMINDER, "give the payload of this kind"
        placement = Placement.objects.visible_to(recipient).order_by("pk").first()
        assert placement is not None, "the recipient may see no placement"
        payload = {"placement": placement.pk, "week": "2027-03-01"}
    notification = notify(recipient=recipient, kind=kind, dedupe_key=key, payload=payload, **kw)
    assert notification is not None
    return notification
