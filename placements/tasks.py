from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation

from placements.models import Week, WeekStatus


@shared_task(
    autoretry_for=(ConnectionError, TimeoutError, OSError),
    retry_backoff=True,
    max_retries=5,
)
def send_signoff_requests(week_id: int) -> int:
    """E-mail each supervisor who signs off that a week waits for them.

    Supervisors with an account get a link to the week in the platform; those
    without one get a signed link that works once, for this week only.
    Returns the number of e-mails sent.
    """
    week = (
        Week.objects.select_related("placement__student", "placement__programme")
        .filter(pk=week_id, status=WeekStatus.SUBMITTED)
        .first()
    )
    if week is None:
        return 0
    sent = 0
    for assignment in week.placement.assignments.filter(signs_off=True).select_related(
        "supervisor"
    ):
        email = assignment.contact_email
        if not email:
            continue
        if assignment.supervisor_id:
            url = settings.ULVO_BASE_URL + week.get_absolute_url()
            language = assignment.supervisor.language
        else:
            url = settings.ULVO_BASE_URL + week.get_signoff_url(assignment.pk)
            language = settings.LANGUAGE_CODE
        context = {"week": week, "assignment": assignment, "url": url}
        with translation.override(language):
            subject = render_to_string("placements/email/signoff_subject.txt", context).strip()
            body = render_to_string("placements/email/signoff_body.txt", context)
        send_mail(subject, body, None, [email])
        sent += 1
    return sent


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
