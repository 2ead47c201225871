"""Redacted extracts of a case's review, prepared, approved by a second person and issued to
the members of staff involved, each with their own PDF; every read is audited."""

from __future__ import annotations

import json
import re
import secrets
from collections.abc import Callable
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

from flask import current_app
from sqlalchemy import or_, select
from sqlalchemy.orm import Session, joinedload, lazyload, selectinload

import redaction
from agencies.models import Role, User
from agencies.users import people_with_role
from extracts.models import (
    EXTRACT_TRANSITIONS,
    CaseParty,
    Decision,
    Extract,
    ExtractIssue,
    ExtractRedaction,
    ExtractState,
    FactualComment,
)
from extracts.reviews import latest_review, parties_of, sections_of
from panels import notify
from panels.access import prepares_extracts
from panels.models.cases import Case
from panels.models.panels import Panel
from portal import audit, clock, state_machine
from portal.errors import DomainError
from portal.policy import authorise
from portal.urls import path_for

EXTRACT_FIELDS_NOT_READY = "Add the review and the people it names before preparing an extract."


@cache
def _entity_finder() -> redaction.EntityFinder:
    """The named-entity recogniser, loaded once per (worker) process: it only reads its model.
    NER_MODEL_PATH and NER_MODEL_MANIFEST name a deployment's own vetted copy."""
    path = current_app.config.get("NER_MODEL_PATH")
    if not path:
        return redaction.default_finder()
    manifest_file = current_app.config.get("NER_MODEL_MANIFEST")
    manifest = json.loads(Path(manifest_file).read_text()) if manifest_file else None
    return redaction.default_finder(Path(path), manifest)


def _parties_for(db: Session, case: Case) -> list[tuple[CaseParty, redaction.Party]]:
    return [
        (
            party,
            redaction.Party(
                name=party.name,
                role=redaction.Role(party.role.value),
                agency=party.agency.name if party.agency else None,
                key=str(party.id),
            ),
        )
        for party in parties_of(db, case.id)
    ]


def check_start(db: Session, actor: User, case: Case) -> None:
    """Refuse (DomainError) unless `actor` may prepare an extract of the case now."""
    authorise(actor, "manage_review", case, "Only a chair of this case's panel can do this.")
    if latest_review(db, case.id) is None or not parties_of(db, case.id):
        raise DomainError(EXTRACT_FIELDS_NOT_READY)


def start(db: Session, actor: User, case: Case, show_recipient_name: bool) -> Extract:
    """A new extract of the case's latest review, with every redaction the detectors propose.
    Loading the recogniser and running it take seconds: a worker's job, not a request's."""
    check_start(db, actor, case)
    document = latest_review(db, case.id)
    assert document is not None  # check_start saw it, and reviews are never deleted
    parties = _parties_for(db, case)
    extract = Extract(
        case=case,
        document=document,
        # Not built from the case reference: that is an identifier the extract redacts.
        reference=f"EX-{secrets.token_hex(4).upper()}",
        show_recipient_name=show_recipient_name,
        prepared_by_id=actor.id,
    )
    by_key = {str(party.id): party for party, _ in parties}
    # The sections together: a name recognised in one is proposed wherever it appears.
    detector = redaction.Detector(parties=[p for _, p in parties], ner=_entity_finder())
    texts = [section.text for section in sections_of(document)]
    for index, proposals in enumerate(detector.propose_sections(texts)):
        for proposal in proposals:
            extract.redactions.append(
                ExtractRedaction(
                    section=index,
                    start=proposal.start,
                    end=proposal.end,
                    text=proposal.text,
                    reason=proposal.reason[:200],
                    replacement=proposal.replacement[:100],
                    source=proposal.source.value,
                    certain=proposal.certain,
                    party_id=by_key[proposal.party].id if proposal.party in by_key else None,
                )
            )
    db.add(extract)
    db.flush()
    audit.record(
        db,
        actor.id,
        "extract.started",
        "extract",
        extract.id,
        reference=extract.reference,
        proposals=len(extract.redactions),
    )
    return extract


def decide(
    db: Session, actor: User, extract: Extract, redaction_id: int, decision: Decision
) -> None:
    authorise(actor, "prepare", extract, "The extract can be changed only while it is a draft.")
    extract_redaction = next(
        (found for found in extract.redactions if found.id == redaction_id), None
    )
    if extract_redaction is None:
        raise DomainError("That redaction is not part of this extract.")
    extract_redaction.decision = decision
    audit.record(
        db,
        actor.id,
        "extract.redaction_decided",
        "extract",
        extract.id,
        redaction=extract_redaction.id,
        decision=decision.value,
    )


def add_by_hand(
    db: Session, actor: User, extract: Extract, section: int, start: int, end: int, reason: str
) -> ExtractRedaction:
    """A redaction the preparer adds: the characters `start` to `end` of a section."""
    authorise(actor, "prepare", extract, "The extract can be changed only while it is a draft.")
    texts = [s.text for s in sections_of(extract.document)]
    if not 0 <= section < len(texts) or not 0 <= start < end <= len(texts[section]):
        raise DomainError("Select the text to redact within one section.")
    extract_redaction = ExtractRedaction(
        section=section,
        start=start,
        end=end,
        text=texts[section][start:end],
        reason=(reason.strip() or "Added by the preparer")[:200],
        replacement=redaction.REDACTED,
        source="manual",
        decision=Decision.ACCEPTED,
    )
    extract.redactions.append(extract_redaction)
    db.flush()
    audit.record(
        db,
        actor.id,
        "extract.redaction_added",
        "extract",
        extract.id,
        redaction=extract_redaction.id,
    )
    return extract_redaction


def add_every(
    db: Session, actor: User, extract: Extract, fragment: str, reason: str
) -> list[ExtractRedaction]:
    """Redact every occurrence of `fragment` (without JavaScript, text cannot be selected)."""
    fragment = fragment.strip()
    if len(fragment) < 2:
        raise DomainError("Enter the words to redact, as they appear in the review.")
    added = []
    for index, section in enumerate(sections_of(extract.document)):
        for found in re.finditer(re.escape(fragment), section.text, flags=re.IGNORECASE):
            added.append(add_by_hand(db, actor, extract, index, found.start(), found.end(), reason))
    if not added:
        raise DomainError(f"“{fragment}” does not appear in the review.")
    return added


def _move(db: Session, actor: User, extract: Extract, state: ExtractState, **details: Any) -> None:
    state_machine.move(db, actor.id, extract, state, EXTRACT_TRANSITIONS, noun="extract", **details)


def submit_for_approval(db: Session, actor: User, extract: Extract) -> None:
    authorise(actor, "prepare", extract, "Only a draft extract can be sent for approval.")
    undecided = sum(
        1
        for extract_redaction in extract.redactions
        if extract_redaction.decision is Decision.PROPOSED
    )
    if undecided:
        raise DomainError(f"Accept or reject every proposed redaction first: {undecided} left.")
    _move(db, actor, extract, ExtractState.AWAITING_APPROVAL)
    notify.tell(
        db,
        [person for person in approvers(db, extract) if person.id != actor.id],
        f"Extract {extract.reference} of the review of case {extract.case.reference} is "
        "waiting for a second person's approval.",
        path_for("extracts.extract_detail", extract_id=extract.id),
        "A redacted extract is waiting for approval",
    )


def approvers(db: Session, extract: Extract) -> list[User]:
    """Who may approve: the case's chairs and the disclosure leads of their agencies."""
    chairs = [panel.chair for panel in extract.case.panels]
    leads = people_with_role(db, Role.DISCLOSURE_LEAD, {chair.agency_id for chair in chairs})
    return [*chairs, *leads]


def awaiting_approval_by(db: Session, user: User) -> list[Extract]:
    """Extracts someone else prepared that `user` may approve, for their home page."""
    # Those of the cases whose panels `user`, or for a disclosure lead their agency, chairs,
    # each with what `prepares_extracts` reads (its case's panels' chairs) and the page shows
    # (who prepared it): none of the chairs' or the preparer's agencies or roles.
    chairs = [Panel.chair_id == user.id]
    if user.has_role(Role.DISCLOSURE_LEAD):
        chairs.append(User.agency_id == user.agency_id)
    cases = select(Panel.case_id).join(User, User.id == Panel.chair_id).where(or_(*chairs))
    people = (lazyload(User.agency), lazyload(User.role_grants))
    waiting = db.scalars(
        select(Extract)
        .where(
            Extract.state == ExtractState.AWAITING_APPROVAL,
            Extract.prepared_by_id != user.id,
            Extract.case_id.in_(cases),
        )
        .options(
            selectinload(Extract.case, Case.panels).options(
                lazyload(Panel.case), joinedload(Panel.chair).options(*people)
            ),
            joinedload(Extract.prepared_by).options(*people),
        )
    ).unique()
    return [extract for extract in waiting if prepares_extracts(user, extract.case)]


def issued_to(db: Session, user: User) -> list[ExtractIssue]:
    """Extracts issued to `user` that are still open to them, newest first."""
    now = clock.now()
    not_withdrawn = db.scalars(
        select(ExtractIssue)
        .where(ExtractIssue.recipient_id == user.id, ExtractIssue.revoked_at.is_(None))
        .order_by(ExtractIssue.issued_at.desc())
    ).all()
    return [extract_issue for extract_issue in not_withdrawn if extract_issue.is_open(now)]


def approve(db: Session, actor: User, extract: Extract) -> None:
    authorise(
        actor,
        "approve",
        extract,
        "An extract is approved by a second person: a chair or disclosure lead who did not "
        "prepare it.",
    )
    _move(db, actor, extract, ExtractState.APPROVED)
    extract.approved_by_id, extract.approved_at = actor.id, clock.now()


def send_back(db: Session, actor: User, extract: Extract, reason: str) -> None:
    authorise(actor, "approve", extract, "Only the approver can send the extract back.")
    if not reason.strip():
        raise DomainError("Say what the preparer should change.")
    _move(db, actor, extract, ExtractState.DRAFT, reason=reason.strip()[:500])


def _visible_to(
    extract: Extract, recipient: User, parties: list[tuple[CaseParty, redaction.Party]]
) -> set[str]:
    """Keys of the parties whose name this recipient may see: themselves, if allowed."""
    if not extract.show_recipient_name:
        return set()
    return {party.ident for case_party, party in parties if case_party.user_id == recipient.id}


def _proposals(extract: Extract) -> list[tuple[int, redaction.Proposal]]:
    """The extract's redactions as the library's proposals, each with its section."""
    return [
        (
            extract_redaction.section,
            redaction.Proposal(
                start=extract_redaction.start,
                end=extract_redaction.end,
                text=extract_redaction.text,
                reason=extract_redaction.reason,
                replacement=extract_redaction.replacement,
                source=redaction.Source(extract_redaction.source),
                state=redaction.State(extract_redaction.decision.value),
                party=(
                    str(extract_redaction.party_id)
                    if extract_redaction.party_id is not None
                    else None
                ),
            ),
        )
        for extract_redaction in extract.redactions
    ]


def redacted_sections(
    extract: Extract, proposals: list[tuple[int, redaction.Proposal]], visible: set[str]
) -> list[tuple[str, str]]:
    """The sections as a recipient reads them: accepted redactions applied, except those
    hiding the parties in `visible` (the recipient's own name, if the extract allows it)."""
    result = []
    for index, section in enumerate(sections_of(extract.document)):
        applied = [
            p for at, p in proposals if at == index and p.accepted and p.party not in visible
        ]
        result.append((section.heading, redaction.apply_redactions(section.text, applied)))
    return result


class LeakFound(DomainError):
    """A recipient's PDF, read back, still held text that should have been redacted."""

    def __init__(self, recipient: User, leaks: int) -> None:
        super().__init__(
            f"The PDF for {recipient.name} still contained text that should be redacted, "
            "so nothing has been issued. Check the redactions and try again."
        )
        self.recipient, self.leaks = recipient, leaks


def check_issue(actor: User, extract: Extract, recipients: list[User]) -> None:
    authorise(actor, "issue", extract, "Only an approved extract can be issued.")
    if not recipients:
        raise DomainError("Choose who to issue the extract to.")


def issue(
    db: Session,
    actor: User,
    extract: Extract,
    recipients: list[User],
    expires_at: datetime | None,
    progress: Callable[[str], None] = lambda _: None,
) -> list[ExtractIssue]:
    """Each recipient's own PDF, read back and checked: any redacted text found in one stops
    them all (LeakFound). Every copy is made and checked before anything is written."""
    check_issue(actor, extract, recipients)
    parties, proposals = _parties_for(db, extract.case), _proposals(extract)
    copies = []
    for number, recipient in enumerate(recipients, start=1):
        progress(f"Preparing copy {number} of {len(recipients)}…")
        copies.append(_checked_copy(extract, recipient, parties, proposals))
    issued = []
    for recipient, (sections, pdf) in zip(recipients, copies, strict=True):
        extract_issue = ExtractIssue(
            recipient_id=recipient.id,
            issued_by_id=actor.id,
            sections=json.dumps(sections),
            pdf=pdf,
            expires_at=expires_at,
        )
        extract.issues.append(extract_issue)
        issued.append(extract_issue)
    db.flush()
    for extract_issue, recipient in zip(issued, recipients, strict=True):
        audit.record(
            db,
            actor.id,
            "extract.issued",
            "extract_issue",
            extract_issue.id,
            extract=extract.reference,
            recipient=recipient.id,
        )
        notify.tell(
            db,
            [recipient],
            f"A redacted extract of the review of case {extract.case.reference} has been "
            "issued to you.",
            path_for("extracts.my_extract", issue_id=extract_issue.id),
            "A redacted review extract has been issued to you",
        )
    return issued


def _checked_copy(
    extract: Extract,
    recipient: User,
    parties: list[tuple[CaseParty, redaction.Party]],
    proposals: list[tuple[int, redaction.Proposal]],
) -> tuple[list[tuple[str, str]], bytes]:
    """The recipient's sections and PDF, the PDF read back: LeakFound if it holds what it
    should not."""
    visible = _visible_to(extract, recipient, parties)
    sections = redacted_sections(extract, proposals, visible)
    # The labels of the people this recipient may not see: explained first, then set in bold.
    labels = redaction.assign_labels([party for _, party in parties])
    pdf = redaction.render_extract(
        [redaction.Section(heading, text) for heading, text in sections],
        recipient=recipient.name,
        reference=extract.reference,
        issued_on=clock.today(),
        labels=[label for ident, label in labels.items() if ident not in visible],
    )
    leaks = redaction.verify_pdf(
        pdf,
        redaction.forbidden_strings(
            [p for _, p in proposals if p.party not in visible],
            [party for _, party in parties],
            keep_visible=visible,
        ),
    )
    if leaks:
        raise LeakFound(recipient, len(leaks))
    return sections, pdf


def open_issue(db: Session, actor: User, extract_issue: ExtractIssue, how: str) -> None:
    """Record a view or download; refuse when the extract is not the reader's, or has ended."""
    authorise(actor, "read", extract_issue, "This extract is not available to you.")
    audit.record(
        db,
        actor.id,
        f"extract.{how}",
        "extract_issue",
        extract_issue.id,
        extract=extract_issue.extract.reference,
    )


def revoke(db: Session, actor: User, extract_issue: ExtractIssue) -> None:
    authorise(actor, "control", extract_issue, "Only the chair can withdraw an extract.")
    if extract_issue.revoked_at is not None:
        raise DomainError("This extract has already been withdrawn.")
    extract_issue.revoked_at, extract_issue.revoked_by_id = clock.now(), actor.id
    audit.record(db, actor.id, "extract.revoked", "extract_issue", extract_issue.id)


def set_expiry(
    db: Session, actor: User, extract_issue: ExtractIssue, expires_at: datetime | None
) -> None:
    authorise(actor, "control", extract_issue, "Only the chair can set when an extract expires.")
    extract_issue.expires_at = expires_at
    audit.record(
        db,
        actor.id,
        "extract.expiry_set",
        "extract_issue",
        extract_issue.id,
        expires_at=expires_at.isoformat() if expires_at else None,
    )


def comment(db: Session, actor: User, extract_issue: ExtractIssue, text: str) -> FactualComment:
    """A factual-accuracy comment from the recipient; the chair is told."""
    authorise(actor, "comment", extract_issue, "You can comment only on an extract issued to you.")
    if not text.strip():
        raise DomainError("Write your comment.")
    note = FactualComment(author_id=actor.id, text=text.strip()[:10_000])
    extract_issue.comments.append(note)
    db.flush()
    audit.record(
        db, actor.id, "extract.commented", "extract_issue", extract_issue.id, comment=note.id
    )
    notify.tell(
        db,
        [panel.chair for panel in extract_issue.extract.case.panels],
        f"{actor.name} sent a factual-accuracy comment on extract "
        f"{extract_issue.extract.reference}.",
        path_for("extracts.extract_detail", extract_id=extract_issue.extract_id),
        "A factual-accuracy comment on a redacted extract",
    )
    return note
