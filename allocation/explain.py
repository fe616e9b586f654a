"""The solver's reason codes in words (allocation/solver.py makes them, the proposal
keeps them as JSON: a code and its parameters)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from environments.models import Domain

RULES = {
    "other_environment": gettext_lazy("it is not a host of this environment"),
    "unknown_host": gettext_lazy("it is not a host of this environment"),
    "forbidden": gettext_lazy("the coordinator ruled it out"),
    "pinned_elsewhere": gettext_lazy("the coordinator pinned the student elsewhere"),
    "no_place": gettext_lazy("it has no place for this programme"),
    "weekdays": gettext_lazy("no common weekday"),
    "recognition": gettext_lazy("no SBB recognition for the qualification"),
    "training_school": gettext_lazy("not a training school of the institute's partnership"),
    "compliance": gettext_lazy("a required item is still open"),
}

ORDINALS = {
    1: gettext_lazy("1st choice"),
    2: gettext_lazy("2nd choice"),
    3: gettext_lazy("3rd choice"),
    4: gettext_lazy("4th choice"),
    5: gettext_lazy("5th choice"),
}


def _domain(value: Any) -> str:
    try:
        return str(Domain(value).label)
    except ValueError:
        return str(value)


def describe(reason: Mapping[str, Any]) -> str:
    """One reason as a short phrase."""
    code = reason.get("code", "")
    p = dict(reason)
    if code == "rank":
        return str(ORDINALS.get(int(p.get("rank", 0)), ""))
    if code == "no_preference":
        return _("no preference given")
    if code == "outside_preferences":
        return _("none of the choices was possible")
    if code == "pinned":
        return _("pinned by the coordinator")
    if code == "full":
        return _("%(host)s is full") % p
    if code == "not_allowed":
        return _("%(host)s: %(rule)s") % {
            "host": p.get("host", ""),
            "rule": RULES.get(p.get("rule", ""), ""),
        }
    if code == "kept_for_balance":
        return _("%(host)s had room, but this keeps the mix") % p
    if code == "keeps_domain":
        return _("keeps a student of the %(domain)s domain at %(host)s") % {
            "domain": _domain(p.get("domain")),
            "host": p.get("host", ""),
        }
    if code == "needed_for_programme_target":
        return _("needed for the target of %(minimum)s %(programme)s students") % p
    if code == "needed_for_domain_target":
        return _("needed for the target of %(minimum)s students of the %(domain)s domain") % {
            "minimum": p.get("minimum", ""),
            "domain": _domain(p.get("domain")),
        }
    if code == "supervisor":
        return _("a practice supervisor of the own domain at the host")
    if code == "supervisor_at_partner":
        return _("a practice supervisor of the own domain at %(organisation)s") % p
    if code == "no_supervisor":
        return _("no practice supervisor of the %(domain)s domain has room") % {
            "domain": _domain(p.get("domain"))
        }
    if code == "no_host_allowed":
        return _("no host of the environment can take this student")
    if code == "allowed_hosts_full":
        return _("the hosts that could take this student are full")
    if code == "too_few_applicants":
        return _("only %(count)s applied") % p
    if code == "group_blocked":
        return _("%(count)s cannot go anywhere: %(rule)s") % {
            "count": p.get("count", ""),
            "rule": RULES.get(p.get("rule", ""), ""),
        }
    if code == "too_few_places":
        return _("only %(places)s places can take them") % p
    if code == "too_few_supervisors":
        return _("only %(slots)s places with a practice supervisor of their domain") % p
    if code == "host_capacity":
        return _("%(host)s has %(places)s places") % p
    if code == "host_domains_reachable":
        return _("only %(count)s domains can go to %(host)s") % p
    if code == "competing":
        return _("the places are needed for other students and targets")
    return code


def describe_all(reasons: list[Mapping[str, Any]]) -> str:
    return "; ".join(text for text in (describe(r) for r in reasons) if text)
