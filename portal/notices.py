"""In-portal notices: what someone is told on their home page (an invitation, a return...)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Protocol

from sqlalchemy import ForeignKey, String, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from portal import clock, outbox
from portal.db import Base, UtcDateTime
from portal.errors import DomainError


class Recipient(Protocol):
    """Whom a notice is for: a person of the agencies area, seen only as far as telling them
    needs (the core imports no area)."""

    @property
    def id(self) -> int: ...

    @property
    def email(self) -> str | None: ...


class Notice(Base):
    __tablename__ = "notices"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    text: Mapped[str] = mapped_column(String(500))
    link: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=clock.now, index=True)
    read_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


SIGN_OFF = "Multi-agency learning panel portal"
NO_SENSITIVE_REPLIES = (
    "This email was sent automatically. Do not reply to it, and never send sensitive "
    "information about a case by email: sign in to the portal instead."
)


def tell(
    db: Session,
    recipients: Iterable[Recipient],
    text: str,
    link: str,
    subject: str,
    base_url: str,
) -> None:
    """Give each recipient a notice and, if they have an email address, an email saying so.

    Both are added to the session, to be committed with the change they are about. `link` is
    a path on the portal ("/panels/3"); the email links to it at `base_url`.
    """
    if not link.startswith("/") or link.startswith("//"):
        raise ValueError(f"a notice links to a path on the portal, not {link!r}")
    # Write the change the notice tells of first: its audit event is then older than the
    # notice, and any later change to the same record newer (see `home.dashboard`).
    db.flush()
    body = f"{text}\n\n{base_url.rstrip('/')}{link}\n\n{NO_SENSITIVE_REPLIES}\n\n{SIGN_OFF}\n"
    told: set[int] = set()
    for recipient in recipients:
        if recipient.id in told:
            continue
        told.add(recipient.id)
        db.add(Notice(user_id=recipient.id, text=text, link=link))
        if recipient.email:
            outbox.enqueue(db, recipient.email, subject, body)


def unread(db: Session, user_id: int, limit: int = 10) -> list[Notice]:
    """Someone's notices not yet marked read, newest first."""
    return list(
        db.scalars(
            select(Notice)
            .where(Notice.user_id == user_id, Notice.read_at.is_(None))
            .order_by(Notice.created_at.desc(), Notice.id.desc())
            .limit(limit)
        )
    )


def mark_read(db: Session, user_id: int, notice_id: int) -> None:
    """Mark one of the person's own notices read; the caller commits."""
    notice = db.get(Notice, notice_id)
    # The same answer for someone else's notice as for none, so ids reveal nothing.
    if notice is None or notice.user_id != user_id:
        raise DomainError("That notice could not be found. It may have been removed.")
    if notice.read_at is None:
        notice.read_at = clock.now()


def mark_all_read(db: Session, user_id: int) -> int:
    """Mark every one of the person's unread notices read, and no one else's; the caller
    commits. Returns how many there were."""
    result = db.execute(
        update(Notice)
        .where(Notice.user_id == user_id, Notice.read_at.is_(None))
        .values(read_at=clock.now())
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
