"""Reading and writing codebooks: YAML, CSV and REFI-QDA .qdc round trips and validation."""

from __future__ import annotations

import csv
import io
import re
import string
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qualcode.coding.codebook import CODE_ID_RE, COLOUR_RE, Codebook, CodeSpec, guid_for
from qualcode.coding.codebook_io import CSV_COLUMNS, read_codebook, write_codebook
from qualcode.coding.codebook_qdc import TRAILER_MARK, split_description
from qualcode.errors import CodebookError

REPO = Path(__file__).resolve().parents[2]
MAW = REPO / "codebooks" / "multi_agency_working.yaml"
NS = "{urn:QDA-XML:codebook:1.0}"
FORMATS = ("yaml", "csv", "qdc")


def full_codebook() -> Codebook:
    """A small codebook using every field, unicode, commas, newlines and semicolons."""
    return Codebook(
        name="Multi-agency working — “test” frame",
        description="A frame, with commas; semicolons\nand a second line — é.",
        codes=[
            CodeSpec(
                id="rq1",
                name="RQ1 Strategic management",
                rq="RQ1",
                codable=False,
                colour="#1F4E79",
                description="What part does strategy play?",
            ),
            CodeSpec(
                id="strategic_management",
                name="Strategic management, “top-down”",
                parent_id="rq1",
                guid="0f8fad5b-d9cb-469f-a165-70867728950e",
                rq="RQ1",
                description="Leadership above the school;\nboards, the county — é.",
                include="=SUM(A1) looks like a formula, so does\n-this",
                exclude="+ plus, @at and '=quoted'",
                example="“The board sets priorities”, she said; then left.",
                keywords=["partnership board", "strategic, county", "café"],
                colour="#2e75b6",
                origin="emergent",
                origin_note="Raised by HT3;\nadded in week 2",
                archived=True,
            ),
            CodeSpec(id="grandchild", name="Grandchild", parent_id="strategic_management"),
            CodeSpec(id="no_rq", name="No research question", parent_id="rq1", rq=None),
            CodeSpec(id="other", name="Other", rq="RQ2", example="\tindented by a tab"),
        ],
    )


def write_to_bytes(codebook: Codebook, fmt: str) -> bytes:
    buffer = io.BytesIO()
    write_codebook(codebook, buffer, format=fmt)
    return buffer.getvalue()


def round_trip(codebook: Codebook, fmt: str) -> Codebook:
    return read_codebook(io.BytesIO(write_to_bytes(codebook, fmt)), format=fmt)


def read_text(text: str, name: str) -> Codebook:
    """Read a codebook given inline, as if from a file called ``name``."""
    stream = io.StringIO(text)
    stream.name = name  # type: ignore[misc]
    return read_codebook(stream)


# --- round trips ---------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_round_trip_through_each_format_loses_nothing(fmt: str, tmp_path: Path) -> None:
    codebook = full_codebook()
    path = tmp_path / f"book.{fmt}"
    write_codebook(codebook, path)
    assert read_codebook(path) == codebook


def test_yaml_to_csv_to_qdc_to_yaml_gives_the_same_codebook(tmp_path: Path) -> None:
    original = full_codebook()
    write_codebook(original, tmp_path / "a.yaml")
    write_codebook(read_codebook(tmp_path / "a.yaml"), tmp_path / "b.csv")
    write_codebook(read_codebook(tmp_path / "b.csv"), tmp_path / "c.qdc")
    write_codebook(read_codebook(tmp_path / "c.qdc"), tmp_path / "d.yaml")
    final = read_codebook(tmp_path / "d.yaml")
    assert final == original
    assert [c.guid for c in final.codes] == [c.guid for c in original.codes]


def test_codes_come_back_in_tree_order_with_parents() -> None:
    codebook = full_codebook()
    shuffled = Codebook(codebook.name, [codebook.codes[i] for i in (2, 1, 3, 0, 4)])
    back = round_trip(shuffled, "csv")
    assert [c.id for c in back.codes] == [
        "rq1",
        "strategic_management",
        "grandchild",
        "no_rq",
        "other",
    ]
    assert back.by_id()["grandchild"].parent_id == "strategic_management"


# --- YAML ----------------------------------------------------------------------------


def test_written_yaml_is_nested_block_style_and_omits_empty_fields() -> None:
    text = write_to_bytes(full_codebook(), "yaml").decode("utf-8")
    document = yaml.safe_load(text)
    assert document["version"] == 1
    rq1 = document["codes"][0]
    assert [child["id"] for child in rq1["children"]] == ["strategic_management", "no_rq"]
    grandchild = rq1["children"][0]["children"][0]
    assert grandchild == {"id": "grandchild", "name": "Grandchild", "rq": None}
    assert "guid" not in rq1  # the default guid is left out ...
    assert rq1["children"][0]["guid"] == "0f8fad5b-d9cb-469f-a165-70867728950e"  # ... not others
    assert "rq" not in rq1["children"][0]  # inherited from rq1
    assert rq1["children"][1]["rq"] is None  # explicitly none under a parent with RQ1
    assert "include" not in rq1 and "archived" not in rq1 and "keywords" not in rq1
    assert "é" in text and "“" in text  # unicode written as is, not escaped
    assert "{" not in text  # block style
    assert "keywords: [partnership board, 'strategic, county', café]" in text


def test_yaml_rq_is_inherited_and_guid_defaults_to_the_stable_one() -> None:
    book = read_text(
        """
name: Small
codes:
  - id: parent
    name: Parent
    rq: RQ3
    children:
      - id: child
        name: Child
        children:
          - {id: grandchild, name: Grandchild, rq: RQ4}
""",
        "small.yaml",
    )
    by_id = book.by_id()
    assert by_id["child"].rq == "RQ3"
    assert by_id["grandchild"].rq == "RQ4"
    assert by_id["child"].guid == guid_for("child")
    assert by_id["grandchild"].parent_id == "child"
    assert book.description == ""


def test_yaml_without_a_name_takes_the_file_name() -> None:
    book = read_text("codes:\n  - {id: a, name: A}\n", "my_frame.yml")
    assert book.name == "my_frame"


# --- CSV -----------------------------------------------------------------------------


def test_written_csv_has_the_header_keywords_booleans_and_neutralised_formulas() -> None:
    data = write_to_bytes(full_codebook(), "csv")
    assert data.startswith(b"\xef\xbb\xbf")  # BOM, for Excel
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert rows[0] == ["#codebook", "Multi-agency working — “test” frame"]
    assert rows[1][0] == "#description"
    assert rows[2] == list(CSV_COLUMNS)
    assert ",".join(rows[2]) == (
        "id,name,parent_id,guid,rq,description,include,exclude,example,keywords,colour,"
        "origin,origin_note,codable,archived"
    )
    strategic = dict(zip(CSV_COLUMNS, rows[4]))
    assert strategic["keywords"] == "partnership board; strategic, county; café"
    assert strategic["codable"] == "yes" and strategic["archived"] == "yes"
    assert strategic["include"].startswith("'=SUM")
    assert strategic["exclude"].startswith("'+ plus")
    assert dict(zip(CSV_COLUMNS, rows[3]))["codable"] == "no"


def test_hand_made_csv_with_bom_children_first_and_true_false() -> None:
    text = (
        "\ufeffid,name,parent_id,codable,archived,keywords,rq\n"
        "child,Child,parent,TRUE,0,a;b ; c,RQ1\n"
        "parent,Parent,,false,1,,\n"
        ",,,,,,\n"
        "grandchild,Grandchild,child,,,,\n"
    )
    book = read_codebook(io.BytesIO(text.encode("utf-8")), format="csv")
    assert [c.id for c in book.codes] == ["parent", "child", "grandchild"]
    parent, child, grandchild = book.codes
    assert parent.codable is False and parent.archived is True
    assert child.codable is True and child.archived is False
    assert child.keywords == ["a", "b", "c"]
    assert grandchild.rq is None  # CSV rows say their own rq: no inheritance
    assert book.name == "Imported codebook"


def test_csv_reader_restores_cells_that_were_neutralised_by_hand() -> None:
    book = read_text("id,name,description\na,A,'=1+1\nb,B,'plain quote\n", "x.csv")
    assert book.by_id()["a"].description == "=1+1"
    assert book.by_id()["b"].description == "'plain quote"


# --- REFI-QDA .qdc -------------------------------------------------------------------


def test_written_qdc_is_a_refi_codebook_with_nested_codes_and_no_sets() -> None:
    data = write_to_bytes(full_codebook(), "qdc")
    assert data.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    root = ET.fromstring(data)
    assert root.tag == f"{NS}CodeBook"
    assert root.get("origin") == "qualcode"
    assert root.find(f"{NS}Sets") is None
    top = root.findall(f"{NS}Codes/{NS}Code")
    assert [c.get("name") for c in top] == ["RQ1 Strategic management", "Other"]
    assert top[0].get("isCodable") == "false" and top[0].get("color") == "#1F4E79"
    strategic = top[0].find(f"{NS}Code")
    assert strategic is not None
    assert strategic.get("guid") == "0f8fad5b-d9cb-469f-a165-70867728950e"
    assert strategic.get("isCodable") == "true"
    assert [c.get("name") for c in strategic.findall(f"{NS}Code")] == ["Grandchild"]
    for code in root.iter(f"{NS}Code"):  # Description comes before child codes
        assert next(iter(code)).tag == f"{NS}Description"


def test_qdc_trailer_is_readable_key_value_lines_after_the_description() -> None:
    root = ET.fromstring(write_to_bytes(full_codebook(), "qdc"))
    text = root.findtext(f"{NS}Codes/{NS}Code/{NS}Code/{NS}Description")
    assert text is not None
    description, trailer = split_description(text)
    assert description == "Leadership above the school;\nboards, the county — é."
    assert f"\n\n{TRAILER_MARK}\n" in text
    assert trailer is not None
    lines = trailer.splitlines()
    assert lines[:2] == ["id: strategic_management", "rq: RQ1"]
    assert "keywords: [partnership board, 'strategic, county', café]" in lines
    assert "origin: emergent" in lines and "archived: true" in lines
    other = root.findall(f"{NS}Codes/{NS}Code")[1].findtext(f"{NS}Description")
    assert other is not None and other.startswith(TRAILER_MARK)  # no description: block only


QUALCODER_QDC = """<?xml version="1.0" encoding="utf-8"?>
<CodeBook xmlns="urn:QDA-XML:codebook:1.0" origin="QualCoder">
  <Codes>
    <Code guid="A1B2C3D4-0000-4000-8000-000000000001" name="Barriers" isCodable="false">
      <Description>Things in the way</Description>
      <Code guid="a1b2c3d4-0000-4000-8000-000000000002" name="Time &amp; workload"
            isCodable="true" color="#F00">
        <Code guid="{a1b2c3d4-0000-4000-8000-000000000003}" name="Time / workload"
              isCodable="1" color="#00ff00"/>
      </Code>
    </Code>
    <Code guid="a1b2c3d4-0000-4000-8000-000000000004" name="2020 plans" isCodable="true"/>
    <Code guid="a1b2c3d4-0000-4000-8000-000000000005" name="Café — “réseau”" isCodable="true">
      <Description>Line one
Line two</Description>
    </Code>
    <Code guid="a1b2c3d4-0000-4000-8000-000000000006" name="???" isCodable="false"/>
  </Codes>
  <Sets>
    <Set guid="a1b2c3d4-0000-4000-8000-000000000007" name="A set">
      <MemberCode guid="a1b2c3d4-0000-4000-8000-000000000004"/>
    </Set>
  </Sets>
</CodeBook>
"""


def test_a_qualcoder_style_qdc_without_our_block_reads() -> None:
    book = read_codebook(io.BytesIO(QUALCODER_QDC.encode("utf-8")), format="qdc")
    assert [c.id for c in book.codes] == [
        "barriers",
        "time_workload",
        "time_workload_2",
        "code_2020_plans",
        "cafe_reseau",
        "code",
    ]
    by_id = book.by_id()
    assert by_id["barriers"].codable is False and by_id["barriers"].parent_id is None
    assert by_id["barriers"].description == "Things in the way"
    assert by_id["barriers"].guid == "A1B2C3D4-0000-4000-8000-000000000001"
    assert by_id["time_workload"].parent_id == "barriers"
    assert by_id["time_workload"].colour == "#FF0000"  # #RGB expanded
    assert by_id["time_workload_2"].parent_id == "time_workload"
    assert by_id["time_workload_2"].codable is True
    assert by_id["cafe_reseau"].name == "Café — “réseau”"
    assert by_id["cafe_reseau"].description == "Line one\nLine two"
    assert all(c.rq is None and c.origin == "a_priori" for c in book.codes)
    assert book.name == "Imported codebook"
    assert round_trip(book, "qdc") == book  # and once ours, it keeps its ids
    utf16 = io.BytesIO(QUALCODER_QDC.encode("utf-16"))
    assert read_codebook(utf16, format="qdc") == book


def test_qdc_edited_in_another_tool_keeps_our_ids_and_derives_new_ones() -> None:
    data = write_to_bytes(full_codebook(), "qdc").decode("utf-8")
    added = (
        '<Code guid="a1b2c3d4-0000-4000-8000-0000000000aa" name="Other" isCodable="true"/>\n'
        "  </Codes>"
    )
    book = read_codebook(io.StringIO(data.replace("</Codes>", added)), format="qdc")
    assert [c.id for c in book.codes][-2:] == ["other", "other_2"]


# --- file-like objects and formats ---------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_file_like_objects_text_and_binary(fmt: str) -> None:
    codebook = full_codebook()
    text_target = io.StringIO()
    write_codebook(codebook, text_target, format=fmt)
    binary_target = io.BytesIO()
    write_codebook(codebook, binary_target, format=fmt)
    assert isinstance(text_target.getvalue(), str)
    assert read_codebook(io.StringIO(text_target.getvalue()), format=fmt) == codebook
    binary_target.seek(0)
    assert read_codebook(binary_target, format=fmt) == codebook


def test_the_name_of_a_file_like_object_gives_the_format(tmp_path: Path) -> None:
    path = tmp_path / "frame.qdc"
    with path.open("wb") as handle:
        write_codebook(full_codebook(), handle)
    with path.open("rb") as handle:
        assert read_codebook(handle) == full_codebook()
    upload = io.BytesIO(path.read_bytes())
    upload.name = "uploaded.QDC"  # type: ignore[misc]
    assert read_codebook(upload) == full_codebook()


def test_format_argument_overrides_the_suffix(tmp_path: Path) -> None:
    path = tmp_path / "frame.txt"
    write_codebook(full_codebook(), path, format="yml")
    assert read_codebook(path, format="yaml") == full_codebook()


def test_unknown_suffix_lists_the_accepted_ones(tmp_path: Path) -> None:
    with pytest.raises(CodebookError, match=r"frame\.txt.*\.yaml, \.yml, \.csv, \.qdc"):
        read_codebook(tmp_path / "frame.txt")
    with pytest.raises(CodebookError, match=r"\.yaml, \.yml, \.csv, \.qdc"):
        write_codebook(full_codebook(), tmp_path / "frame.json")
    with pytest.raises(CodebookError, match="unknown codebook format 'xlsx'"):
        read_codebook(io.StringIO("x"), format="xlsx")
    with pytest.raises(CodebookError, match="pass format="):
        read_codebook(io.StringIO("codes: []"))


def test_missing_file_or_text_instead_of_a_path_is_a_codebook_error(tmp_path: Path) -> None:
    with pytest.raises(CodebookError, match=r"nothere\.yaml does not exist"):
        read_codebook(tmp_path / "nothere.yaml")
    with pytest.raises(CodebookError, match="wrap the text in io.StringIO"):
        read_codebook("name: X\ncodes: []\n")


# --- invalid files -------------------------------------------------------------------

CSV_HEAD = "id,name,parent_id,guid,colour,origin,codable,archived\n"

INVALID = [
    # (file name, content, regexes the message must match)
    ("bad.yaml", "name: [unclosed\n", [r"bad\.yaml is not valid YAML", r"line \d"]),
    ("list.yaml", "- id: a\n", [r"list\.yaml is not a qualcode YAML codebook"]),
    ("bad.qdc", "<CodeBook><Codes>", [r"bad\.qdc is not a valid XML file"]),
    ("bad.csv", "\x00\x01binary", [r"bad\.csv is not a text file"]),
    ("nohead.csv", "code,label\na,A\n", [r"nohead\.csv row 1", "id and name"]),
    (
        "ns.qdc",
        '<CodeBook xmlns="urn:QDA-XML:project:1.0"><Codes/></CodeBook>',
        [r"ns\.qdc", "namespace", "urn:QDA-XML:codebook:1.0"],
    ),
    (
        "project.qdc",
        '<Project xmlns="urn:QDA-XML:project:1.0"/>',
        [r"project\.qdc is a REFI-QDA project", r"\.qdc file"],
    ),
    (
        "root.qdc",
        '<Codes xmlns="urn:QDA-XML:codebook:1.0"/>',
        [r"root\.qdc: the root element is <Codes>"],
    ),
    (
        "laughs.qdc",
        (
            '<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 '
            '"&lol;&lol;&lol;">]>\n<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes>'
            '<Code guid="a1b2c3d4-0000-4000-8000-000000000001" name="&lol2;" isCodable="true"/>'
            "</Codes></CodeBook>"
        ),
        [r"laughs\.qdc contains a <!DOCTYPE or <!ENTITY", "delete the declaration"],
    ),
    (
        "noguid.qdc",
        (
            '<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes>'
            '<Code name="A" isCodable="true"/></Codes></CodeBook>'
        ),
        [r"noguid\.qdc Code element /CodeBook/Codes/Code\[1\] \(name 'A'\): has no guid"],
    ),
    (
        "noname.qdc",
        (
            '<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes>'
            '<Code guid="a1b2c3d4-0000-4000-8000-000000000001" isCodable="true"/>'
            '<Code guid="a1b2c3d4-0000-4000-8000-000000000002" name="B" isCodable="true">'
            '<Code guid="a1b2c3d4-0000-4000-8000-000000000003" isCodable="true"/></Code>'
            "</Codes></CodeBook>"
        ),
        [
            r"noname\.qdc Code element /CodeBook/Codes/Code\[1\]: has no name",
            r"Code element /CodeBook/Codes/Code\[2\]/Code\[1\]: has no name",
        ],
    ),
    (
        "badcodable.qdc",
        (
            '<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes>'
            '<Code guid="a1b2c3d4-0000-4000-8000-000000000001" name="A" isCodable="maybe"/>'
            "</Codes></CodeBook>"
        ),
        [r"Code\[1\] \(name 'A'\): codable 'maybe' is not a yes/no value"],
    ),
    (
        "badtrailer.qdc",
        (
            '<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes>'
            '<Code guid="a1b2c3d4-0000-4000-8000-000000000001" name="A" isCodable="true">'
            f"<Description>x\n\n{TRAILER_MARK}\nid: a\nflavour: sweet\n</Description></Code>"
            "</Codes></CodeBook>"
        ),
        [r"Code\[1\] \(name 'A'\): the qualcode block has unknown key\(s\) flavour"],
    ),
    (
        "noid.yaml",
        "codes:\n  - name: Strategic Mgmt\n",
        [r"codes\[0\]: has no id", "strategic_mgmt"],
    ),
    ("noid.csv", CSV_HEAD + ",Strategic\n", [r"noid\.csv row 2: has no id"]),
    (
        "noname.yaml",
        "codes:\n  - id: a\n    children:\n      - id: b\n",
        [r"code 'b' \(codes\[0\]\.children\[0\]\): has no name", r"code 'a' \(codes\[0\]\)"],
    ),
    ("noname.csv", CSV_HEAD + "a,\n", [r"noname\.csv row 2: has no name"]),
    (
        "badid.yaml",
        "codes:\n  - {id: Strategic Mgmt, name: S}\n",
        [r"code 'Strategic Mgmt' \(codes\[0\]\): id 'Strategic Mgmt' is not valid", "a-z"],
    ),
    ("badid.csv", CSV_HEAD + "a,A\n1abc,B\n", [r"badid\.csv row 3: id '1abc' is not valid"]),
    (
        "dupid.csv",
        CSV_HEAD + "a,A\nb,B\na,C\n",
        [r"dupid\.csv row 4: id 'a' is already used by row 2", "its own id"],
    ),
    (
        "dupid.yaml",
        "codes:\n  - {id: a, name: A}\n  - {id: b, name: B, children: [{id: a, name: C}]}\n",
        [r"code 'a' \(codes\[1\]\.children\[0\]\): id 'a' is already used by code 'a'"],
    ),
    (
        "dupguid.csv",
        CSV_HEAD + "a,A,,0f8fad5b-d9cb-469f-a165-70867728950e\n"
        "b,B,,{0F8FAD5B-D9CB-469F-A165-70867728950E}\n",
        [r"row 3: guid \{0F8FAD5B.*\} is already used by row 2"],
    ),
    (
        "dupguid.qdc",
        (
            '<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes>'
            '<Code guid="a1b2c3d4-0000-4000-8000-000000000001" name="A" isCodable="true"/>'
            '<Code guid="a1b2c3d4-0000-4000-8000-000000000001" name="B" isCodable="true"/>'
            "</Codes></CodeBook>"
        ),
        [r"Code\[2\] \(name 'B'\): guid .* is already used by Code element"],
    ),
    ("badguid.csv", CSV_HEAD + "a,A,,not-a-guid\n", [r"row 2: guid 'not-a-guid' is not a GUID"]),
    (
        "orphan.csv",
        CSV_HEAD + "a,A\nb,B,zz\n",
        [r"orphan\.csv row 3: parent_id 'zz' is not the id of any code", "leave it empty"],
    ),
    (
        "cycle.csv",
        CSV_HEAD + "top,Top\na,A,c\nb,B,a\nc,C,b\nd,D,d\ne,E,a\n",
        [r"row 3: the parent_id links a -> c -> b -> a form a cycle", r"row 6: .*d -> d"],
    ),
    (
        "colour.yaml",
        "codes:\n  - {id: a, name: A, colour: red}\n",
        [r"code 'a' \(codes\[0\]\): colour 'red' is not a #RRGGBB"],
    ),
    ("colour.csv", CSV_HEAD + "a,A,,,#12345\n", [r"row 2: colour '#12345' is not a #RRGGBB"]),
    (
        "origin.csv",
        CSV_HEAD + "a,A,,,,deductive\n",
        [r"row 2: origin 'deductive' is not one of a_priori, emergent"],
    ),
    (
        "codable.yaml",
        "codes:\n  - {id: a, name: A, codable: perhaps}\n",
        [r"code 'a' \(codes\[0\]\): codable 'perhaps' is not a yes/no value"],
    ),
    ("archived.csv", CSV_HEAD + "a,A,,,,,,2\n", [r"row 2: archived '2' is not a yes/no value"]),
    (
        "keywords.yaml",
        "codes:\n  - {id: a, name: A, keywords: board, county}\n",
        [r"code 'a' \(codes\[0\]\): keywords must be a list such as \["],
    ),
    (
        "semicolon.yaml",
        "codes:\n  - {id: a, name: A, keywords: ['a;b']}\n",
        [r"keyword 'a;b' contains ';'"],
    ),
    (
        "text.yaml",
        "codes:\n  - {id: a, name: A, example: no}\n",
        [r"example must be text, not true/false; put it in quotes"],
    ),
    (
        "unknown.yaml",
        "codes:\n  - {id: a, name: A, exlude: x, parent_id: b}\n",
        [r"unknown field\(s\) exlude, parent_id", "children list it"],
    ),
    ("unknown.csv", "id,name,notes\na,A,x\n", [r"row 1: unknown column\(s\) notes"]),
    ("stray.csv", "id,name\na,A,extra\n", [r"row 2: has text in column 3"]),
    ("version.yaml", "version: 2\ncodes:\n  - {id: a, name: A}\n", [r"version 2 is not supported"]),
    ("empty.yaml", "name: Nothing\ncodes: []\n", [r"empty\.yaml: has no codes"]),
    ("empty.csv", "#codebook,Nothing\n" + CSV_HEAD, [r"empty\.csv: has no codes"]),
    (
        "empty.qdc",
        '<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes/></CodeBook>',
        [r"empty\.qdc: has no codes"],
    ),
    ("blank.yaml", "", [r"blank\.yaml is empty"]),
    (
        "control.csv",
        "id,name,description\na,A,bell\x07here\n",
        [r"row 2: description contains the control character U\+0007"],
    ),
    (
        "alias.yaml",
        "codes:\n  - &x {id: a, name: A}\n  - *x\n",
        [r"codes\[1\]: repeats another code through a YAML alias"],
    ),
]


@pytest.mark.parametrize(
    ("name", "content", "patterns"), INVALID, ids=[case[0] for case in INVALID]
)
def test_invalid_files_say_where_and_how_to_fix(
    name: str, content: str, patterns: list[str], tmp_path: Path
) -> None:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    with pytest.raises(CodebookError) as caught:
        read_codebook(path)
    message = str(caught.value)
    assert message.startswith(str(path))
    for pattern in patterns:
        assert re.search(pattern, message), (pattern, message)


def test_all_problems_are_reported_one_a_line() -> None:
    text = CSV_HEAD + "a,A,,,red\nB,B\nc,,,,,,maybe\n"
    with pytest.raises(CodebookError) as caught:
        read_text(text, "many.csv")
    lines = str(caught.value).splitlines()
    assert lines == [
        "many.csv row 2: colour 'red' is not a #RRGGBB hex colour such as #1F4E79",
        (
            "many.csv row 3: id 'B' is not valid; use 1-64 characters a-z, 0-9 or _, starting "
            "with a letter, such as 'b'"
        ),
        "many.csv row 4: has no name; give every code a name",
        (
            "many.csv row 4: codable 'maybe' is not a yes/no value; write yes or no "
            "(true/false, 1/0 also work)"
        ),
    ]


def test_write_refuses_a_codebook_it_could_not_read_back(tmp_path: Path) -> None:
    bad = Codebook("Bad", [CodeSpec(id="a", name="A", colour="red")])
    with pytest.raises(CodebookError, match=r"bad\.qdc \(not written\) code 'a': colour 'red'"):
        write_codebook(bad, tmp_path / "bad.qdc")
    with pytest.raises(CodebookError, match="has no codes"):
        write_codebook(Codebook("Empty"), tmp_path / "empty.yaml")
    orphan = Codebook("Orphan", [CodeSpec(id="a", name="A", parent_id="missing")])
    with pytest.raises(CodebookError, match="parent_id 'missing'"):
        write_codebook(orphan, io.StringIO(), format="csv")
    assert not (tmp_path / "bad.qdc").exists()


# --- property: random codebooks survive every format -----------------------------------

_TEXT_CHARS = st.characters(blacklist_categories=("Cs", "Cc", "Cn"), whitelist_characters="\n\t")
_texts = st.text(_TEXT_CHARS, max_size=25)
_lines = (
    st.text(_TEXT_CHARS.filter(lambda ch: ch not in "\n\t"), min_size=1, max_size=20)
    .map(str.strip)
    .filter(bool)
)
_keywords = st.lists(_lines.filter(lambda k: ";" not in k), max_size=3)


@st.composite
def codebooks(draw: st.DrawFn) -> Codebook:
    ids = draw(
        st.lists(st.from_regex(CODE_ID_RE, fullmatch=True), min_size=1, max_size=6, unique=True)
    )
    codes: list[CodeSpec] = []
    for index, code_id in enumerate(ids):
        parent = draw(st.sampled_from([None, *ids[:index]]))
        codes.append(
            CodeSpec(
                id=code_id,
                name=draw(_lines),
                parent_id=parent,
                guid=draw(st.one_of(st.just(""), st.uuids().map(str))),
                rq=draw(st.one_of(st.none(), st.sampled_from(["RQ1", "RQ2"]), _lines)),
                description=draw(_texts),
                include=draw(_texts),
                exclude=draw(_texts),
                example=draw(_texts),
                keywords=draw(_keywords),
                colour=draw(st.one_of(st.none(), st.from_regex(COLOUR_RE, fullmatch=True))),
                origin=draw(st.sampled_from(["a_priori", "emergent"])),
                origin_note=draw(_texts),
                codable=draw(st.booleans()),
                archived=draw(st.booleans()),
            )
        )
    return Codebook(name=draw(_texts), codes=tree_ordered(codes), description=draw(_texts))


def tree_ordered(codes: list[CodeSpec]) -> list[CodeSpec]:
    ordered: list[CodeSpec] = []

    def visit(parent: str | None) -> None:
        for code in codes:
            if code.parent_id == parent:
                ordered.append(code)
                visit(code.id)

    visit(None)
    return ordered


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(codebooks())
def test_random_codebooks_survive_every_format(codebook: Codebook) -> None:
    for fmt in FORMATS:
        assert round_trip(codebook, fmt) == codebook, fmt
    chained = round_trip(round_trip(round_trip(codebook, "yaml"), "csv"), "qdc")
    assert round_trip(chained, "yaml") == codebook


TRICKY_TEXTS = [
    "\n",
    "\n\n",
    " leading and trailing  ",
    "tab\tinside",
    TRAILER_MARK,
    f"before\n{TRAILER_MARK}\nid: fake\nafter",
    f"ends with\n{TRAILER_MARK}",
    "...",
    "---",
    "line\u2028separator",
    "'=already quoted",
    "''=twice",
    "#hash",
    "null",
    "yes",
    "~",
    "- a list?",
    "key: value",
    "{a: b}",
    "&amp; <b>bold</b> ]]> ?>",
    "\"quoted\", 'single'",
    "\ue000 private use",
]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("text", TRICKY_TEXTS)
def test_tricky_texts_survive(fmt: str, text: str) -> None:
    line = text.replace("\n", " ").replace("\u2028", " ").strip() or "x"
    codebook = Codebook(
        name=text,
        description=text,
        codes=[
            CodeSpec(id="a", name=line, description=text, include=text, origin_note=text),
            CodeSpec(
                id="b",
                name="B",
                parent_id="a",
                rq=line,
                keywords=[line.replace(";", ",")],
                example=text,
            ),
        ],
    )
    assert round_trip(codebook, fmt) == codebook


# --- the shipped codebook ------------------------------------------------------------


@pytest.mark.skipif(not MAW.exists(), reason="codebooks/multi_agency_working.yaml not there yet")
def test_shipped_maw_codebook_reads_and_round_trips(tmp_path: Path) -> None:
    book = read_codebook(MAW)
    assert book.codes and book.name
    assert all(code.id == code.id.strip() for code in book.codes)
    for fmt in FORMATS:
        path = tmp_path / f"maw.{fmt}"
        write_codebook(book, path)
        assert read_codebook(path) == book, fmt


def test_id_from_name_rules() -> None:
    book = read_text(
        '<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes>'
        + "".join(
            f'<Code guid="a1b2c3d4-0000-4000-8000-00000000000{i}" name="{n}" isCodable="true"/>'
            for i, n in enumerate(["Straße", "A" * 70, "A" * 70, " -- "])
        )
        + "</Codes></CodeBook>",
        "slugs.qdc",
    )
    ids = [c.id for c in book.codes]
    assert ids[0] == "strasse"
    assert ids[1] == "a" * 64 and ids[2] == "a" * 62 + "_2"
    assert ids[3] == "code"
    assert all(set(i) <= set(string.ascii_lowercase + string.digits + "_") for i in ids)
