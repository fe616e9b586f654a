"""Run the test provider: ``python -m tests.oidc_provider.serve CONFIG.json DB.sqlite3``.

It makes a fresh RSA key, migrates its own SQLite file, registers the clients and
people of the config, listens on a free port of 127.0.0.1 and prints
``listening on http://127.0.0.1:PORT`` once it accepts requests.
"""

import json
import os
import sys

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa


def main(config_path: str, db_path: str) -> None:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    os.environ["OIDC_PROVIDER_KEY"] = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    os.environ["OIDC_PROVIDER_CONFIG"] = config_path
    os.environ["OIDC_PROVIDER_DB"] = db_path
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.oidc_provider.settings"

    import django

    django.setup()

    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler
    from django.core.wsgi import get_wsgi_application
    from oauth2_provider.models import Application

    call_command("migrate", verbosity=0)
    with open(config_path, encoding="utf-8") as file:
        config = json.load(file)
    for person in config["people"]:
        User.objects.create_user(username=person["username"], password=person["password"])
    owner = User.objects.create_user(username="provider-admin")
    for client in config["clients"]:
        Application.objects.create(
            name=client["client_id"],
            user=owner,
            client_id=client["client_id"],
            client_secret=client["secret"],
            hash_client_secret=False,
            client_type=Application.CLIENT_CONFIDENTIAL,
            authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
            redirect_uris=" ".join(client["redirect_uris"]),
            algorithm=Application.RS256_ALGORITHM,
            skip_authorization=True,
        )

    class QuietHandler(WSGIRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadedWSGIServer(("127.0.0.1", 0), QuietHandler, allow_reuse_address=False)
    server.set_app(get_wsgi_application())
    print(f"listening on http://127.0.0.1:{server.server_port}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
