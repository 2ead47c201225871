"""Each identity provider's published metadata and signing keys, fetched over HTTP and kept a while.

Both are public and can be fetched again at any time, so a per-process copy is safe behind a
load balancer. Keys are fetched again at once when a token names a key we do not hold: that is
how a provider's key rotation looks from here.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Any

import requests
from flask import Flask, current_app
from joserfc.jwk import KeySet


class ProviderUnavailable(Exception):
    """The provider did not answer in time, or answered with something unusable."""


class WrongIssuer(Exception):
    """The metadata names another issuer than the one we were told to trust."""


@dataclass
class _Entry:
    metadata: dict[str, Any]
    fetched_at: float
    keys: KeySet | None = None


class ProviderCache:
    """Discovery documents and key sets of every provider this process has talked to."""

    def __init__(self, max_age_seconds: float, timeout_seconds: float) -> None:
        self.max_age_seconds = max_age_seconds
        self.timeout_seconds = timeout_seconds
        self._entries: dict[str, _Entry] = {}
        self._lock = threading.Lock()

    def metadata(self, issuer: str) -> dict[str, Any]:
        """The provider's discovery document, which must name the issuer we trust."""
        return self._entry(issuer).metadata

    def keys(self, issuer: str, refresh: bool = False) -> KeySet:
        """The provider's signing keys; `refresh` fetches them again (a key we did not know)."""
        entry = self._entry(issuer)
        if entry.keys is None or refresh:
            try:
                entry.keys = KeySet.import_key_set(self._get(entry.metadata["jwks_uri"]))  # type: ignore[arg-type]
            except (KeyError, ValueError, TypeError) as error:
                raise ProviderUnavailable(f"{issuer} publishes no usable key set") from error
        return entry.keys

    def _entry(self, issuer: str) -> _Entry:
        with self._lock:
            entry = self._entries.get(issuer)
        if entry is not None and time.monotonic() - entry.fetched_at < self.max_age_seconds:
            return entry
        metadata = self._get(issuer.rstrip("/") + "/.well-known/openid-configuration")
        if metadata.get("issuer") != issuer:
            raise WrongIssuer(f"{issuer} publishes metadata for {metadata.get('issuer')!r}")
        entry = _Entry(metadata, time.monotonic())
        with self._lock:
            self._entries[issuer] = entry
        return entry

    def _get(self, url: str) -> dict[str, Any]:
        try:
            response = requests.get(url, timeout=self.timeout_seconds)
            response.raise_for_status()
            document = response.json()
        except (requests.RequestException, ValueError) as error:
            raise ProviderUnavailable(f"{url} did not answer usefully: {error}") from error
        if not isinstance(document, dict):
            raise ProviderUnavailable(f"{url} did not answer with a JSON object")
        return document


def init_app(app: Flask) -> None:
    app.extensions["oidc_providers"] = ProviderCache(
        app.config["OIDC_METADATA_MAX_AGE_SECONDS"], app.config["OIDC_HTTP_TIMEOUT_SECONDS"]
    )


def current() -> ProviderCache:
    """This application's cache."""
    cache: ProviderCache = current_app.extensions["oidc_providers"]
    return cache
