from celery import shared_task

from privacy.services import retention_purge as retention_purge_service


@shared_task
def retention_purge() -> dict[str, int]:
    """Daily (ulvo/celery.py): remove what is past its retention time. Idempotent."""
    result = retention_purge_service()
    return {
        "reflections": result.reflections,
        "descriptions": result.descriptions,
        "import_jobs": result.import_jobs,
        "notifications": result.notifications,
    }
