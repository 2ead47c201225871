"""Server-side sign-in sessions: a fresh id at every sign-in, idle and absolute time limits,
and a sign-out that ends the session for good (a copied cookie is useless afterwards)."""

from __future__ import annotations

from datetime import datetime, timedelta

from authlib.common.security import generate_token
from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, Session, mapped_column

from portal import clock
from portal.db import Base, UtcDateTime

# Writing last_seen_at on every request would make every page a database write.
_TOUCH_INTERVAL = timedelta(seconds=60)


class SignInSession(Base):
    __tablename__ = "sign_in_sessions"

    id: Mapped[str] = mapped_column(String(100), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    started_at: Mapped[datetime] = mapped_column(UtcDateTime, default=clock.now)
    last_seen_at: Mapped[datetime] = mapped_column(UtcDateTime, default=clock.now)
    ended_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    end_reason: Mapped[str | None] = mapped_column(String(40))
    # Sent back to the provider at sign-out so it knows whose session to end.
    id_token: Mapped[str | None] = mapped_column(Text)
    # The provider's own session id (the ID token's `sid`), which a back-channel logout names.
    provider_sid: Mapped[str | None] = mapped_column(String(255), index=True)


def start(
    db: Session, user_id: int, id_token: str | None, provider_sid: str | None = None
) -> SignInSession:
    now = clock.now()
    sign_in_session = SignInSession(
        id=generate_token(43),
        user_id=user_id,
        started_at=now,
        last_seen_at=now,
        id_token=id_token,
        provider_sid=provider_sid,
    )
    db.add(sign_in_session)
    return sign_in_session


def check(
    db: Session, session_id: str, user_id: int, idle: timedelta, lifetime: timedelta
) -> str | None:
    """None if the session may go on (and mark it seen); otherwise why it has ended."""
    sign_in_session = db.get(SignInSession, session_id)
    if sign_in_session is None or sign_in_session.user_id != user_id:
        return "unknown"
    if sign_in_session.ended_at is not None:
        return sign_in_session.end_reason or "ended"
    now = clock.now()
    if now - sign_in_session.last_seen_at > idle:
        end(sign_in_session, "idle_timeout")
        return "idle_timeout"
    if now - sign_in_session.started_at > lifetime:
        end(sign_in_session, "lifetime_reached")
        return "lifetime_reached"
    if now - sign_in_session.last_seen_at > _TOUCH_INTERVAL:
        sign_in_session.last_seen_at = now
    return None


def end(sign_in_session: SignInSession, reason: str) -> None:
    if sign_in_session.ended_at is None:
        sign_in_session.ended_at = clock.now()
        sign_in_session.end_reason = reason
