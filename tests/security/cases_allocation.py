"""Application rounds and the allocation (#16) in the authorisation matrix: students of
the environment apply (others of the environment 403), only its coordinators open the
proposal, pin, run and confirm; outsiders and the other environment's coordinator
404. Confirming an application is the institute supervisor's (none in the cast):
the student and the coordinator, who see it, 403; the rest 404."""

from typing import Any

from tests.security.matrix import LOGIN, Case, statuses

APPLY = statuses(
    supervisor=403, bystander=403, coordinator=403, outsider=404, other_coordinator=404
)
MANAGE = statuses(student=403, supervisor=403, bystander=403, outsider=404, other_coordinator=404)
CONFIRM_APPLICATION = {
    **statuses(
        student=403,
        supervisor=404,
        bystander=404,
        coordinator=403,
        outsider=404,
        other_coordinator=404,
    ),
    "anonymous": LOGIN,
}


def a_round(cast: Any) -> Any:
    from tests.allocation.steps import a_round as make

    return make(cast)


def round_pk(cast: Any) -> list[Any]:
    return [cast.setup_result.round.pk]


def application_data(cast: Any) -> dict[str, Any]:
    return {"choice_1": cast.neighbourhood.pk, "weekdays": ["2", "3"], "class_days": ["1"]}


def decision_data(cast: Any) -> dict[str, Any]:
    return {
        "application": cast.setup_result.application.pk,
        "host": cast.neighbourhood.pk,
        "kind": "pin",
    }


CASES = [
    Case("allocation:index", statuses(), setup=a_round),
    Case("allocation:apply", APPLY, args=round_pk, setup=a_round),
    Case(
        "allocation:apply",
        {**APPLY, "student": 302},
        method="post",
        args=round_pk,
        setup=a_round,
        data=application_data,
    ),
    Case("allocation:round", MANAGE, args=round_pk, setup=a_round),
    Case(
        "allocation:run",
        {**MANAGE, "coordinator": 302},
        method="post",
        args=round_pk,
        setup=a_round,
    ),
    Case(
        "allocation:decide",
        {**MANAGE, "coordinator": 302},
        method="post",
        args=round_pk,
        setup=a_round,
        data=decision_data,
    ),
    Case(
        "allocation:confirm",
        {**MANAGE, "coordinator": 302},
        method="post",
        args=round_pk,
        setup=a_round,
        data=lambda cast: {"proposal": 0},
    ),
    Case(
        "allocation:confirm_application",
        CONFIRM_APPLICATION,
        method="post",
        args=lambda cast: [cast.setup_result.application.pk],
        setup=a_round,
    ),
]

ALLOWED_WRITES = {
    ("allocation:apply", "student"),
    ("allocation:run", "coordinator"),
    ("allocation:decide", "coordinator"),
}
