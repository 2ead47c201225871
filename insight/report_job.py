"""The annual learning report's PDF, made by a worker while the person who asked follows it on
`/jobs/<id>` (at national size drawing it takes seconds), then kept for them alone to download
for `KEPT_FOR`; a daily job deletes the PDFs kept for long enough.

The figures are counted in the job for the person who asked, by the same code as the report's
page, so the PDF rounds what they cannot see as their page does; the job asks again whether
they may still read the report.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, delete
from sqlalchemy.orm import Session

from agencies.models import User
from insight.filters import InsightFilter
from insight.models import KEPT_FOR, ReportPdf
from insight.report import report_args, report_sheets, report_title
from insight.report_pdf import report_pdf
from panels.models.cases import ProbationRegion
from portal import audit, clock, jobs
from portal.errors import DomainError
from portal.policy import authorise
from portal.urls import path_for

MAKE = "insight.make-report-pdf"
FORGET = "insight.forget-report-pdfs"
NOT_A_READER = "Only panel chairs, agency leads, observers and administrators can read the report."


def make_pdf_later(db: Session, actor: User, year: int, region: ProbationRegion | None) -> jobs.Job:
    """Queue making the report for `year` and `region` as `actor` sees it."""
    authorise(actor, "view_insight", None, NOT_A_READER)
    return jobs.enqueue(
        db,
        MAKE,
        {"actor_id": actor.id, **report_args(year, region)},
        requested_by_id=actor.id,
        title=f"Making a PDF of the {report_title(year, region)}",
        back_path=path_for("insight.report", **report_args(year, region)),
    )


@jobs.handler(MAKE)
def _make(db: Session, job: jobs.Job, progress: jobs.Progress) -> None:
    actor = db.get(User, job.payload["actor_id"])
    if actor is None:
        raise DomainError("What this was for no longer exists.")
    region = job.payload["region"]
    made = make_pdf(
        db, actor, int(job.payload["year"]), ProbationRegion(region) if region else None, progress
    )
    job.done_path = path_for("insight.report_pdf", pdf_id=made.id)
    job.outcome = f"The PDF of the {report_title(made.year, made.region)} is ready."


def make_pdf(
    db: Session,
    actor: User,
    year: int,
    region: ProbationRegion | None,
    progress: jobs.Progress = lambda _text: None,
) -> ReportPdf:
    """Count the report's figures as `actor` sees them, draw its PDF and keep it for them
    (audited), saying what it is doing as it goes; what the job does."""
    authorise(actor, "view_insight", None, NOT_A_READER)
    wanted, title = InsightFilter.for_year(year, region), report_title(year, region)
    sheets = report_sheets(db, actor, wanted, clock.today(), clock.now(), progress)
    progress("Drawing the PDF…")
    body = report_pdf(title, wanted, sheets)
    now = clock.now()
    made = ReportPdf(
        requested_by_id=actor.id,
        year=year,
        region=region,
        made_at=now,
        expires_at=now + KEPT_FOR,
        pdf=body,
    )
    db.add(made)
    db.flush()
    audit.record(
        db,
        actor.id,
        "insight.report_pdf_made",
        "insight_report_pdf",
        made.id,
        year=year,
        region=region.value if region else None,
    )
    return made


def open_pdf(db: Session, actor: User, report: ReportPdf) -> None:
    """Record a download; refuse anyone but the person it was made for, and once it expires."""
    authorise(actor, "download", report, "This report is not available to you.")
    audit.record(db, actor.id, "insight.report_pdf_downloaded", "insight_report_pdf", report.id)


@jobs.handler(FORGET, every=timedelta(days=1))
def _forget(db: Session, job: jobs.Job, progress: jobs.Progress) -> None:
    progress("Deleting the report PDFs kept for long enough")
    deleted = cast(
        CursorResult[Any], db.execute(delete(ReportPdf).where(ReportPdf.expires_at <= clock.now()))
    ).rowcount
    if deleted:
        audit.record(db, None, "insight.report_pdfs_deleted", "insight_report_pdf", count=deleted)
