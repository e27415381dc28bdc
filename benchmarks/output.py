"""How every benchmark script prints its metrics: one JSON line, or an aligned table."""

from __future__ import annotations

import json
from collections.abc import Mapping


def emit(metrics: Mapping[str, object], as_json: bool) -> None:
    """Print metrics as one JSON line (``--json``, what benchmarks/run.py reads) or a table."""
    if as_json:
        print(json.dumps(dict(metrics)))
        return
    for key, value in metrics.items():
        shown = f"{value:12.3f}" if isinstance(value, (int, float)) else f"{value!s:>12}"
        print(f"{key:40s} {shown}")
