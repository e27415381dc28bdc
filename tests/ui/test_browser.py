"""End to end in real headless Chromium: start the workspace on the demo study, code a
segment, accept a suggestion, open the network, download the Word report and open it,
and check nothing is loaded from outside 127.0.0.1.

Screenshots of every page are saved under test-artifacts/ for a person to look at, with
the timings of page renders and of applying a code (browser_timings.json).
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import docx
import pytest

import qualcode
from qualcode.demo import build_demo
from tests.ui.browser import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, streamlit_server

pytestmark = pytest.mark.browser

if not os.path.exists(CHROMIUM):
    if os.environ.get("CI"):
        raise RuntimeError("Chromium is missing: .ci/run installs Debian's chromium package.")
    pytest.skip("Debian's chromium is not installed (apt-get install chromium)",
                allow_module_level=True)

PAGES = ["Project", "Code", "Codebook", "Extracts", "Themes", "Groups", "Search", "Review",
         "Export"]


def _wait_idle(page, timeout: float = 30.0) -> None:  # type: ignore[no-untyped-def]
    """Wait until Streamlit has finished running the page script."""
    page.wait_for_timeout(300)
    page.wait_for_function(
        "() => document.querySelector('[data-testid=\"stMain\"]')"
        " && !document.querySelector('[data-stale=\"true\"]')"
        " && !document.querySelector('[data-testid=\"stSkeleton\"]')",
        timeout=timeout * 1000)
    page.wait_for_timeout(200)


def _goto(page, name: str) -> float:  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    page.get_by_role("link", name=name).first.click()
    page.get_by_role("heading", name=name).first.wait_for(timeout=30000)
    _wait_idle(page)
    return time.perf_counter() - start


def _select_row(page, row: int) -> None:  # type: ignore[no-untyped-def]
    grid = page.locator("[data-testid='stDataFrame']").first
    box = grid.bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + 18, box["y"] + 36 + 56 * row + 28)
    _wait_idle(page)


def test_workspace_end_to_end(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from playwright.sync_api import sync_playwright

    monkeypatch.setenv("QUALCODE_CONFIG_DIR", str(tmp_path / "config"))
    build_demo(tmp_path).close()  # the coded demo study, as ./workspace.sh opens it
    project_file = tmp_path / "demo.qualcode"
    long_file = tmp_path / "HT4_long_interview.txt"
    answer = ("The cluster meets every half term and the family worker comes when she can. "
              "Funding stops in March, so we never plan beyond the year. ")
    long_file.write_text("".join(f"Interviewer: Question {i % 13 + 1}. And then?\n"
                                 f"Respondent: {answer * 12}\n" for i in range(1000)),
                         encoding="utf-8")
    with qualcode.open_project(project_file) as project:
        before = len(project.codings())
        project.import_file(long_file)  # about 300,000 words
    ARTIFACTS.mkdir(exist_ok=True)
    outside: list[str] = []
    timings: dict[str, float] = {}
    with streamlit_server(project_file, tmp_path / "config") as url, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1500, "height": 1000},
                                      accept_downloads=True)
        page = context.new_page()
        page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(
            ("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:")) else None)
        start = time.perf_counter()
        page.goto(url)
        page.get_by_text("Respondents", exact=True).first.wait_for(timeout=60000)
        _wait_idle(page)
        timings["first_load_s"] = time.perf_counter() - start

        for name in PAGES:
            timings[f"page_{name.lower()}_s"] = _goto(page, name)
            assert not page.locator("[data-testid='stException']").count(), name
            page.screenshot(path=str(ARTIFACTS / f"page_{name.lower()}.png"), full_page=True)

        # Code a segment by hand: a respondent row, the Finance code, Apply.
        _goto(page, "Code")
        _select_row(page, 7)
        page.get_by_text("Codes (type to search)").wait_for(timeout=30000)
        page.locator("[data-testid='stMultiSelect']").first.click()
        page.keyboard.type("Finance and funding")
        page.keyboard.press("Enter")
        page.keyboard.press("Escape")
        page.get_by_role("heading", name="Code").first.click()  # closes the code list
        page.wait_for_timeout(300)
        start = time.perf_counter()
        page.get_by_role("button", name="Apply codes").click()
        page.get_by_text("Applied 1 code(s)").wait_for(timeout=30000)
        timings["apply_code_s"] = time.perf_counter() - start
        _wait_idle(page)
        page.screenshot(path=str(ARTIFACTS / "code_applied.png"), full_page=True)

        # Open the 300,000-word transcript.
        page.locator("[data-testid='stSelectbox']").first.click()
        page.keyboard.type("HT4_long")
        start = time.perf_counter()
        page.keyboard.press("Enter")
        page.get_by_text("Page (of").first.wait_for(timeout=30000)
        _wait_idle(page)
        timings["open_long_transcript_s"] = time.perf_counter() - start
        page.screenshot(path=str(ARTIFACTS / "code_long_transcript.png"), full_page=True)

        # Accept a suggestion for a segment from the suggested queue.
        page.get_by_text("Next to code").first.click()
        _wait_idle(page)
        for row in range(6):
            _select_row(page, row)
            if page.get_by_role("button", name="Accept").count():
                break
        page.screenshot(path=str(ARTIFACTS / "code_suggestions.png"), full_page=True)
        page.get_by_role("button", name="Accept").first.click()
        page.get_by_text("Accepted").first.wait_for(timeout=30000)

        # The network on the Themes page has drawn (a Vega canvas or svg).
        _goto(page, "Themes")
        page.locator("[data-testid='stVegaLiteChart'], .vega-embed").first.wait_for(
            timeout=30000)
        page.screenshot(path=str(ARTIFACTS / "themes_network.png"), full_page=True)

        # Build and download the Word report.
        _goto(page, "Export")
        page.get_by_role("button", name="Build the Word report").click()
        page.get_by_text("The report holds").wait_for(timeout=60000)
        with page.expect_download() as download:
            page.get_by_role("button", name="Download the Word report").click()
        report = tmp_path / "report.docx"
        download.value.save_as(report)
        browser.close()
    (ARTIFACTS / "browser_timings.json").write_text(json.dumps(timings, indent=2))

    document = docx.Document(str(report))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert any(h.startswith("RQ") or "RQ" in h for h in headings)
    assert any("(Head teacher, HT1," in p.text for p in document.paragraphs)
    with qualcode.open_project(project_file) as project:
        codings = project.codings()
    assert len(codings) == before + 2
    assert {"manual", "suggestion"} <= set(codings.source)
    assert outside == [], f"requests left the machine: {outside[:5]}"
