"""The review's original and the issued extracts download with a safe name, and the original's
Content-Type is what its bytes are, never what the uploader's browser claimed."""

from __future__ import annotations

import io
import re
import urllib.request
from urllib.parse import unquote

import docx
import pytest
from flask import Flask
from flask.testing import FlaskClient
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas
from sqlalchemy.orm import Session

from extracts import reviews
from extracts.models import ReviewDocument
from tests.support.people import signed_in_as
from tests.support.world import World

TEXT = "1. Introduction\nThe practitioner visited on 3 March 2025.\n"
WORD_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

# What the chair's computer called the file, and the name the download must give it.
NAMES = [
    ("Adolygiad – Llŷr a Gwŷn.txt", "Adolygiad – Llŷr a Gwŷn.txt"),
    ("Przegląd – Łódź, źdźbło.txt", "Przegląd – Łódź, źdźbło.txt"),
    ('Review "final"; v2.txt', 'Review "final"; v2.txt'),
    ("Review\r\nSet-Cookie: session=stolen.txt", "Review Set-Cookie: session=stolen.txt"),
    ("C:\\Users\\grace\\Documents\\review.txt", "review.txt"),
    ("../../etc/review.txt", "review.txt"),
    (
        "review\"; filename*=UTF-8''evil.exe; x=\".txt",
        "review\"; filename*=UTF-8''evil.exe; x=\".txt",
    ),
]


def word_document(text: str) -> bytes:
    document = docx.Document()
    for paragraph in text.split("\n"):
        document.add_paragraph(paragraph)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def pdf_document(text: str) -> bytes:
    out = io.BytesIO()
    page = canvas.Canvas(out, pagesize=A4)
    for number, line in enumerate(text.split("\n")):
        page.drawString(72, 800 - 14 * number, line)
    page.save()
    return out.getvalue()


def kept(
    app: Flask, db: Session, world: World, name: str, claimed: str, data: bytes
) -> ReviewDocument:
    with app.test_request_context():
        document = reviews.keep_review(db, world["chair"], world.case, name, claimed, data)
        db.commit()
    return document


def sent_name(header: str) -> str:
    """The name a browser saves the file under: filename*, which must be there once."""
    assert header.isascii(), header
    assert len(re.findall(r"filename\*=", header)) == 1, header
    (encoded,) = re.findall(r"filename\*=UTF-8''([^;\s]+)", header)
    return unquote(encoded)


def chair(app: Flask, db: Session, world: World) -> FlaskClient:
    return signed_in_as(app.test_client(), db, world["chair"])


def test_any_name_downloads_from_a_real_server_under_its_own_name(
    app: Flask, db: Session, world: World, live_server: str
) -> None:
    client = chair(app, db, world)
    cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"])
    assert cookie is not None
    for name, shown in NAMES:
        document = kept(app, db, world, name, "text/plain", TEXT.encode())
        request = urllib.request.Request(
            f"{live_server}/reviews/{document.id}/original",
            headers={"Cookie": f"{cookie.key}={cookie.value}"},
        )
        # Before, a name outside Latin-1 left the browser waiting for ever.
        with urllib.request.urlopen(request, timeout=10) as response:
            assert response.status == 200, name
            assert response.read() == TEXT.encode(), name
            assert sent_name(response.headers["Content-Disposition"]) == shown, name
            assert response.headers["Content-Type"] == "text/plain; charset=utf-8", name
            assert response.headers["X-Content-Type-Options"] == "nosniff", name


@pytest.mark.parametrize(
    ("name", "claimed", "data", "content_type", "shown"),
    [
        ("review.pdf", "text/html", pdf_document(TEXT), "application/pdf", "review.pdf"),
        ("review.docx", "text/html", word_document(TEXT), WORD_TYPE, "review.docx"),
        ("review.txt", "text/html", b"<script>alert(1)</script>" + TEXT.encode(), "", ""),
        # A "text file" that is a PDF is sent, and named, as the PDF it is.
        ("review.txt", "text/plain", pdf_document(TEXT), "application/pdf", "review.txt.pdf"),
    ],
)
def test_the_original_is_sent_as_what_its_bytes_are_not_what_was_claimed(
    app: Flask,
    db: Session,
    world: World,
    name: str,
    claimed: str,
    data: bytes,
    content_type: str,
    shown: str,
) -> None:
    document = kept(app, db, world, name, claimed, data)
    assert document.content_type == claimed

    response = chair(app, db, world).get(f"/reviews/{document.id}/original")

    assert response.status_code == 200
    assert response.data == data
    assert response.headers["Content-Type"] == (content_type or "text/plain; charset=utf-8")
    assert sent_name(response.headers["Content-Disposition"]) == (shown or name)
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "no-store"
