"""The annual report's PDF, made by a worker: the report page's button queues it for the year
and region shown, the person who asked follows it on /jobs/<id> and downloads the PDF, with
their own figures; no one else follows it or opens the PDF; it is kept for a week, then the
daily job deletes it."""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from datetime import timedelta

import pypdf
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from agencies import users
from insight import report_job
from insight.models import KEPT_FOR, ReportPdf
from panels.models.cases import ProbationRegion
from portal import clock, jobs
from portal.audit import AuditEvent
from portal.jobs import Job, JobState
from tests.insight.report_pdfs import ask_for_pdf, fetch_pdf, report_pdf_of
from tests.support.people import signed_in_as
from tests.support.work import run_jobs
from tests.support.world import World


def _text(pdf: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def _tables(client: FlaskClient, url: str) -> list[list[str]]:
    response = client.get(url)
    assert response.status_code == 200 and response.mimetype == "text/csv"
    return list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))[1:]


def _audited(db: Session, action: str) -> list[AuditEvent]:
    db.rollback()
    return list(db.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def test_each_reader_gets_a_pdf_of_the_figures_their_report_page_shows(
    app: Flask, db: Session, world: World
) -> None:
    year = clock.today().year
    for name in ("admin", "chair", "police_lead"):
        client = signed_in_as(app.test_client(), db, world[name])
        response = report_pdf_of(client, f"/insight/report?year={year}")
        assert response.status_code == 200 and response.mimetype == "application/pdf"
        assert response.headers["Cache-Control"] == "no-store"
        assert f"learning-report-{year}-national.pdf" in response.headers["Content-Disposition"]
        text = _text(response.data)
        assert f"Annual learning report {year}: national" in text
        figures = Counter(re.findall(r"(?<![\w.])\d+(?![\w.%])", text))
        tables = _tables(client, f"/insight/report.csv?year={year}")
        assert tables
        for _filter, caption, row, _column, value in tables:
            assert caption in text, f"{name}: the PDF lacks the table {caption!r}"
            assert row.split(" (")[0] in text, f"{name}: the PDF lacks the row {row!r}"
            if value.isdigit():
                assert figures[value], f"{name}: the PDF lacks {caption} / {row}: {value}"
            else:
                assert value in text, f"{name}: the PDF never says {value!r}"
    made = _audited(db, "insight.report_pdf_made")
    downloaded = _audited(db, "insight.report_pdf_downloaded")
    expected = sorted(world[name].id for name in ("admin", "chair", "police_lead"))
    assert sorted(event.actor_id for event in made) == expected
    assert sorted(event.actor_id for event in downloaded) == expected


def test_the_button_asks_for_the_year_and_region_shown(
    app: Flask, db: Session, world: World
) -> None:
    client = signed_in_as(app.test_client(), db, world["chair"])
    progress = ask_for_pdf(client, "/insight/report?year=2025&region=wales")
    assert re.fullmatch(r"/jobs/\d+", progress)
    job = db.get(Job, int(progress.rsplit("/", 1)[1]))
    assert job is not None and job.requested_by_id == world["chair"].id
    assert job.payload == {"actor_id": world["chair"].id, "year": 2025, "region": "wales"}
    waiting = client.get(progress).get_data(as_text=True)
    assert "Making a PDF of the Annual learning report 2025: Wales region" in waiting
    assert "Waiting to start" in waiting and "Check again" in waiting
    run_jobs(app)
    response = fetch_pdf(client, progress)
    assert "learning-report-2025-wales.pdf" in response.headers["Content-Disposition"]
    assert "Annual learning report 2025: Wales region" in _text(response.data)


def test_the_job_says_what_it_is_doing_as_it_goes(app: Flask, db: Session, world: World) -> None:
    said: list[str] = []
    with app.test_request_context():
        made = report_job.make_pdf(db, world["chair"], 2026, ProbationRegion.LONDON, said.append)
    assert said == [
        "Counting themes…",
        "Counting actions…",
        "Counting timeliness…",
        "Counting the reach of shared learning…",
        "Counting dip samples…",
        "Drawing the PDF…",
    ]
    assert made.pdf.startswith(b"%PDF") and made.region is ProbationRegion.LONDON


def test_no_one_but_the_person_who_asked_follows_the_job_or_opens_the_pdf(
    app: Flask, db: Session, world: World
) -> None:
    chair = signed_in_as(app.test_client(), db, world["chair"])
    progress = ask_for_pdf(chair, "/insight/report?year=2026")
    run_jobs(app)
    ready = chair.get(progress).headers["Location"]
    assert re.fullmatch(r"/insight/report/pdfs/\d+", ready)
    for name in ("admin", "observer", "police_lead", "practitioner"):
        other = signed_in_as(app.test_client(), db, world[name])
        assert other.get(progress).status_code == 403, name
        assert other.get(ready).status_code == 403, name
        assert other.get(ready + ".pdf").status_code == 403, name
    assert _audited(db, "insight.report_pdf_downloaded") == []
    assert chair.get(ready + ".pdf").mimetype == "application/pdf"


def test_a_reader_no_longer_allowed_when_the_job_runs_is_told_why(
    app: Flask, db: Session, world: World
) -> None:
    client = signed_in_as(app.test_client(), db, world["police_lead"])
    progress = ask_for_pdf(client, "/insight/report?year=2026")
    users.suspend(db, world["admin"], world["police_lead"])
    db.commit()
    run_jobs(app)
    db.rollback()
    job = db.get(Job, int(progress.rsplit("/", 1)[1]))
    assert job is not None and job.state is JobState.REFUSED
    assert job.outcome == report_job.NOT_A_READER
    assert db.scalars(select(ReportPdf)).all() == []


def test_a_pdf_is_kept_for_a_week_then_the_daily_job_deletes_it(
    app: Flask, db: Session, world: World
) -> None:
    with app.test_request_context():
        made = report_job.make_pdf(db, world["chair"], 2026, None)
        kept = report_job.make_pdf(db, world["chair"], 2025, None)
    db.commit()
    assert made.expires_at - made.made_at == KEPT_FOR == timedelta(days=7)
    made.expires_at = clock.now() - timedelta(minutes=1)
    db.commit()
    chair = signed_in_as(app.test_client(), db, world["chair"])
    assert chair.get(f"/insight/report/pdfs/{made.id}").status_code == 403
    assert chair.get(f"/insight/report/pdfs/{made.id}.pdf").status_code == 403
    page = chair.get(f"/insight/report/pdfs/{kept.id}").get_data(as_text=True)
    assert "The portal keeps it until" in page and f"/insight/report/pdfs/{kept.id}.pdf" in page
    jobs.queue_periodic(db)
    run_jobs(app)
    db.rollback()
    assert [report.id for report in db.scalars(select(ReportPdf))] == [kept.id]
    [deleted] = _audited(db, "insight.report_pdfs_deleted")
    assert deleted.details == {"count": 1}
