"""respondents.csv: respondents and their attributes, validated row by row.

Required columns ``id``, ``label``, ``group``; optional ``trial`` (yes/no) and
``members`` (for group interviews); every other column is an attribute (gender, age_band,
experience, setting_type, agency_type, position, ...). Empty attribute cells are left out.
Names are never stored: give reference labels such as HT3, T2, O14.
"""

from __future__ import annotations

import csv
import io
import os
import re
from dataclasses import dataclass, field
from typing import IO, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from qualcode.errors import IngestError, RespondentError
from qualcode.ingest.text import read_text
from qualcode.store.models import Respondent

GROUPS = ("head_teacher", "teacher", "officer", "parent", "child")
GROUP_NAMES = {
    "head_teacher": "Head teacher",
    "teacher": "Teacher",
    "officer": "Officer",
    "parent": "Parent",
    "child": "Child",
}
REQUIRED = ("id", "label", "group")
RESERVED = ("id", "label", "group", "trial", "members")
LABEL_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,31}$")
YES = {"yes", "y", "true", "1"}
NO = {"no", "n", "false", "0", ""}


@dataclass
class RespondentRecord:
    """One validated row of respondents.csv."""

    id: int
    label: str
    group: str
    trial: bool = False
    members: int = 1
    attributes: dict[str, Any] = field(default_factory=dict)


def parse_respondents_csv(source: str | os.PathLike[str] | IO[Any]) -> list[RespondentRecord]:
    """Read and validate respondents.csv (a path or a file-like object).

    Raises RespondentError naming the row (the header is row 1) and the fix.
    """
    try:
        text, name = read_text(source, "respondents.csv")
    except IngestError as exc:
        raise RespondentError(f"{exc} A respondents file needs a header row "
                              "id,label,group,... and one row per respondent.") from exc
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [h.strip().lower() for h in reader.fieldnames or []]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise RespondentError(
            f"{name}: missing column(s) {', '.join(missing)}. The header must include "
            f"id,label,group (then trial, members and any attributes); found: {', '.join(header)}."
        )
    reader.fieldnames = header
    records: list[RespondentRecord] = []
    seen_ids: dict[int, int] = {}
    seen_labels: dict[str, int] = {}
    for row_no, row in enumerate(reader, start=2):
        if None in row:
            raise RespondentError(f"{name} row {row_no}: more cells than header columns.")
        values = {k: (v or "").strip() for k, v in row.items()}
        if not any(values.values()):
            continue
        record = _record(name, row_no, values)
        if record.id in seen_ids:
            raise RespondentError(
                f"{name} row {row_no}: id {record.id} is already used on row "
                f"{seen_ids[record.id]}. Each respondent needs its own id."
            )
        if record.label.lower() in seen_labels:
            raise RespondentError(
                f"{name} row {row_no}: label {record.label!r} is already used on row "
                f"{seen_labels[record.label.lower()]}. Each respondent needs its own label."
            )
        seen_ids[record.id] = row_no
        seen_labels[record.label.lower()] = row_no
        records.append(record)
    if not records:
        raise RespondentError(f"{name} has a header but no respondents.")
    return records


def _record(name: str, row_no: int, values: dict[str, str]) -> RespondentRecord:
    where = f"{name} row {row_no}"
    try:
        rid = int(values["id"])
    except ValueError:
        raise RespondentError(f"{where}: id {values['id']!r} is not a whole number.") from None
    if rid <= 0:
        raise RespondentError(f"{where}: id {rid} must be a positive whole number.")
    label = values["label"]
    if not LABEL_RE.match(label):
        raise RespondentError(
            f"{where}: label {label!r} must be a short reference such as HT3 or O14 "
            "(letters, digits, - or _; no spaces, no names)."
        )
    group = values["group"].lower()
    if group not in GROUPS:
        raise RespondentError(
            f"{where}: group {values['group']!r} is not one of {', '.join(GROUPS)}."
        )
    trial_text = values.get("trial", "").lower()
    if trial_text not in YES | NO:
        raise RespondentError(f"{where}: trial {values['trial']!r} must be yes or no.")
    members_text = values.get("members", "") or "1"
    try:
        members = int(members_text)
    except ValueError:
        members = 0
    if members < 1:
        raise RespondentError(
            f"{where}: members {members_text!r} must be a whole number of at least 1."
        )
    attributes = {k: v for k, v in values.items() if k not in RESERVED and k and v}
    return RespondentRecord(rid, label, group, trial_text in YES, members, attributes)


def upsert_respondents(session: Session, records: list[RespondentRecord]) -> dict[str, int]:
    """Add new respondents and update existing ones (by id); touches nothing else.

    Returns counts ``{"added": n, "updated": m}``. A label that belongs to another
    respondent id in the project is refused.
    """
    existing = {r.id: r for r in session.scalars(select(Respondent))}
    by_label = {r.label.lower(): r.id for r in existing.values()}
    added = updated = 0
    for rec in records:
        other = by_label.get(rec.label.lower())
        if other is not None and other != rec.id:
            raise RespondentError(
                f"respondent id {rec.id}: label {rec.label!r} already belongs to respondent "
                f"{other} in this project. Use another label or the same id."
            )
        row = existing.get(rec.id)
        if row is None:
            session.add(
                Respondent(id=rec.id, label=rec.label, group=rec.group, trial=rec.trial,
                           members=rec.members, attributes=rec.attributes)
            )
            added += 1
        else:
            row.label, row.group, row.trial = rec.label, rec.group, rec.trial
            row.members, row.attributes = rec.members, rec.attributes
            updated += 1
        by_label[rec.label.lower()] = rec.id
    session.flush()
    return {"added": added, "updated": updated}
