"""Extract work on the home page: drafts to finish and extracts to approve for those who
prepare a case's extracts, extracts to read for their recipients, and factual-accuracy comments
for the chair until someone has done something with the copy commented on."""

from __future__ import annotations

from flask import Flask
from sqlalchemy.orm import Session

from agencies.models import Role, User
from extracts import extracts, reviews
from extracts.models import Decision, Extract, PartyRole
from home.dashboard import Todo, home_for
from portal import clock
from tests.support import people
from tests.support.world import World

REVIEW = """1. Introduction
This review concerns John Smith, who was supervised on licence from 2024.

2. Practice
Mr Smith was seen twice by his practitioner."""


def todo_of(app: Flask, db: Session, user: User) -> list[Todo]:
    with app.test_request_context():
        return home_for(db, user, clock.today(), clock.now()).todo


def tasks(app: Flask, db: Session, user: User) -> list[str]:
    return [item.task for item in todo_of(app, db, user)]


def test_extract_work_waits_for_whoever_must_do_it_and_leaves_once_done(
    app: Flask, db: Session, world: World
) -> None:
    chair, practitioner = world["chair"], world["practitioner"]
    lead = people.person(
        db, world["admin"], people.provider_of(db, "probation"), "lead", [Role.DISCLOSURE_LEAD]
    )
    with app.test_request_context():
        reviews.keep_review(db, chair, world.case, "review.txt", "text/plain", REVIEW.encode())
        reviews.add_party(db, chair, world.case, name="John Smith", role=PartyRole.VICTIM)
        extract: Extract = extracts.start(db, chair, world.case, show_recipient_name=False)
        db.commit()
    reference = extract.reference
    assert f"Finish redacted extract {reference}" in tasks(app, db, chair)
    assert tasks(app, db, lead) == []

    with app.test_request_context():
        for row in extract.redactions:
            extracts.decide(db, chair, extract, row.id, Decision.ACCEPTED)
        extracts.submit_for_approval(db, chair, extract)
        db.commit()
    assert tasks(app, db, lead) == [f"Approve redacted extract {reference}"]
    assert f"Finish redacted extract {reference}" not in tasks(app, db, chair)
    # Whoever prepared it cannot approve it, so it is not their work.
    assert f"Approve redacted extract {reference}" not in tasks(app, db, chair)

    with app.test_request_context():
        extracts.approve(db, lead, extract)
        (copy,) = extracts.issue(db, chair, extract, [practitioner], None)
        db.commit()
    assert tasks(app, db, lead) == []
    (read,) = todo_of(app, db, practitioner)
    assert read.task == f"Read the redacted extract {reference} issued to you"
    assert read.href == f"/my-extracts/{copy.id}"

    with app.test_request_context():
        extracts.open_issue(db, practitioner, copy, "viewed")
        extracts.comment(db, practitioner, copy, "The visit was at home, not in the office.")
        db.commit()
    assert tasks(app, db, practitioner) == []
    answer = next(item for item in todo_of(app, db, chair) if item.task.startswith("Answer"))
    assert answer.task == f"Answer Practitioner's factual-accuracy comment on extract {reference}"
    assert answer.href == f"/extracts/{extract.id}"
    assert "The visit was at home, not in the office." in answer.about
    assert answer.since == clock.today()
    # Only the chairs are told of comments, and only theirs are to answer.
    assert tasks(app, db, lead) == []

    # The chair opens the copy commented on: the comment is answered.
    with app.test_request_context():
        extracts.open_issue(db, chair, copy, "viewed")
        db.commit()
    assert not any(task.startswith("Answer") for task in tasks(app, db, chair))
