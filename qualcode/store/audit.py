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
