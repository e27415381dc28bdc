"""The codebook: codes in a tree, as plain data and inside a project, and its edits.

``Codebook`` is what ``qualcode.coding.codebook_io.read_codebook`` returns and what the
suggester and the project's ``load_codebook`` take. Codes are kept in a flat list in
tree order (parents before children); ``parent_id`` links them. The edit functions
(add, rename, move, merge, split, archive, delete) work on a project's session; every edit
is logged with coder, time and reason, and none of them ever loses a coding.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.orm import Session, aliased

from qualcode.errors import CodebookError
from qualcode.store import audit
from qualcode.store.models import Code, Coding, Issue, SuggestionFeedback, issue_codings

ORIGINS = ("a_priori", "emergent")
CODE_ID_RE = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
COLOUR_RE = re.compile(r"^#[0-9A-Fa-f]{6}$")
GUID_NAMESPACE = uuid.UUID("5f0c2a4e-8d7b-4c1e-9a53-3b1f7e6d2c90")


def guid_for(code_id: str) -> str:
    """A stable GUID for a code id (used when a codebook file gives none)."""
    return str(uuid.uuid5(GUID_NAMESPACE, code_id))


@dataclass
class CodeSpec:
    """One code of a codebook.

    ``rq`` is the research question the code belongs to ("RQ1".."RQ4") or None.
    ``codable`` is False for categories that only group other codes.
    """

    id: str
    name: str
    parent_id: str | None = None
    guid: str = ""
    rq: str | None = None
    description: str = ""
    include: str = ""
    exclude: str = ""
    example: str = ""
    keywords: list[str] = field(default_factory=list)
    colour: str | None = None
    origin: str = "a_priori"
    origin_note: str = ""
    codable: bool = True
    archived: bool = False

    def __post_init__(self) -> None:
        if not self.guid:
            self.guid = guid_for(self.id)


@dataclass
class Codebook:
    """A named list of codes in tree order."""

    name: str
    codes: list[CodeSpec] = field(default_factory=list)
    description: str = ""

    def by_id(self) -> dict[str, CodeSpec]:
        """Codes keyed by id."""
        return {c.id: c for c in self.codes}

    def children(self, code_id: str | None) -> list[CodeSpec]:
        """Direct children of a code (``None`` for the top level), in order."""
        return [c for c in self.codes if c.parent_id == code_id]

    def codable_codes(self) -> list[CodeSpec]:
        """Codes a segment can be coded with (not categories, not archived)."""
        return [c for c in self.codes if c.codable and not c.archived]


# --- the codebook inside a project ---------------------------------------------------

FIELDS = (
    "name", "parent_id", "guid", "rq", "description", "include", "exclude", "example",
    "keywords", "colour", "origin", "origin_note", "codable", "archived",
)


def _snapshot(code: Any) -> dict[str, Any]:
    return {f: getattr(code, f) for f in FIELDS}


def project_codebook(session: Session, name: str = "Project codebook") -> Codebook:
    """The project's codes as a plain :class:`Codebook`, in tree order."""
    rows = session.scalars(select(Code).order_by(Code.position, Code.id)).all()
    children: dict[str | None, list[Code]] = {}
    for row in rows:
        children.setdefault(row.parent_id, []).append(row)
    ordered: list[CodeSpec] = []

    def walk(parent: str | None) -> None:
        for row in children.get(parent, []):
            ordered.append(CodeSpec(id=row.id, **{f: getattr(row, f) for f in FIELDS}))
            walk(row.id)

    walk(None)
    return Codebook(name=name, codes=ordered)


def load_codebook(session: Session, codebook: Codebook, coder: str,
                  reason: str | None = None) -> dict[str, int]:
    """Merge a codebook into the project: new codes are added, codes with the same id
    are updated, and codes missing from the file are kept (so no coding is ever lost).

    Returns ``{"added": n, "updated": m, "unchanged": k}``.
    """
    existing = {c.id: c for c in session.scalars(select(Code))}
    guids = {c.guid: c.id for c in existing.values()}
    counts = {"added": 0, "updated": 0, "unchanged": 0}
    for position, spec in enumerate(codebook.codes):
        values = {f: getattr(spec, f) for f in FIELDS}
        values["keywords"] = list(spec.keywords)
        owner = guids.get(spec.guid)
        if owner is not None and owner != spec.id:
            raise CodebookError(
                f"Code {spec.id!r} has guid {spec.guid}, which code {owner!r} of this project "
                "already has. Give it another guid or the same id."
            )
        row = existing.get(spec.id)
        if row is None:
            row = Code(id=spec.id, position=position, **values)
            session.add(row)
            session.flush()
            existing[spec.id] = row
            guids[spec.guid] = spec.id
            audit.record(session, coder, "add", "code", spec.id, after=values, reason=reason)
            counts["added"] += 1
            continue
        before = _snapshot(row)
        if before == values:
            counts["unchanged"] += 1
            continue
        for key, value in values.items():
            setattr(row, key, value)
        row.position = position
        audit.record(session, coder, "update", "code", spec.id, before=before, after=values,
                     reason=reason)
        counts["updated"] += 1
    session.flush()
    return counts


# --- codebook edits: every one logged, none loses a coding -------------------------------

EDITABLE = ("name", "description", "include", "exclude", "example", "keywords", "colour",
            "rq", "origin_note")


def _rows(result: Any) -> int:
    """Rows an UPDATE changed (``CursorResult.rowcount``)."""
    return int(getattr(result, "rowcount", 0) or 0)


def get_code(session: Session, code_id: str) -> Code:
    """The code with this id, or a clear error."""
    code = session.get(Code, code_id)
    if code is None:
        raise CodebookError(f"There is no code {code_id!r} in this project's codebook: check the "
                            "id (Codebook page, or `qualcode codebook list`).")
    return code


def _ancestors(session: Session, code_id: str | None) -> list[str]:
    parents = dict(session.execute(select(Code.id, Code.parent_id)).all())
    out: list[str] = []
    while code_id is not None and code_id not in out:
        out.append(code_id)
        code_id = parents.get(code_id)
    return out


def _check_fields(values: dict[str, Any]) -> None:
    colour = values.get("colour")
    if colour and not COLOUR_RE.match(colour):
        raise CodebookError(f"Colour {colour!r} must be written #RRGGBB, e.g. #2E75B6.")
    if "name" in values and not str(values["name"]).strip():
        raise CodebookError("A code needs a name.")
    if "keywords" in values and isinstance(values["keywords"], str):
        values["keywords"] = [k.strip() for k in values["keywords"].split(";") if k.strip()]


def add_code(session: Session, code_id: str, name: str, coder: str, *,
             parent_id: str | None = None, origin: str = "emergent", origin_note: str = "",
             reason: str | None = None, codable: bool = True, **fields: Any) -> Code:
    """Add a code. An emergent code records why it was created (``origin_note``)."""
    if not CODE_ID_RE.match(code_id or ""):
        raise CodebookError(f"Code id {code_id!r} must be lower case letters, digits and _ and "
                            "start with a letter (e.g. joint_training).")
    if session.get(Code, code_id) is not None:
        raise CodebookError(f"A code with id {code_id!r} exists already: choose another id.")
    if origin not in ORIGINS:
        raise CodebookError(f"Origin {origin!r} is not one of {', '.join(ORIGINS)}.")
    if origin == "emergent" and not (origin_note or reason or "").strip():
        raise CodebookError(f"Say why the emergent code {code_id!r} was created (a short note): "
                            "the method asks for a trace of every emergent code.")
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise CodebookError(f"Unknown code field(s): {', '.join(sorted(unknown))}.")
    values = {"name": name, **fields}
    _check_fields(values)
    rq = values.pop("rq", None)
    if parent_id is not None:
        parent = get_code(session, parent_id)
        rq = rq or parent.rq
    position = (session.scalar(select(func.max(Code.position))) or 0) + 1
    code = Code(id=code_id, guid=guid_for(code_id) if not session.scalar(
        select(Code.id).where(Code.guid == guid_for(code_id))) else str(uuid.uuid4()),
        parent_id=parent_id, position=position, rq=rq, origin=origin,
        origin_note=origin_note or (reason or ""), codable=codable, **values)
    session.add(code)
    session.flush()
    audit.record(session, coder, "add", "code", code_id, after=_snapshot(code), reason=reason,
                 batch=audit.new_batch())
    return code


def update_code(session: Session, code_id: str, coder: str, reason: str | None = None,
                **fields: Any) -> None:
    """Edit a code's name, description, include/exclude notes, example, keywords, colour."""
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise CodebookError(f"Cannot edit {', '.join(sorted(unknown))} here; editable: "
                            f"{', '.join(EDITABLE)}.")
    _check_fields(fields)
    code = get_code(session, code_id)
    before = _snapshot(code)
    for key, value in fields.items():
        setattr(code, key, value)
    session.flush()
    after = _snapshot(code)
    if after != before:
        audit.record(session, coder, "update", "code", code_id, before=before, after=after,
                     reason=reason, batch=audit.new_batch())


def rename_code(session: Session, code_id: str, name: str, coder: str,
                reason: str | None = None) -> None:
    """Give a code a new name (its id, guid and codings stay)."""
    update_code(session, code_id, coder, reason, name=name)


def move_code(session: Session, code_id: str, parent_id: str | None, coder: str,
              reason: str | None = None) -> None:
    """Re-parent a code (``None`` for the top level); refused if it would make a cycle."""
    code = get_code(session, code_id)
    if parent_id is not None:
        get_code(session, parent_id)
        if code_id in _ancestors(session, parent_id):
            raise CodebookError(f"Cannot move {code_id!r} under {parent_id!r}: {parent_id!r} is "
                                f"{'the code itself' if parent_id == code_id else 'inside it'}. "
                                "Move it under a code outside its own branch.")
    before = _snapshot(code)
    code.parent_id = parent_id
    session.flush()
    audit.record(session, coder, "move", "code", code_id, before=before, after=_snapshot(code),
                 reason=reason, batch=audit.new_batch())


def merge_codes(session: Session, source_id: str, into_id: str, coder: str,
                reason: str | None = None) -> dict[str, int]:
    """Merge ``source_id`` into ``into_id``: its codings, Issues and child codes move to the
    target; a coding that duplicates one the target already has on the same span by the
    same coder collapses into it (its Issue links are kept). The source code is removed.

    Returns ``{"moved": n, "collapsed": m, "children": k}``.
    """
    source = get_code(session, source_id)
    target = get_code(session, into_id)
    if source_id == into_id:
        raise CodebookError("Choose two different codes to merge.")
    if source_id in _ancestors(session, into_id):
        raise CodebookError(f"Cannot merge {source_id!r} into {into_id!r}, which is inside it: "
                            "move the inner code out first, or merge the other way round.")
    if not target.codable:
        raise CodebookError(f"{target.name!r} is a category that cannot be coded: merge into a "
                            "code under it.")
    src = aliased(Coding)
    dup = (select(src.id, Coding.id)
           .join(Coding, (Coding.document_id == src.document_id) & (Coding.start == src.start)
                 & (Coding.end == src.end) & (Coding.coder == src.coder))
           .where(src.code_id == source_id, Coding.code_id == into_id))
    pairs = session.execute(dup).all()
    for old_id, keep_id in pairs:
        linked = set(session.scalars(select(issue_codings.c.issue_id)
                                     .where(issue_codings.c.coding_id == keep_id)))
        moving = [i for i in session.scalars(select(issue_codings.c.issue_id)
                                             .where(issue_codings.c.coding_id == old_id))
                  if i not in linked]
        if moving:
            session.execute(insert(issue_codings),
                            [{"issue_id": i, "coding_id": keep_id} for i in moving])
    duplicate_ids = [old for old, _keep in pairs]
    if duplicate_ids:
        session.execute(delete(Coding).where(Coding.id.in_(duplicate_ids)))
    moved = _rows(session.execute(update(Coding).where(Coding.code_id == source_id)
                            .values(code_id=into_id)))
    session.execute(update(Issue).where(Issue.code_id == source_id).values(code_id=into_id))
    children = _rows(session.execute(update(Code).where(Code.parent_id == source_id)
                                    .values(parent_id=into_id)))
    session.execute(update(SuggestionFeedback).where(SuggestionFeedback.code_id == source_id)
                    .values(code_id=into_id).execution_options(synchronize_session=False))
    before = _snapshot(source)
    session.delete(source)
    session.flush()
    counts = {"moved": int(moved or 0), "collapsed": len(duplicate_ids),
              "children": int(children or 0)}
    audit.record(session, coder, "merge", "code", source_id, before=before,
                 after={"into": into_id, **counts, "collapsed_coding_ids": duplicate_ids},
                 reason=reason, batch=audit.new_batch())
    return counts


def split_code(session: Session, code_id: str, new_id: str, new_name: str,
               coding_ids: Sequence[int], coder: str, reason: str | None = None) -> int:
    """Split a code: a new code beside it (same parent and research question) takes the
    chosen codings. Returns how many codings moved."""
    code = get_code(session, code_id)
    ids = sorted({int(i) for i in coding_ids})
    rows = dict(session.execute(select(Coding.id, Coding.code_id)
                                .where(Coding.id.in_(ids))).all())
    wrong = [i for i in ids if rows.get(i) != code_id]
    if wrong:
        raise CodebookError(f"Coding(s) {', '.join(map(str, wrong[:10]))} are not codings of "
                            f"{code_id!r}: choose codings of the code being split.")
    add_code(session, new_id, new_name, coder, parent_id=code.parent_id, origin="emergent",
             origin_note=reason or f"split from {code_id}", reason=reason, rq=code.rq,
             description=code.description, colour=code.colour)
    moved = _rows(session.execute(update(Coding).where(Coding.id.in_(ids))
                            .values(code_id=new_id)))
    audit.record(session, coder, "split", "code", code_id,
                 after={"new_code": new_id, "coding_ids": ids}, reason=reason,
                 batch=audit.new_batch())
    return int(moved or 0)


def archive_code(session: Session, code_id: str, coder: str, archived: bool = True,
                 reason: str | None = None) -> None:
    """Archive a code (kept with its codings, no longer offered for coding), or restore it."""
    code = get_code(session, code_id)
    if code.archived == archived:
        return
    before = _snapshot(code)
    code.archived = archived
    session.flush()
    audit.record(session, coder, "archive" if archived else "unarchive", "code", code_id,
                 before=before, after=_snapshot(code), reason=reason, batch=audit.new_batch())


def delete_code(session: Session, code_id: str, coder: str, reason: str | None = None) -> None:
    """Delete a code that has no codings, Issues or child codes; otherwise refuse and say
    to merge or archive it instead."""
    code = get_code(session, code_id)
    n_codings = session.scalar(select(func.count()).where(Coding.code_id == code_id)) or 0
    n_issues = session.scalar(select(func.count()).where(Issue.code_id == code_id)) or 0
    n_children = session.scalar(select(func.count()).where(Code.parent_id == code_id)) or 0
    if n_codings or n_issues:
        raise CodebookError(
            f"{code.name!r} has {n_codings} coding(s) and {n_issues} Issue(s): deleting it would "
            "lose them. Merge it into another code to keep them, or archive it to hide it.")
    if n_children:
        raise CodebookError(f"{code.name!r} has {n_children} code(s) under it: move or merge "
                            "them first, or archive it.")
    before = _snapshot(code)
    session.execute(delete(SuggestionFeedback).where(SuggestionFeedback.code_id == code_id))
    session.delete(code)
    session.flush()
    audit.record(session, coder, "delete", "code", code_id, before=before, reason=reason,
                 batch=audit.new_batch())


def codebook_tree(session: Session) -> pd.DataFrame:
    """The code tree for display: codes in tree order with depth and coding counts.

    Columns: id, name, depth, parent_id, rq, codable, archived, origin, colour,
    codings (this code's own) and codings_total (with every code under it).
    """
    book = project_codebook(session)
    own = dict(session.execute(select(Coding.code_id, func.count())
                               .group_by(Coding.code_id)).all())
    parents = {c.id: c.parent_id for c in book.codes}
    depth: dict[str, int] = {}
    totals: dict[str, int] = {c.id: 0 for c in book.codes}
    for code in book.codes:
        depth[code.id] = depth[code.parent_id] + 1 if code.parent_id in depth else 0
        current: str | None = code.id
        while current is not None:
            totals[current] += own.get(code.id, 0)
            current = parents.get(current)
    columns = ["id", "name", "depth", "parent_id", "rq", "codable", "archived", "origin",
               "colour", "codings", "codings_total"]
    return pd.DataFrame([{"id": c.id, "name": c.name, "depth": depth[c.id],
                          "parent_id": c.parent_id, "rq": c.rq, "codable": c.codable,
                          "archived": c.archived, "origin": c.origin, "colour": c.colour,
                          "codings": own.get(c.id, 0), "codings_total": totals[c.id]}
                         for c in book.codes], columns=columns)
