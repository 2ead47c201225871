"""The append-only audit log: who did what, when, to which record."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import has_request_context, request
from sqlalchemy import JSON, ForeignKey, Index, String, event
from sqlalchemy.orm import Mapped, Session, mapped_column

from portal import clock
from portal.db import Base, UtcDateTime


class AuditEvent(Base):
    __tablename__ = "audit_events"
    # When a record last changed, and who read what, are asked of millions of events.
    __table_args__ = (Index("ix_audit_events_object", "object_type", "object_id", "occurred_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(UtcDateTime, default=clock.now, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    action: Mapped[str] = mapped_column(String(80), index=True)
    object_type: Mapped[str] = mapped_column(String(80))
    object_id: Mapped[str | None] = mapped_column(String(80))
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    ip_address: Mapped[str | None] = mapped_column(String(64))


@event.listens_for(AuditEvent, "before_update")
@event.listens_for(AuditEvent, "before_delete")
def _refuse_change(*_args: Any) -> None:
    # The database refuses too (triggers in the migration); this gives a clear error earlier.
    raise PermissionError("audit events are append-only")


def record(
    db: Session,
    actor_id: int | None,
    action: str,
    object_type: str,
    object_id: object = None,
    **details: Any,
) -> AuditEvent:
    """Add an audit event to the session; it is written with the change it describes."""
    audit_event = AuditEvent(
        actor_id=actor_id,
        action=action,
        object_type=object_type,
        object_id=None if object_id is None else str(object_id),
        details=details,
        ip_address=request.remote_addr if has_request_context() else None,
    )
    db.add(audit_event)
    return audit_event
