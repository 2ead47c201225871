"""Demo extracts: the review of the demo case whose panel is being monitored, the people it
names, and an extract approved by a second person and issued to the practitioner involved,
built through the same operations people use. Nothing here is a real case."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from agencies.models import User
from extracts import extracts, reviews
from extracts.models import Decision, PartyRole, ReviewDocument
from panels.demo import MONITORED_CASE
from panels.models.cases import Case


def seed_extracts(db: Session, people: dict[str, User]) -> None:
    """`people` by first name; does nothing if already seeded, or if the demo panels are not."""
    case = db.scalar(select(Case).where(Case.reference == MONITORED_CASE))
    if case is None or db.scalar(
        select(ReviewDocument.id).where(ReviewDocument.case_id == case.id)
    ):
        return
    _extract(db, people, case)
    db.commit()


DEMO_REVIEW = """1. Introduction
This review concerns Daniel Reeve, who was supervised on licence by the Probation Service
from March 2024. Mr Reeve's practitioner was Chris Evans.

2. Chronology
On 4 June 2024 Chris Evans completed a risk assessment. D. Reeve disclosed a new
relationship with Sarah
Collins but no enquiry was made with the police. Ms Collins lived at 14 Harbour Road,
Northshire NE1 7RU, telephone 0191 496 0123.

3. Analysis
Reeve's risk to a partner was not reviewed when his circumstances changed. The practitioner
did not have the police call-out history for the address."""


def _extract(db: Session, people: dict[str, User], case: Case) -> None:
    """A review with its parties, and an extract approved by a second person and issued to the
    practitioner involved, who can read it as Chris Evans."""
    chair, lead, practitioner = people["Priya"], people["Nadia"], people["Chris"]
    reviews.keep_review(db, chair, case, "review.txt", "text/plain", DEMO_REVIEW.encode())
    reviews.add_party(db, chair, case, name="Daniel Reeve", role=PartyRole.PERSON_ON_PROBATION)
    reviews.add_party(db, chair, case, name="Sarah Collins", role=PartyRole.VICTIM)
    reviews.add_party(
        db,
        chair,
        case,
        name="Chris Evans",
        role=PartyRole.STAFF,
        agency_id=practitioner.agency_id,
        user_id=practitioner.id,
    )
    extract = extracts.start(db, chair, case, show_recipient_name=True)
    for extract_redaction in extract.redactions:
        extracts.decide(db, chair, extract, extract_redaction.id, Decision.ACCEPTED)
    extracts.submit_for_approval(db, chair, extract)
    extracts.approve(db, lead, extract)
    extracts.issue(db, chair, extract, [practitioner], None)
    # A second extract, which the chair has prepared and which waits for the disclosure lead.
    waiting = extracts.start(db, chair, case, show_recipient_name=False)
    for extract_redaction in waiting.redactions:
        extracts.decide(db, chair, waiting, extract_redaction.id, Decision.ACCEPTED)
    extracts.submit_for_approval(db, chair, waiting)
