"""Undo and redo of a coder's last coding actions, kept in the audit log.

Each user action writes its audit entries under one batch id. Undo reverts the coder's
newest batch that is not undone; redo re-applies the batch undone most recently, as long
as the coder has done nothing new since. Because the history lives in the project, it
survives a browser refresh and is shared by the coder's tabs.
"""

from __future__ import annotations

from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import Session

from qualcode.coding.apply import MARK_FIELDS, restorable, restore
from qualcode.errors import CodingError
from qualcode.store import audit
from qualcode.store.models import AuditEntry, Coding

UNDOABLE = {"coding"}
MARKERS = ("undo", "redo")


def _batch_entries(session: Session, batch: str) -> list[AuditEntry]:
    return list(session.scalars(
        select(AuditEntry).where(AuditEntry.batch == batch).order_by(AuditEntry.id)))


CHUNK = 500


def _existing_ids(session: Session, ids: list[int]) -> set[int]:
    found: set[int] = set()
    for i in range(0, len(ids), CHUNK):
        found.update(session.scalars(select(Coding.id).where(Coding.id.in_(ids[i:i + CHUNK]))))
    return found


def _delete_codings(session: Session, ids: list[int]) -> None:
    """Delete codings by id in chunks (their Issue links go by the foreign-key cascade)."""
    for i in range(0, len(ids), CHUNK):
        session.execute(delete(Coding).where(Coding.id.in_(ids[i:i + CHUNK]))
                        .execution_options(synchronize_session=False))
    session.expire_all()


def _restore_many(session: Session, snapshots: list[dict]) -> None:
    """Re-create codings from snapshots; bulk when none has Issue links to restore."""
    plain = [s for s in snapshots if not s.get("issue_ids")]
    if plain:
        session.execute(insert(Coding), [restorable(s) for s in plain])
    for snap in snapshots:
        if snap.get("issue_ids"):
            restore(session, snap)


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
    added = [int(e.entity_id) for e in entries if e.action == "add"]
    _delete_codings(session, added)
    for e in reversed(entries):
        if e.action == "add":
            continue
        coding = session.get(Coding, int(e.entity_id))
        if e.action == "delete" and coding is None and e.before:
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
    added = [e.after for e in entries if e.action == "add" and e.after]
    existing = _existing_ids(session, [int(a["id"]) for a in added])
    _restore_many(session, [a for a in added if int(a["id"]) not in existing])
    _delete_codings(session, [int(e.entity_id) for e in entries if e.action == "delete"])
    for e in entries:
        if e.action != "update" or not e.after:
            continue
        coding = session.get(Coding, int(e.entity_id))
        if coding is not None:
            for key in MARK_FIELDS:
                setattr(coding, key, e.after[key])
    session.flush()
    session.execute(update(AuditEntry).where(AuditEntry.batch == batch).values(undone=False))
    audit.record(session, coder, "redo", "batch", batch)
    return _describe(entries)
