from django import template
from django.utils import timezone

from notifications.models import Notification

register = template.Library()


@register.simple_tag
def unread_notifications(user: object) -> int:
    """The unread count in the navigation: one COUNT on a partial index per page."""
    if not getattr(user, "is_authenticated", False):
        return 0
    return (
        Notification.objects.filter(
            recipient=user, read_at__isnull=True, due_at__lte=timezone.now()
        )
        .exclude(status="skipped")
        .count()
    )
