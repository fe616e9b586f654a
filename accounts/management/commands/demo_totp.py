"""Print the current two-factor code of a demo account (see ``manage.py demo``)."""

import time
from typing import Any

from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.adapter import get_adapter as get_mfa_adapter
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import (
    format_hotp_value,
    hotp_value,
    yield_hotp_counters_from_time,
)
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.models import User
from ulvo.lib.demo import DEMO_DOMAIN


class Command(BaseCommand):
    help = "Print the current TOTP code of a demo account (e-mail ending in @demo.ulvo.nl)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email", help="E-mail address of the demo account.")

    def handle(self, *args: Any, **options: Any) -> None:
        if getattr(settings, "PRODUCTION", False):
            raise CommandError("Demo accounts do not exist in production.")
        email = options["email"].strip().lower()
        # Only demo accounts: this prints a second factor, which for anyone else must stay secret.
        if not email.endswith(DEMO_DOMAIN):
            raise CommandError(f"Only demo accounts ({DEMO_DOMAIN}) have a printable code.")
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            raise CommandError(f"No user {email}; run `manage.py demo` first.")
        authenticator = Authenticator.objects.filter(
            user=user, type=Authenticator.Type.TOTP
        ).first()
        if authenticator is None:
            raise CommandError(f"{email} has no TOTP authenticator.")
        secret = get_mfa_adapter().decrypt(authenticator.wrap().instance.data["secret"])
        # The counters run from -tolerance to +tolerance around now: the middle one is now.
        counters = list(yield_hotp_counters_from_time())
        code = format_hotp_value(hotp_value(secret, counters[len(counters) // 2]))
        self.stdout.write(code)
        if options["verbosity"] > 1:
            period = mfa_settings.TOTP_PERIOD
            self.stdout.write(f"Valid for another {period - int(time.time()) % period} s.")
