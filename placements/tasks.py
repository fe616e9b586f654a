from celery import shared_task


@shared_task(
    autoretry_for=(ConnectionError, TimeoutError, OSError),
    retry_backoff=True,
    max_retries=5,
)
def validate_import_job(job_id: int) -> str | None:
    """The dry run of an uploaded import file. Returns the job's state."""
    from placements.imports import import_job_validate

    job = import_job_validate(job_id=job_id)
    return job.state if job else None


@shared_task(
    autoretry_for=(ConnectionError, TimeoutError, OSError),
    retry_backoff=True,
    max_retries=5,
)
def apply_import_job(job_id: int) -> str | None:
    """The confirmed import: all rows or none. Returns the job's state."""
    from placements.imports import import_job_apply

    job = import_job_apply(job_id=job_id)
    return job.state if job else None
