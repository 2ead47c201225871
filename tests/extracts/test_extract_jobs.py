"""The slow work of extracts done by a worker while the person who asked follows its progress:
reading the review, finding what to redact, issuing each recipient's PDF. Each request only
checks and queues; the progress page is checked again by hand without JavaScript and by itself
with it, is for the person who asked alone, and says plainly what came of it."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from agencies.models import User
from extracts import extracts
from extracts.models import Decision, Extract, ExtractIssue, ExtractState
from portal import clock, jobs
from portal.audit import AuditEvent
from portal.jobs import Job, JobState
from tests.conftest import csrf_token
from tests.extracts.test_extracts import REVIEW, approved, disclosure_lead, prepared
from tests.support.people import signed_in_as
from tests.support.work import run_jobs
from tests.support.world import World

__all__ = ["disclosure_lead", "prepared"]  # fixtures shared with test_extracts


def post(client: FlaskClient, page: str, action: str, data: dict[str, object]) -> str:
    """Send the form on `page` to `action`; the progress page it leads to."""
    response = client.post(action, data={"csrf_token": csrf_token(client, page), **data})
    assert response.status_code == 303, response.get_data(as_text=True)
    location: str = response.headers["Location"]
    assert re.fullmatch(r"/jobs/\d+", location), location
    return location


def test_a_pasted_review_is_read_by_a_worker_while_the_chair_watches(
    app: Flask, db: Session, world: World
) -> None:
    chair = signed_in_as(app.test_client(), db, world["chair"])
    page = f"/cases/{world.case.id}/review"
    progress = post(chair, page, page, {"pasted": REVIEW})

    waiting = chair.get(progress).get_data(as_text=True)
    assert f"Reading the review of case {world.case.reference}" in waiting
    assert "Waiting to start" in waiting
    # Without JavaScript the chair checks again by hand; with it, the page asks every 2 s.
    assert re.search(rf'href="{progress}"[^>]*>\s*Check again', waiting)
    assert 'data-module="app-job-progress" data-refresh-seconds="2"' in waiting
    assert 'role="status"' in waiting

    run_jobs(app)
    # The page's script asks with ?poll, and then reloads: the chair is told once.
    polled = chair.get(progress + "?poll")
    assert polled.status_code == 200 and "app-job-progress" not in polled.get_data(as_text=True)
    done = chair.get(progress)
    assert (done.status_code, done.headers["Location"]) == (303, page)
    shown = chair.get(page).get_data(as_text=True)
    assert "The review has been read: 2 sections." in shown
    assert "pasted.txt" in shown


def test_only_the_person_who_started_a_job_may_follow_it(
    app: Flask, db: Session, world: World
) -> None:
    chair = signed_in_as(app.test_client(), db, world["chair"])
    page = f"/cases/{world.case.id}/review"
    progress = post(chair, page, page, {"pasted": REVIEW})
    for other in ("probation_rep", "police_rep", "observer", "admin", "outsider"):
        client = signed_in_as(app.test_client(), db, world[other])
        assert client.get(progress).status_code == 403, other
    assert app.test_client().get(progress).status_code == 302  # to sign in
    assert chair.get("/jobs/2147483647").status_code == 404


def test_an_extract_is_prepared_by_a_worker_and_the_chair_lands_on_it(
    app: Flask, db: Session, world: World, prepared: Extract
) -> None:
    chair = signed_in_as(app.test_client(), db, world["chair"])
    page = f"/cases/{world.case.id}/review"
    progress = post(chair, page, f"/cases/{world.case.id}/extracts", {"show_recipient_name": "y"})
    assert "Preparing an extract" in chair.get(progress).get_data(as_text=True)
    assert db.scalar(select(Extract.id).where(Extract.id != prepared.id)) is None

    run_jobs(app)
    done = chair.get(progress)
    new = db.scalars(select(Extract).where(Extract.id != prepared.id)).one()
    assert done.headers["Location"] == f"/extracts/{new.id}"
    assert len(new.redactions) == len(prepared.redactions) > 0
    assert f"Extract {new.reference} is ready" in chair.get(done.headers["Location"]).get_data(
        as_text=True
    )


def test_issuing_makes_each_copy_in_a_worker_and_reports_each_step(
    app: Flask, db: Session, world: World, prepared: Extract, disclosure_lead: User
) -> None:
    approved(app, db, world, prepared, disclosure_lead)
    chair = signed_in_as(app.test_client(), db, world["chair"])
    page = f"/extracts/{prepared.id}/issue"
    recipients = [world["practitioner"].id, world["probation_rep"].id]
    progress = post(chair, page, page, {"recipients": recipients})
    assert f"Issuing 2 copies of extract {prepared.reference}" in chair.get(progress).get_data(
        as_text=True
    )
    assert db.scalars(select(ExtractIssue)).all() == []

    # What the chair's page says while each copy is being made.
    seen: list[str] = []
    make_copy = extracts._checked_copy

    def watched(*args: Any) -> Any:
        seen.append(chair.get(progress).get_data(as_text=True))
        return make_copy(*args)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(extracts, "_checked_copy", watched)
        run_jobs(app)
    assert ["Preparing copy 1 of 2…" in seen[0], "Preparing copy 2 of 2…" in seen[1]] == [
        True,
        True,
    ]

    done = chair.get(progress)
    assert done.headers["Location"] == f"/extracts/{prepared.id}"
    assert "The extract has been issued to 2 people." in chair.get(
        done.headers["Location"]
    ).get_data(as_text=True)
    issued = db.scalars(select(ExtractIssue.recipient_id)).all()
    assert sorted(issued) == sorted(recipients)


def test_a_copy_that_would_leak_issues_nothing_and_the_refusal_is_audited(
    app: Flask, db: Session, world: World, prepared: Extract, disclosure_lead: User
) -> None:
    with app.test_request_context():
        for row in prepared.redactions:
            keep = "Smith" in row.text
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
    chair = signed_in_as(app.test_client(), db, world["chair"])
    page = f"/extracts/{prepared.id}/issue"
    progress = post(chair, page, page, {"recipients": [world["practitioner"].id]})
    run_jobs(app)
    refused = chair.get(progress).get_data(as_text=True)
    assert "still contained text that should be redacted" in refused
    assert f'href="{page}">Go back and try again' in refused
    assert db.scalars(select(ExtractIssue)).all() == []
    assert db.scalar(select(AuditEvent.action).where(AuditEvent.action == "extract.issue_refused"))
    assert db.scalars(select(Job.state).where(Job.kind == "extracts.issue")).all() == [
        JobState.REFUSED
    ]


def test_a_job_asks_again_whether_the_person_may_still_do_it(
    app: Flask, db: Session, world: World, prepared: Extract, disclosure_lead: User
) -> None:
    approved(app, db, world, prepared, disclosure_lead)
    chair = signed_in_as(app.test_client(), db, world["chair"])
    page = f"/extracts/{prepared.id}/issue"
    progress = post(chair, page, page, {"recipients": [world["practitioner"].id]})
    # Between the request and the worker, the extract goes back to draft.
    prepared.state = ExtractState.DRAFT
    db.commit()
    run_jobs(app)
    assert "Only an approved extract can be issued." in chair.get(progress).get_data(as_text=True)
    assert db.scalars(select(ExtractIssue)).all() == []


def test_a_job_that_keeps_failing_tells_the_person_it_is_not_their_doing(
    app: Flask, db: Session, world: World, prepared: Extract, monkeypatch: pytest.MonkeyPatch
) -> None:
    chair = signed_in_as(app.test_client(), db, world["chair"])
    page = f"/cases/{world.case.id}/review"
    progress = post(chair, page, f"/cases/{world.case.id}/extracts", {"show_recipient_name": "y"})

    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("the recogniser's model is missing")

    monkeypatch.setattr(extracts, "start", broken)
    now = clock.now()
    run_jobs(app, now)
    retrying = chair.get(progress).get_data(as_text=True)
    assert "did not work the first time" in retrying
    for wait in jobs.BACK_OFF:
        now += wait
        run_jobs(app, now)
    failed = chair.get(progress).get_data(as_text=True)
    assert "a problem in the portal, not anything you did" in failed
    assert "app-job-progress" not in failed
    assert db.scalars(select(Job.state).where(Job.kind == "extracts.prepare")).all() == [
        JobState.SET_ASIDE
    ]
    assert now - clock.now() > timedelta(minutes=30)
