"""The review document: what may be uploaded, how its text is read and cut into sections."""

from __future__ import annotations

import io

import docx
import pytest
from flask import Flask
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas
from sqlalchemy import select
from sqlalchemy.orm import Session

from extracts import reviews
from extracts.document_reader import UnreadableDocument, read_document
from extracts.models import PartyRole, ReviewDocument, ReviewState
from extracts.reviews import split_sections
from portal.audit import AuditEvent
from portal.errors import DomainError
from tests.conftest import csrf_token
from tests.extracts import documents
from tests.support.people import signed_in_as
from tests.support.work import run_jobs
from tests.support.world import World

REVIEW = """1. Introduction
This review concerns the supervision of John Smith.

2. Chronology
On 3 March 2025 the practitioner visited.

MANAGEMENT OVERSIGHT
The manager did not countersign the plan."""


def word_document(text: str) -> bytes:
    document = docx.Document()
    for paragraph in text.split("\n"):
        document.add_paragraph(paragraph)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def pdf_document(lines: list[str]) -> bytes:
    out = io.BytesIO()
    page = canvas.Canvas(out, pagesize=A4)
    for number, line in enumerate(lines):
        page.drawString(72, 800 - 14 * number, line)
    page.save()
    return out.getvalue()


def test_sections_are_cut_at_numbered_and_capitalised_headings() -> None:
    sections = split_sections(REVIEW)
    assert [s.heading for s in sections] == [
        "1. Introduction",
        "2. Chronology",
        "MANAGEMENT OVERSIGHT",
    ]
    assert sections[0].text == "This review concerns the supervision of John Smith."


def test_text_without_headings_is_one_section() -> None:
    (only,) = split_sections("Just a paragraph.\nAnd another line.")
    assert (only.heading, only.text) == ("Review", "Just a paragraph.\nAnd another line.")


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("review.txt", REVIEW.encode()),
        ("review.docx", word_document(REVIEW)),
        ("review.pdf", pdf_document(REVIEW.split("\n"))),
    ],
)
def test_word_text_and_pdf_reviews_are_read(name: str, data: bytes) -> None:
    text = read_document(name, data)
    assert "supervision of John Smith" in text
    assert "countersign" in text


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("review.exe", b"MZ", "must be a Word document"),
        ("review.txt", b"", "empty"),
        ("review.txt", b"x" * (reviews.MAX_BYTES + 1), "smaller than 10 MB"),
        ("review.docx", b"not a zip", "it is not a valid Word document"),
        ("review.pdf", b"%PDF-1.4 broken", "it is not a valid PDF"),
        ("scan.pdf", pdf_document([]), "No text could be read"),
    ],
)
def test_other_files_are_refused_with_a_reason(name: str, data: bytes, message: str) -> None:
    with pytest.raises(UnreadableDocument, match=message):
        read_document(name, data)


@pytest.mark.usefixtures("app_context")
def test_only_the_chair_keeps_the_review_and_names_parties(db: Session, world: World) -> None:
    with pytest.raises(DomainError):
        reviews.keep_review(db, world["police_rep"], world.case, "r.txt", "text/plain", b"Text")
    document = reviews.keep_review(
        db, world["chair"], world.case, "r.txt", "text/plain", REVIEW.encode()
    )
    assert len(document.sections) == 3
    assert reviews.latest_review(db, world.case.id) is document
    with pytest.raises(DomainError):
        reviews.add_party(
            db, world["observer"], world.case, name="John Smith", role=PartyRole.PERSON_ON_PROBATION
        )
    party = reviews.add_party(
        db, world["chair"], world.case, name="  John   Smith ", role=PartyRole.PERSON_ON_PROBATION
    )
    assert party.name == "John Smith"
    assert [p.name for p in reviews.parties_of(db, world.case.id)] == ["John Smith"]


def test_an_upload_too_big_for_the_portal_is_refused_with_a_clear_page(
    app,
    db: Session,
    world: World,  # type: ignore[no-untyped-def]
) -> None:
    client = signed_in_as(app.test_client(), db, world["chair"])
    response = client.post(
        f"/cases/{world.case.id}/review",
        data={"document": (io.BytesIO(b"x" * (13 * 1024 * 1024)), "big.txt")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 413
    assert "Files must be smaller than 10 MB" in response.get_data(as_text=True)


def test_a_decompression_bomb_costs_the_request_nothing_and_the_chair_is_told_why_it_was_refused(
    app: Flask, db: Session, world: World
) -> None:
    client = signed_in_as(app.test_client(), db, world["chair"])
    page = f"/cases/{world.case.id}/review"
    response = client.post(
        page,
        data={
            "csrf_token": csrf_token(client, page),
            "document": (io.BytesIO(documents.shared_content_stream_pdf()), "review.pdf"),
        },
        content_type="multipart/form-data",
    )
    # The request keeps the file and queues its reading: it reads nothing itself.
    assert response.status_code == 303
    (kept,) = db.scalars(select(ReviewDocument)).all()
    assert (kept.state, kept.sections) == (ReviewState.READING, [])
    db.rollback()
    progress = response.headers["Location"]
    assert progress.startswith("/jobs/")
    assert "is being read" in client.get(page).get_data(as_text=True)

    run_jobs(app)
    refused = client.get(progress).get_data(as_text=True)
    assert "This document could not be read: page 1 is too complex to read." in refused
    assert f'href="{page}">Go back and try again' in refused
    assert "Check again" not in refused
    (document,) = db.scalars(select(ReviewDocument)).all()
    assert document.state is ReviewState.UNREADABLE
    assert reviews.latest_review(db, world.case.id) is None
    assert "is being read" not in client.get(page).get_data(as_text=True)
    actions = db.scalars(
        select(AuditEvent.action).where(AuditEvent.action.like("review.%")).order_by(AuditEvent.id)
    )
    assert list(actions) == ["review.uploaded", "review.unreadable"]
