"""What the demo builders of every app share: the demo world's public credentials,
and what they write their hints to (a management command's ``self.stdout``, Django's
``OutputWrapper``, or in tests anything with the same ``write``)."""

from collections.abc import Callable
from typing import Protocol

DEMO_DOMAIN = "@demo.ulvo.nl"
DEMO_PASSWORD = "ulvo-demo-2026"
# Public on purpose: type it into an authenticator app, or ask `demo_totp`.
DEMO_TOTP_SECRET = "JBSWY3DPEHPK3PXPMFRGGZDFMZTWQ2LK"


class DemoWriter(Protocol):
    def write(
        self,
        msg: str = ...,
        style_func: Callable[[str], str] | None = ...,
        ending: str | None = ...,
    ) -> None: ...
