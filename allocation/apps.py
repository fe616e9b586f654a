from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AllocationConfig(AppConfig):
    name = "allocation"
    verbose_name = _("Host register, applications and allocation")

    def ready(self) -> None:
        # The compliance gate also guards the placements' own edit form
        # (placements/activation.py: placements may not import allocation).
        from allocation.services import compliance_refusal
        from placements.activation import register_activation_guard

        register_activation_guard(compliance_refusal)
