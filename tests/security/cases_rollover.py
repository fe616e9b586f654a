"""The rollover to the next school year in the authorisation matrix (#14, part 5):
only the environment's own coordinators open it, see what it would carry and run it;
other members 403, outsiders and the other environment's coordinator 404."""

from typing import Any

from tests.security.matrix import LOGIN, Case, env_pk, statuses

MANAGE = statuses(student=403, supervisor=403, bystander=403, outsider=404, other_coordinator=404)


def everything(cast: Any) -> dict[str, Any]:
    return {
        "name": cast.environment.name,
        **dict.fromkeys(
            ("partners", "programmes", "agreement", "networks", "lines", "outcomes"), "on"
        ),
    }


def rolled_over(cast: Any) -> Any:
    """Next year started, with a draft in the spring holiday: the page lists it."""
    from supervision.rollover import rollover_run
    from tests.supervision.steps import a_year_to_roll_over

    a_year_to_roll_over(cast)
    return rollover_run(source=cast.environment, user=cast.coordinator)[0]


CASES = [
    Case("rollover:start", MANAGE, args=env_pk),
    Case("rollover:start", MANAGE, args=env_pk, setup=rolled_over, note="after a rollover"),
    # What it would carry over: a page, nothing written.
    Case(
        "rollover:start",
        {**MANAGE, "anonymous": LOGIN},
        method="post",
        args=env_pk,
        data=everything,
    ),
    Case(
        "rollover:run",
        {**MANAGE, "anonymous": LOGIN, "coordinator": 302},
        method="post",
        args=env_pk,
        data=everything,
    ),
]

ALLOWED_WRITES = {("rollover:run", "coordinator")}
