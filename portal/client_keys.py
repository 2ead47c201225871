"""The portal's own signing keys, with which it proves who it is to providers (private_key_jwt).

They come from the environment as a JSON Web Key Set of private keys. The first key signs;
every key is published, so a new key can be added and published before it is put first, and
an old one kept published until no provider still holds assertions it signed.
"""

from __future__ import annotations

import json
from typing import Any

from joserfc.jwk import ECKey, KeySet, RSAKey

SIGNING_ALGORITHMS = {"RSA": "RS256", "EC": "ES256"}


class SigningKeyError(ValueError):
    """The configured keys cannot be used; the message says why."""


Key = RSAKey | ECKey


def parse(text: str | None) -> list[Key]:
    """The private keys in a JWKS document; an empty list when none is configured."""
    if not text or not text.strip():
        return []
    try:
        document = json.loads(text)
        found = KeySet.import_key_set(document).keys
    except (ValueError, TypeError, KeyError) as error:
        raise SigningKeyError(f"is not a JSON Web Key Set: {error}") from error
    keys: list[Key] = []
    for key in found:
        if not isinstance(key, RSAKey | ECKey):
            raise SigningKeyError("holds a key that is neither RSA nor EC")
        if not key.is_private:
            raise SigningKeyError(f"holds the public half only of key {key.kid!r}")
        if not key.kid:
            raise SigningKeyError("holds a key without a key id (kid)")
        keys.append(key)
    if len({key.kid for key in keys}) != len(keys):
        raise SigningKeyError("holds two keys with the same key id (kid)")
    return keys


def algorithm(key: Key) -> str:
    return SIGNING_ALGORITHMS[key.key_type]


def public_key_set(keys: list[Key]) -> dict[str, Any]:
    """What the portal publishes for providers: the public halves, each marked for signing."""
    return {
        "keys": [
            {**key.as_dict(private=False), "use": "sig", "alg": algorithm(key)} for key in keys
        ]
    }


def generate() -> dict[str, Any]:
    """A new private RSA key, named by its thumbprint, ready to add to the key set."""
    key = RSAKey.generate_key(3072)
    key.ensure_kid()
    return key.as_dict(private=True)
