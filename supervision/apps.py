from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    name = "supervision"
    verbose_name = _("Supervision")

    def ready(self) -> None:
        from supervision.home_cache import supervisors_of
        from supervision.tasks import refresh_soon
        from ulvo.lib.home_tokens import home_refresh_with, home_students_lookup

        # Services below this app forget their students' supervisors' home pages
        # (``home_forget_students``); who those supervisors are is known here, and
        # the pages are built again in the background.
        home_students_lookup(supervisors_of)
        home_refresh_with(refresh_soon)
