"""Agencies, their identity providers, the people who sign in through them and their roles."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal import clock
from portal.db import Base, LabelledEnum, UtcDateTime, enum_column


class AgencyKind(LabelledEnum):
    PROBATION = "probation"
    POLICE = "police"
    CHILDRENS_SERVICES = "childrens_services"
    ADULT_SOCIAL_CARE = "adult_social_care"
    MENTAL_HEALTH = "mental_health"
    HEALTH = "health"
    YOUTH_JUSTICE = "youth_justice"
    PRISON = "prison"
    HOUSING = "housing"
    VOLUNTARY_SECTOR = "voluntary_sector"
    INSPECTORATE = "inspectorate"

    @staticmethod
    def _labels() -> dict[AgencyKind, str]:
        return _KIND_LABELS


_KIND_LABELS = {
    AgencyKind.PROBATION: "Probation",
    AgencyKind.POLICE: "Police",
    AgencyKind.CHILDRENS_SERVICES: "Children's services",
    AgencyKind.ADULT_SOCIAL_CARE: "Adult social care",
    AgencyKind.MENTAL_HEALTH: "Mental health (NHS trust)",
    AgencyKind.HEALTH: "Health",
    AgencyKind.YOUTH_JUSTICE: "Youth justice",
    AgencyKind.PRISON: "Prison",
    AgencyKind.HOUSING: "Housing",
    AgencyKind.VOLUNTARY_SECTOR: "Voluntary sector",
    AgencyKind.INSPECTORATE: "Inspectorate",
}


class Role(LabelledEnum):
    ADMINISTRATOR = "administrator"
    AGENCY_LEAD = "agency_lead"
    PANEL_CHAIR = "panel_chair"
    PANEL_MEMBER = "panel_member"
    PRACTITIONER = "practitioner"
    OBSERVER = "observer"
    DISCLOSURE_LEAD = "disclosure_lead"

    @staticmethod
    def _labels() -> dict[Role, str]:
        return _ROLE_LABELS


_ROLE_LABELS = {
    Role.ADMINISTRATOR: "Portal administrator",
    Role.AGENCY_LEAD: "Agency lead",
    Role.PANEL_CHAIR: "Panel chair",
    Role.PANEL_MEMBER: "Panel member",
    Role.PRACTITIONER: "Practitioner",
    Role.OBSERVER: "Observer or independent adviser",
    Role.DISCLOSURE_LEAD: "Disclosure lead",
}


class UserStatus(LabelledEnum):
    PENDING = "pending"
    APPROVED = "approved"
    SUSPENDED = "suspended"


class Agency(Base):
    __tablename__ = "agencies"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[AgencyKind] = mapped_column(enum_column(AgencyKind, "agency_kind"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=clock.now)

    provider: Mapped[IdentityProvider | None] = relationship(back_populates="agency")


class IdentityProvider(Base):
    """The OpenID Connect provider an agency's staff sign in with: one per agency."""

    __tablename__ = "identity_providers"

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), unique=True)
    # Used in URLs and in the name of the environment variable holding the client secret.
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    issuer: Mapped[str] = mapped_column(String(300), unique=True)
    client_id: Mapped[str] = mapped_column(String(200))
    # How the portal proves who it is at the provider's token endpoint: one of oidc.AUTH_METHODS.
    token_endpoint_auth_method: Mapped[str] = mapped_column(
        String(40), default="client_secret_basic"
    )
    auto_approve: Mapped[bool] = mapped_column(Boolean, default=False)
    # A local test provider: refused unless the portal runs in demo or test mode.
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=clock.now)

    agency: Mapped[Agency] = relationship(back_populates="provider", lazy="joined")

    @property
    def secret_variable(self) -> str:
        return "OIDC_CLIENT_SECRET_" + self.slug.upper().replace("-", "_")


class User(Base):
    """A person, keyed by the issuer that signed them in and their subject there."""

    __tablename__ = "users"
    __table_args__ = (UniqueConstraint("issuer", "subject"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    issuer: Mapped[str] = mapped_column(String(300))
    subject: Mapped[str] = mapped_column(String(255))
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(320))
    status: Mapped[UserStatus] = mapped_column(
        enum_column(UserStatus, "user_status"), default=UserStatus.PENDING
    )
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=clock.now)
    approved_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    last_signed_in_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    agency: Mapped[Agency] = relationship(lazy="joined")
    role_grants: Mapped[list[RoleGrant]] = relationship(
        back_populates="user",
        lazy="selectin",
        cascade="all, delete-orphan",
        foreign_keys="RoleGrant.user_id",
    )

    @property
    def roles(self) -> set[Role]:
        return {grant.role for grant in self.role_grants}

    def has_role(self, role: Role) -> bool:
        return role in self.roles

    # Flask-Login's user interface.
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_active(self) -> bool:
        return self.status is UserStatus.APPROVED and self.agency.active

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return str(self.id)


class RoleGrant(Base):
    __tablename__ = "role_grants"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    role: Mapped[Role] = mapped_column(enum_column(Role, "role"), primary_key=True)
    granted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    granted_at: Mapped[datetime] = mapped_column(UtcDateTime, default=clock.now)

    user: Mapped[User] = relationship(back_populates="role_grants", foreign_keys=[user_id])
