"""The demo's supervision data: agreements, own-domain gaps, meeting notes and hours."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Count, Q
from django.test import Client
from django.urls import reverse

from accounts.models import User
from learning_networks.models import NetworkMembership
from placements.models import Placement, PlacementStatus, own_domain_supervision
from supervision.models import MeetingNote, ResponsibilityAgreement, TimeLog

pytestmark = pytest.mark.django_db


def test_demo_supervision_is_complete_and_idempotent(client: Client) -> None:
    call_command("demo", stdout=StringIO())
    counts = (
        ResponsibilityAgreement.objects.count(),
        MeetingNote.objects.count(),
        TimeLog.objects.count(),
    )

    # Every environment has its "who does what", in Dutch, for each role.
    agreements = list(ResponsibilityAgreement.objects.all())
    assert len(agreements) == 2
    for agreement in agreements:
        assert len(agreement.by_role()) == 3
        assert "student" in agreement.practice_supervisor

    # A few deliberate gaps: some, not all, active placements lack an own-domain supervisor.
    gaps = (
        Placement.objects.filter(status=PlacementStatus.ACTIVE)
        .annotate(has_own=own_domain_supervision())
        .aggregate(total=Count("pk"), gaps=Count("pk", filter=Q(has_own=False)))
    )
    assert 0 < gaps["gaps"] < gaps["total"] / 2

    # Meeting notes by the supervisors, including the named student's.
    assert MeetingNote.objects.filter(placement__student__email="student@demo.ulvo.nl").exists()
    assert MeetingNote.objects.values("author").distinct().count() >= 3

    # Hours by supervisors and core-team members, across organisations and domains.
    assert TimeLog.objects.values("organisation").distinct().count() >= 5
    assert TimeLog.objects.values("domain").distinct().count() == 3
    core_team = NetworkMembership.objects.filter(core_team=True).values("user")
    assert TimeLog.objects.filter(person__in=core_team).exists()
    assert TimeLog.objects.exclude(person__in=core_team).exists()
    assert not TimeLog.objects.filter(person__memberships__role="student").exists()

    call_command("demo", stdout=StringIO())
    assert (
        ResponsibilityAgreement.objects.count(),
        MeetingNote.objects.count(),
        TimeLog.objects.count(),
    ) == counts

    # The named student's supervisor finds them on the supervisor's home.
    note = MeetingNote.objects.filter(placement__student__email="student@demo.ulvo.nl").first()
    assert note is not None
    client.force_login(User.objects.get(pk=note.author_id))
    response = client.get(reverse("supervision:home"))
    assert response.status_code == 200
    assert "Daan de Vries" in response.content.decode()
