"""A fixed-window rate limit kept in the database, so every process behind the load balancer
counts the same requests."""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from sqlalchemy import CursorResult, Integer, String, delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column

from portal import clock
from portal.db import Base, UtcDateTime


class RateLimitWindow(Base):
    __tablename__ = "rate_limit_windows"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    window_start: Mapped[datetime] = mapped_column(UtcDateTime, primary_key=True)
    hits: Mapped[int] = mapped_column(Integer, default=0)


def allow(db: Session, key: str, limit: int, window_seconds: int) -> bool:
    """Count one hit for `key`; False once more than `limit` came in the current window."""
    hit(db, key, window_seconds)
    return hits(db, key, window_seconds) <= limit


def exceeded(db: Session, key: str, limit: int, window_seconds: int) -> bool:
    """Whether `key` already has `limit` hits in the current window (counts nothing)."""
    return hits(db, key, window_seconds) >= limit


def hits(db: Session, key: str, window_seconds: int) -> int:
    where = (RateLimitWindow.key == key, RateLimitWindow.window_start == _window(window_seconds))
    return db.execute(select(RateLimitWindow.hits).where(*where)).scalar() or 0


def hit(db: Session, key: str, window_seconds: int) -> None:
    """Count one hit for `key`. Commits, so the count holds even when the request goes on to
    fail."""
    start = _window(window_seconds)
    where = (RateLimitWindow.key == key, RateLimitWindow.window_start == start)
    counted = cast(
        CursorResult[Any],
        db.execute(update(RateLimitWindow).where(*where).values(hits=RateLimitWindow.hits + 1)),
    ).rowcount
    if not counted:
        db.execute(delete(RateLimitWindow).where(RateLimitWindow.window_start < start))
        db.add(RateLimitWindow(key=key, window_start=start, hits=1))
        try:
            db.commit()
        except IntegrityError:  # another process opened the window first
            db.rollback()
            db.execute(update(RateLimitWindow).where(*where).values(hits=RateLimitWindow.hits + 1))
    db.commit()


def _window(window_seconds: int) -> datetime:
    now = clock.now()
    return datetime.fromtimestamp(now.timestamp() // window_seconds * window_seconds, tz=now.tzinfo)
