"""Build small codings frames shaped like ``Project.codings()`` for the themes tests."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import pandas as pd

# respondent id -> (label, group, attributes)
RESPONDENTS: dict[int, tuple[str, str, dict[str, Any]]] = {
    1: ("HT1", "head_teacher", {"gender": "female", "setting_type": "rural primary"}),
    2: ("HT2", "head_teacher", {"gender": "male", "setting_type": "urban primary"}),
    3: ("T1", "teacher", {"gender": "female", "setting_type": "rural primary"}),
    4: ("O1", "officer", {"gender": "male", "setting_type": None}),
    5: ("P1", "parent", {"gender": "female", "setting_type": "urban primary"}),
}
TRIAL = {4}
# document id -> (respondent id or None, kind)
DOCUMENTS: dict[int, tuple[int | None, str]] = {
    10: (1, "transcript"),
    11: (1, "running_record"),
    20: (2, "transcript"),
    30: (3, "transcript"),
    40: (4, "transcript"),
    50: (5, "transcript"),
    90: (None, "observation"),
}
CODE_RQ = {"funding": "RQ1", "staffing": "RQ1", "training": "RQ2", "transition": "RQ2",
           "leadership": "RQ3", "voice": "RQ4"}


def codings_frame(
    rows: Iterable[Sequence[Any]],
    respondents: Mapping[int, tuple[str, str, dict[str, Any]]] = RESPONDENTS,
    documents: Mapping[int, tuple[int | None, str]] = DOCUMENTS,
) -> pd.DataFrame:
    """Rows ``(document_id, start, end, code_id, valence[, coder[, flags]])`` -> frame."""
    attribute_names = sorted({k for _, _, attrs in respondents.values() for k in attrs})
    records = []
    for number, row in enumerate(rows, start=1):
        doc, start, end, code, valence = row[:5]
        coder = row[5] if len(row) > 5 else "ana"
        flags = list(row[6]) if len(row) > 6 else []
        rid, kind = documents.get(doc, (None, "transcript"))
        label, group, attrs = respondents[rid] if rid is not None else (None, None, {})
        record = {
            "id": number, "document_id": doc, "start": start, "end": end, "code_id": code,
            "coder": coder, "valence": valence, "flags": flags, "dimension": None,
            "memo": None, "source": "manual", "text": "", "locator": "",
            "respondent": rid, "label": label, "group": group, "created_at": None,
            "document_kind": kind, "trial": rid in TRIAL, "rq": CODE_RQ.get(code),
        }
        for name in attribute_names:
            record[name] = attrs.get(name)
        records.append(record)
    columns = ["id", "document_id", "start", "end", "code_id", "coder", "valence", "flags",
               "dimension", "memo", "source", "text", "locator", "respondent", "label",
               "group", "created_at", "document_kind", "trial", "rq", *attribute_names]
    frame = pd.DataFrame.from_records(records, columns=columns)
    frame["respondent"] = frame["respondent"].astype("Int64")
    return frame


def respondents_frame(
    respondents: Mapping[int, tuple[str, str, dict[str, Any]]] = RESPONDENTS,
) -> pd.DataFrame:
    """The respondents as ``Project.respondents()`` returns them."""
    attribute_names = sorted({k for _, _, attrs in respondents.values() for k in attrs})
    rows = [
        {"id": rid, "label": label, "group": group, "trial": rid in TRIAL, "members": 1,
         "attributes": attrs, **{n: attrs.get(n) for n in attribute_names}}
        for rid, (label, group, attrs) in respondents.items()
    ]
    return pd.DataFrame(rows)


CODEBOOK = pd.DataFrame(
    {
        "id": ["funding", "staffing", "training", "transition", "leadership", "voice"],
        "name": ["Funding", "Staffing", "Training", "Transition", "Leadership",
                 "Pupil voice"],
        "parent_id": [None] * 6,
        "rq": ["RQ1", "RQ1", "RQ2", "RQ2", "RQ3", "RQ4"],
    }
)
