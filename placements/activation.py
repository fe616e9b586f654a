"""Activation guards: what must hold before a placement becomes active.

A placement becomes active through the edit form (``PlacementForm``) or through a layer
above placements (allocation's ``placement_activate``, the compliance gate). The rules
that can refuse it belong to those layers, which placements may not import (README,
Layout). So placements asks a small registry instead: an app above registers a guard
in its ``AppConfig.ready`` (allocation does, in ``allocation/apps.py``), and the edit
form asks :func:`activation_refusals` before it lets a placement become active,
showing each refusal at the status field (422, nothing saved).

A guard is a plain function of the placement (already saved, still with its old
status) that returns why it may not become active, or ``None``. Guards hold only that
question; no signals, no side effects.
"""

from collections.abc import Callable

from django.utils.functional import Promise

from placements.models import Placement

ActivationGuard = Callable[[Placement], "str | Promise | None"]

_guards: list[ActivationGuard] = []


def register_activation_guard(guard: ActivationGuard) -> None:
    """Add a guard (once: registering it again changes nothing)."""
    if guard not in _guards:
        _guards.append(guard)


def activation_guards() -> tuple[ActivationGuard, ...]:
    return tuple(_guards)


def activation_refusals(placement: Placement) -> list[str]:
    """Why this placement may not become active: one message per refusing guard, none
    when it may. A placement not yet saved has nothing a guard could hold against it."""
    if placement.pk is None:
        return []
    refusals = (guard(placement) for guard in _guards)
    return [str(refusal) for refusal in refusals if refusal]
