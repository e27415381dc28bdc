"""Search, auto-coding and word counts give the same answers on PostgreSQL as on SQLite.

Runs only when ``QUALCODE_TEST_POSTGRES_URL`` names a PostgreSQL server (e.g.
``postgresql+psycopg://postgres@/postgres?host=/tmp/pg&port=55432``) and psycopg is
installed; the test works in a schema of its own, dropped afterwards.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url
from sqlalchemy.schema import CreateSchema, DropSchema

import qualcode
from qualcode.search.autocode import autocode
from qualcode.search.search import search
from qualcode.search.words import keyness, word_frequencies
from tests.search.conftest import TEXTS, build_study

URL = os.environ.get("QUALCODE_TEST_POSTGRES_URL")
pytestmark = pytest.mark.skipif(not URL, reason="QUALCODE_TEST_POSTGRES_URL is not set")


@pytest.fixture
def pg_project(tmp_path: Path) -> Iterator[tuple[qualcode.Project, qualcode.Project]]:
    pytest.importorskip("psycopg")
    assert URL is not None
    schema = f"qualcode_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(URL)
    with admin.begin() as conn:
        conn.execute(CreateSchema(schema))
    url = make_url(URL).update_query_dict({"options": f"-csearch_path={schema}"})
    lite = build_study(tmp_path / "study")
    try:
        with qualcode.open_project(url.render_as_string(hide_password=False),
                                   coder="tester") as pg, qualcode.open_project(lite) as sq:
            pg.import_respondents(tmp_path / "study" / "respondents.csv")
            pg.load_codebook(tmp_path / "study" / "book.yaml")
            pg.import_files([tmp_path / "study" / n for n in TEXTS])
            pg.import_file(tmp_path / "study" / "cluster_observation.txt", kind="observation")
            yield pg, sq
    finally:
        with admin.begin() as conn:
            conn.execute(DropSchema(schema, cascade=True))
        admin.dispose()


def test_postgres_and_sqlite_agree(pg_project: tuple[qualcode.Project, qualcode.Project]
                                   ) -> None:
    pg, sq = pg_project
    columns = ["label", "hit", "start", "end", "locator", "speaker"]
    cases: list[tuple[str, str, dict[str, Any]]] = [
        ("fund", "lemma", {}), ("joint training", "lemma", {}),
        ("Funding", "exact", {"case_sensitive": True}), ("train*", "exact", {}),
        (r"\bfund\w*", "regex", {}), ("fund", "lemma", {"attributes": {"gender": "female"}})]
    for query, mode, filters in cases:
        with pg.session() as a, sq.session() as b:
            got = search(a, query, mode, **filters)[columns].values.tolist()
            assert got == search(b, query, mode, **filters)[columns].values.tolist()
    with pg.session() as a, sq.session() as b:
        assert (word_frequencies(a, by="group").values.tolist()
                == word_frequencies(b, by="group").values.tolist())
        assert (keyness(a, min_count=2)[["group", "word", "sign"]].values.tolist()
                == keyness(b, min_count=2)[["group", "word", "sign"]].values.tolist())
        result = autocode(a, "fund", "finance", "ana", level="turn")
    assert result.created == 5
    pg.coder = "ana"
    assert "5 change(s)" in (pg.undo() or "")
    assert pg.info()["codings"] == 0
