"""Claims from the people file, and ID tokens spoiled on purpose by ``mode``:

- ``tampered``: the payload is changed after signing (another ``sub``), so the
  signature no longer matches;
- ``wrong_aud``: signed, for another client;
- ``expired``: signed, with an ``exp`` an hour ago.
"""

import base64
import json
import os
import time
from typing import Any

from oauth2_provider.oauth2_validators import OAuth2Validator


def people() -> dict[str, dict[str, Any]]:
    with open(os.environ["OIDC_PROVIDER_CONFIG"], encoding="utf-8") as config:
        return {person["username"]: person for person in json.load(config)["people"]}


def _person(request: Any) -> dict[str, Any]:
    return people().get(request.user.username, {})


class Validator(OAuth2Validator):
    # Every claim whatever the scope: the tests ask for what ULVO asks for.
    oidc_claim_scope = None

    def get_additional_claims(self, request: Any) -> dict[str, Any]:
        person = _person(request)
        claims = dict(person.get("claims", {}))
        claims["sub"] = person.get("sub", str(request.user.pk))
        return claims

    def get_id_token_dictionary(self, token: Any, token_handler: Any, request: Any) -> Any:
        claims, expiration_time = super().get_id_token_dictionary(token, token_handler, request)
        mode = _person(request).get("mode")
        if mode == "wrong_aud":
            claims["aud"] = "another-client"
        elif mode == "expired":
            claims["exp"] = int(time.time()) - 3600
            claims["iat"] = int(time.time()) - 7200
        return claims, expiration_time

    def finalize_id_token(self, id_token: Any, token: Any, token_handler: Any, request: Any) -> str:
        signed: str = super().finalize_id_token(id_token, token, token_handler, request)
        if _person(request).get("mode") != "tampered":
            return signed
        header, payload, signature = signed.split(".")
        data = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        data["sub"] = "someone-else"
        payload = base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()
        return f"{header}.{payload}.{signature}"
