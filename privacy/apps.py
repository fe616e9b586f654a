from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    name = "privacy"
    verbose_name = _("Privacy")

    def ready(self) -> None:
        # The checks register themselves on import.
        from privacy import checks  # noqa: F401
        from privacy.registry import private_text_fields
        from ulvo.lib.admin import private_text_protect

        private_text_protect(private_text_fields())
