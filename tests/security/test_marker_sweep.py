"""The marker sweep: reflection text reaches only those allowed to read it.

Reflections of every visibility (and drafts, and feedback on them) are seeded with
unique marker strings. Then every role of the cast requests every GET page of the
authorisation matrix, plus the reflection pages themselves and the management site,
and no response may show a marker the viewer may not see. E-mails and notification
rows may show none at all. One cast, one pass.
"""

from typing import Any

from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from learning_networks.services import network_member_set
from notifications.models import Notification
from notifications.outbox import notification_deliver
from reflections.models import OutcomeEvidence, Reflection, ReflectionRead, Visibility
from reflections.services import reflection_feedback_add
from tests.accounts.steps import activate_totp
from tests.reflections.factories import LearningOutcomeFactory
from tests.security.matrix import ROLES
from tests.security.test_authorisation_matrix import CASES

ONLY_AUTHOR = {"student"}
WITH_SUPERVISORS = {"student", "supervisor"}
# The bystander is made a plain member of the network below: network visibility
# reaches them, supervisor visibility does not.
WITH_NETWORK = {"student", "supervisor", "bystander"}


def seed(cast: Any) -> tuple[dict[str, set[str]], list[Reflection]]:
    """Markers and who may see each; the reflections carrying them."""
    network_member_set(network=cast.network, user=cast.bystander)
    now = timezone.now()
    allowed: dict[str, set[str]] = {}
    reflections = []
    for name, visibility, published, readers in (
        ("PRIVATE", Visibility.PRIVATE, now, ONLY_AUTHOR),
        ("PRIVATE-DRAFT", Visibility.PRIVATE, None, ONLY_AUTHOR),
        ("SUPERVISORS-DRAFT", Visibility.SUPERVISORS, None, ONLY_AUTHOR),
        ("NETWORK-DRAFT", Visibility.NETWORK, None, ONLY_AUTHOR),
        ("SUPERVISORS", Visibility.SUPERVISORS, now, WITH_SUPERVISORS),
        ("NETWORK", Visibility.NETWORK, now, WITH_NETWORK),
    ):
        marker = f"zqx-{name}-marker-7731"
        allowed[marker] = readers
        reflections.append(
            Reflection.objects.create(
                author=cast.student,
                environment=cast.environment,
                placement=cast.placement,
                text=f"Ik werkte samen met de buurtwerker. {marker}",
                visibility=visibility,
                published_at=published,
                shows_coordination=True,
            )
        )
    for reflection in reflections:
        if reflection.is_draft or reflection.visibility == Visibility.PRIVATE:
            continue
        marker = f"zqx-FEEDBACK-{reflection.visibility}-marker-7731"
        # The thread is between the author and the supervisors, whatever the visibility.
        allowed[marker] = WITH_SUPERVISORS
        reflection_feedback_add(reflection=reflection, author=cast.supervisor, text=marker)
        reply = f"zqx-REPLY-{reflection.visibility}-marker-7731"
        allowed[reply] = WITH_SUPERVISORS
        reflection_feedback_add(reflection=reflection, author=cast.student, text=reply)
        ReflectionRead.objects.get_or_create(reflection=reflection, reader=cast.supervisor)
    outcome = LearningOutcomeFactory(environment=cast.environment)
    for reflection in reflections:
        OutcomeEvidence.objects.create(outcome=outcome, student=cast.student, reflection=reflection)
    return allowed, reflections


def body(response: Any) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return content.decode(errors="replace")


def test_markers_reach_only_their_readers(cast: Any) -> None:
    allowed, reflections = seed(cast)
    clients = {role: Client() for role in ROLES}
    for role, client in clients.items():
        if role != "anonymous":
            client.force_login(getattr(cast, role))
    leaks: list[str] = []
    seen: dict[str, set[str]] = {marker: set() for marker in allowed}

    def sweep(url: str) -> None:
        for role, client in clients.items():
            text = body(client.get(url))
            for marker, readers in allowed.items():
                if marker in text:
                    seen[marker].add(role)
                    if role not in readers:
                        leaks.append(f"{marker} shown to {role} at {url}")

    urls = [
        reverse("reflections:list"),
        reverse("reflections:outcomes", args=[cast.environment.pk]),
    ]
    for reflection in reflections:
        urls.append(reverse("reflections:detail", args=[reflection.pk]))
        urls.append(reverse("reflections:edit", args=[reflection.pk]))
    for url in urls:
        sweep(url)
    for case in CASES:
        if case.method != "get":
            continue
        cast.setup_result = case.setup(cast) if case.setup else None
        sweep(reverse(case.url_name, args=case.args(cast)))

    assert not leaks, "\n".join(leaks)
    # The sweep can fail: every marker was found by every reader it is meant for.
    for marker, readers in allowed.items():
        assert seen[marker] == readers, (marker, seen[marker])

    # Deliver the notifications as the worker would; their e-mails carry no text.
    for notification in Notification.objects.all():
        notification_deliver(notification_id=notification.pk)
    assert mail.outbox, "the feedback notifications were delivered by e-mail"
    for message in mail.outbox:
        text = " ".join([message.subject, message.body, *(a[0] for a in message.alternatives)])
        assert "zqx-" not in text
    assert Notification.objects.exists()
    for notification in Notification.objects.all():
        assert "zqx-" not in str(notification.payload)


def test_the_management_site_never_shows_reflection_text(cast: Any, client: Client) -> None:
    from tests.accounts.factories import UserFactory

    allowed, reflections = seed(cast)
    staff = UserFactory(email="beheer@example.org", is_staff=True, is_superuser=True)
    activate_totp(staff)
    client.force_login(staff)
    urls = [
        reverse("admin:reflections_reflection_changelist"),
        reverse("admin:reflections_outcomeevidence_changelist"),
        *(reverse("admin:reflections_reflection_change", args=[r.pk]) for r in reflections),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "zqx-" not in body(response), url
