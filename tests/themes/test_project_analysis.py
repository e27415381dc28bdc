"""Analysis reached from the Project, and the analyst's themes stored in the project."""

from __future__ import annotations

import pytest

import qualcode
from qualcode.errors import QualcodeError
from tests.conftest import seg


@pytest.fixture
def coded(coding_project: qualcode.Project) -> qualcode.Project:
    p = coding_project
    p.code([seg(p, "Funding, mostly."), seg(p, "The money stops after a year.")], "finance",
           valence="-")
    p.code(seg(p, "The money stops after a year."), "short_term_funding", valence="-")
    p.code(seg(p, "Nobody tells us what happened after a CAF."),
           ["caf", "communications_understanding"], valence="-")
    p.code(seg(p, "We never see the budget."), "finance", valence="-")
    p.code(seg(p, "Joint training helped us a lot."), "training", valence="+")
    return p


def test_breakdown_and_valence_by_group_from_the_project(coded: qualcode.Project) -> None:
    table = coded.breakdown()
    heads = table[(table.group == "head_teacher") & (table.code_id == "finance")].iloc[0]
    assert heads.n == 1 and heads.group_total == 4 and heads.share_of_group == pytest.approx(0.25)
    valence = coded.valence_by_group().set_index("group")
    assert valence.loc["teacher", "positive"] == 1 and valence.loc["teacher", "negative"] == 1


def test_matrix_graph_ranking_from_the_project(coded: qualcode.Project) -> None:
    m = coded.cooccurrence_matrix()
    assert m.at["finance", "short_term_funding"] == 1
    assert m.at["caf", "communications_understanding"] == 1
    graph = coded.cooccurrence_graph()
    assert graph.has_edge("caf", "communications_understanding")
    assert graph.nodes["finance"]["name"] == "Finance and funding"
    top = coded.top_codes(valence="-")
    assert top.iloc[0].code_id == "finance" and top.iloc[0].n == 2
    overview = coded.overview_matrix(["finance", "training"])
    assert overview.loc["T1", ("training", "+")] == 1


def test_themes_are_stored_linked_and_mapped(coded: qualcode.Project) -> None:
    coded.save_theme("Money", ["finance", "short_term_funding"], rq="RQ2",
                     description="Money as a barrier")
    coded.save_theme("Knowing each other", ["communications_understanding", "caf", "training"])
    coded.link_themes("Money", "Knowing each other", "budgets decide who comes to meetings")
    themes = coded.themes().set_index("name")
    assert themes.loc["Money", "codes"] == ["finance", "short_term_funding"]
    graph = coded.theme_network()
    assert graph.nodes["Money"]["codings"] == 3
    edge = graph.edges["Money", "Knowing each other"]
    assert edge["linked"] and edge["note"] == "budgets decide who comes to meetings"
    tri = coded.triangulation_table(by_theme=True)
    assert set(tri.index if tri.index.name else tri.iloc[:, 0]) >= {"Money"}
    with pytest.raises(QualcodeError, match="Unknown code id"):
        coded.save_theme("Bad", ["nope"])
    coded.delete_theme("Money")
    assert "Money" not in set(coded.themes().name)
    assert len(coded.codings()) == 6  # codings untouched


def test_cli_analyse(coded: qualcode.Project, tmp_path, capsys) -> None:
    import json

    from qualcode.cli import main

    db = coded.engine.url.database
    assert main(["analyse", db, "breakdown", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert {"group", "code_id", "n", "share_of_group", "per_respondent"} <= set(rows[0])
    assert main(["analyse", db, "ranking", "--valence", "-", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)[0]["code_id"] == "finance"
    assert main(["analyse", db, "graph", "-o", str(tmp_path / "net.graphml")]) == 0
    assert (tmp_path / "net.graphml").read_text().count("<node") >= 4
    assert main(["analyse", db, "matrix", "--codes", "finance", "--csv",
                 str(tmp_path / "m.csv")]) == 0
    assert main(["analyse", db, "breakdown", "--by", "shoe_size"]) == 2
    assert "shoe_size" in capsys.readouterr().err
