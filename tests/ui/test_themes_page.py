"""The Themes page: code network, candidate themes, theme builder, links, theme network."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import qualcode
from tests.ui.analysis_support import chart, coded_copy, copy_demo, open_page, table_with, texts


@pytest.fixture(scope="module")
def coded_master(demo_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo study with about 100 codings (coded once for this module)."""
    return coded_copy(demo_dir, tmp_path_factory.mktemp("themes_master"))


@pytest.fixture
def coded(coded_master: Path, tmp_path: Path) -> Path:
    """A private copy of the coded study that a test may change."""
    target = tmp_path / "coded.qualcode"
    shutil.copyfile(coded_master, target)
    return target


def test_network_shows_the_codes_with_their_counts_and_communities(coded: Path) -> None:
    at = open_page("themes", coded)

    assert not at.exception
    spec, data = chart(at, "Code co-occurrence network (segment level, count)")
    nodes = next(d for d in data if "partners" in d.columns)
    edges = next(d for d in data if "source_name" in d.columns)
    assert {"Finance and funding", "Trust and relationships"} <= set(nodes["name"])
    finance = nodes.set_index("id").loc["finance"]
    with qualcode.open_project(coded) as project:
        graph = project.cooccurrence_graph()
    assert finance["codings"] == graph.nodes["finance"]["codings"]
    assert len(edges) == graph.number_of_edges()
    tooltip_titles = {t["title"] for layer in spec["layer"]
                      for t in layer["encoding"].get("tooltip", [])}
    assert {"Code", "Codings", "Community", "Strongest links"} <= tooltip_titles
    assert [b.label for b in at.button].count("Save as theme") == 3
    assert [d.label for d in at.get("download_button")] == ["Download GraphML",
                                                           "Download GEXF"]


def test_filters_redraw_the_network_or_say_nothing_matches(coded: Path) -> None:
    at = open_page("themes", coded)
    at.selectbox(key="net_level").set_value("document")
    at.selectbox(key="net_measure").set_value("jaccard")
    at.multiselect(key="net_groups").set_value(["head_teacher", "officer"])
    at.multiselect(key="net_valence").set_value(["-", "+"])
    at.radio(key="net_colour").set_value("rq")
    at.run()

    assert not at.exception
    spec, _ = chart(at, "Code co-occurrence network (document level, jaccard)")
    node_layer = next(layer for layer in spec["layer"] if layer["mark"]["type"] == "circle")
    assert node_layer["encoding"]["color"]["title"] == "Research question"

    at.selectbox(key="net_rq").set_value("RQ4").run()  # nothing is coded under RQ4
    assert not at.exception
    assert "No codings match these filters" in texts(at)


def test_save_a_candidate_theme(coded: Path) -> None:
    at = open_page("themes", coded)
    first_name = at.text_input(key=at.text_input[0].key).value
    at.button[0].click().run()

    assert not at.exception
    with qualcode.open_project(coded) as project:
        themes = project.themes()
    assert themes["name"].tolist() == [first_name]
    assert len(themes["codes"].iloc[0]) >= 2
    assert f"Saved theme '{first_name}'" in texts(at)


def test_theme_builder_saves_lists_and_deletes_after_confirmation(coded: Path) -> None:
    at = open_page("themes", coded)
    picker = at.multiselect(key="theme_codes")
    picked = [o for o in picker.options if o.endswith(("(finance)", "(trust)"))]
    at.text_input(key="theme_name").input("Money and trust")
    at.selectbox(key="theme_rq").set_value("RQ2")
    at.text_area(key="theme_description").input("Funding shapes relationships.")
    picker.set_value(picked)
    at.button(key="FormSubmitter:theme_form-Save theme").click().run()

    assert not at.exception
    with qualcode.open_project(coded) as project:
        saved = project.themes().set_index("name").loc["Money and trust"]
    assert sorted(saved["codes"]) == ["finance", "trust"]
    assert saved["rq"] == "RQ2"
    shown = texts(at)
    assert "Money and trust" in shown and "Finance and funding, Trust and relationships" in shown

    at.button(key=f"delete_theme_{saved['id']}").click().run()
    assert "Delete the theme 'Money and trust'" in texts(at)
    with qualcode.open_project(coded) as project:
        assert "Money and trust" in project.themes()["name"].tolist()  # not yet

    at.button(key=f"confirm_delete_{saved['id']}").click().run()
    assert not at.exception
    with qualcode.open_project(coded) as project:
        assert project.themes().empty
    assert "No themes yet" in texts(at)


def test_link_two_themes_with_a_note_and_see_the_theme_network(coded: Path) -> None:
    with qualcode.open_project(coded) as project:
        project.save_theme("Money worries", ["finance", "structural_issues"], rq="RQ2")
        project.save_theme("Working together", ["trust", "training"])
    at = open_page("themes", coded)
    at.selectbox(key="link_first").set_value("Money worries")
    at.selectbox(key="link_second").set_value("Working together")
    at.text_area(key="link_note").input("Cuts end the joint training")
    at.button(key="FormSubmitter:link_form-Save link").click().run()

    assert not at.exception
    links = table_with(at, "source", "target", "note")
    assert links["note"].tolist() == ["Cuts end the joint training"]
    with qualcode.open_project(coded) as project:
        assert project.theme_links()["note"].tolist() == ["Cuts end the joint training"]
    _, data = chart(at, "Theme network")
    edges = next(d for d in data if "note" in d.columns)
    assert "Cuts end the joint training" in edges["note"].tolist()

    # a theme linked to itself is refused with the library's message, not a traceback
    at.selectbox(key="link_second").set_value("Money worries")
    at.button(key="FormSubmitter:link_form-Save link").click().run()
    assert not at.exception
    assert any("different theme" in e.value for e in at.error)


def test_an_uncoded_project_says_what_to_do(demo_dir: Path, tmp_path: Path) -> None:
    at = open_page("themes", copy_demo(demo_dir, tmp_path))

    assert not at.exception
    assert any("No codings yet" in i.value for i in at.info)
    assert not at.get("vega_lite_chart")
    assert at.text_input(key="theme_name")  # themes can still be built from the codebook


def test_theme_names_and_notes_show_as_text(coded: Path) -> None:
    with qualcode.open_project(coded) as project:
        project.save_theme("[click](http://example.invalid) **loud**", ["finance"],
                           description="<img src=x onerror=alert(1)>")
    at = open_page("themes", coded)

    assert not at.exception
    shown = texts(at)
    assert "\\[click\\]\\(http://example\\.invalid\\) \\*\\*loud\\*\\*" in shown
    assert "\\<img src" in shown and "<img" not in shown.replace("\\<img", "")
