"""Privacy: the public statement, and the person's own data behind re-authentication.

Every role is sent to re-authenticate (302) before seeing, downloading or deleting
their data: a logged-in session alone is not enough. tests/privacy covers what
happens after re-authentication.
"""

from tests.security.matrix import ROLES, Case, statuses

REAUTHENTICATE = statuses(**dict.fromkeys(ROLES, 302))

CASES = [
    Case("privacy:policy", statuses(anonymous=200)),
    Case("privacy:my_data", REAUTHENTICATE),
    Case("privacy:download", REAUTHENTICATE),
    Case("privacy:delete_account", REAUTHENTICATE),
    Case(
        "privacy:delete_account",
        REAUTHENTICATE,
        method="post",
        data=lambda cast: {"confirm_email": "student@example.org"},
    ),
]

ALLOWED_WRITES: set[tuple[str, str]] = set()
