from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation

from accounts.models import Invitation


@shared_task(
    autoretry_for=(ConnectionError, TimeoutError, OSError),
    retry_backoff=True,
    max_retries=5,
)
def send_invitation_email(invitation_id: int) -> bool:
    """E-mail the invitation link. Returns False when there is nothing to send."""
    invitation = (
        Invitation.objects.select_related("environment", "invited_by")
        .filter(pk=invitation_id)
        .first()
    )
    if invitation is None or not invitation.is_pending:
        return False
    context = {
        "invitation": invitation,
        "accept_url": settings.ULVO_BASE_URL + invitation.get_accept_url(),
    }
    with translation.override("nl"):
        subject = render_to_string("accounts/email/invitation_subject.txt", context).strip()
        body = render_to_string("accounts/email/invitation_body.txt", context)
    send_mail(subject, body, None, [invitation.email])
    return True


@shared_task
def clear_expired_sessions() -> int:
    """Daily: expired sessions go from the database (``manage.py clearsessions``)."""
    from accounts.services import sessions_clear_expired

    return sessions_clear_expired()
