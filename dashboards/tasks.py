from celery import shared_task

from dashboards.ahead import compute_ahead


@shared_task
def compute_figures_ahead() -> int:
    """The standard periods' figures of the environments whose dashboard is in use,
    computed before the cached ones expire (``dashboards.ahead``)."""
    return compute_ahead()
