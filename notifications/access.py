"""Who may see notifications and reports. First line of every view."""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from accounts.models import User
from notifications.models import Notification, Report


def notification_for(user: User, pk: int) -> Notification:
    """One of the user's own notifications; anyone else's is a 404."""
    notification = Notification.objects.for_user(user).filter(pk=pk).first()
    if notification is None:
        raise Http404
    return notification


def report_for(user: User, pk: int) -> Report:
    """A report of an environment the user coordinates (``Report.objects.visible_to``).

    Members of the environment who do not coordinate it get 403; everyone
    else 404, so a report's existence is not leaked.
    """
    report = Report.objects.visible_to(user).select_related("environment").filter(pk=pk).first()
    if report is not None:
        return report
    environment = Report.objects.filter(pk=pk).values("environment_id")
    if user.memberships.filter(environment_id__in=environment, is_active=True).exists():
        raise PermissionDenied
    raise Http404
