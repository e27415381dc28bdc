"""REFI-QDA project exchange (``.qdpx``): importing a project written by qualcode or another tool.

:func:`import_qdpx` reads and checks the archive (:func:`qualcode.export.refi_read.read_qdpx`)
and then adds what it holds to a project in one transaction: all of it, or nothing when
anything is wrong (the error names the element and the fix).

How REFI elements become qualcode data (see :mod:`qualcode.export.refi` for the writer):

* ``CodeBook`` -> codes, through the ``.qdc`` parser and validator (so the ``--- qualcode
  ---`` trailer restores ids, research questions and the other fields; codes from other
  tools get ids made from their names, and categories are their ``isCodable="false"``
  codes). They are merged into the project's codebook as ``load_codebook`` does.
* ``Case`` -> respondent when it has a ``group`` variable naming one of the study's groups
  (``head_teacher`` or "Head teacher", ...) and a usable label (the case name, else a
  ``label`` variable): id from the ``id`` variable (else the id of the project's respondent
  with that label, else the next free id), ``trial``, ``members`` and every other variable
  as an attribute. A case without a valid group is not made into a respondent: its name
  and variables are kept in the metadata (``cases``) of the documents it refers to.
* ``TextSource`` -> document, from its plain text (the archive file named by
  ``plainTextPath="internal://..."`` or inline ``PlainTextContent``), segmented by the
  project's importer. Our own sources carry their kind, title, file name, sha256 and
  metadata in a trailer; another tool's become a ``document`` (a ``transcript`` or
  ``observation`` when they belong to a respondent and their text says so). Other source
  types (PDF, pictures, audio, video) are skipped and counted.
* ``PlainTextSelection`` > ``Coding`` > ``CodeRef`` -> one coding per ``Coding``, coder
  from ``creatingUser``. Positions count characters of the plain text; the importer turns
  ``\\r\\n`` and ``\\r`` into ``\\n`` (and drops a leading BOM), and positions are mapped
  through the same change so each coding stays on the same words. Marks come from the
  selection's trailer; the memo from the ``Note`` s the selection (or its coding) refers to
  that are not Issues, else from the selection's own ``Description`` (where several tools
  keep a comment). A ``Coding`` of a whole ``TextSource`` codes its whole text.
* A ``Note`` whose trailer says ``kind: issue`` -> an Issue under the code the note is
  coded with, linked to the codings of every selection that refers to it.

Documents keep the segments our archive holds for them (``qualcode/segments.json``) when
their text and respondent still match; otherwise they are read and segmented with the
importer's own reader and segmenter (``read_document``, ``segment_documents``; one spaCy
pass per 64 documents). They are stored in bulk; each must read back with exactly the text the archive gives, and a text (or
original file, by sha256) the project already holds is refused as a duplicate. Codings
are inserted in bulk rather than one ``apply.code_span`` call each (100,000 codings in
seconds): the same checks (marks, sources, spans inside the text), the same locator as
``apply.span_locator``, and duplicates (same span, code and coder) collapse into one
coding, the later marks winning. Codes that are archived or categories keep the codings
the archive gives them. The import is one audit entry (action ``import``, entity
``project``, the archive's name, the counts and the new document ids), as a file import
is; the codes it adds or changes are audited one by one by ``load_codebook``.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import PurePosixPath, PureWindowsPath
from typing import IO, TYPE_CHECKING, Any, cast

import numpy as np
from sqlalchemy import Table, insert, select, update
from sqlalchemy.orm import Session

from qualcode.coding import codebook as codebook_mod
from qualcode.coding.apply import SOURCES as CODING_SOURCES
from qualcode.coding.apply import add_issue, check_marks
from qualcode.coding.segment import SegmentSpec, segment_documents
from qualcode.errors import CodingError, DuplicateImportError, IngestError
from qualcode.export.refi import SEGMENTS_MEMBER
from qualcode.export.refi_read import (
    DEFAULT_MAX_RATIO,
    DEFAULT_MAX_TOTAL_BYTES,
    QdpxContent,
    RefiCase,
    RefiCoding,
    RefiSelection,
    RefiSource,
    guid_key,
    read_qdpx,
)
from qualcode.ingest.document import KINDS, ParsedDocument
from qualcode.ingest.importer import CHUNK_FILES, NEEDS_RESPONDENT, insert_segments
from qualcode.ingest.reader import detect_kind, read_document
from qualcode.ingest.respondents import (
    GROUP_NAMES,
    GROUPS,
    LABEL_RE,
    RespondentRecord,
    upsert_respondents,
)
from qualcode.ingest.text import normalise_newlines
from qualcode.store import audit
from qualcode.store.models import Coding, Document, Issue, Respondent

if TYPE_CHECKING:
    from qualcode.project import Project

__all__ = ["DEFAULT_MAX_RATIO", "DEFAULT_MAX_TOTAL_BYTES", "import_qdpx", "read_qdpx"]

_GROUP_BY_NAME = {**{g: g for g in GROUPS},
                  **{name.lower(): g for g, name in GROUP_NAMES.items()},
                  **{g.replace("_", " "): g for g in GROUPS}}
_RESERVED = ("id", "label", "group", "trial", "members")
_TRUE = {"true", "1", "yes"}
_FILE_STEM = re.compile(r"[^\w.\- ]+")
_IN_CHUNK = 500


def _respondent_record(case: RefiCase, by_label: dict[str, int], taken: set[int],
                       next_id: list[int]) -> RespondentRecord | None:
    """The respondent a case stands for, or None when it has no valid group and label."""
    group_value = case.variables.get("group")
    group = _GROUP_BY_NAME.get(str(group_value).strip().lower()) if group_value else None
    if group is None:
        return None
    label = case.name.strip()
    if not LABEL_RE.match(label):
        label = str(case.variables.get("label") or "").strip()
        if not LABEL_RE.match(label):
            return None
    given = str(case.variables.get("id", "")).strip()
    rid: int | None = int(given) if given.isdigit() and int(given) > 0 else None
    if rid is None:
        rid = by_label.get(label.lower())
    if rid is None:
        while next_id[0] in taken:
            next_id[0] += 1
        rid = next_id[0]
    taken.add(rid)
    trial = case.variables.get("trial", False)
    if isinstance(trial, str):
        trial = trial.strip().lower() in _TRUE
    members = case.variables.get("members", 1)
    try:
        members = max(int(members), 1)
    except (TypeError, ValueError):
        members = 1
    attributes = {k: v for k, v in case.variables.items()
                  if k not in _RESERVED and v is not None and v != ""}
    return RespondentRecord(int(rid), label, group, bool(trial), members, attributes)


def _normalised(text: str) -> tuple[str, np.ndarray | None]:
    """The text as the importer stores it, and the map old offset -> new offset (None when
    nothing changes)."""
    new = normalise_newlines(text)
    if new == text:
        return text, None
    codes = np.frombuffer(text.encode("utf-32-le", errors="surrogatepass"), dtype=np.uint32)
    keep = np.ones(len(codes), dtype=bool)
    keep[:-1] &= ~((codes[:-1] == 13) & (codes[1:] == 10))
    if len(codes) and codes[0] == 0xFEFF:
        keep[0] = False
    mapping = np.concatenate(([0], np.cumsum(keep)))
    return new, mapping


def _file_name(source: RefiSource) -> str:
    """The file name given to the importer: its stem names the document in locators."""
    original = (source.extras or {}).get("source") or source.name
    stem = PureWindowsPath(PurePosixPath(str(original)).name).stem
    stem = _FILE_STEM.sub("_", stem).strip(" .") or "document"
    return f"{stem}.txt"


def _coder(users: dict[str, str], guid: str | None, default: str) -> str:
    if not guid:
        return default
    name = users.get(guid_key(guid)) or guid
    return name[:100]


@dataclass
class _PlannedCoding:
    document_index: int
    start: int
    end: int
    code_id: str
    coder: str
    created: datetime | None
    valence: str
    flags: list[str]
    dimension: str | None
    memo: str | None
    source: str
    selection: str


def _plan_codings(content: QdpxContent, code_ids: dict[str, str], default_coder: str
                  ) -> tuple[list[_PlannedCoding], dict[str, list[int]], int]:
    """Codings to insert (offsets still in the archive's text), the planned codings of each
    selection guid (indexes into the list) and the number of memo notes used."""
    planned: list[_PlannedCoding] = []
    by_selection: dict[str, list[int]] = {}
    memo_notes: set[str] = set()
    label = content.label
    for d_index, source in enumerate(content.sources):
        items: list[tuple[RefiSelection | None, RefiCoding]] = [(None, r) for r in source.whole]
        items += [(sel, ref) for sel in source.selections for ref in sel.codings]
        for sel, ref in items:
            if sel is None:
                start, end, marks, where, guid = 0, len(source.text), {}, source.where, ""
                refs: list[str] = list(ref.note_refs)
                comment = ""
            else:
                start, end, marks, where, guid = sel.start, sel.end, sel.marks, sel.where, sel.guid
                refs = sel.note_refs + ref.note_refs
                comment = sel.comment
            memos = []
            for note_guid in refs:
                note = content.notes[note_guid]
                if (note.extras or {}).get("kind") == "issue":
                    continue
                memo_notes.add(note_guid)
                if note.text:
                    memos.append(note.text)
            memo = "\n\n".join(memos) if memos else (comment or None)
            try:
                valence, flags = check_marks(str(marks.get("valence", "0")),
                                             marks.get("flags") or [], marks.get("dimension"))
            except CodingError as exc:
                raise IngestError(f"{label}: {where}: {exc}") from exc
            origin = str(marks.get("source", "manual" if source.extras is not None
                                   else "import"))
            if origin not in CODING_SOURCES:
                raise IngestError(f"{label}: {where}: source {origin!r} is not one of "
                                  f"{', '.join(CODING_SOURCES)}.")
            planned.append(_PlannedCoding(
                document_index=d_index, start=start, end=end, code_id=code_ids[ref.code_guid],
                coder=_coder(content.users, ref.user, default_coder), created=ref.created,
                valence=valence, flags=flags, dimension=marks.get("dimension"), memo=memo,
                source=origin, selection=guid))
            if guid:
                by_selection.setdefault(guid, []).append(len(planned) - 1)
    return planned, by_selection, len(memo_notes)


@dataclass
class _StoredDocument:
    """A document as stored: its id, the offset map of its text and its segments."""

    id: int
    mapping: np.ndarray | None
    seg_start: np.ndarray
    seg_end: np.ndarray
    locators: list[str]


def _locators(stored: list[_StoredDocument], docs: np.ndarray, starts: np.ndarray,
              ends: np.ndarray) -> list[str]:
    """The locator of each span (``docs`` index ``stored``) as ``apply.span_locator`` gives
    it: the first overlapping segment's, or ``first–last``; computed in bulk."""
    base = [np.full(len(d.seg_start), i, dtype=np.int64) << np.int64(32)
            for i, d in enumerate(stored)]
    key_start = np.concatenate([b + d.seg_start for b, d in zip(base, stored)])
    key_end = np.concatenate([b + d.seg_end for b, d in zip(base, stored)])
    locators = [loc for d in stored for loc in d.locators]
    span_base = docs.astype(np.int64) << np.int64(32)
    lo = np.searchsorted(key_end, span_base + starts, side="right")
    hi = np.searchsorted(key_start, span_base + ends, side="left")
    out = []
    for first, stop in zip(lo.tolist(), hi.tolist()):
        if stop <= first:
            out.append("")
            continue
        a, b = locators[first], locators[stop - 1]
        out.append(a if a == b else f"{a}–{b}")
    return out


@dataclass
class _PlannedDocument:
    source: RefiSource
    text: str
    mapping: np.ndarray | None
    name: str
    kind: str
    respondent: int | None


def _plan_documents(content: QdpxContent, respondent_of: dict[str, int]
                    ) -> list[_PlannedDocument]:
    """Text (line endings as the importer stores them), kind and respondent of each source."""
    planned = []
    label = content.label
    for source in content.sources:
        text, mapping = _normalised(source.text)
        if not text.strip():
            raise IngestError(f"{label}: {source.where} has no text; remove it or export the "
                              "project again.")
        respondent = respondent_of.get(source.guid)
        name = _file_name(source)
        if source.extras is not None:
            kind = str(source.extras.get("kind") or "document")
            if kind not in KINDS:
                raise IngestError(f"{label}: {source.where} has kind {kind!r}, not one of "
                                  f"{', '.join(KINDS)}.")
            if kind in NEEDS_RESPONDENT and respondent is None:
                raise IngestError(f"{label}: {source.where} is a {kind.replace('_', ' ')} but "
                                  "no case (respondent) refers to it; export the project again.")
        elif respondent is None:
            kind = "document"
        else:
            detected = detect_kind(text, name)
            kind = detected if detected in ("transcript", "observation") else "document"
        planned.append(_PlannedDocument(source, text, mapping, name, kind, respondent))
    return planned


def _check_duplicates(session: Session, chunk: list[tuple[_PlannedDocument, ParsedDocument]],
                      seen: dict[str, str], label: str) -> None:
    """Refuse a source whose text (or original file) the project already holds, or that
    repeats another source of the archive, as the importer does for files."""
    shas: dict[str, _PlannedDocument] = {}
    for plan, parsed in chunk:
        if parsed.sha256 in seen:
            raise DuplicateImportError(
                f"{label}: {plan.source.where} has the same text as {seen[parsed.sha256]}; "
                "a project holds each text once: remove one of them and export again.")
        seen[parsed.sha256] = plan.source.where
        shas[parsed.sha256] = plan
        original = (plan.source.extras or {}).get("sha256")
        if isinstance(original, str) and original:
            shas.setdefault(original, plan)
    earlier = session.execute(select(Document.sha256, Document.id, Document.source)
                              .where(Document.sha256.in_(list(shas)))).first()
    if earlier is not None:
        raise DuplicateImportError(
            f"{label}: {shas[earlier.sha256].source.where} was already imported as "
            f"{earlier.source} (document {earlier.id}); nothing was imported. Import the "
            "archive into a new project, or delete that document first.")


_SEGMENT_COLUMNS = ("start", "end", "speaker", "is_interviewer", "question", "page", "turn",
                    "locator", "time_start")


def _optional(values: list[Any], kind: type | tuple[type, ...], limit: int | None = None
              ) -> bool:
    """Every value is None or of ``kind`` (not a bool), and no longer than ``limit``."""
    return all(v is None or (isinstance(v, kind) and not isinstance(v, bool)
                             and (limit is None or len(str(v)) <= limit)) for v in values)


def _kept_segments(content: QdpxContent, plan: _PlannedDocument, labels: dict[int, str]
                   ) -> list[SegmentSpec] | None:
    """The segments our archive kept for this source, when they still fit its text and
    respondent (else None: segment afresh). Damaged ones are an error."""
    entry = content.segments.get(plan.source.guid)
    if entry is None or plan.source.extras is None:
        return None
    if entry.get("text_sha256") != hashlib.sha256(plan.text.encode("utf-8")).hexdigest():
        return None
    if entry.get("respondent") != plan.respondent or (
            plan.respondent is not None and entry.get("label") != labels.get(plan.respondent)):
        return None
    damaged = IngestError(
        f"{content.label}: the segments kept for {plan.source.where} in {SEGMENTS_MEMBER} are "
        "damaged; delete that file from the archive to have the documents segmented afresh.")
    columns = entry.get("segments")
    if not isinstance(columns, dict):
        raise damaged
    lists: list[list[Any]] = []
    for name in _SEGMENT_COLUMNS:
        column = columns.get(name)
        if not isinstance(column, list):
            raise damaged
        lists.append(column)
    if len({len(x) for x in lists}) != 1:
        raise damaged
    start, end, speaker, interviewer, question, page, turn, locator, time_start = lists
    if not start or not all(type(v) is int for v in start + end):
        raise damaged
    starts, ends = np.array(start), np.array(end)
    if (starts < 0).any() or (ends > len(plan.text)).any() or (starts >= ends).any() \
            or (starts[1:] < ends[:-1]).any():
        raise damaged
    if not (_optional(speaker, str, 100) and _optional(question, str, 16)
            and _optional(page, int) and _optional(turn, int)
            and _optional(time_start, (int, float))
            and all(isinstance(v, bool) for v in interviewer)
            and all(isinstance(v, str) and len(v) <= 100 for v in locator)):
        raise damaged
    return [SegmentSpec(ordinal=i, start=a, end=b, speaker=sp, is_interviewer=iv, question=q,
                        page=pg, turn=t, locator=loc, time_start=ts)
            for i, (a, b, sp, iv, q, pg, t, loc, ts) in enumerate(zip(*lists))]


def _read_back(content: QdpxContent, plan: _PlannedDocument, max_bytes: int
               ) -> ParsedDocument:
    """The source read by the importer's reader, which must give back the same text."""
    parsed_docs = read_document(io.BytesIO(plan.text.encode("utf-8")), name=plan.name,
                                kind=plan.kind, max_bytes=max_bytes)
    if len(parsed_docs) != 1 or parsed_docs[0].text != plan.text:
        raise IngestError(
            f"{content.label}: {plan.source.where} did not read back as one document with "
            f"the same text (as a {plan.kind.replace('_', ' ')}), so its codings cannot be "
            "placed; please report this with the file.")
    return parsed_docs[0]


def _import_documents(session: Session, content: QdpxContent, respondent_of: dict[str, int],
                      case_info: dict[str, list[dict[str, Any]]], max_bytes: int
                      ) -> list[_StoredDocument]:
    """Store every source with its segments: those our archive kept when they still fit,
    else read and segmented by the importer's reader and segmenter (one spaCy pass per
    chunk). Returns the stored documents in source order."""
    labels = dict(session.execute(select(Respondent.id, Respondent.label)).all())
    planned = _plan_documents(content, respondent_of)
    stored: list[_StoredDocument] = []
    seen: dict[str, str] = {}
    documents = cast(Table, Document.__table__)
    for begin in range(0, len(planned), CHUNK_FILES):
        chunk: list[tuple[_PlannedDocument, ParsedDocument]] = []
        kept: list[list[SegmentSpec] | None] = []
        for plan in planned[begin:begin + CHUNK_FILES]:
            segments = _kept_segments(content, plan, labels)
            if segments is None:
                parsed = _read_back(content, plan, max_bytes)
            else:
                data = plan.text.encode("utf-8")
                parsed = ParsedDocument(text=plan.text, kind=plan.kind, title=plan.source.name,
                                        source=plan.name,
                                        sha256=hashlib.sha256(data).hexdigest())
            chunk.append((plan, parsed))
            kept.append(segments)
        _check_duplicates(session, chunk, seen, content.label)
        fresh = iter(segment_documents(
            (parsed, labels[plan.respondent] if plan.respondent is not None
             else PurePosixPath(plan.name).stem, plan.respondent)
            for (plan, parsed), segments in zip(chunk, kept) if segments is None))
        segmented = [segments if segments is not None else next(fresh) for segments in kept]
        rows = []
        for (plan, parsed), specs in zip(chunk, segmented):
            if not specs:
                raise IngestError(f"{content.label}: {plan.source.where} has no text to "
                                  "segment; remove it or export the project again.")
            rows.append(_document_row(plan, parsed, case_info))
        ids = session.execute(
            insert(documents).returning(documents.c.id, sort_by_parameter_order=True), rows
        ).scalars().all()
        insert_segments(session, zip(ids, segmented))
        for doc_id, (plan, _parsed), specs in zip(ids, chunk, segmented):
            stored.append(_StoredDocument(
                doc_id, plan.mapping, np.array([s.start for s in specs], dtype=np.int64),
                np.array([s.end for s in specs], dtype=np.int64), [s.locator for s in specs]))
    return stored


def _document_row(plan: _PlannedDocument, parsed: ParsedDocument,
                  case_info: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    """The documents row: our extras restore title, source, sha256 and metadata."""
    extras = plan.source.extras
    if extras is not None:
        title = str(extras.get("title") or parsed.title)
        origin = str(extras.get("source") or plan.source.name)
        sha = str(extras.get("sha256") or parsed.sha256)
        metadata = extras.get("metadata")
        meta = dict(metadata) if isinstance(metadata, dict) else {}
    else:
        title = origin = plan.source.name
        sha = parsed.sha256
        meta = {**parsed.metadata, "refi_guid": plan.source.guid}
        if case_info.get(plan.source.guid):
            meta["cases"] = case_info[plan.source.guid]
    return {"respondent_id": plan.respondent, "kind": parsed.kind, "title": title[:300],
            "source": origin[:300], "sha256": sha[:64], "text": parsed.text, "metadata": meta,
            "imported_at": plan.source.created or datetime.now(timezone.utc)}


def import_qdpx(source: str | os.PathLike[str] | IO[bytes], project: Project, *,
                max_total_bytes: int = DEFAULT_MAX_TOTAL_BYTES,
                max_ratio: float = DEFAULT_MAX_RATIO) -> dict[str, int]:
    """Import a REFI-QDA ``.qdpx`` archive into ``project`` (see the module docstring).

    Everything is added in one transaction: on any error nothing is imported and the
    project is exactly as it was. Returns counts: respondents (added, updated), codes
    (added, updated), documents, codings, issues, memos, skipped_sources (non-text sources)
    and unused_notes (notes no selection or Issue uses).
    """
    content = read_qdpx(source, max_total_bytes=max_total_bytes, max_ratio=max_ratio)
    label = content.label
    reason = f"imported from {os.path.basename(label)}"
    code_ids: dict[str, str] = {}
    if content.codebook is not None:
        code_ids = {guid_key(c.guid): c.id for c in content.codebook.codes}
    planned, by_selection, memo_count = _plan_codings(content, code_ids, project.coder)
    counts: dict[str, int] = {}
    with project.session() as session:
        existing = {r.label.lower(): r.id for r in session.scalars(select(Respondent))}
        taken = set(existing.values())
        next_id = [max(taken, default=0) + 1]
        records: list[RespondentRecord] = []
        respondent_of: dict[str, int] = {}
        case_info: dict[str, list[dict[str, Any]]] = {}
        for case in content.cases:
            record = _respondent_record(case, existing, taken, next_id)
            if record is None:
                for guid in case.sources:
                    case_info.setdefault(guid, []).append(
                        {"name": case.name, "variables": case.variables})
                continue
            records.append(record)
            for guid in case.sources:
                respondent_of.setdefault(guid, record.id)
        if records:
            result = upsert_respondents(session, records)
            counts["respondents_added"] = result["added"]
            counts["respondents_updated"] = result["updated"]
        if content.codebook is not None:
            loaded = codebook_mod.load_codebook(session, content.codebook, project.coder,
                                                reason)
            counts["codes_added"] = loaded["added"]
            counts["codes_updated"] = loaded["updated"]
        stored = _import_documents(session, content, respondent_of, case_info,
                                   project.max_import_bytes)
        coding_ids = _insert_codings(session, planned, stored)
        counts["issues"] = _import_issues(session, content, code_ids, by_selection, coding_ids,
                                          project.coder)
        counts["documents"] = len(stored)
        counts["codings"] = len({i for i in coding_ids if i >= 0})
        audit.record(session, project.coder, "import", "project",
                     os.path.basename(label)[:100], reason=reason,
                     after={**counts, "document_ids": [d.id for d in stored]})
    counts["memos"] = memo_count
    counts["skipped_sources"] = len(content.skipped_sources)
    used = {n for s in content.sources for sel in s.selections for n in sel.note_refs}
    used |= {n for s in content.sources for sel in s.selections for r in sel.codings
             for n in r.note_refs}
    counts["unused_notes"] = len([g for g, n in content.notes.items()
                                  if g not in used and (n.extras or {}).get("kind") != "issue"])
    return counts


def _insert_codings(session: Session, planned: list[_PlannedCoding],
                    stored: list[_StoredDocument]) -> list[int]:
    """Insert the codings in bulk (with the checks and locator of ``apply.code_span``);
    returns the coding id of each planned coding (duplicates share one; -1 for a selection
    of nothing but a line break)."""
    if not planned:
        return []
    n = len(planned)
    starts = np.fromiter((p.start for p in planned), dtype=np.int64, count=n)
    ends = np.fromiter((p.end for p in planned), dtype=np.int64, count=n)
    docs = np.fromiter((p.document_index for p in planned), dtype=np.int64, count=n)
    for index, doc in enumerate(stored):
        if doc.mapping is None:
            continue
        mask = docs == index
        starts[mask] = doc.mapping[starts[mask]]
        ends[mask] = doc.mapping[ends[mask]]
    locators = _locators(stored, docs, starts, ends)
    document_ids = np.array([d.id for d in stored], dtype=np.int64)[docs]
    now = datetime.now(timezone.utc)
    rows: dict[tuple[int, int, int, str, str], dict[str, Any]] = {}
    slot_of: list[tuple[int, int, int, str, str] | None] = []
    for i, p in enumerate(planned):
        if ends[i] <= starts[i]:  # only a line break was selected
            slot_of.append(None)
            continue
        key = (int(document_ids[i]), int(starts[i]), int(ends[i]), p.code_id, p.coder)
        created = p.created or now
        rows[key] = {"document_id": key[0], "start_offset": key[1], "end_offset": key[2],
                     "code_id": p.code_id, "coder": p.coder, "valence": p.valence,
                     "flags": p.flags, "dimension": p.dimension, "memo": p.memo,
                     "source": p.source, "locator": locators[i], "created_at": created,
                     "updated_at": created}
        slot_of.append(key)
    # no RETURNING: SQLite would insert one row per statement to keep the order; the
    # documents are new, so their codings are exactly the ones inserted here
    session.execute(insert(cast(Table, Coding.__table__)), list(rows.values()))
    id_of: dict[tuple[int, int, int, str, str], int] = {}
    new_docs = [d.id for d in stored]
    for begin in range(0, len(new_docs), _IN_CHUNK):
        for found in session.execute(
                select(Coding.id, Coding.document_id, Coding.start, Coding.end, Coding.code_id,
                       Coding.coder)
                .where(Coding.document_id.in_(new_docs[begin:begin + _IN_CHUNK]))):
            id_of[(found[1], found[2], found[3], found[4], found[5])] = found[0]
    return [id_of[k] if k is not None else -1 for k in slot_of]


def _import_issues(session: Session, content: QdpxContent, code_ids: dict[str, str],
                   by_selection: dict[str, list[int]], coding_ids: list[int], coder: str
                   ) -> int:
    supporters: dict[str, list[int]] = {}
    for source in content.sources:
        for sel in source.selections:
            refs = set(sel.note_refs) | {n for r in sel.codings for n in r.note_refs}
            for note_guid in refs:
                supporters.setdefault(note_guid, []).extend(
                    coding_ids[i] for i in by_selection.get(sel.guid, []) if coding_ids[i] >= 0)
    count = 0
    for guid, note in content.notes.items():
        extras = note.extras or {}
        if extras.get("kind") != "issue":
            continue
        code_id = next((code_ids[g] for g in note.code_guids if g in code_ids), None)
        if code_id is None and isinstance(extras.get("code"), str):
            code_id = extras["code"] if extras["code"] in code_ids.values() else None
        if code_id is None:
            raise IngestError(f"{content.label}: {note.where} is an Issue but is not coded with "
                              "a code of the CodeBook; export the project again.")
        if not note.text:
            raise IngestError(f"{content.label}: {note.where} is an Issue without text.")
        issue_id = add_issue(session, code_id, note.text, sorted(set(supporters.get(guid, []))),
                             _coder(content.users, note.user, coder))
        if note.created is not None:
            session.execute(update(Issue).where(Issue.id == issue_id)
                            .values(created_at=note.created))
        count += 1
    return count
