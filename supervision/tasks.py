"""Background work of the supervisor's home."""

import logging

from celery import shared_task

from supervision.home import home_kept_seconds, home_refresh

logger = logging.getLogger(__name__)


@shared_task(ignore_result=True)
def refresh_supervisor_homes(user_ids: list[int]) -> int:
    """Build the supervisors' homes again after a change forgot them
    (``ulvo.lib.home_tokens``), so their next visit only renders the page."""
    return home_refresh(user_ids)


def refresh_soon(user_ids: set[int]) -> None:
    """Queue :func:`refresh_supervisor_homes` (declared to ``ulvo.lib.home_tokens``
    when the apps are ready). Only an optimisation: when the broker cannot take it,
    the next visit builds the page as it would have."""
    if home_kept_seconds() <= 0:
        return
    try:
        refresh_supervisor_homes.apply_async((sorted(user_ids),), retry=False)
    except Exception:  # whatever the broker says: the page is built on the next visit
        logger.warning("Could not queue the refresh of %s supervisor homes", len(user_ids))
