"""Undo and redo of a coder's last coding actions, kept in the audit log.

Each user action writes its audit entries under one batch id. Undo reverts the coder's
newest batch that is not undone; redo re-applies the batch undone most recently, as long
as the coder has done nothing new since. Because the history lives in the project, it
survives a browser refresh and is shared by the coder's tabs.
"""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from qualcode.coding.apply import MARK_FIELDS, restore
from qualcode.errors import CodingError
from qualcode.store import audit
from qualcode.store.models import AuditEntry, Coding

UNDOABLE = {"coding"}
MARKERS = ("undo", "redo")


def _batch_entries(session: Session, batch: str) -> list[AuditEntry]:
    return list(session.scalars(
        select(AuditEntry).where(AuditEntry.batch == batch).order_by(AuditEntry.id)))


def _describe(entries: list[AuditEntry]) -> str:
    actions = {e.action for e in entries}
    entity = entries[0].entity
    return f"{'/'.join(sorted(actions))} {entity} ({len(entries)} change(s))"


def undo(session: Session, coder: str) -> str | None:
    """Undo the coder's last action; returns what was undone, or None if nothing is left."""
    entry = session.scalar(
        select(AuditEntry)
        .where(AuditEntry.coder == coder, AuditEntry.batch.is_not(None),
               AuditEntry.undone.is_(False), AuditEntry.action.not_in(MARKERS))
        .order_by(AuditEntry.id.desc()).limit(1))
    if entry is None or entry.batch is None:
        return None
    entries = _batch_entries(session, entry.batch)
    if any(e.entity not in UNDOABLE for e in entries):
        raise CodingError(
            f"The last action ({_describe(entries)}) changed the codebook and cannot be undone "
            "here: reverse it on the Codebook page (the audit log shows what it changed).")
    for e in reversed(entries):
        coding = session.get(Coding, int(e.entity_id))
        if e.action == "add" and coding is not None:
            session.delete(coding)
        elif e.action == "delete" and coding is None and e.before:
            restore(session, e.before)
        elif e.action == "update" and coding is not None and e.before:
            for key in MARK_FIELDS:
                setattr(coding, key, e.before[key])
        session.flush()
    session.execute(update(AuditEntry).where(AuditEntry.batch == entry.batch)
                    .values(undone=True))
    audit.record(session, coder, "undo", "batch", entry.batch)
    return _describe(entries)


def _redo_target(session: Session, coder: str) -> str | None:
    rows = session.execute(
        select(AuditEntry.action, AuditEntry.entity_id, AuditEntry.batch, AuditEntry.undone)
        .where(AuditEntry.coder == coder, AuditEntry.batch.is_not(None)
               | AuditEntry.action.in_(MARKERS))
        .order_by(AuditEntry.id.desc())).all()
    undone_batches = {r.batch for r in rows if r.undone and r.batch}
    for row in rows:
        if row.action == "redo":
            continue
        if row.action == "undo":
            if row.entity_id in undone_batches:
                return row.entity_id
            continue
        if not row.undone:
            return None  # a new action since the last undo: nothing to redo
    return None


def redo(session: Session, coder: str) -> str | None:
    """Re-apply the coder's most recently undone action; returns what, or None."""
    batch = _redo_target(session, coder)
    if batch is None:
        return None
    entries = _batch_entries(session, batch)
    for e in entries:
        coding = session.get(Coding, int(e.entity_id))
        if e.action == "add" and coding is None and e.after:
            restore(session, e.after)
        elif e.action == "delete" and coding is not None:
            session.delete(coding)
        elif e.action == "update" and coding is not None and e.after:
            for key in MARK_FIELDS:
                setattr(coding, key, e.after[key])
        session.flush()
    session.execute(update(AuditEntry).where(AuditEntry.batch == batch).values(undone=False))
    audit.record(session, coder, "redo", "batch", batch)
    return _describe(entries)
