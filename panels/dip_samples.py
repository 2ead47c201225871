"""The inspectorate's dip samples: drawing a random sample of completed actions in a probation
region, recording a finding on each sampled action, and the results across samples."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.orm import Session, joinedload, selectinload

from agencies.access import is_admin
from agencies.models import User
from panels.models.actions import Action, ActionState, ActionUpdate
from panels.models.cases import Case, ProbationRegion
from panels.models.dip_samples import DipSample, DipSampleItem
from panels.models.panels import Panel
from panels.panels import check_version
from portal import audit, clock, richtext
from portal.errors import DomainError
from portal.policy import authorise

# A sample an inspector can look through in a sitting; larger draws are several samples.
MAX_SIZE = 50
# Drawn from the operating system's source of randomness: nobody can predict or steer a draw.
_RANDOM = random.SystemRandom()


def completed_in(region: ProbationRegion) -> Select[int]:
    """The ids of the completed actions of panels whose case is in `region`."""
    return (
        select(Action.id)
        .join(Panel, Panel.id == Action.panel_id)
        .join(Case, Case.id == Panel.case_id)
        .where(Case.region == region, Action.state == ActionState.COMPLETED)
    )


def draw(db: Session, actor: User, region: ProbationRegion, size: int) -> DipSample:
    """A random sample of `size` completed actions in `region`: all of them if there are fewer."""
    authorise(actor, "draw_dip_sample", None, "Only an inspector can draw a dip sample.")
    if not 1 <= size <= MAX_SIZE:
        raise DomainError(f"Choose a sample of 1 to {MAX_SIZE} actions.")
    eligible = list(db.scalars(completed_in(region)))
    if not eligible:
        raise DomainError(
            f"There are no completed actions in {region.label} to sample yet: an action is "
            "sampled once the panel's chair has signed it off."
        )
    chosen = sorted(_RANDOM.sample(eligible, min(size, len(eligible))))
    sample = DipSample(
        region=region,
        size=size,
        drawn_by_id=actor.id,
        items=[DipSampleItem(action_id=action_id) for action_id in chosen],
    )
    db.add(sample)
    db.flush()
    audit.record(
        db,
        actor.id,
        "dip_sample.drawn",
        "dip_sample",
        sample.id,
        region=region.value,
        size=size,
        eligible=len(eligible),
        actions=chosen,
    )
    return sample


def record_finding(
    db: Session,
    actor: User,
    item: DipSampleItem,
    *,
    delivered_as_intended: bool,
    impact_evidenced: bool,
    finding: str,
    version: int = 1,
) -> None:
    """The inspector's finding on one sampled action; again to change it. `version`: that of
    the item the inspector started from (1: as drawn, before any finding)."""
    authorise(
        actor,
        "record_finding",
        item,
        "Only an inspector of the agency that drew this sample can record findings on it.",
    )
    check_version(item.version, version)
    changed = item.recorded_at is not None
    item.delivered_as_intended = delivered_as_intended
    item.impact_evidenced = impact_evidenced
    item.finding = richtext.clean(finding)
    item.recorded_by_id = actor.id
    item.recorded_at = clock.now()
    audit.record(
        db,
        actor.id,
        "dip_sample.finding_changed" if changed else "dip_sample.finding_recorded",
        "dip_sample_item",
        item.id,
        sample=item.sample_id,
        action_id=item.action_id,
        delivered_as_intended=delivered_as_intended,
        impact_evidenced=impact_evidenced,
    )


def visible_samples(user: User) -> Select[DipSample]:
    """The samples `user` may read, newest first: their agency's; every one for an
    administrator."""
    query = select(DipSample).order_by(DipSample.drawn_at.desc(), DipSample.id.desc())
    if is_admin(user):
        return query
    return query.where(drawn_in(user.agency_id))


def drawn_in(agency_id: int) -> ColumnElement[bool]:
    """The samples drawn by people of the agency `agency_id`: inspectors share their agency's."""
    return DipSample.drawn_by_id.in_(select(User.id).where(User.agency_id == agency_id))


def items_of(db: Session, sample: DipSample) -> list[DipSampleItem]:
    """A sample's items, each with its action, the action's panel, case, progress and evidence
    loaded: a fixed number of queries however large the sample."""
    return list(
        db.scalars(
            select(DipSampleItem)
            .where(DipSampleItem.sample_id == sample.id)
            .order_by(DipSampleItem.id)
            .options(
                joinedload(DipSampleItem.action).options(
                    joinedload(Action.panel).joinedload(Panel.case),
                    selectinload(Action.updates).selectinload(ActionUpdate.evidence),
                )
            )
        ).unique()
    )


@dataclass
class RegionResults:
    """What the findings say about the sampled actions of one region (None: all regions)."""

    region: ProbationRegion | None
    sampled: int = 0
    delivered: int = 0
    not_delivered: int = 0
    impact_evidenced: int = 0
    impact_not_evidenced: int = 0
    not_assessed: int = 0

    def add(self, delivered: bool | None, evidenced: bool | None, count: int) -> None:
        """`count` sampled actions with these answers; a finding not recorded has neither."""
        self.sampled += count
        if delivered is None or evidenced is None:
            self.not_assessed += count
            return
        if delivered:
            self.delivered += count
        else:
            self.not_delivered += count
        if evidenced:
            self.impact_evidenced += count
        else:
            self.impact_not_evidenced += count


@dataclass
class Results:
    regions: list[RegionResults] = field(default_factory=list)
    total: RegionResults = field(default_factory=lambda: RegionResults(None))


def results(db: Session, user: User) -> Results:
    """Across every sample `user` may read, per region (in the regions' order): how many
    sampled actions (an action sampled twice counts twice) were delivered as intended or not,
    had their impact evidenced or not, or are not yet assessed. One query, however many."""
    samples = visible_samples(user).with_only_columns(DipSample.id).order_by(None)
    delivered, evidenced = DipSampleItem.delivered_as_intended, DipSampleItem.impact_evidenced
    counted = db.execute(
        select(DipSample.region, delivered, evidenced, func.count())
        .join(DipSample, DipSample.id == DipSampleItem.sample_id)
        .where(DipSample.id.in_(samples))
        .group_by(DipSample.region, delivered, evidenced)
    ).all()
    found = Results()
    by_region: dict[ProbationRegion, RegionResults] = {}
    for region, was_delivered, was_evidenced, count in counted:
        by_region.setdefault(region, RegionResults(region)).add(was_delivered, was_evidenced, count)
        found.total.add(was_delivered, was_evidenced, count)
    found.regions = [by_region[region] for region in ProbationRegion if region in by_region]
    return found
