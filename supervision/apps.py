from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    name = "supervision"
    verbose_name = _("Supervision")

    def ready(self) -> None:
        from supervision.home_cache import supervisors_of
        from ulvo.lib.home_tokens import home_students_lookup

        # Services below this app forget their students' supervisors' home pages
        # (``home_forget_students``); who those supervisors are is known here.
        home_students_lookup(supervisors_of)
