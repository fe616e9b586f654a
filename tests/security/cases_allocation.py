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


def a_confirmed_round(cast: Any) -> Any:
    from tests.allocation.steps import a_confirmed_round as make

    return make(cast)


def an_item(cast: Any) -> Any:
    from tests.allocation.steps import an_item as make

    return make(cast)


def item_pk(cast: Any) -> list[Any]:
    return [cast.setup_result.pk]


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


# The student sees their new placement, not the coordinators' record of its items;
# the cast's supervisors and the colleague do not see that placement at all. No
# document is uploaded yet: the coordinator gets 404 for it.
ITEM = statuses(
    student=403,
    supervisor=404,
    bystander=404,
    colleague=404,
    outsider=404,
    other_coordinator=404,
)

CASES = [
    Case("allocation:index", statuses(), setup=a_round),
    Case("allocation:round", MANAGE, args=round_pk, setup=a_confirmed_round, note="confirmed"),
    Case("allocation:compliance", MANAGE, args=round_pk, setup=a_confirmed_round),
    Case(
        "allocation:compliance_item",
        {**ITEM, "coordinator": 302},
        method="post",
        args=item_pk,
        setup=an_item,
        data=lambda cast: {f"item-{cast.setup_result.pk}-status": "checked"},
    ),
    Case(
        "allocation:compliance_document", {**ITEM, "coordinator": 404}, args=item_pk, setup=an_item
    ),
    # Hosts' supervisors see who is proposed to their organisation (the school trainer
    # and the neighbourhood's practice supervisor); the colleague sees no students.
    Case(
        "allocation:host_applicants",
        statuses(student=403, coordinator=403, colleague=403, outsider=404, other_coordinator=404),
        args=round_pk,
        setup=a_confirmed_round,
    ),
    Case(
        "allocation:host_applicants",
        statuses(student=403, coordinator=403, colleague=403, outsider=404, other_coordinator=404),
        args=round_pk,
        setup=a_round,
        note="no proposal yet",
    ),
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
    ("allocation:compliance_item", "coordinator"),
    ("allocation:apply", "student"),
    ("allocation:run", "coordinator"),
    ("allocation:decide", "coordinator"),
}
