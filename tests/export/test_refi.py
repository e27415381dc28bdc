"""REFI-QDA export: the .qdpx archive, the project.qde structure and character offsets."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import yaml

import qualcode
from qualcode.coding.codebook_qdc import split_description
from qualcode.export.refi import NAMESPACE, export_qdpx, user_guid

Q = f"{{{NAMESPACE}}}"


def read_archive(data: bytes) -> tuple[ET.Element, dict[str, bytes]]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        files = {name: zf.read(name) for name in zf.namelist()}
    return ET.fromstring(files["project.qde"]), files


def test_archive_layout_and_project_element(coded_demo: qualcode.Project,
                                            tmp_path: Path) -> None:
    target = tmp_path / "demo.qdpx"
    counts = export_qdpx(coded_demo, target)
    root, files = read_archive(target.read_bytes())
    info = coded_demo.info()
    assert counts["documents"] == info["documents"] and counts["codings"] == info["codings"]
    assert counts["respondents"] == info["respondents"] and counts["issues"] == 2
    assert root.tag == f"{Q}Project"
    assert root.get("name") == "coded" and root.get("origin") == "qualcode"
    assert root.get("creatingUserGUID") == user_guid("demo")
    assert [child.tag.removeprefix(Q) for child in root] == [
        "Users", "CodeBook", "Variables", "Cases", "Sources", "Notes"]
    users = {u.get("name"): u.get("guid") for u in root.iterfind(f"{Q}Users/{Q}User")}
    assert users == {"demo": user_guid("demo"), "second": user_guid("second")}
    sources = root.findall(f"{Q}Sources/{Q}TextSource")
    assert len(sources) == info["documents"]
    members = {name for name in files if name.startswith("Sources/")}
    assert members == {f"Sources/{s.get('guid')}.txt" for s in sources}
    for source in sources:
        assert source.get("plainTextPath") == f"internal://{source.get('guid')}.txt"
    # no leftover temporary file next to the target
    assert [p.name for p in tmp_path.iterdir()] == ["demo.qdpx"]


def test_codebook_reuses_the_qdc_trailer(coded_demo: qualcode.Project) -> None:
    buffer = io.BytesIO()
    export_qdpx(coded_demo, buffer)
    root, _files = read_archive(buffer.getvalue())
    codes = {c.get("name"): c for c in root.iter(f"{Q}Code")}
    assert len(codes) == len(coded_demo.codebook())
    rq1 = codes["RQ1 Strategic management and MAW"]
    assert rq1.get("isCodable") == "false"
    assert rq1.find(f"{Q}Code").get("name") == "Strategic management"  # nested
    _text, trailer = split_description(rq1.find(f"{Q}Description").text)
    assert trailer is not None and "id: rq1" in trailer and "rq: RQ1" in trailer
    _text, trailer = split_description(codes["Work shadowing"].find(f"{Q}Description").text)
    assert trailer is not None and "archived: true" in trailer


def test_selections_codings_and_marks(coded_demo: qualcode.Project) -> None:
    buffer = io.BytesIO()
    export_qdpx(coded_demo, buffer)
    root, files = read_archive(buffer.getvalue())
    codings = coded_demo.codings()
    code_guid = dict(zip(coded_demo.codebook().id, coded_demo.codebook().guid))
    selections = list(root.iter(f"{Q}PlainTextSelection"))
    assert len(selections) == len(codings)
    by_span = {}
    for source in root.iterfind(f"{Q}Sources/{Q}TextSource"):
        text = files[f"Sources/{source.get('guid')}.txt"].decode("utf-8")
        for sel in source.iterfind(f"{Q}PlainTextSelection"):
            start, end = int(sel.get("startPosition")), int(sel.get("endPosition"))
            coding = sel.find(f"{Q}Coding")
            assert coding.get("creatingUser") == sel.get("creatingUser")
            code_ref = coding.find(f"{Q}CodeRef").get("targetGUID")
            by_span[(text[start:end], code_ref)] = sel
    for row in codings.itertuples():
        sel = by_span[(row.text, code_guid[row.code_id])]
        assert sel.get("creatingUser") == user_guid(row.coder)
        description = sel.find(f"{Q}Description")
        if row.valence == "0" and not row.flags and not isinstance(row.dimension, str) \
                and row.source == "manual":
            assert description is None
        else:
            trailer = split_description(description.text)[1]
            assert trailer is not None
            marks = yaml.safe_load(trailer)
            assert marks.get("valence", "0") == row.valence
            assert marks.get("flags", []) == list(row.flags)
            assert marks.get("dimension") == (row.dimension if isinstance(row.dimension, str)
                                              else None)
            assert marks.get("source", "manual") == row.source
        has_memo = isinstance(row.memo, str) and bool(row.memo)
        assert (sel.find(f"{Q}NoteRef") is not None) == (
            has_memo or row.id in {i for ids in coded_demo.issues().coding_ids for i in ids})


def test_cases_variables_and_notes(coded_demo: qualcode.Project) -> None:
    buffer = io.BytesIO()
    export_qdpx(coded_demo, buffer)
    root, _files = read_archive(buffer.getvalue())
    variables = {v.get("guid"): (v.get("name"), v.get("typeOfVariable"))
                 for v in root.iterfind(f"{Q}Variables/{Q}Variable")}
    names = {name: kind for name, kind in variables.values()}
    assert names["id"] == "Integer" and names["group"] == "Text"
    assert names["trial"] == "Boolean" and names["members"] == "Integer"
    assert names["setting_type"] == "Text" and names["gender"] == "Text"
    cases = {c.get("name"): c for c in root.iterfind(f"{Q}Cases/{Q}Case")}
    assert set(cases) == set(coded_demo.respondents().label)
    values = {}
    for holder in cases["HT4"].iterfind(f"{Q}VariableValue"):
        name, _kind = variables[holder.find(f"{Q}VariableRef").get("targetGUID")]
        values[name] = holder[1].text
    assert values["id"] == "4" and values["group"] == "head_teacher"
    assert values["trial"] == "true" and values["setting_type"] == "infant school"
    source_names = {s.get("guid"): s.get("name")
                    for s in root.iterfind(f"{Q}Sources/{Q}TextSource")}
    refs = [source_names[r.get("targetGUID")] for r in cases["HT1"].iterfind(f"{Q}SourceRef")]
    assert sorted(refs) == ["HT1_interview", "Running record, interview 1"]
    notes = root.findall(f"{Q}Notes/{Q}Note")
    issues = [n for n in notes if "kind: issue" in n.find(f"{Q}Description").text]
    memos = [n for n in notes if "kind: memo" in n.find(f"{Q}Description").text]
    assert len(issues) == 2
    assert len(memos) == sum(1 for m in coded_demo.codings().memo if isinstance(m, str) and m)
    finance = next(n for n in issues if n.find(f"{Q}PlainTextContent").text.startswith("Short"))
    finance_guid = dict(zip(coded_demo.codebook().id, coded_demo.codebook().guid))["finance"]
    assert finance.find(f"{Q}Coding/{Q}CodeRef").get("targetGUID") == finance_guid
    pointing = [s for s in root.iter(f"{Q}PlainTextSelection")
                if any(r.get("targetGUID") == finance.get("guid")
                       for r in s.iterfind(f"{Q}NoteRef"))]
    issue_frame = coded_demo.issues()
    linked = issue_frame[issue_frame.code_id == "finance"].coding_ids.iloc[0]
    assert len(pointing) == len(linked) >= 1


def test_positions_count_characters_not_bytes(small_project: qualcode.Project,
                                              tmp_path: Path) -> None:
    text = "Café — naïve talk first. Then the budget was cut.\n"
    (tmp_path / "notes.txt").write_text(text, encoding="utf-8")
    doc = small_project.import_file(tmp_path / "notes.txt", kind="document").document_ids[0]
    small_project.add_code("budget", "Budget", origin="a_priori")
    start = text.index("budget")
    small_project.code_span(doc, start, start + 6, "budget", valence="-")
    buffer = io.BytesIO()
    export_qdpx(small_project, buffer)
    root, files = read_archive(buffer.getvalue())
    sel = next(root.iter(f"{Q}PlainTextSelection"))
    assert int(sel.get("startPosition")) == start != text.encode("utf-8").index(b"budget")
    source = root.find(f"{Q}Sources/{Q}TextSource")
    plain = files[f"Sources/{source.get('guid')}.txt"].decode("utf-8")
    assert plain == text
    assert plain[int(sel.get("startPosition")):int(sel.get("endPosition"))] == "budget"


def test_guids_are_stable_between_exports(coded_demo: qualcode.Project) -> None:
    first, second = io.BytesIO(), io.BytesIO()
    export_qdpx(coded_demo, first)
    export_qdpx(coded_demo, second)
    guids = [[e.get("guid") for e in read_archive(b.getvalue())[0].iter() if e.get("guid")]
             for b in (first, second)]
    assert guids[0] == guids[1] and len(set(guids[0])) == len(guids[0])


def test_empty_project_exports_a_valid_archive(project: qualcode.Project) -> None:
    buffer = io.BytesIO()
    counts = export_qdpx(project, buffer, name="empty study")
    root, files = read_archive(buffer.getvalue())
    assert counts["documents"] == 0 and list(files) == ["project.qde"]
    assert root.get("name") == "empty study"
    assert [child.tag.removeprefix(Q) for child in root] == ["Users"]
