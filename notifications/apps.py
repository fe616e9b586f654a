from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        # The high part of the app hands the low part (the outbox, which the apps
        # below import) what it may not import itself: see notifications.outbox.
        from notifications import kinds, outbox, tasks

        outbox.install(kinds=kinds.KINDS, deliver_task=tasks.deliver_notification)
