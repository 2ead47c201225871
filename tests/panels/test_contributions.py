"""Agency contributions: private drafts, versioned saves, submission, return and acceptance."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from panels import contributions
from panels.models.contributions import (
    CONTRIBUTION_TRANSITIONS,
    Contribution,
    ContributionRevision,
    ContributionState,
)
from portal.errors import DomainError, EditConflict
from portal.notices import Notice
from portal.outbox import OutboxEmail
from portal.policy import can
from tests.support.world import World

pytestmark = pytest.mark.usefixtures("app_context")


def of(db: Session, world: World, agency: str) -> Contribution:
    return db.scalars(
        select(Contribution).where(
            Contribution.panel_id == world.panel.id,
            Contribution.agency_id == world.agencies[agency].id,
        )
    ).one()


def write(
    db: Session, world: World, who: str, agency: str, text: str = "We saw him twice."
) -> Contribution:
    contribution = of(db, world, agency)
    contributions.save(db, world[who], contribution, contribution.version, {"involvement": text})
    db.flush()
    return contribution


def test_transitions_are_the_review_cycle() -> None:
    assert CONTRIBUTION_TRANSITIONS[ContributionState.DRAFT] == {ContributionState.SUBMITTED}
    assert ContributionState.RESUBMITTED in CONTRIBUTION_TRANSITIONS[ContributionState.RETURNED]
    assert CONTRIBUTION_TRANSITIONS[ContributionState.ACCEPTED] == frozenset()


def test_a_draft_is_seen_by_its_agencys_representatives_only(db: Session, world: World) -> None:
    draft = write(db, world, "probation_rep", "probation")
    assert can(world["probation_rep"], "view", draft)
    for other in ("chair", "police_rep", "police_lead", "observer", "admin", "practitioner"):
        assert not can(world[other], "view", draft), other
    contributions.submit(db, world["probation_rep"], draft)
    for member in ("chair", "police_rep", "observer", "admin"):
        assert can(world[member], "view", draft), member
    assert not can(world["outsider"], "view", draft)


def test_another_agency_cannot_write_it(db: Session, world: World) -> None:
    contribution = of(db, world, "probation")
    with pytest.raises(DomainError):
        contributions.save(db, world["police_rep"], contribution, contribution.version, {})


def test_saves_are_cleaned_and_kept_as_revisions(db: Session, world: World) -> None:
    contribution = write(
        db,
        world,
        "probation_rep",
        "probation",
        'Met <strong>twice</strong><script>steal()</script> <a href="javascript:x">link</a>',
    )
    assert contribution.involvement == "<p>Met <strong>twice</strong>steal() <a>link</a></p>"
    write(db, world, "probation_rep", "probation", "Second version")
    revisions = db.scalars(
        select(ContributionRevision)
        .where(ContributionRevision.contribution_id == contribution.id)
        .order_by(ContributionRevision.version)
    ).all()
    assert [r.sections["involvement"] for r in revisions] == [
        "<p>Met <strong>twice</strong>steal() <a>link</a></p>",
        "<p>Second version</p>",
    ]


def test_a_save_from_an_older_version_is_refused_not_applied(db: Session, world: World) -> None:
    contribution = of(db, world, "probation")
    seen = contribution.version
    contributions.save(db, world["probation_rep"], contribution, seen, {"involvement": "Mine"})
    db.flush()
    with pytest.raises(EditConflict) as refused:
        contributions.save(
            db, world["probation_rep"], contribution, seen, {"involvement": "Theirs"}
        )
    assert refused.value.current_version == contribution.version
    assert contribution.involvement == "<p>Mine</p>"


def test_submitting_needs_the_involvement_written(db: Session, world: World) -> None:
    with pytest.raises(DomainError, match="involvement"):
        contributions.submit(db, world["probation_rep"], of(db, world, "probation"))


def test_returned_with_comments_then_resubmitted_then_accepted(db: Session, world: World) -> None:
    contribution = write(db, world, "police_rep", "police")
    contributions.submit(db, world["police_rep"], contribution)
    assert not can(world["police_rep"], "edit", contribution)
    with pytest.raises(DomainError, match="Say what"):
        contributions.return_to_agency(db, world["chair"], contribution, "  ")
    contributions.return_to_agency(db, world["chair"], contribution, "Add the call-outs.")
    assert contribution.state is ContributionState.RETURNED
    db.flush()
    told = db.scalars(
        select(Notice.user_id).where(
            Notice.link == f"/contributions/{contribution.id}", Notice.text.contains("returned")
        )
    ).all()
    assert set(told) == {world["police_rep"].id, world["police_lead"].id}
    contributions.save(
        db, world["police_rep"], contribution, contribution.version, {"involvement": "More"}
    )
    contributions.submit(db, world["police_rep"], contribution)
    assert contribution.state is ContributionState.RESUBMITTED
    contributions.accept(db, world["chair"], contribution)
    assert contribution.state is ContributionState.ACCEPTED
    with pytest.raises(DomainError):
        contributions.return_to_agency(db, world["chair"], contribution, "Too late")


def test_the_chair_is_told_of_each_submission_by_notice_and_email(
    db: Session, world: World
) -> None:
    contribution = write(db, world, "police_rep", "police")
    contributions.submit(db, world["police_rep"], contribution)
    contributions.return_to_agency(db, world["chair"], contribution, "Add the call-outs.")
    contributions.submit(db, world["police_rep"], contribution)
    db.flush()
    told = db.scalars(
        select(Notice)
        .where(
            Notice.link == f"/contributions/{contribution.id}", Notice.text.contains("submitted")
        )
        .order_by(Notice.id)
    ).all()
    assert [notice.user_id for notice in told] == [world["chair"].id] * 2
    assert told[0].text == (
        "Northshire Police has submitted its contribution to the panel for case SFO-TEST-0001: "
        "please accept it or return it with comments."
    )
    assert "submitted its contribution to the panel for case SFO-TEST-0001 again" in told[1].text
    emails = db.scalars(
        select(OutboxEmail).where(OutboxEmail.to_address == world["chair"].email)
    ).all()
    assert [email.subject for email in emails] == ["A contribution is waiting for your review"] * 2
    assert f"/contributions/{contribution.id}" in emails[0].body


def test_only_the_chair_reviews(db: Session, world: World) -> None:
    contribution = write(db, world, "police_rep", "police")
    contributions.submit(db, world["police_rep"], contribution)
    for who in ("police_lead", "probation_rep", "observer", "admin"):
        with pytest.raises(DomainError):
            contributions.accept(db, world[who], contribution)


def test_chronology_entries_are_added_and_removed(db: Session, world: World) -> None:
    contribution = of(db, world, "probation")
    entry = contributions.add_event(
        db,
        world["probation_rep"],
        contribution,
        event_date=date(2025, 11, 3),
        event="Home visit",
        agency_action="Recorded",
        comment="No partner checks.",
    )
    assert [e.event for e in contribution.chronology] == ["Home visit"]
    contributions.remove_event(db, world["probation_rep"], contribution, entry.id)
    assert contribution.chronology == []
    with pytest.raises(DomainError):
        contributions.remove_event(db, world["probation_rep"], contribution, entry.id)
