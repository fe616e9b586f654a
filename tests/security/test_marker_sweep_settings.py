"""The marker sweep for a partner's contact person: the name and e-mail address the
coordinators record for a partner organisation (personal data of someone who may
have no account) reach only the environment's coordinators.

Like tests/security/test_marker_sweep.py: the partner is made through the settings
service, then every role requests every GET page of the authorisation matrix, and no
response shows a marker to anyone else.
"""

from typing import Any

from django.test import Client
from django.urls import reverse

from accounts.environment_services import organisation_create
from environments.models import Organisation, OrganisationKind, OrganisationSubtype
from tests.security.matrix import ROLES
from tests.security.test_authorisation_matrix import CASES

READERS = {"coordinator"}
MARKERS = {
    "name": "zqx-CONTACT-NAME-marker-5120",
    "email": "zqx-contact-marker-5120@example.org",
}


def test_a_partners_contact_person_reaches_only_the_coordinators(cast: Any) -> None:
    organisation_create(
        environment=cast.environment,
        organisation=Organisation(
            name="Jongerenwerk Parkwijk",
            kind=OrganisationKind.NEIGHBOURHOOD,
            subtype=OrganisationSubtype.YOUTH_WORK,
            contact_name=MARKERS["name"],
            contact_email=MARKERS["email"],
        ),
    )
    clients = {role: Client() for role in ROLES}
    for role, client in clients.items():
        if role != "anonymous":
            client.force_login(getattr(cast, role))
    leaks: list[str] = []
    seen: dict[str, set[str]] = {marker: set() for marker in MARKERS.values()}

    for case in CASES:
        if case.method != "get":
            continue
        cast.setup_result = case.setup(cast) if case.setup else None
        url = reverse(case.url_name, args=case.args(cast))
        for role, client in clients.items():
            response = client.get(url)
            content = (
                b"".join(response.streaming_content) if response.streaming else response.content
            )
            text = content.decode(errors="replace")
            for marker in MARKERS.values():
                if marker in text:
                    seen[marker].add(role)
                    if role not in READERS:
                        leaks.append(f"{marker} shown to {role} at {url}")

    assert not leaks, "\n".join(leaks)
    # The sweep can fail: the coordinator found both markers.
    for marker, roles in seen.items():
        assert roles == READERS, (marker, roles)
