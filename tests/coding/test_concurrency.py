"""Two processes (two browser tabs, the CLI and the workspace) coding one project at once."""

from __future__ import annotations

import multiprocessing as mp

import qualcode


def _code_all(path: str, coder: str, code_id: str, segment_ids: list[int]) -> None:
    with qualcode.open_project(path, coder=coder) as project:
        for sid in segment_ids:
            project.code(sid, code_id)


def test_two_processes_coding_at_once_lose_nothing(coding_project: qualcode.Project) -> None:
    path = coding_project.engine.url.database
    segment_ids = [int(i) for i in coding_project.segments().id]
    ctx = mp.get_context("spawn")
    workers = [ctx.Process(target=_code_all, args=(path, coder, code, segment_ids))
               for coder, code in (("tab one", "finance"), ("tab two", "caf"))]
    for w in workers:
        w.start()
    for w in workers:
        w.join(timeout=120)
        assert w.exitcode == 0
    codings = coding_project.codings()
    assert len(codings) == 2 * len(segment_ids)
    assert codings.groupby("coder").size().to_dict() == {"tab one": len(segment_ids),
                                                         "tab two": len(segment_ids)}
