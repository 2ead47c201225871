"""Redacted extracts through the portal: prepared, approved by a second person, issued as
verified PDFs, read only by their recipient while open, and every read audited."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from flask import Flask
from pypdf import PdfReader
from sqlalchemy import select
from sqlalchemy.orm import Session

from agencies.models import Role, User
from extracts import extracts, reviews
from extracts.models import Decision, Extract, ExtractState, PartyRole
from portal import clock
from portal.audit import AuditEvent
from portal.errors import DomainError
from tests.support import people
from tests.support.people import signed_in_as
from tests.support.world import World

REVIEW = """1. Introduction
Case SFO-TEST-0001.
This review concerns John Smith, born 14/02/1985, of 12 Acacia Avenue, Leeds LS1 4AB.
Mr Smith's practitioner was Alan Turing. J. Smith was released in March.

2. Chronology
On 3 March 2025 Alan visited. Smith's NHS number is 943 476 5919; his NI number is
JK 12 34 56 C. The victim, Mary
Jones, called 0113 496 0000 and wrote to mary.jones@example.com."""

SECRETS = [
    "SFO-TEST-0001",
    "John Smith",
    "Smith",
    "Acacia Avenue",
    "LS1 4AB",
    "943 476 5919",
    "JK 12 34 56 C",
    "Mary",
    "Jones",
    "0113 496 0000",
    "mary.jones@example.com",
    "14/02/1985",
]


@pytest.fixture
def disclosure_lead(db: Session, world: World) -> User:
    return people.person(
        db,
        world["admin"],
        people.provider_of(db, "probation"),
        "disclosure-lead",
        [Role.DISCLOSURE_LEAD],
    )


@pytest.fixture
def prepared(app: Flask, db: Session, world: World) -> Extract:
    with app.test_request_context():
        chair = world["chair"]
        reviews.keep_review(db, chair, world.case, "review.txt", "text/plain", REVIEW.encode())
        reviews.add_party(
            db, chair, world.case, name="John Smith", role=PartyRole.PERSON_ON_PROBATION
        )
        reviews.add_party(db, chair, world.case, name="Mary Jones", role=PartyRole.VICTIM)
        reviews.add_party(
            db,
            chair,
            world.case,
            name="Alan Turing",
            role=PartyRole.STAFF,
            agency_id=world.agencies["probation"].id,
            user_id=world["probation_rep"].id,
        )
        extract = extracts.start(db, chair, world.case, show_recipient_name=True)
        db.commit()
        return extract


def approved(app: Flask, db: Session, world: World, extract: Extract, lead: User) -> Extract:
    with app.test_request_context():
        for row in extract.redactions:
            extracts.decide(db, world["chair"], extract, row.id, Decision.ACCEPTED)
        extracts.submit_for_approval(db, world["chair"], extract)
        extracts.approve(db, lead, extract)
        db.commit()
    return extract


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_every_party_and_identifier_is_proposed_with_its_reason(prepared: Extract) -> None:
    proposed = {row.text: row.reason for row in prepared.redactions}
    for secret in (
        "John Smith",
        "Mary\nJones",
        "943 476 5919",
        "JK 12 34 56 C",
        "LS1 4AB",
        "mary.jones@example.com",
        "0113 496 0000",
    ):
        assert any(secret in text or text in secret for text in proposed), secret
    assert all(reason for reason in proposed.values())
    assert {row.decision for row in prepared.redactions} == {Decision.PROPOSED}


def test_approval_needs_every_proposal_decided_and_a_second_person(
    app: Flask, db: Session, world: World, prepared: Extract, disclosure_lead: User
) -> None:
    with app.test_request_context():
        with pytest.raises(DomainError, match="Accept or reject every proposed"):
            extracts.submit_for_approval(db, world["chair"], prepared)
        for row in prepared.redactions:
            extracts.decide(db, world["chair"], prepared, row.id, Decision.ACCEPTED)
        extracts.submit_for_approval(db, world["chair"], prepared)
        with pytest.raises(DomainError, match="second person"):
            extracts.approve(db, world["chair"], prepared)
        with pytest.raises(DomainError):
            extracts.approve(db, world["police_rep"], prepared)
        extracts.approve(db, disclosure_lead, prepared)
        assert prepared.state is ExtractState.APPROVED
        assert prepared.approved_by_id == disclosure_lead.id


def test_issued_pdfs_hold_none_of_the_redacted_text(
    app: Flask, db: Session, world: World, prepared: Extract, disclosure_lead: User
) -> None:
    approved(app, db, world, prepared, disclosure_lead)
    with app.test_request_context():
        rows = extracts.issue(
            db, world["chair"], prepared, [world["practitioner"], world["probation_rep"]], None
        )
        db.commit()
    practitioner_pdf, own_name_pdf = rows[0].pdf, rows[1].pdf
    text = " ".join(pdf_text(practitioner_pdf).split())
    assert "OFFICIAL-SENSITIVE" in text
    assert world["practitioner"].name in text
    assert prepared.reference in text
    for secret in [*SECRETS, "Alan Turing", "Alan"]:
        assert " ".join(secret.split()).lower() not in text.lower(), secret
    assert "the person on probation" in text.lower()
    # Alan Turing is the probation representative: his own copy may show his name.
    assert "Alan Turing" in " ".join(pdf_text(own_name_pdf).split())
    for secret in SECRETS:
        assert secret.lower() not in pdf_text(own_name_pdf).lower(), secret


def test_a_pdf_with_redacted_text_left_in_is_never_issued(
    app: Flask, db: Session, world: World, prepared: Extract, disclosure_lead: User
) -> None:
    with app.test_request_context():
        for row in prepared.redactions:
            keep = "Smith" in row.text or "Mary" in row.text
            extracts.decide(
                db,
                world["chair"],
                prepared,
                row.id,
                Decision.REJECTED if keep else Decision.ACCEPTED,
            )
        extracts.submit_for_approval(db, world["chair"], prepared)
        extracts.approve(db, disclosure_lead, prepared)
        db.commit()
        with pytest.raises(DomainError, match="still contained"):
            extracts.issue(db, world["chair"], prepared, [world["practitioner"]], None)
        db.rollback()
    assert prepared.issues == []


def test_only_the_recipient_and_the_chair_read_it_while_it_is_open(
    app: Flask, db: Session, world: World, prepared: Extract, disclosure_lead: User
) -> None:
    approved(app, db, world, prepared, disclosure_lead)
    with app.test_request_context():
        (row,) = extracts.issue(db, world["chair"], prepared, [world["practitioner"]], None)
        db.commit()
    url = f"/my-extracts/{row.id}"
    mine = signed_in_as(app.test_client(), db, world["practitioner"])
    assert mine.get(url).status_code == 200
    download = mine.get(url + ".pdf")
    assert download.data.startswith(b"%PDF")
    assert download.headers["Content-Type"] == "application/pdf"
    name = f"{prepared.reference}.pdf"
    assert download.headers["Content-Disposition"] == (
        f"attachment; filename={name}; filename*=UTF-8''{name}"
    )
    assert download.headers["Cache-Control"] == "no-store"
    for other in ("probation_rep", "police_rep", "observer", "admin", "outsider"):
        client = signed_in_as(app.test_client(), db, world[other])
        assert client.get(url).status_code == 403, other
        assert client.get(url + ".pdf").status_code == 403, other
    assert signed_in_as(app.test_client(), db, world["chair"]).get(url).status_code == 200
    reads = db.scalars(
        select(AuditEvent.action).where(
            AuditEvent.object_type == "extract_issue", AuditEvent.object_id == str(row.id)
        )
    ).all()
    assert reads.count("extract.viewed") == 2 and reads.count("extract.downloaded") == 1

    with app.test_request_context():
        extracts.set_expiry(db, world["chair"], row, clock.now() - timedelta(minutes=1))
        db.commit()
    assert mine.get(url).status_code == 403
    with app.test_request_context():
        extracts.set_expiry(db, world["chair"], row, None)
        extracts.revoke(db, world["chair"], row)
        db.commit()
    assert mine.get(url).status_code == 403
    assert mine.get(url + ".pdf").status_code == 403
    assert "no longer available" in mine.get("/my-extracts").get_data(as_text=True)


def test_nobody_but_the_chair_gets_the_unredacted_original(
    app: Flask, db: Session, world: World, prepared: Extract
) -> None:
    url = f"/reviews/{prepared.document_id}/original"
    assert signed_in_as(app.test_client(), db, world["chair"]).get(url).data == REVIEW.encode()
    for other in ("practitioner", "probation_rep", "police_rep", "observer", "admin"):
        client = signed_in_as(app.test_client(), db, world[other])
        assert client.get(url).status_code == 403, other
        assert client.get(f"/extracts/{prepared.id}").status_code == 403, other
        assert client.get(f"/cases/{world.case.id}/review").status_code == 403, other


def test_factual_accuracy_comments_reach_the_chair(
    app: Flask, db: Session, world: World, prepared: Extract, disclosure_lead: User
) -> None:
    approved(app, db, world, prepared, disclosure_lead)
    with app.test_request_context():
        (row,) = extracts.issue(db, world["chair"], prepared, [world["practitioner"]], None)
        with pytest.raises(DomainError):
            extracts.comment(db, world["police_rep"], row, "Not mine")
        extracts.comment(db, world["practitioner"], row, "The visit was on 4 March, not 3.")
        db.commit()
    page = signed_in_as(app.test_client(), db, world["chair"]).get(f"/extracts/{prepared.id}")
    assert "The visit was on 4 March, not 3." in page.get_data(as_text=True)


def test_approvers_are_told_and_see_it_waiting_on_their_home_page(
    app: Flask, db: Session, world: World, prepared: Extract, disclosure_lead: User
) -> None:
    from portal.notices import Notice

    with app.test_request_context():
        for row in prepared.redactions:
            extracts.decide(db, world["chair"], prepared, row.id, Decision.ACCEPTED)
        extracts.submit_for_approval(db, world["chair"], prepared)
        db.commit()
    told = db.scalars(select(Notice.user_id).where(Notice.link == f"/extracts/{prepared.id}"))
    assert set(told) == {disclosure_lead.id}
    home = signed_in_as(app.test_client(), db, disclosure_lead).get("/").get_data(as_text=True)
    assert f"Approve redacted extract {prepared.reference}" in home
    chair_home = signed_in_as(app.test_client(), db, world["chair"]).get("/")
    assert "Approve redacted extract" not in chair_home.get_data(as_text=True)


def test_suspected_redactions_are_shown_apart_for_the_preparer(
    app: Flask, db: Session, world: World
) -> None:
    with app.test_request_context():
        chair = world["chair"]
        text = "1. Findings\nHis PNC was written as 2008/0454914Y. He lived at Rose Cottage."
        reviews.keep_review(db, chair, world.case, "review.txt", "text/plain", text.encode())
        reviews.add_party(db, chair, world.case, name="John Smith", role=PartyRole.VICTIM)
        extract = extracts.start(db, chair, world.case, show_recipient_name=False)
        db.commit()
    suspected = {row.text: row.certain for row in extract.redactions}
    assert suspected == {"2008/0454914Y": False, "Rose Cottage": False}
    page = signed_in_as(app.test_client(), db, chair).get(f"/extracts/{extract.id}")
    html = page.get_data(as_text=True)
    assert html.count("app-redaction--suspected") == 2
    assert "Shaped like a PNC ID, check letter does not match" in html
    assert html.count('govuk-tag--yellow">Check</strong>') == 2
