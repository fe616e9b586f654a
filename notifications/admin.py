from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from notifications.models import Notification, Preference, Report, Status
from ulvo.lib.admin import PrivateTextAdmin


@admin.register(Notification)
class NotificationAdmin(PrivateTextAdmin):
    """Staff see failed deliveries with their error, and can send them again."""

    list_display = ["kind", "recipient", "email", "status", "attempts", "due_at", "sent_at"]
    list_filter = ["status", "kind", "channel"]
    search_fields = ["recipient__email", "email", "dedupe_key"]
    readonly_fields = [
        "recipient",
        "email",
        "kind",
        "payload",
        "dedupe_key",
        "channel",
        "attempts",
        "last_error",
        "sent_at",
        "read_at",
        "created_at",
    ]
    fields = [*readonly_fields[:5], "status", "due_at", *readonly_fields[5:]]
    actions = ["retry"]
    list_select_related = ["recipient"]
    date_hierarchy = "due_at"

    @admin.action(description=_("Deliver again"))
    def retry(self, request: HttpRequest, queryset: QuerySet[Notification]) -> None:
        count = queryset.filter(status=Status.FAILED).update(
            status=Status.PENDING, attempts=0, due_at=timezone.now()
        )
        self.message_user(
            request,
            _("%(count)s notifications will be delivered again.") % {"count": count},
            messages.SUCCESS,
        )


@admin.register(Preference)
class PreferenceAdmin(PrivateTextAdmin):
    list_display = ["user", "kind", "delivery"]
    list_filter = ["kind", "delivery"]
    search_fields = ["user__email"]
    raw_id_fields = ["user"]


@admin.register(Report)
class ReportAdmin(PrivateTextAdmin):
    list_display = ["environment", "period_start", "period_end", "state", "progress", "expires_at"]
    list_filter = ["state"]
    readonly_fields = ["error", "created_at", "started_at", "finished_at"]
    exclude = ["pdf", "xlsx"]
    raw_id_fields = ["requested_by"]
