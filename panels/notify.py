"""Telling people about panel work: a notice in the portal and an email through the outbox."""

from __future__ import annotations

from collections.abc import Iterable

from flask import current_app
from sqlalchemy.orm import Session

from agencies.models import Role, User
from agencies.users import people_with_role
from panels.models.panels import Panel, PanelRole
from portal import notices


def tell(db: Session, people: Iterable[User], text: str, link: str, subject: str) -> None:
    unique = {person.id: person for person in people}
    notices.tell(db, unique.values(), text, link, subject, current_app.config["PORTAL_BASE_URL"])


def agency_leads(db: Session, agency_id: int) -> list[User]:
    return people_with_role(db, Role.AGENCY_LEAD, [agency_id])


def representatives(panel: Panel, agency_id: int) -> list[User]:
    return [
        member.user
        for member in panel.members
        if member.role is PanelRole.REPRESENTATIVE and member.user.agency_id == agency_id
    ]


def agency_people(db: Session, panel: Panel, agency_id: int) -> list[User]:
    """Who answers for an agency on a panel: its representatives and its leads."""
    return representatives(panel, agency_id) + agency_leads(db, agency_id)
