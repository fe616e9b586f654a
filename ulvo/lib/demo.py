"""What the demo builders write their hints to: a management command's ``self.stdout``
(Django's ``OutputWrapper``) or, in tests, anything with the same ``write``."""

from collections.abc import Callable
from typing import Protocol


class DemoWriter(Protocol):
    def write(
        self,
        msg: str = ...,
        style_func: Callable[[str], str] | None = ...,
        ending: str | None = ...,
    ) -> None: ...
