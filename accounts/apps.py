from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts and memberships")

    def ready(self) -> None:
        import ulvo.checks  # noqa: F401  (registers the deploy checks)
        from accounts import sessions

        # Framework hooks only (logging in and out, passwords): the audit trail and
        # the caches are kept in step by the services themselves (STYLE.md, 15).
        sessions.connect()
