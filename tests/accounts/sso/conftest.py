"""A real OpenID Connect provider (tests/oidc_provider) for the single sign-on tests.

One provider per test process (so one per pytest-xdist worker), on a free port of
127.0.0.1 that the provider picks itself and reports; torn down after the session.
Its clients accept ULVO's callback on the test client's host and on the live server.
"""

import json
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import LazySettings

from tests.accounts.sso.provider import (
    CALLBACK,
    CLIENT_ID,
    PEOPLE,
    ROOT,
    SECRET,
    Provider,
)


@pytest.fixture(scope="session")
def oidc_provider(live_server: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Provider]:
    folder = tmp_path_factory.mktemp("oidc_provider")
    config = folder / "config.json"
    redirect_uris = [f"http://testserver{CALLBACK}", f"{live_server.url}{CALLBACK}"]
    config.write_text(
        json.dumps(
            {
                "clients": [
                    {"client_id": CLIENT_ID, "secret": SECRET, "redirect_uris": redirect_uris}
                ],
                "people": PEOPLE,
            }
        )
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.oidc_provider.serve", str(config), str(folder / "db")],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert process.stdout is not None
        # The provider prints its address once it accepts requests (or dies saying why).
        line = process.stdout.readline()
        if not line.startswith("listening on "):
            raise RuntimeError(f"The test provider did not start: {line}{process.stdout.read()}")
        yield Provider(url=line.removeprefix("listening on ").strip())
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture
def sso(settings: LazySettings, oidc_provider: Provider) -> Provider:
    """ULVO with the test provider configured, as ULVO_OIDC_PROVIDERS would."""
    from accounts.sso_config import oidc_origins

    apps = [oidc_provider.app()]
    settings.SOCIALACCOUNT_PROVIDERS = {
        "openid_connect": {"APPS": apps, "OAUTH_PKCE_ENABLED": True}
    }
    settings.SECURE_CSP = {
        **settings.SECURE_CSP,
        "form-action": [*settings.SECURE_CSP["form-action"], *oidc_origins(apps)],
    }
    return oidc_provider
