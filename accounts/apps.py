from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts and memberships")

    def ready(self) -> None:
        import ulvo.checks  # noqa: F401  (registers the deploy checks)
        from accounts import audit, navigation, sessions

        sessions.connect()
        audit.connect()
        navigation.connect()
