"""What a hostile or careless person found gave a 500, each now a page that says what is wrong:
ids and numbers too large to store, dates that cannot be computed, tampered versions, choices and
offsets, control characters, and saves that race each other. Every answer, error pages included,
carries the security headers."""

from __future__ import annotations

import re
import threading
from datetime import UTC, datetime
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.test import TestResponse

from extracts import extracts, reviews
from extracts.models import CaseParty, ExtractRedaction, PartyRole
from panels import sessions
from panels.models.cases import Case
from panels.models.contributions import Contribution
from panels.models.sessions import PanelSession
from tests.support.people import signed_in_as
from tests.support.world import World

HEADERS = (
    "Content-Security-Policy",
    "X-Content-Type-Options",
    "X-Frame-Options",
    "Referrer-Policy",
    "Cache-Control",
)
HUGE = "99999999999999999999"  # beyond 2^63
_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
_VERSION = re.compile(r'name="version" type="hidden" value="(\d+)"')


def guarded(response: TestResponse) -> TestResponse:
    """`response`, once it is shown to carry every security header and not to be a 5xx."""
    assert response.status_code < 500, response.get_data(as_text=True)[:2000]
    missing = [name for name in HEADERS if name not in response.headers]
    assert not missing, f"{response.status_code} without {missing}"
    return response


def errors_in(page: str) -> list[str]:
    """The error messages a page shows, to say why a test failed."""
    return re.findall(r"govuk-error-summary__list.*?</ul>", page, re.S)


def token(client: FlaskClient, url: str = "/sign-out") -> str:
    match = _CSRF.search(client.get(url).get_data(as_text=True))
    assert match
    return match.group(1)


def as_person(app: Flask, db: Session, world: World, key: str) -> FlaskClient:
    return signed_in_as(app.test_client(), db, world[key])


def draft_of(db: Session, world: World, agency: str) -> Contribution:
    assert world.panel is not None
    return db.scalars(
        select(Contribution).where(
            Contribution.panel_id == world.panel.id,
            Contribution.agency_id == world.agencies[agency].id,
        )
    ).one()


TOO_LARGE = [
    f"/cases/{HUGE}",
    "/cases/2147483648",
    f"/panels/{HUGE}/edit",
    f"/sessions/{HUGE}",
    f"/learning/{HUGE}",
    f"/actions/{HUGE}",
    f"/contributions/{HUGE}",
    f"/extracts/{HUGE}",
    f"/my-extracts/{HUGE}",
    f"/users/{HUGE}",
    f"/contributions/1/events/{HUGE}/remove",
]


def test_an_id_too_large_to_store_is_not_found(app: Flask, db: Session, world: World) -> None:
    client = as_person(app, db, world, "admin")
    for url in TOO_LARGE:
        assert guarded(client.get(url)).status_code == 404, url


def test_any_page_number_gives_a_page(app: Flask, db: Session, world: World) -> None:
    assert world.panel is not None
    client = as_person(app, db, world, "admin")
    lists = [
        "/cases",
        "/panels",
        "/learning",
        "/learning/shared",
        "/users",
        "/panels/{panel}/actions",
    ]
    for url in lists:
        for page in ("9223372036854775807", HUGE, "-1", "abc", "1e9", "٣"):
            response = client.get(url.format(panel=world.panel.id), query_string={"page": page})
            assert guarded(response).status_code == 200, (url, page)


def test_a_library_filter_naming_nothing_is_left_out(app: Flask, db: Session, world: World) -> None:
    client = as_person(app, db, world, "chair")
    for name in ("theme", "agency"):
        for value in (HUGE, "2147483648", "-5", "x", "0"):
            response = client.get("/learning", query_string={name: value})
            assert guarded(response).status_code == 200, (name, value)


def test_a_library_date_beyond_what_can_be_computed_is_refused(
    app: Flask, db: Session, world: World
) -> None:
    client = as_person(app, db, world, "chair")
    for until in ("31/12/9999", ["31", "12", "9999"], ["1", "1", "1"], ["31", "12", "99999"]):
        response = guarded(client.get("/learning", query_string={"until": until}))
        assert response.status_code == 200, until


def test_a_party_with_an_unknown_agency_or_account_is_refused_with_a_message(
    app: Flask, db: Session, world: World
) -> None:
    assert world.case is not None
    client = as_person(app, db, world, "chair")
    url = f"/cases/{world.case.id}/parties"
    for field in ("agency", "user"):
        for value in ("987654", HUGE, "abc"):
            response = guarded(
                client.post(
                    url,
                    data={
                        "csrf_token": token(client),
                        "name": "Someone",
                        "role": "staff",
                        field: value,
                    },
                )
            )
            assert response.status_code == 200
            assert "from the list" in response.get_data(as_text=True)
    db.rollback()
    assert db.scalars(select(CaseParty)).all() == []


def test_an_error_page_that_fails_still_answers_plainly_with_the_headers(
    app: Flask, db: Session, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A template that cannot be shown (here, every one) leaves a plain page, not the server's."""
    client = as_person(app, db, world, "chair")

    def broken(*_args: Any, **_kwargs: Any) -> str:
        raise RuntimeError("the templates are broken")

    monkeypatch.setattr("portal.errors.render_template", broken)
    monkeypatch.setattr("panels.views.cases.render_template", broken)
    for url, code in (("/cases", 500), ("/no-such-page", 404), (f"/cases/{HUGE}", 404)):
        response = guarded_or_500(client.get(url))
        assert response.status_code == code
        page = response.get_data(as_text=True)
        assert "<h1" in page and "the templates are broken" not in page


def guarded_or_500(response: TestResponse) -> TestResponse:
    missing = [name for name in HEADERS if name not in response.headers]
    assert not missing, f"{response.status_code} without {missing}"
    return response


@pytest.mark.parametrize("method", ["get", "put", "delete"])
def test_every_error_carries_the_security_headers(
    app: Flask, db: Session, world: World, method: str
) -> None:
    client = as_person(app, db, world, "police_rep")
    assert world.case is not None
    for url in ("/no-such-page", f"/cases/{world.case.id}/edit", "/cases/new", "/sign-out"):
        guarded(getattr(client, method)(url))
    # A form without its CSRF token, and one too big to take.
    guarded(client.post("/cases/new", data={"reference": "x"}))
    app.config["MAX_CONTENT_LENGTH"] = 1000
    guarded(client.post("/cases/new", data={"reference": "x" * 5000}))


def test_a_tampered_version_is_refused_as_a_conflict_keeping_the_text(
    app: Flask, db: Session, world: World
) -> None:
    contribution = draft_of(db, world, "probation")
    client = as_person(app, db, world, "probation_rep")
    url = f"/contributions/{contribution.id}/edit"
    for version in ("abc", "", HUGE, "-1", "1.5", "\x00"):
        response = guarded(
            client.post(
                url,
                data={"csrf_token": token(client), "version": version, "involvement": "Kept text"},
            )
        )
        page = response.get_data(as_text=True)
        assert response.status_code == 200, version
        assert "Kept text" in page
    db.expire_all()
    assert db.get(Contribution, contribution.id).involvement == ""  # type: ignore[union-attr]


@pytest.mark.parametrize(
    "url, form",
    [
        ("/panels/{panel}/edit", {"terms_of_reference": "Changed."}),
        (
            "/sessions/{session}/edit",
            {"day": ["2", "6", "2026"], "start": "10:00", "duration_minutes": "90"},
        ),
        ("/sessions/{session}/minutes", {"minutes": "Rewritten."}),
    ],
)
def test_every_versioned_form_takes_a_tampered_version(
    app: Flask, db: Session, world: World, url: str, form: dict[str, Any]
) -> None:
    assert world.panel is not None
    with app.test_request_context():
        session = sessions.schedule(
            db,
            world["chair"],
            world.panel,
            starts_at=datetime(2026, 5, 12, 9, 30, tzinfo=UTC),
            duration_minutes=120,
            location="Room 1",
            online_link="",
            agenda="",
        )
        db.commit()
    client = as_person(app, db, world, "chair")
    for version in ("abc", HUGE):
        response = client.post(
            url.format(panel=world.panel.id, session=session.id),
            data={"csrf_token": token(client), "version": version, **form},
        )
        assert guarded(response).status_code == 200
        assert "Someone else saved changes" in response.get_data(as_text=True)


def test_a_session_date_that_could_not_be_computed_is_refused(
    app: Flask, db: Session, world: World
) -> None:
    assert world.panel is not None
    client = as_person(app, db, world, "chair")
    for day in (["31", "12", "9999"], ["1", "1", "1"], ["1", "1", "0001"], ["31", "12", "2201"]):
        response = client.post(
            f"/panels/{world.panel.id}/sessions/new",
            data={
                "csrf_token": token(client),
                "day": day,
                "start": "23:30",
                "duration_minutes": "600",
            },
        )
        assert guarded(response).status_code == 200, day
        page = response.get_data(as_text=True)
        assert "year from 1900 to 2200" in page or "a real date" in page, errors_in(page)
    db.rollback()
    assert db.scalars(select(PanelSession)).all() == []


def test_a_session_on_the_last_day_allowed_can_be_downloaded_by_every_member(
    app: Flask, db: Session, world: World
) -> None:
    assert world.panel is not None
    client = as_person(app, db, world, "chair")
    response = client.post(
        f"/panels/{world.panel.id}/sessions/new",
        data={
            "csrf_token": token(client),
            "day": ["31", "12", "2200"],
            "start": "23:30",
            "duration_minutes": "600",
            "location": "Room 1",
        },
    )
    assert response.status_code == 302, errors_in(response.get_data(as_text=True))
    session = db.scalars(select(PanelSession)).one()
    for key in ("chair", "probation_rep", "police_rep", "observer"):
        member = as_person(app, db, world, key)
        download = guarded(member.get(f"/sessions/{session.id}/calendar.ics"))
        assert download.status_code == 200


@pytest.fixture
def extract_id(app: Flask, db: Session, world: World) -> int:
    chair, case = world["chair"], world.case
    assert case is not None
    with app.test_request_context():
        reviews.keep_review(
            db, chair, case, "review.txt", "text/plain", b"1. Introduction\nJohn Smith was seen."
        )
        reviews.add_party(db, chair, case, name="John Smith", role=PartyRole.VICTIM)
        extract = extracts.start(db, chair, case, True)
        db.commit()
        return extract.id


OFFSETS = [
    ("abc", "0", "4"),
    ("0", "x", "4"),
    ("0", "0", "4.5"),
    ("0", "0", HUGE),
    ("0", "-1", "4"),
    ("٠", "0", "4"),  # an Arabic-Indic zero: a digit to str.isdigit, not an offset
]


def test_redaction_offsets_that_are_not_numbers_are_refused(
    app: Flask, db: Session, world: World, extract_id: int
) -> None:
    client = as_person(app, db, world, "chair")
    before = len(db.scalars(select(ExtractRedaction)).all())
    for section, start, end in OFFSETS:
        response = client.post(
            f"/extracts/{extract_id}/redactions",
            data={
                "csrf_token": token(client),
                "fragment": "Some",
                "section": section,
                "start": start,
                "end": end,
            },
        )
        assert guarded(response).status_code == 200, (section, start, end)
        assert "select it again" in response.get_data(as_text=True)
    db.rollback()
    assert len(db.scalars(select(ExtractRedaction)).all()) == before


def test_control_characters_are_refused_with_a_message_on_every_database(
    app: Flask, db: Session, world: World
) -> None:
    client = as_person(app, db, world, "chair")
    for character in ("\x00", "\x01", "\x1b", "\x7f", "\x0b"):
        refused_control_character(client, character)
    db.rollback()
    assert len(db.scalars(select(Case)).all()) == 2  # the world's own


def refused_control_character(client: FlaskClient, character: str) -> None:
    response = client.post(
        "/cases/new",
        data={
            "csrf_token": token(client),
            "reference": f"SFO{character}1",
            "region": "north_east",
            "offence_category": "murder",
            "offence_date": ["14", "1", "2026"],
            "review_status": "in_progress",
        },
    )
    assert guarded(response).status_code == 200
    assert "Remove the control characters" in response.get_data(as_text=True)
    # In a search, which refuses nothing, they are left out.
    assert guarded(client.get("/learning", query_string={"q": f"a{character}b"})).status_code == 200


def test_tab_newline_and_carriage_return_are_kept(app: Flask, db: Session, world: World) -> None:
    contribution = draft_of(db, world, "probation")
    client = as_person(app, db, world, "probation_rep")
    url = f"/contributions/{contribution.id}/edit"
    page = client.get(url).get_data(as_text=True)
    match = _VERSION.search(page)
    assert match
    response = client.post(
        url,
        data={"csrf_token": token(client, url), "version": match[1], "involvement": "a\tb\r\nc"},
    )
    assert response.status_code == 302
    db.expire_all()
    assert db.get(Contribution, contribution.id).involvement == "<p>a\tb<br>c</p>"  # type: ignore[union-attr]


def test_concurrent_saves_of_one_version_give_all_but_the_winner_the_conflict_message(
    app: Flask, db: Session, world: World
) -> None:
    contribution = draft_of(db, world, "probation")
    url = f"/contributions/{contribution.id}/edit"
    clients = [as_person(app, db, world, "probation_rep") for _ in range(10)]
    forms = []
    for client in clients:
        page = client.get(url).get_data(as_text=True)
        version = _VERSION.search(page)
        assert version
        forms.append({"csrf_token": token(client, url), "version": version[1]})
    start = threading.Barrier(len(clients))
    answers: list[TestResponse | BaseException] = [RuntimeError("not run")] * len(clients)

    def save(index: int) -> None:
        start.wait()
        try:
            answers[index] = clients[index].post(
                url, data={**forms[index], "involvement": f"Saved by {index}"}
            )
        except BaseException as error:  # noqa: BLE001 - reported below
            answers[index] = error

    threads = [threading.Thread(target=save, args=(i,)) for i in range(len(clients))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    codes = [
        answer.status_code if isinstance(answer, TestResponse) else repr(answer)
        for answer in answers
    ]
    assert sorted(codes, key=str) == [200] * 9 + [302], codes
    for answer in answers:
        assert isinstance(answer, TestResponse)
        guarded(answer)
        if answer.status_code == 200:
            assert "Someone else saved changes" in answer.get_data(as_text=True)
    db.expire_all()
    saved = db.get(Contribution, contribution.id)
    assert saved is not None and saved.version == 2


def test_a_response_that_left_flask_without_its_headers_still_gets_them(
    app: Flask, db: Session, world: World
) -> None:
    """When what adds the headers to a page never ran (another step after the page failed), the
    server's own layer adds them."""
    client = as_person(app, db, world, "chair")

    @app.after_request
    def broken(_response: Any) -> Any:
        raise RuntimeError("a step after the page failed")

    response = client.get("/cases")
    assert response.status_code == 500
    guarded_or_500(response)
