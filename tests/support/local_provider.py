"""The local oidc-provider process, and a walk through its pages as a browser without scripts."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import requests

from portal.demo import local_provider
from tests.support.postgres import free_port


@contextmanager
def provider_process(config: dict[str, Any], directory: Path) -> Iterator[str]:
    """Run the provider with `config` (its issuer chosen here when absent); yield the issuer."""
    with local_provider(
        {"issuer": f"http://127.0.0.1:{free_port()}", **config}, directory
    ) as issuer:
        yield issuer


def misbehave(issuer: str, mode: str) -> None:
    """Tell a provider started with "testing": true how to spoil the next ID tokens."""
    requests.put(f"{issuer}/test/misbehave/{mode}", timeout=5).raise_for_status()


@dataclass
class Form:
    action: str
    method: str
    fields: dict[str, str] = field(default_factory=dict)
    # Each submit button's text, and the name and value it adds to what is sent.
    buttons: list[tuple[str, str, str]] = field(default_factory=list)
    text_inputs: list[str] = field(default_factory=list)


class _Forms(HTMLParser):
    """Collects the forms of a page, with the hidden fields, text inputs and buttons of each."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[Form] = []
        self._by_id: dict[str, Form] = {}
        self._open: Form | None = None
        self._button: list[Any] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        named = {key: value or "" for key, value in attrs}
        if tag == "form":
            form = Form(named.get("action", ""), named.get("method", "get").lower())
            self.forms.append(form)
            self._by_id[named.get("id", "")] = form
            self._open = form
        elif tag == "input" and self._open:
            if named.get("type") == "hidden":
                self._open.fields[named["name"]] = named.get("value", "")
            elif named.get("type", "text") == "text":
                self._open.text_inputs.append(named["name"])
        elif tag == "button":
            # A button outside its form names it with form="id", as the logout page's do.
            owner = self._by_id.get(named["form"]) if "form" in named else self._open
            self._button = [owner, "", named.get("name", ""), named.get("value", "")]

    def handle_data(self, data: str) -> None:
        if self._button is not None:
            self._button[1] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._open = None
        elif tag == "button" and self._button is not None:
            owner, text, name, value = self._button
            if owner is not None:
                owner.buttons.append((text.strip(), name, value))
            self._button = None


def forms_of(html: str) -> list[Form]:
    parser = _Forms()
    parser.feed(html)
    return parser.forms


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def walk(session: requests.Session, url: str, provider: str) -> requests.Response:
    """Follow the provider's redirects by hand; stop at a page, or at a redirect away from it."""
    response = session.get(url, allow_redirects=False, timeout=10)
    while response.is_redirect:
        location = urljoin(response.url, response.headers["Location"])
        if _origin(location) != provider:
            return response
        response = session.get(location, allow_redirects=False, timeout=10)
    return response


def submit(
    session: requests.Session, page: requests.Response, form: Form, data: dict[str, str]
) -> requests.Response:
    """Submit one of the page's forms as a browser would, then walk on from its answer."""
    response = session.request(
        form.method,
        urljoin(page.url, form.action),
        data={**form.fields, **data},
        allow_redirects=False,
        timeout=10,
    )
    if response.is_redirect:
        location = urljoin(response.url, response.headers["Location"])
        if _origin(location) != _origin(page.url):
            return response
        return walk(session, location, _origin(page.url))
    return response


def _back_to_client(response: requests.Response) -> str:
    assert response.is_redirect, f"{response.status_code}: {response.text[:2000]}"
    return urljoin(response.url, response.headers["Location"])


def authorize(session: requests.Session | None, authorization_url: str, subject: str) -> str:
    """Sign in at the provider as `subject`; return the client's URL it redirects back to.

    Pass the same session again to find the provider remembering who signed in.
    """
    session = session or requests.Session()
    page = walk(session, authorization_url, _origin(authorization_url))
    if page.is_redirect:  # Already signed in there: straight back to the client.
        return _back_to_client(page)
    assert page.status_code == 200, f"{page.status_code}: {page.text[:2000]}"
    forms = forms_of(page.text)
    # A listed person has a button of their own; anyone else types their subject.
    for form in forms:
        if any(name == "sub" and value == subject for _text, name, value in form.buttons):
            return _back_to_client(submit(session, page, form, {"sub": subject}))
    typed = next(form for form in forms if "sub" in form.text_inputs)
    return _back_to_client(submit(session, page, typed, {"sub": subject}))


def deny(authorization_url: str) -> str:
    """Cancel at the provider's sign-in page; return the client's URL it redirects back to."""
    session = requests.Session()
    page = walk(session, authorization_url, _origin(authorization_url))
    assert page.status_code == 200, f"{page.status_code}: {page.text[:2000]}"
    cancel = next(
        form for form in forms_of(page.text) if any(t == "Cancel" for t, _n, _v in form.buttons)
    )
    return _back_to_client(submit(session, page, cancel, {}))
