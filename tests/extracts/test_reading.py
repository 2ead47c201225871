"""Reading an issued extract, in the page and in its PDF, laid out alike: the review's lines
joined into numbered paragraphs, each heading numbered once, and the labels that stand for
people marked, for the eye and for a screen reader."""

from __future__ import annotations

import io
import re

from flask import Flask
from pypdf import PdfReader
from sqlalchemy import select
from sqlalchemy.orm import Session

from extracts.models import ExtractIssue
from portal import demo
from tests.support.people import signed_in_as

LABEL = (
    '<span class="app-redaction-label"><span class="govuk-visually-hidden">redacted: </span>'
    "{}</span>"
)


def issued(app: Flask, db: Session) -> ExtractIssue:
    """The demo's extract, issued to its practitioner (who may see their own name)."""
    with app.app_context():
        demo.seed(db)
    extract_issue = db.scalars(select(ExtractIssue)).first()
    assert extract_issue is not None
    return extract_issue


def paragraphs_of(page: str) -> list[str]:
    return [
        " ".join(re.sub(r"<[^>]+>", "", p).split())
        for p in re.findall(r'<p class="govuk-body app-reading">(.*?)</p>', page, re.S)
    ]


def test_the_page_joins_lines_into_numbered_paragraphs_under_headings_numbered_once(
    app: Flask, db: Session
) -> None:
    extract_issue = issued(app, db)
    client = signed_in_as(app.test_client(), db, extract_issue.recipient)
    page = client.get(f"/my-extracts/{extract_issue.id}").get_data(as_text=True)
    headings = re.findall(r'<h2 class="govuk-heading-m">([^<]*)</h2>', page)
    assert headings[:3] == ["1. Introduction", "2. Chronology", "3. Analysis"]
    found = paragraphs_of(page)
    assert found[0].startswith("1.1 This review concerns redacted: the person on probation, who")
    # The source broke this line after "Service": the page reads on.
    assert "by the Probation Service from March 2024." in found[0]
    assert found[1].startswith("2.1 On 4 June 2024 Chris Evans completed a risk assessment.")
    assert "relationship with redacted: Victim but no enquiry" in found[1]
    assert [p.split()[0] for p in found] == ["1.1", "2.1", "3.1"]


def test_the_page_marks_labels_and_redactions_for_the_eye_and_for_screen_readers(
    app: Flask, db: Session
) -> None:
    extract_issue = issued(app, db)
    client = signed_in_as(app.test_client(), db, extract_issue.recipient)
    page = client.get(f"/my-extracts/{extract_issue.id}").get_data(as_text=True)
    assert LABEL.format("the person on probation") in page
    assert LABEL.format("Victim") in page
    assert '<span class="app-redaction-label">[redacted]</span>' in page
    # The recipient's own name is shown, not a label, and ordinary words are not marked.
    assert LABEL.format("Chris Evans") not in page and "Chris Evans completed" in page
    assert LABEL.format("police") not in page


def test_the_pdf_reads_as_the_page_does(app: Flask, db: Session) -> None:
    extract_issue = issued(app, db)
    client = signed_in_as(app.test_client(), db, extract_issue.recipient)
    reader = PdfReader(io.BytesIO(client.get(f"/my-extracts/{extract_issue.id}.pdf").data))
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    assert "1. Introduction" in text and "1. 1." not in text
    assert "by the Probation Service from March 2024." in text
    assert "Labels used in this extract" in text and "Victim" in text
    (_, headings) = reader.outline
    assert [h.title for h in headings][-3:] == ["1. Introduction", "2. Chronology", "3. Analysis"]
    assert reader.root_object["/Lang"] == "en-GB"
    assert reader.metadata is not None and reader.metadata.title.startswith("Redacted review")
