from django.apps import AppConfig


class UlvoConfig(AppConfig):
    """The project itself: the front page, the commands that span every app, and the
    admin site's side effects (``ulvo.receivers``)."""

    name = "ulvo"
    verbose_name = "ULVO"

    def ready(self) -> None:
        from ulvo import receivers

        receivers.connect()
