"""Steps shared by the supervision tests, built through the real services."""

from typing import Any

from django.utils import timezone

from placements.services import activity_create, week_submit
from reflections.models import Reflection
from reflections.services import reflection_save


def submit_week(cast: Any, placement: Any | None = None) -> Any:
    """An activity of today in a week the student submits for sign-off."""
    placement = placement or cast.placement
    entry = activity_create(
        placement=placement,
        date=timezone.localdate(),
        minutes=90,
        setting="school",
        kind="classroom",
        disciplines=["teacher"],
        description="Rekenles in groep 5 ondersteund.",
    )
    return week_submit(placement=placement, start=entry.date, student=placement.student)


def share_reflection(author: Any, environment: Any, text: str, **fields: Any) -> Any:
    """A reflection its author shared with their supervisors."""
    fields.setdefault("visibility", "supervisors")
    fields.setdefault("published_at", timezone.now())
    reflection = Reflection(author=author, environment=environment, text=text, **fields)
    return reflection_save(reflection=reflection)


def a_year_to_roll_over(cast: Any) -> Any:
    """The cast's environment with a year's work to carry over (#14, part 5): targets,
    the agreement, a learning line of three sessions (the cast's two and one on Tuesday
    2 March 2027, whose draft lands in the spring holiday of 2028), a cancelled one and
    one outside the line, a shared outcome; and what students did: a reflection, an
    answered invitation, feedback. Returns the line."""
    import datetime
    from zoneinfo import ZoneInfo

    from environments.models import Domain, DomainTarget, ProgrammeTarget
    from learning_networks.models import LearningLine, NetworkSession, SessionStatus
    from learning_networks.services import SessionError, feedback_give, session_save
    from reflections.models import LearningOutcome
    from supervision.models import ResponsibilityAgreement
    from tests.learning_networks.steps import ship_holidays_if_flushed

    environment = cast.environment
    # update_or_create: the sweeps run every case's set-up on one cast, so another case
    # may have given the environment its (one) agreement or these targets already.
    ProgrammeTarget.objects.update_or_create(
        environment=environment, programme=cast.social_work, defaults={"students": 5}
    )
    DomainTarget.objects.update_or_create(
        environment=environment, domain=Domain.SOCIAL, defaults={"students": 4}
    )
    ResponsibilityAgreement.objects.update_or_create(
        environment=environment,
        defaults={"practice_supervisor": "Begeleidt wekelijks op de werkplek."},
    )
    LearningOutcome.objects.get_or_create(
        environment=environment,
        title="Samenwerken over grenzen",
        defaults={"created_by": cast.coordinator},
    )
    line = LearningLine.objects.create(network=cast.network, title="Samen opvoeden")
    AMS = ZoneInfo("Europe/Amsterdam")  # noqa: N806
    march = datetime.datetime(2027, 3, 2, 14, 0, tzinfo=AMS)
    extra = [
        NetworkSession(
            network=cast.network,
            line=line,
            kind="workshop",
            theme="Ouderbetrokkenheid",
            starts_at=march,
            ends_at=march + datetime.timedelta(hours=2),
            location=cast.neighbourhood,
            status=SessionStatus.PLANNED,
        ),
        NetworkSession(
            network=cast.network,
            line=line,
            kind="mono",
            theme="Afgelast overleg",
            starts_at=march + datetime.timedelta(days=7),
            ends_at=march + datetime.timedelta(days=7, hours=1),
            status=SessionStatus.CANCELLED,
        ),
        NetworkSession(
            network=cast.network,
            kind="mono",
            theme="Los spreekuur",
            starts_at=march + datetime.timedelta(days=14),
            ends_at=march + datetime.timedelta(days=14, hours=1),
        ),
    ]
    for session in extra:
        session_save(session=session, facilitators=[cast.supervisor], audience_programmes=[])
    extra[0].audience_programmes.set([cast.social_work])
    for session in (cast.session, cast.past_session):
        session.line = line
        session_save(session=session, facilitators=[cast.supervisor], audience_programmes=[])
    attendance = cast.past_session.attendances.get(user=cast.student)
    try:
        feedback_give(attendance=attendance, usefulness=4, relevance=5, comment="Leerzaam")
    except SessionError as error:  # another case's set-up on the same cast gave it
        assert str(error) == "already_given", error
    # The holidays the data migration ships, which a browser journey earlier in the run
    # (transactional_db) flushes with every table: the landing in the spring holiday
    # needs them.
    ship_holidays_if_flushed()
    share_reflection(cast.student, environment, "Ik leerde van de buurtwerker.")
    return line
