"""The region view (staff only, tests/dashboards/test_region.py): no role of the cast is
staff, so every one of them is refused, whatever environment they coordinate."""

from tests.security.matrix import LOGIN, ROLES, Case

NOT_STAFF = {**dict.fromkeys(ROLES, 403), "anonymous": LOGIN}
NO_POST = {**dict.fromkeys(ROLES, 405), "anonymous": LOGIN}

CASES = [
    Case("dashboards:region", NOT_STAFF),
    Case("dashboards:region", NO_POST, method="post"),
    Case("dashboards:region_export", NOT_STAFF),
]

ALLOWED_WRITES: set[tuple[str, str]] = set()
