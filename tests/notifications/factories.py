from typing import Any

from notifications.models import Kind, Notification
from notifications.services import notify


def queue(
    recipient: Any, *, key: str = "test:1", kind: str = Kind.REFLECTION_FEEDBACK, **kw: Any
) -> Notification:
    """A notification queued through the service, as other apps do."""
    notification = notify(
        recipient=recipient, kind=kind, dedupe_key=key, payload=kw.pop("payload", {}), **kw
    )
    assert notification is not None
    return notification
