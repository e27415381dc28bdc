"""Suggestions inside a project: before and after coding, feedback, next to code, accuracy."""

from __future__ import annotations

from pathlib import Path

import pytest

import qualcode
from qualcode.demo import apply_coded_extracts, coded_extracts_path
from qualcode.errors import CodingError


def _segment(project: qualcode.Project, words: str) -> int:
    segs = project.segments()
    hit = segs[segs.text.str.contains(words, regex=False) & ~segs.is_interviewer]
    return int(hit.id.iloc[0])


def test_codebook_stage_before_any_coding_explains_itself(demo_copy: Path) -> None:
    with qualcode.open_project(demo_copy) as project:
        sid = _segment(project, "CAF")
        frame = project.suggestions([sid])
        assert not frame.empty and set(frame.stage) == {"codebook"}
        assert "caf" in frame.code_id.tolist()
        reasons = frame.set_index("code_id").loc["caf", "reasons"]
        assert any("keyword" in r for r in reasons)


def test_learning_feedback_and_next_to_code(demo_copy: Path) -> None:
    with qualcode.open_project(demo_copy, coder="tester") as project:
        apply_coded_extracts(project, coded_extracts_path())
        queue = project.next_to_code(5)
        assert len(queue) == 5 and not set(queue.id) & set(project.segments().query(
            "is_interviewer").id)
        sid = int(queue.id.iloc[0])
        frame = project.suggestions([sid])
        if frame.empty:  # the suggester may abstain; then take another segment
            sid = int(queue.id.iloc[1])
            frame = project.suggestions([sid])
        assert set(frame.stage) == {"learned"}
        top = frame.iloc[0]
        project.reject_suggestion(sid, top.code_id)
        assert top.code_id not in project.suggestions([sid]).code_id.tolist()
        second = project.suggestions([sid])
        if not second.empty:
            (cid,) = project.accept_suggestion(sid, second.code_id.iloc[0])
            coding = project.codings().set_index("id").loc[cid]
            assert coding.source == "suggestion" and coding.valence in {"+", "-", "0"}
        similar = project.similar_segments(int(project.codings().id.iloc[0]), n=3)
        assert len(similar) == 3 and similar.similarity.between(0, 1).all()


def test_accuracy_figures_for_the_project(demo_copy: Path) -> None:
    with qualcode.open_project(demo_copy) as project:
        with pytest.raises(CodingError, match="code at least"):
            project.suggestion_accuracy()
        apply_coded_extracts(project, coded_extracts_path())
        figures = project.suggestion_accuracy(folds=3)
        assert figures["learned"]["top3"] >= figures["codebook_only"]["top3"] - 0.05
        assert 0 < figures["learned"]["top1"] <= figures["learned"]["top3"] <= 1


def test_cli_suggest_eval_prints_both_stages(tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    import json

    from qualcode.cli import main
    from qualcode.demo import codebook_path

    assert main(["suggest-eval", "--codebook", str(codebook_path()), "--coded",
                 str(coded_extracts_path()), "--folds", "3", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert set(result) == {"n", "codes", "codebook_only", "learned"}
    for stage in ("codebook_only", "learned"):
        assert {"top1", "top3", "macro_f1", "valence_accuracy"} <= set(result[stage])
    assert result["learned"]["top3"] > 0.6
    bad = tmp_path / "bad.csv"
    bad.write_text("words,codes\nhello,finance\n", encoding="utf-8")
    assert main(["suggest-eval", "--codebook", str(codebook_path()), "--coded",
                 str(bad)]) == 2
    assert "text" in capsys.readouterr().err
