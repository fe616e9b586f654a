"""A new supervision assignment tells the student and the supervisor, once (#15)."""

from typing import Any

import pytest
from django.core import mail
from django.utils import translation

from environments.models import Domain
from notifications.models import Kind, Notification
from notifications.tasks import deliver_due_notifications
from placements.models import SupervisionAssignment, SupervisionRole
from placements.services import assignment_save

pytestmark = pytest.mark.django_db


def assign(cast: Any, supervisor: Any) -> SupervisionAssignment:
    return assignment_save(
        assignment=SupervisionAssignment(
            placement=cast.placement,
            supervisor=supervisor,
            role=SupervisionRole.PRACTICE,
            domain=Domain.SOCIAL,
            guides=True,
        )
    )


def recipients() -> list[Any]:
    return sorted(
        Notification.objects.filter(kind=Kind.SUPERVISION_ASSIGNED).values_list(
            "recipient__email", flat=True
        )
    )


def test_a_new_assignment_queues_one_row_each_for_student_and_supervisor(cast: Any) -> None:
    assignment = assign(cast, cast.bystander)

    assert recipients() == [cast.bystander.email, cast.student.email]
    for row in Notification.objects.filter(kind=Kind.SUPERVISION_ASSIGNED):
        assert row.payload == {"placement": cast.placement.pk, "assignment": assignment.pk}


def test_saving_it_again_tells_nobody_again_but_a_new_supervisor_is_news(cast: Any) -> None:
    assignment = assign(cast, cast.bystander)
    assignment.assesses = True
    assignment_save(assignment=assignment)
    assert len(recipients()) == 2

    replacement = cast.colleague
    replacement.memberships.update(role="practice_supervisor")
    assignment.supervisor = replacement
    assignment_save(assignment=assignment)

    assert recipients() == sorted(
        [cast.bystander.email, cast.student.email, replacement.email, cast.student.email]
    )


def test_nobody_else_and_nobody_of_another_environment_gets_a_row(cast: Any) -> None:
    assign(cast, cast.bystander)

    assert not Notification.objects.filter(kind=Kind.SUPERVISION_ASSIGNED).exclude(
        recipient__in=[cast.student, cast.bystander]
    )


@pytest.mark.parametrize("language", ["en", "nl"])
def test_the_emails_in_both_languages(cast: Any, language: str) -> None:
    for user in (cast.student, cast.bystander):
        user.language = language
        user.save()
    assign(cast, cast.bystander)

    deliver_due_notifications()

    by_address = {m.to[0]: m for m in mail.outbox}
    to_student, to_supervisor = by_address[cast.student.email], by_address[cast.bystander.email]
    with translation.override(language):
        role = str(SupervisionRole.PRACTICE.label)
    assert cast.bystander.full_name in to_student.subject
    assert role in to_student.body
    assert cast.student.full_name in to_supervisor.subject
    for message in (to_student, to_supervisor):
        html, mimetype = message.alternatives[0]
        assert mimetype == "text/html"
        assert cast.placement.get_absolute_url() in message.body
        assert cast.placement.get_absolute_url() in html
    if language == "en":
        assert to_student.subject == f"{cast.bystander.full_name} supervises your placement"
        assert to_supervisor.subject == f"You supervise {cast.student.full_name}"
