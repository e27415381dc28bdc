"""REFI-QDA import: round trips, line endings, non-ASCII offsets, other tools, bad input."""

from __future__ import annotations

import io
import json
import re
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

import qualcode
from qualcode.errors import CodebookError, DuplicateImportError, IngestError
from qualcode.export.refi import export_qdpx
from qualcode.export.refi_import import _normalised, import_qdpx, read_qdpx
from qualcode.ingest.text import normalise_newlines
from qualcode.store.models import Respondent, Segment
from tests.conftest import SAMPLE, count_rows
from tests.export.conftest import copy_project, make_qdpx

CODING_KEY = ["document_id", "start", "end", "code_id", "coder"]
CODING_FIELDS = ["valence", "flags", "dimension", "memo", "source", "locator", "text",
                 "label", "group", "document_kind", "trial", "rq", "created_at"]


def plain(frame: pd.DataFrame) -> list[dict[str, object]]:
    """Rows as dicts with missing values made None, for comparisons."""
    return [{k: (None if not isinstance(v, (list, dict)) and pd.isna(v) else v)
             for k, v in row.items()} for row in frame.to_dict("records")]


def exported(project: qualcode.Project) -> io.BytesIO:
    buffer = io.BytesIO()
    export_qdpx(project, buffer)
    buffer.seek(0)
    buffer.name = "export.qdpx"
    return buffer


def test_round_trip_keeps_everything(coded_demo: qualcode.Project,
                                     empty_project: qualcode.Project) -> None:
    counts = import_qdpx(exported(coded_demo), empty_project)
    source, target = coded_demo, empty_project
    assert counts["documents"] == source.info()["documents"]
    assert counts["codings"] == source.info()["codings"] and counts["issues"] == 2
    # documents: same text, kind, title, source file, sha256, metadata, respondent
    doc_columns = ["respondent", "label", "kind", "title", "source", "sha256", "metadata",
                   "text"]
    assert plain(target.documents()[doc_columns]) == plain(source.documents()[doc_columns])
    assert plain(target.segments().drop(columns="id")) == plain(
        source.segments().drop(columns="id"))
    # respondents with every attribute
    assert plain(target.respondents()) == plain(source.respondents())
    # codes: id, guid, parent and every field (archived and categories included)
    assert plain(target.codebook()) == plain(source.codebook())
    # codings: span, code, coder, marks, memo, source, locator, time
    ours = source.codings().sort_values(CODING_KEY)[CODING_KEY + CODING_FIELDS]
    theirs = target.codings().sort_values(CODING_KEY)[CODING_KEY + CODING_FIELDS]
    assert plain(theirs) == plain(ours)
    # Issues with their code, text, coder, time and supporting extracts
    columns = ["code_id", "text", "coder", "created_at", "references"]
    assert plain(target.issues()[columns]) == plain(source.issues()[columns])
    # the import is in the audit log, with what it added
    log = target.audit()
    entry = log[log.action == "import"].iloc[0]
    assert entry.entity == "project" and entry.entity_id == "export.qdpx"
    assert entry.after["codings"] == len(target.codings())
    assert entry.after["document_ids"] == target.documents().id.tolist()


def test_round_trip_twice_gives_the_same_file(coded_demo: qualcode.Project,
                                              empty_project: qualcode.Project) -> None:
    first = exported(coded_demo)
    import_qdpx(first, empty_project)
    with zipfile.ZipFile(first) as zf:
        sources_a = sorted(zf.read(n) for n in zf.namelist() if n.startswith("Sources/"))
    with zipfile.ZipFile(exported(empty_project)) as zf:
        sources_b = sorted(zf.read(n) for n in zf.namelist() if n.startswith("Sources/"))
    assert sources_a == sources_b


def test_import_from_a_path(coded_demo: qualcode.Project, empty_project: qualcode.Project,
                            tmp_path: Path) -> None:
    path = tmp_path / "study.qdpx"
    export_qdpx(coded_demo, path)
    assert import_qdpx(path, empty_project)["codings"] == coded_demo.info()["codings"]


def test_importing_the_same_archive_twice_is_refused(coded_demo: qualcode.Project,
                                                     empty_project: qualcode.Project) -> None:
    import_qdpx(exported(coded_demo), empty_project)
    before = count_rows(empty_project)
    with pytest.raises(DuplicateImportError, match="already imported"):
        import_qdpx(exported(coded_demo), empty_project)
    assert count_rows(empty_project) == before


def test_offsets_count_characters_with_accents_and_dashes(
        small_project: qualcode.Project, empty_project: qualcode.Project,
        tmp_path: Path) -> None:
    text = "Café — naïve talk first 😀. Then the budget was cut.\nLast line é.\n"
    (tmp_path / "notes.txt").write_text(text, encoding="utf-8")
    doc = small_project.import_file(tmp_path / "notes.txt", kind="document").document_ids[0]
    small_project.add_code("budget", "Budget", origin="a_priori")
    start = text.index("budget was cut")
    small_project.code_span(doc, start, start + len("budget was cut"), "budget",
                            valence="-", memo="naïve — memo")
    import_qdpx(exported(small_project), empty_project)
    row = empty_project.codings().iloc[0]
    assert row.text == "budget was cut" and row.start == start
    assert row.memo == "naïve — memo" and row.valence == "-"


QDE_HEAD = '<?xml version="1.0" encoding="utf-8"?>\n<Project xmlns="urn:QDA-XML:project:1.0" ' \
           'name="hand" origin="QualCoder">'


def crlf_archive(text: str, start: int, end: int) -> io.BytesIO:
    qde = QDE_HEAD + f"""
<Users><User guid="0b3d1c8e-8c1a-4d6e-9d8f-111111111111" name="colin"/></Users>
<CodeBook><Codes>
  <Code guid="0b3d1c8e-8c1a-4d6e-9d8f-222222222222" name="Funding" isCodable="true"/>
</Codes></CodeBook>
<Sources>
  <TextSource guid="0b3d1c8e-8c1a-4d6e-9d8f-333333333333" name="notes.txt"
      plainTextPath="internal://notes.txt">
    <PlainTextSelection guid="0b3d1c8e-8c1a-4d6e-9d8f-444444444444" name="x"
        startPosition="{start}" endPosition="{end}"
        creatingUser="0b3d1c8e-8c1a-4d6e-9d8f-111111111111">
      <Coding guid="0b3d1c8e-8c1a-4d6e-9d8f-555555555555"
          creatingUser="0b3d1c8e-8c1a-4d6e-9d8f-111111111111">
        <CodeRef targetGUID="0b3d1c8e-8c1a-4d6e-9d8f-222222222222"/>
      </Coding>
    </PlainTextSelection>
  </TextSource>
</Sources></Project>"""
    return make_qdpx(qde, {"Sources/notes.txt": text.encode("utf-8")})


def test_crlf_sources_keep_codings_on_the_same_words(empty_project: qualcode.Project) -> None:
    text = "First line.\r\nSecond line.\r\n\r\nThe funding stops\r\nafter a year.\rEnd.\r\n"
    start = text.index("funding stops")
    end = text.index("a year") + len("a year")
    import_qdpx(crlf_archive(text, start, end), empty_project)
    row = empty_project.codings().iloc[0]
    assert row.text == "funding stops\nafter a year"
    assert row.coder == "colin" and row.code_id == "funding" and row.source == "import"
    assert empty_project.documents().text.iloc[0] == text.replace("\r\n", "\n").replace(
        "\r", "\n")


def test_qualcoder_style_archive(empty_project: qualcode.Project) -> None:
    qde = QDE_HEAD + """
<Users><User guid="aaaaaaaa-0000-4000-8000-000000000001" name="colin"/></Users>
<CodeBook><Codes>
  <Code guid="aaaaaaaa-0000-4000-8000-000000000010" name="Barriers" isCodable="false"
      color="#F00">
    <Description>Things in the way</Description>
    <Code guid="aaaaaaaa-0000-4000-8000-000000000011" name="Money worries" isCodable="true"/>
    <Code guid="aaaaaaaa-0000-4000-8000-000000000012" name="Jargon" isCodable="true"/>
  </Code>
</Codes></CodeBook>
<Variables>
  <Variable guid="aaaaaaaa-0000-4000-8000-000000000020" name="Role" typeOfVariable="Text"/>
  <Variable guid="aaaaaaaa-0000-4000-8000-000000000021" name="Age" typeOfVariable="Integer"/>
</Variables>
<Cases>
  <Case guid="aaaaaaaa-0000-4000-8000-000000000030" name="Mrs Smith">
    <VariableValue><VariableRef targetGUID="aaaaaaaa-0000-4000-8000-000000000020"/>
      <TextValue>school nurse</TextValue></VariableValue>
    <VariableValue><VariableRef targetGUID="aaaaaaaa-0000-4000-8000-000000000021"/>
      <IntegerValue>44</IntegerValue></VariableValue>
    <SourceRef targetGUID="aaaaaaaa-0000-4000-8000-000000000040"/>
  </Case>
</Cases>
<Sources>
  <TextSource guid="aaaaaaaa-0000-4000-8000-000000000040" name="Interview 1.docx"
      creatingUser="aaaaaaaa-0000-4000-8000-000000000001">
    <PlainTextContent>We never have the money. The forms use words nobody knows.</PlainTextContent>
    <PlainTextSelection guid="aaaaaaaa-0000-4000-8000-000000000050" name="We never"
        startPosition="0" endPosition="24"
        creatingUser="aaaaaaaa-0000-4000-8000-000000000001"
        creationDateTime="2023-04-05T10:11:12Z">
      <Description>She sounded tired here.</Description>
      <Coding guid="aaaaaaaa-0000-4000-8000-000000000060"
          creatingUser="aaaaaaaa-0000-4000-8000-000000000001">
        <CodeRef targetGUID="aaaaaaaa-0000-4000-8000-000000000011"/>
      </Coding>
      <Coding guid="aaaaaaaa-0000-4000-8000-000000000061">
        <CodeRef targetGUID="aaaaaaaa-0000-4000-8000-000000000012"/>
      </Coding>
    </PlainTextSelection>
    <PlainTextSelection guid="aaaaaaaa-0000-4000-8000-000000000051" name="forms"
        startPosition="25" endPosition="58">
      <Coding guid="aaaaaaaa-0000-4000-8000-000000000062">
        <CodeRef targetGUID="aaaaaaaa-0000-4000-8000-000000000012"/>
      </Coding>
      <NoteRef targetGUID="aaaaaaaa-0000-4000-8000-000000000070"/>
    </PlainTextSelection>
  </TextSource>
  <PDFSource guid="aaaaaaaa-0000-4000-8000-000000000041" name="policy.pdf"/>
</Sources>
<Notes>
  <Note guid="aaaaaaaa-0000-4000-8000-000000000070" name="memo">
    <PlainTextContent>Jargon again.</PlainTextContent>
  </Note>
  <Note guid="aaaaaaaa-0000-4000-8000-000000000071" name="project memo">
    <PlainTextContent>Overall thoughts.</PlainTextContent>
  </Note>
</Notes>
</Project>"""
    counts = import_qdpx(make_qdpx(qde), empty_project)
    assert counts["skipped_sources"] == 1 and counts["unused_notes"] == 1
    assert counts["documents"] == 1 and counts.get("respondents_added", 0) == 0
    book = empty_project.codebook().set_index("id")
    assert list(book.index) == ["barriers", "money_worries", "jargon"]
    assert not book.loc["barriers", "codable"] and book.loc["barriers", "colour"] == "#FF0000"
    assert book.loc["jargon", "parent_id"] == "barriers"
    assert empty_project.respondents().empty  # no group: no respondent is invented
    doc = empty_project.documents().iloc[0]
    assert doc.kind == "document" and pd.isna(doc.respondent) and doc.title == "Interview 1.docx"
    assert doc.metadata["cases"] == [{"name": "Mrs Smith",
                                      "variables": {"Role": "school nurse", "Age": 44}}]
    codings = empty_project.codings().sort_values(["start", "code_id"])
    assert codings.text.tolist() == ["We never have the money.", "We never have the money.",
                                     "The forms use words nobody knows."]
    assert codings.code_id.tolist() == ["jargon", "money_worries", "jargon"]
    assert codings.memo.tolist() == ["She sounded tired here.", "She sounded tired here.",
                                     "Jargon again."]
    assert set(codings.coder) == {"colin", "importer"}
    assert codings.locator.tolist()[0].startswith("Interview 1/P")
    first = codings[codings.code_id == "money_worries"].iloc[0]
    assert first.created_at == pd.Timestamp("2023-04-05 10:11:12")
    assert (codings.valence == "0").all() and (codings.source == "import").all()


def test_foreign_case_with_a_valid_group_becomes_a_respondent(
        empty_project: qualcode.Project) -> None:
    qde = QDE_HEAD + """
<Variables>
  <Variable guid="bbbbbbbb-0000-4000-8000-000000000020" name="group" typeOfVariable="Text"/>
  <Variable guid="bbbbbbbb-0000-4000-8000-000000000021" name="setting" typeOfVariable="Text"/>
</Variables>
<Cases>
  <Case guid="bbbbbbbb-0000-4000-8000-000000000030" name="HT9">
    <VariableValue><VariableRef targetGUID="bbbbbbbb-0000-4000-8000-000000000020"/>
      <TextValue>Head teacher</TextValue></VariableValue>
    <VariableValue><VariableRef targetGUID="bbbbbbbb-0000-4000-8000-000000000021"/>
      <TextValue>rural primary</TextValue></VariableValue>
    <SourceRef targetGUID="bbbbbbbb-0000-4000-8000-000000000040"/>
  </Case>
</Cases>
<Sources>
  <TextSource guid="bbbbbbbb-0000-4000-8000-000000000040" name="ht9.txt">
    <PlainTextContent>Interviewer: What gets in the way?
Respondent: Money. Always money.
</PlainTextContent>
  </TextSource>
</Sources></Project>"""
    import_qdpx(make_qdpx(qde), empty_project)
    people = empty_project.respondents()
    assert people[["id", "label", "group", "setting"]].values.tolist() == [
        [1, "HT9", "head_teacher", "rural primary"]]
    doc = empty_project.documents().iloc[0]
    assert doc.label == "HT9" and doc.kind == "transcript"


def bad_archive_cases() -> list[tuple[str, object, type[Exception], str]]:
    good_text = "We never have the money."
    selection = ('<PlainTextSelection guid="cccccccc-0000-4000-8000-000000000050" '
                 'startPosition="{start}" endPosition="{end}"><Coding '
                 'guid="cccccccc-0000-4000-8000-000000000060"><CodeRef targetGUID="{code}"/>'
                 '</Coding></PlainTextSelection>')
    code = "cccccccc-0000-4000-8000-000000000011"

    def qde(sel: str, head: str = QDE_HEAD) -> str:
        return head + f"""<CodeBook><Codes><Code guid="{code}" name="Money" isCodable="true"/>
</Codes></CodeBook><Sources><TextSource guid="cccccccc-0000-4000-8000-000000000040"
name="a.txt"><PlainTextContent>{good_text}</PlainTextContent>{sel}</TextSource></Sources>
</Project>"""

    not_zip = io.BytesIO(b"this is not a zip file at all")
    no_qde = io.BytesIO()
    with zipfile.ZipFile(no_qde, "w") as zf:
        zf.writestr("Sources/a.txt", "text")
    no_qde.seek(0)
    doctype = ('<?xml version="1.0"?><!DOCTYPE Project [<!ENTITY x "boom">]>'
               + qde("")[len('<?xml version="1.0" encoding="utf-8"?>\n'):])
    return [
        ("not a zip", not_zip, IngestError, "not a zip archive"),
        ("no project.qde", no_qde, IngestError, "holds no project.qde"),
        ("outside", make_qdpx(qde(selection.format(start=10, end=99, code=code))),
         IngestError, "outside the text"),
        ("negative", make_qdpx(qde(selection.format(start=-1, end=5, code=code))),
         IngestError, "outside the text"),
        ("unknown code", make_qdpx(qde(selection.format(
            start=0, end=5, code="cccccccc-0000-4000-8000-0000000000ff"))),
         IngestError, "not in the project's CodeBook"),
        ("doctype", make_qdpx(doctype), IngestError, "DOCTYPE"),
        ("not xml", make_qdpx("<Project"), IngestError, "not valid XML"),
        ("wrong root", make_qdpx('<CodeBook xmlns="urn:QDA-XML:codebook:1.0"/>'),
         IngestError, "load it with load_codebook"),
        ("bad codebook", make_qdpx(QDE_HEAD + '<CodeBook><Codes><Code name="x" '
                                   'isCodable="true"/></Codes></CodeBook></Project>'),
         CodebookError, "no guid"),
        ("missing file", make_qdpx(QDE_HEAD + '<Sources><TextSource guid="cccccccc-0000-4000-'
                                   '8000-000000000040" name="a" plainTextPath="internal://a.txt"'
                                   '/></Sources></Project>'),
         IngestError, "not in the archive"),
        ("bad marks", make_qdpx(qde(selection.format(start=0, end=5, code=code).replace(
            "<Coding", "<Description>--- qualcode ---\nvalence: '?'\n</Description><Coding"))),
         IngestError, "Valence"),
    ]


@pytest.mark.parametrize("case", bad_archive_cases(), ids=lambda c: c[0])
def test_bad_archives_are_refused_and_change_nothing(
        case: tuple[str, object, type[Exception], str],
        small_project: qualcode.Project) -> None:
    _name, archive, error, message = case
    before = count_rows(small_project)
    with pytest.raises(error, match=message):
        import_qdpx(archive, small_project)
    assert count_rows(small_project) == before


def test_a_clashing_respondent_is_refused(coded_demo: qualcode.Project,
                                          small_project: qualcode.Project) -> None:
    """small_project's T1 has id 2, the demo's T1 id 5: refused, nothing imported."""
    before = count_rows(small_project)
    with pytest.raises(qualcode.QualcodeError, match="label 'T1' already belongs"):
        import_qdpx(exported(coded_demo), small_project)
    assert count_rows(small_project) == before


def test_a_late_error_rolls_back_the_whole_import(coded_demo: qualcode.Project,
                                                  empty_project: qualcode.Project) -> None:
    """The target already holds the archive's last document: the import fails after the
    other documents were segmented and stored, and none of them is kept."""
    empty_project.import_respondents(SAMPLE / "respondents.csv")
    last = coded_demo.documents().iloc[-1]
    empty_project.import_file(io.BytesIO(last.text.encode("utf-8")), kind=last.kind,
                              name="last_record.txt")
    before = count_rows(empty_project)
    with pytest.raises(DuplicateImportError, match="already imported"):
        import_qdpx(exported(coded_demo), empty_project)
    assert count_rows(empty_project) == before
    assert empty_project.codebook().empty


def test_size_limits_stop_zip_bombs(coded_demo: qualcode.Project,
                                    empty_project: qualcode.Project) -> None:
    with pytest.raises(IngestError, match="over the limit"):
        import_qdpx(exported(coded_demo), empty_project, max_total_bytes=10_000)
    bomb = make_qdpx(QDE_HEAD + "</Project>", {"Sources/zeros.txt": b"\0" * 3_000_000})
    with pytest.raises(IngestError, match="zip bomb"):
        import_qdpx(bomb, empty_project)
    assert count_rows(empty_project)["documents"] == 0
    # a stored (uncompressed) large member is not a bomb
    stored = make_qdpx(QDE_HEAD + "</Project>", {"Sources/big.txt": b"a" * 2_000_000},
                       compression=zipfile.ZIP_STORED)
    assert read_qdpx(stored).sources == []


def test_read_qdpx_checks_without_importing(coded_demo: qualcode.Project) -> None:
    content = read_qdpx(exported(coded_demo))
    assert len(content.sources) == coded_demo.info()["documents"]
    assert content.codebook is not None
    assert len(content.codebook.codes) == coded_demo.info()["codes"]
    assert sorted(content.users.values()) == ["demo", "second"]


def rewritten(archive: io.BytesIO, *, drop: str | None = None,
              replace: dict[str, bytes] | None = None) -> io.BytesIO:
    """A copy of an archive without one member and with others replaced."""
    out = io.BytesIO()
    with zipfile.ZipFile(archive) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for name in src.namelist():
            if name == drop:
                continue
            dst.writestr(name, (replace or {}).get(name, src.read(name)))
    out.seek(0)
    out.name = "rewritten.qdpx"
    return out


def segment_rows(project: qualcode.Project) -> list[tuple[object, ...]]:
    with project.session() as s:
        return [tuple(r) for r in s.execute(
            select(Segment.document_id, Segment.ordinal, Segment.start, Segment.end,
                   Segment.speaker, Segment.is_interviewer, Segment.question, Segment.page,
                   Segment.turn, Segment.locator, Segment.time_start)
            .order_by(Segment.document_id, Segment.ordinal))]


def test_kept_segments_restore_cue_times(coded_demo: qualcode.Project,
                                         empty_project: qualcode.Project) -> None:
    import_qdpx(exported(coded_demo), empty_project)
    rows = segment_rows(empty_project)
    assert rows == segment_rows(coded_demo)
    assert any(r[-1] is not None for r in rows)  # subtitle cue times survive


def test_without_kept_segments_documents_are_segmented_again(
        coded_demo: qualcode.Project, empty_project: qualcode.Project) -> None:
    archive = rewritten(exported(coded_demo), drop="qualcode/segments.json")
    import_qdpx(archive, empty_project)
    assert [r[:-1] for r in segment_rows(empty_project)] == [
        r[:-1] for r in segment_rows(coded_demo)]
    ours = coded_demo.codings().sort_values(CODING_KEY)[CODING_KEY + CODING_FIELDS]
    theirs = empty_project.codings().sort_values(CODING_KEY)[CODING_KEY + CODING_FIELDS]
    assert plain(theirs) == plain(ours)


def test_kept_segments_of_a_changed_text_are_not_used(coded_demo: qualcode.Project,
                                                      empty_project: qualcode.Project) -> None:
    archive = exported(coded_demo)
    with zipfile.ZipFile(archive) as zf:
        payload = json.loads(zf.read("qualcode/segments.json"))
    for entry in payload["documents"].values():
        entry["text_sha256"] = "0" * 64
        entry["segments"]["locator"] = ["X"] * len(entry["segments"]["locator"])
    archive.seek(0)
    import_qdpx(rewritten(archive, replace={
        "qualcode/segments.json": json.dumps(payload).encode()}), empty_project)
    assert "X" not in set(empty_project.segments().locator)


def test_damaged_kept_segments_are_refused(coded_demo: qualcode.Project,
                                           empty_project: qualcode.Project) -> None:
    archive = exported(coded_demo)
    with zipfile.ZipFile(archive) as zf:
        payload = json.loads(zf.read("qualcode/segments.json"))
    first = next(iter(payload["documents"].values()))
    first["segments"]["end"][0] = 10 ** 9
    archive.seek(0)
    before = count_rows(empty_project)
    with pytest.raises(IngestError, match="segments kept for .* are damaged"):
        import_qdpx(rewritten(archive, replace={
            "qualcode/segments.json": json.dumps(payload).encode()}), empty_project)
    assert count_rows(empty_project) == before
    archive.seek(0)
    with pytest.raises(IngestError, match="segments.json is damaged"):
        import_qdpx(rewritten(archive, replace={"qualcode/segments.json": b"{not json"}),
                    empty_project)


def test_typed_attributes_survive(small_project: qualcode.Project,
                                  empty_project: qualcode.Project, tmp_path: Path) -> None:
    with small_project.session() as s:
        s.get(Respondent, 1).attributes = {"age": 44, "senco": True, "score": 0.5,
                                           "setting_type": "rural primary"}
    (tmp_path / "HT1_notes.txt").write_text("Interviewer: Hello?\nRespondent: Fine.\n",
                                            encoding="utf-8")
    small_project.import_file(tmp_path / "HT1_notes.txt")
    import_qdpx(exported(small_project), empty_project)
    people = empty_project.respondents().set_index("label")
    assert people.loc["HT1", "attributes"] == {"age": 44, "senco": True, "score": 0.5,
                                               "setting_type": "rural primary"}
    assert plain(empty_project.respondents()) == plain(small_project.respondents())


@given(st.text(alphabet="ab é—\r\n\ufeff", max_size=60), st.data())
def test_offset_map_follows_line_ending_normalisation(text: str, data: st.DataObject) -> None:
    new, mapping = _normalised(text)
    assert new == normalise_newlines(text)
    if mapping is None:
        assert new == text
        return
    a = data.draw(st.integers(0, len(text)))
    b = data.draw(st.integers(a, len(text)))
    splits_pair = any(0 < i < len(text) and text[i - 1] == "\r" and text[i] == "\n"
                      for i in (a, b))
    expected = re.sub(r"\r\n?", "\n", text[a:b])
    if a == 0:
        expected = expected.removeprefix("\ufeff")  # only a leading BOM is dropped
    if not splits_pair:
        assert new[mapping[a]:mapping[b]] == expected


def test_round_trip_of_the_hand_coded_demo(demo_dir: Path, tmp_path: Path,
                                           empty_project: qualcode.Project) -> None:
    """The demo study's own hand-coded extracts (coded_extracts.csv) survive too."""
    from qualcode.demo import apply_coded_extracts, coded_extracts_path

    source_file = copy_project(demo_dir / "demo.qualcode", tmp_path / "hand.qualcode")
    with qualcode.open_project(source_file, coder="demo") as source:
        apply_coded_extracts(source, coded_extracts_path())
        assert source.info()["codings"] > 0
        import_qdpx(exported(source), empty_project)
        ours = source.codings().sort_values(CODING_KEY)[CODING_KEY + CODING_FIELDS]
        theirs = empty_project.codings().sort_values(CODING_KEY)[CODING_KEY + CODING_FIELDS]
        assert plain(theirs) == plain(ours)
