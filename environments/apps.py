from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnvironmentsConfig(AppConfig):
    name = "environments"
    verbose_name = _("Learning environments")
