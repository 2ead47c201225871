"""Downloads name the file safely (RFC 6266 and 5987) and say what it is from its bytes."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import UTC, datetime
from urllib.parse import unquote

import docx
import pytest
from flask import Flask
from sqlalchemy.orm import Session
from werkzeug.http import parse_options_header

from panels import sessions
from portal import downloads
from portal.downloads import CALENDAR, CSV, PDF, TEXT, WORD, kind_of, safe_name
from tests.support.people import signed_in_as
from tests.support.world import World

WORD_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def word_document() -> bytes:
    document = docx.Document()
    document.add_paragraph("1. Introduction")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def a_zip(names: list[str]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name in names:
            archive.writestr(name, "<html><script>alert(1)</script></html>")
    return out.getvalue()


def disposition(header: str) -> tuple[str, str]:
    """The plain `filename` and the decoded `filename*` of a Content-Disposition header."""
    assert header.isascii(), header
    assert header.startswith("attachment;")
    assert len(re.findall(r"filename\*=", header)) == 1, header
    (encoded,) = re.findall(r"filename\*=UTF-8''([^;\s]+)", header)
    _, options = parse_options_header(header)
    # Werkzeug's parser, as a browser, prefers filename* and decodes it the same way.
    assert options["filename"] == unquote(encoded)
    (plain,) = re.findall(r'(?:^|;\s*)filename="?([^";]*)"?(?:;|$)', header)
    return plain, unquote(encoded)


def test_a_pdf_is_known_by_its_magic_number_whatever_it_is_called() -> None:
    assert kind_of(b"%PDF-1.7\n...") == PDF
    assert kind_of(b" %PDF-1.7") == TEXT


def test_a_word_document_is_a_zip_holding_word_document_xml() -> None:
    assert kind_of(word_document()) == WORD
    assert kind_of(a_zip(["index.html"])) == TEXT
    assert kind_of(b"PK\x03\x04 but not a zip") == TEXT


def test_anything_else_is_text_sent_as_the_route_says() -> None:
    assert kind_of(b"<html><script>alert(1)</script></html>") == TEXT
    assert kind_of(b"a,b\r\n1,2\r\n", text=CSV) == CSV
    assert kind_of(b"%PDF-1.4", text=CALENDAR) == PDF


@pytest.mark.parametrize(
    ("name", "kind", "shown"),
    [
        ("Adolygiad – Llŷr a Gwŷn.txt", TEXT, "Adolygiad – Llŷr a Gwŷn.txt"),
        ("Przegląd – Łódź, źdźbło.pdf", PDF, "Przegląd – Łódź, źdźbło.pdf"),
        ('Review "final"; v2.docx', WORD, 'Review "final"; v2.docx'),
        ("Review\r\nSet-Cookie: a=b.txt", TEXT, "Review Set-Cookie: a=b.txt"),
        ("Review\x00\t\x1b[31m.txt", TEXT, "Review [31m.txt"),
        ("C:\\Users\\grace\\Documents\\review.txt", TEXT, "review.txt"),
        ("../../etc/passwd", TEXT, "passwd.txt"),
        (".hidden.txt", TEXT, "hidden.txt"),
        # The right-to-left override would show "review‮fdp.exe" as "reviewexe.pdf".
        ("review\u202efdp.exe", PDF, "reviewfdp.exe.pdf"),
        ("page.html", TEXT, "page.html.txt"),
        ("REVIEW.TXT", TEXT, "REVIEW.txt"),
        ("", TEXT, "download.txt"),
        ("../", PDF, "download.pdf"),
        ("x" * 300 + ".txt", TEXT, "x" * 116 + ".txt"),
    ],
)
def test_a_name_is_sanitised_for_display(name: str, kind: downloads.Kind, shown: str) -> None:
    assert safe_name(name, kind) == shown
    assert len(safe_name(name, kind)) <= downloads.MAX_NAME_LENGTH


@pytest.mark.parametrize(
    ("name", "plain", "full"),
    [
        ("Adolygiad – Llŷr.txt", "Adolygiad _ Llyr.txt", "Adolygiad – Llŷr.txt"),
        ("Łódź.txt", "_odz.txt", "Łódź.txt"),
        ("review.txt", "review.txt", "review.txt"),
        (
            "review\"; filename*=UTF-8''evil.exe; x=\".txt",
            "review__ filename_=UTF-8''evil.exe_ x=_.txt",
            "review\"; filename*=UTF-8''evil.exe; x=\".txt",
        ),
        ("Review\r\n.txt", "Review.txt", "Review.txt"),
        ("100% sure.txt", "100_ sure.txt", "100% sure.txt"),
    ],
)
def test_the_name_is_sent_plain_and_in_full_once(name: str, plain: str, full: str) -> None:
    with Flask(__name__).test_request_context():
        response = downloads.download(b"Some text", name)

    assert disposition(response.headers["Content-Disposition"]) == (plain, full)
    assert response.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.get_data() == b"Some text"


def test_the_content_type_comes_from_the_bytes() -> None:
    with Flask(__name__).test_request_context():
        pdf = downloads.download(b"%PDF-1.4 ...", "review.txt")
        word = downloads.download(word_document(), "review.pdf")
        html = downloads.download(b"<script>alert(1)</script>", "review.html")
        latin1 = downloads.download("Café".encode("cp1252"), "review.txt")
        csv = downloads.download(b"a,b\r\n", "plan.csv", text=CSV)

    assert (pdf.headers["Content-Type"], disposition(pdf.headers["Content-Disposition"])[1]) == (
        "application/pdf",
        "review.txt.pdf",
    )
    assert word.headers["Content-Type"] == WORD_TYPE
    assert disposition(word.headers["Content-Disposition"])[1] == "review.pdf.docx"
    assert html.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert disposition(html.headers["Content-Disposition"])[1] == "review.html.txt"
    assert latin1.headers["Content-Type"] == "text/plain"
    assert csv.headers["Content-Type"] == "text/csv; charset=utf-8"


def test_name_part_keeps_a_reference_with_slashes_whole() -> None:
    assert downloads.name_part("SFO/2026/0042") == "SFO-2026-0042"
    reference = downloads.name_part("SFO\\2026/7")
    assert safe_name(f"minutes-{reference}.pdf", PDF) == "minutes-SFO-2026-7.pdf"


def test_every_export_of_a_panel_downloads_through_the_same_door(
    app: Flask, db: Session, world: World
) -> None:
    with app.test_request_context():
        session = sessions.schedule(
            db,
            world["chair"],
            world.panel,
            starts_at=datetime(2027, 6, 25, 23, 30, tzinfo=UTC),
            duration_minutes=60,
            location="Room 1",
            online_link="",
            agenda="Each agency's findings.",
        )
        db.commit()
    chair = signed_in_as(app.test_client(), db, world["chair"])
    panel = world.panel.id
    expected = {
        f"/panels/{panel}/actions.csv": (
            "text/csv; charset=utf-8",
            "action-plan-SFO-TEST-0001.csv",
        ),
        f"/panels/{panel}/actions.pdf": ("application/pdf", "action-plan-SFO-TEST-0001.pdf"),
        # Named for the day in London: half past midnight on 26 June.
        f"/sessions/{session.id}/minutes.pdf": (
            "application/pdf",
            "minutes-SFO-TEST-0001-20270626.pdf",
        ),
        f"/sessions/{session.id}/calendar.ics": (
            "text/calendar; charset=utf-8",
            f"panel-session-{session.id}.ics",
        ),
    }
    for url, (content_type, name) in expected.items():
        response = chair.get(url)
        assert response.status_code == 200, url
        assert response.headers["Content-Type"] == content_type, url
        assert disposition(response.headers["Content-Disposition"]) == (name, name), url
        assert response.headers["X-Content-Type-Options"] == "nosniff", url
        assert response.headers["Cache-Control"] == "no-store", url
