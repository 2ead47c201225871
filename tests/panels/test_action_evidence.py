"""Evidence with progress: the owning agency attaches a file to progress on an action, a worker
reads it in the same limited process as reviews while the person follows the job, and it is
listed on the action, offered to whoever can see the action, and exported with the plan."""

from __future__ import annotations

import csv
import io
import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from pypdf import PdfReader
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from panels import evidence
from panels.models.actions import Action, ActionEvidence, ActionUpdate, EvidenceState
from portal.audit import AuditEvent
from portal.errors import DomainError
from portal.jobs import Job, JobState
from portal.templating import format_date
from tests.conftest import csrf_token
from tests.extracts import documents
from tests.support import actions as support_actions
from tests.support.people import signed_in_as
from tests.support.work import run_jobs
from tests.support.world import World

PROCEDURE = b"Revised procedure\n\nArrests are shared with probation within one working day."


def agreed_action(app: Flask, db: Session, world: World) -> Action:
    """A police action on `panel`, agreed, with the plan agreed: progress may be reported."""
    return support_actions.agreed_action(
        app,
        db,
        world,
        "police",
        "<p>Share arrest records with probation within a day.</p>",
        "<p>An audit of twenty cases finds every one shared.</p>",
    )


def attach(
    client: FlaskClient, action: Action, filename: str, data: bytes, text: str = "Done."
) -> object:
    page = f"/actions/{action.id}/progress"
    return client.post(
        page,
        data={
            "csrf_token": csrf_token(client, "/sign-out"),
            "text": text,
            "evidence": (io.BytesIO(data), filename),
        },
        content_type="multipart/form-data",
    )


def the_only_evidence(db: Session) -> ActionEvidence:
    db.rollback()
    db.expire_all()  # what the requests and the worker committed, not what this session holds
    return db.scalars(select(ActionEvidence)).one()


def events(db: Session, name: str) -> int:
    return db.scalar(select(func.count()).where(AuditEvent.action == name)) or 0


def test_evidence_is_read_by_a_worker_then_listed_read_and_downloaded(
    app: Flask, db: Session, world: World
) -> None:
    action = agreed_action(app, db, world)
    police = signed_in_as(app.test_client(), db, world["police_rep"])

    response = attach(police, action, "procedure.txt", PROCEDURE, "Procedure revised.")
    assert response.status_code == 303  # type: ignore[attr-defined]
    progress = response.headers["Location"]  # type: ignore[attr-defined]
    assert re.fullmatch(r"/jobs/\d+", progress), progress
    waiting = police.get(progress).get_data(as_text=True)
    assert f"Reading procedure.txt, evidence for action A{action.id}" in waiting
    # Nobody is offered the file before the reader has passed it.
    kept = the_only_evidence(db)
    assert kept.state is EvidenceState.READING
    chair = signed_in_as(app.test_client(), db, world["chair"])
    assert chair.get(f"/evidence/{kept.id}/original").status_code == 302

    run_jobs(app)

    done = police.get(progress)
    assert (done.status_code, done.headers["Location"]) == (303, f"/actions/{action.id}")
    kept = the_only_evidence(db)
    assert kept.state is EvidenceState.READ
    assert "within one working day" in kept.text
    assert kept.uploaded_by_id == world["police_rep"].id
    page = chair.get(f"/actions/{action.id}").get_data(as_text=True)
    assert "Procedure revised." in page
    assert "procedure.txt" in page
    assert f"added by {world['police_rep'].name}" in page
    assert ": read" in page
    shown = chair.get(f"/evidence/{kept.id}").get_data(as_text=True)
    assert "Arrests are shared with probation within one working day." in shown
    download = chair.get(f"/evidence/{kept.id}/original")
    assert download.status_code == 200
    assert download.data == PROCEDURE
    assert "filename=procedure.txt" in download.headers["Content-Disposition"]
    assert download.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert (
        events(db, "action.evidence_attached"),
        events(db, "action.evidence_read"),
        events(db, "action.evidence_downloaded"),
    ) == (1, 1, 1)


def test_a_word_document_is_read_through_the_same_limited_reader_as_reviews(
    app: Flask, db: Session, world: World
) -> None:
    action = agreed_action(app, db, world)
    police = signed_in_as(app.test_client(), db, world["police_lead"])
    word = documents.genuine_word_review(pages=1)
    assert attach(police, action, "training record.docx", word).status_code == 303  # type: ignore[attr-defined]
    run_jobs(app)
    kept = the_only_evidence(db)
    assert kept.state is EvidenceState.READ
    assert kept.text.rstrip().endswith("The panel thanks everyone who took part.")
    assert kept.content_type.endswith("wordprocessingml.document")
    download = police.get(f"/evidence/{kept.id}/original")
    assert download.data == word
    assert "training%20record.docx" in download.headers["Content-Disposition"]


def test_a_hostile_file_is_refused_by_the_reader_and_offered_to_nobody(
    app: Flask, db: Session, world: World
) -> None:
    action = agreed_action(app, db, world)
    police = signed_in_as(app.test_client(), db, world["police_rep"])
    response = attach(police, action, "laughs.docx", documents.billion_laughs())
    progress = response.headers["Location"]  # type: ignore[attr-defined]

    run_jobs(app)

    db.rollback()
    job = db.scalars(select(Job).where(Job.kind == evidence.READ_EVIDENCE)).one()
    assert job.state is JobState.REFUSED
    assert job.outcome is not None and job.outcome.startswith("This document could not be read")
    told = police.get(progress).get_data(as_text=True)
    assert "This document could not be read" in told
    kept = the_only_evidence(db)
    assert kept.state is EvidenceState.UNREADABLE
    assert kept.original == b""
    assert kept.refusal == job.outcome
    page = police.get(f"/actions/{action.id}").get_data(as_text=True)
    assert "laughs.docx" in page and ": could not be read" in page
    assert f"/evidence/{kept.id}/original" not in page
    refused = police.get(f"/evidence/{kept.id}/original")
    assert (refused.status_code, refused.headers["Location"]) == (302, f"/evidence/{kept.id}")
    assert "This document could not be read" in police.get(f"/evidence/{kept.id}").get_data(
        as_text=True
    )
    assert events(db, "action.evidence_unreadable") == 1
    assert events(db, "action.evidence_downloaded") == 0


@pytest.mark.parametrize(
    ("filename", "data", "message"),
    [
        ("tool.exe", b"MZ", "The evidence must be a Word document (.docx)"),
        ("empty.txt", b"", "The file is empty."),
        ("big.txt", b"x" * (10 * 1024 * 1024 + 1), "The evidence must be smaller than 10 MB."),
    ],
)
def test_a_file_that_cannot_be_evidence_is_refused_at_once_and_nothing_is_kept(
    app: Flask, db: Session, world: World, filename: str, data: bytes, message: str
) -> None:
    action = agreed_action(app, db, world)
    police = signed_in_as(app.test_client(), db, world["police_rep"])

    response = attach(police, action, filename, data, "Kept as typed.")

    assert response.status_code == 200  # type: ignore[attr-defined]
    page = response.get_data(as_text=True)  # type: ignore[attr-defined]
    assert message in page
    assert "Kept as typed." in page
    db.rollback()
    assert db.scalar(select(func.count()).select_from(ActionUpdate)) == 0
    assert db.scalar(select(func.count()).select_from(ActionEvidence)) == 0
    assert db.scalar(select(func.count()).where(Job.kind == evidence.READ_EVIDENCE)) == 0


def test_progress_without_a_file_needs_no_worker(app: Flask, db: Session, world: World) -> None:
    action = agreed_action(app, db, world)
    police = signed_in_as(app.test_client(), db, world["police_rep"])
    page = f"/actions/{action.id}/progress"
    response = police.post(page, data={"csrf_token": csrf_token(police, page), "text": "Begun."})
    assert (response.status_code, response.headers["Location"]) == (302, f"/actions/{action.id}")
    db.rollback()
    assert db.scalar(select(func.count()).select_from(ActionUpdate)) == 1
    assert db.scalar(select(func.count()).select_from(Job).where(Job.kind.like("panels.%"))) == 0


def test_evidence_goes_to_whoever_can_see_the_action_and_no_one_else(
    app: Flask, db: Session, world: World
) -> None:
    action = agreed_action(app, db, world)
    police = signed_in_as(app.test_client(), db, world["police_rep"])
    attach(police, action, "procedure.txt", PROCEDURE)
    run_jobs(app)
    kept = the_only_evidence(db)
    for who in ("chair", "probation_rep", "observer", "police_lead", "admin"):
        client = signed_in_as(app.test_client(), db, world[who])
        assert client.get(f"/evidence/{kept.id}").status_code == 200, who
        assert client.get(f"/evidence/{kept.id}/original").data == PROCEDURE, who
    for who in ("practitioner", "outsider", "other_member"):
        client = signed_in_as(app.test_client(), db, world[who])
        assert client.get(f"/evidence/{kept.id}").status_code == 403, who
        assert client.get(f"/evidence/{kept.id}/original").status_code == 403, who
    assert app.test_client().get(f"/evidence/{kept.id}/original").status_code == 302  # sign in
    # Only the owning agency attaches evidence: another agency's representative is refused.
    probation = signed_in_as(app.test_client(), db, world["probation_rep"])
    assert attach(probation, action, "ours.txt", b"Not theirs.").status_code == 403  # type: ignore[attr-defined]
    db.rollback()
    assert db.scalar(select(func.count()).select_from(ActionEvidence)) == 1


def test_evidence_is_exported_with_the_action_plan(app: Flask, db: Session, world: World) -> None:
    action = agreed_action(app, db, world)
    police = signed_in_as(app.test_client(), db, world["police_rep"])
    attach(police, action, "procedure.txt", PROCEDURE)
    run_jobs(app)
    added = format_date(the_only_evidence(db).uploaded_at)
    chair = signed_in_as(app.test_client(), db, world["chair"])

    spreadsheet = chair.get(f"/panels/{world.panel.id}/actions.csv").data.decode("utf-8-sig")
    (row,) = csv.DictReader(io.StringIO(spreadsheet))
    assert row["Evidence"] == f"procedure.txt, added {added} by {world['police_rep'].name}"

    pdf = PdfReader(io.BytesIO(chair.get(f"/panels/{world.panel.id}/actions.pdf").data))
    text = " ".join(" ".join(page.extract_text().split()) for page in pdf.pages)
    assert f"Evidence procedure.txt, added {added} by {world['police_rep'].name}" in text

    plan = chair.get(f"/panels/{world.panel.id}/actions").get_data(as_text=True)
    assert "procedure.txt" in plan


def test_an_action_holds_a_bounded_number_of_files(
    app: Flask, db: Session, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(evidence, "MAX_PER_ACTION", 1)
    action = agreed_action(app, db, world)
    with app.test_request_context():
        evidence.report(
            db, world["police_rep"], action, "One.", evidence.Upload("one.txt", b"First.")
        )
        with pytest.raises(DomainError, match="at most 1 files"):
            evidence.report(
                db, world["police_rep"], action, "Two.", evidence.Upload("two.txt", b"Second.")
            )
