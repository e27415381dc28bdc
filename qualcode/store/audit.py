"""The audit log: every change to codebook and codings, with who, when, before and after."""

from __future__ import annotations

import uuid
from typing import Any

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from qualcode.store.models import AuditEntry


def record(
    session: Session,
    coder: str,
    action: str,
    entity: str,
    entity_id: str | int,
    *,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    reason: str | None = None,
    batch: str | None = None,
) -> None:
    """Add one audit entry in the caller's transaction (``batch`` groups one user action)."""
    session.add(
        AuditEntry(
            coder=coder,
            action=action,
            entity=entity,
            entity_id=str(entity_id),
            before=before,
            after=after,
            reason=reason or None,
            batch=batch,
        )
    )


def new_batch() -> str:
    """A fresh id grouping the audit entries of one user action."""
    return str(uuid.uuid4())


def audit_frame(session: Session) -> pd.DataFrame:
    """The audit log, newest last: id, at, coder, action, entity, entity_id, before, after, reason."""
    rows = session.execute(select(AuditEntry).order_by(AuditEntry.id)).scalars().all()
    columns = ["id", "at", "coder", "action", "entity", "entity_id", "before", "after",
               "reason", "batch", "undone"]
    return pd.DataFrame([{c: getattr(r, c) for c in columns} for r in rows], columns=columns)


def coder_activity(session: Session) -> pd.DataFrame:
    """Changes per coder per day and kind of change: coder, day, entity, action, changes."""
    rows = session.execute(select(AuditEntry.coder, AuditEntry.at, AuditEntry.entity,
                                  AuditEntry.action)).all()
    columns = ["coder", "day", "entity", "action", "changes"]
    if not rows:
        return pd.DataFrame(columns=columns)
    frame = pd.DataFrame(rows, columns=["coder", "at", "entity", "action"])
    frame["day"] = pd.to_datetime(frame["at"], utc=True).dt.strftime("%Y-%m-%d")
    out = frame.groupby(["coder", "day", "entity", "action"]).size().rename("changes")
    return out.reset_index().sort_values(["day", "coder"], ascending=[False, True])[columns]
