"""End to end in real headless Chromium: start the workspace on the demo study, code a
segment, look at every page, and check nothing is loaded from outside 127.0.0.1.

Screenshots of every page are saved under test-artifacts/ for a person to look at.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

import qualcode
from tests.ui.browser import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, streamlit_server

pytestmark = pytest.mark.browser

if not os.path.exists(CHROMIUM):
    if os.environ.get("CI"):
        raise RuntimeError("Chromium is missing: .ci/run installs Debian's chromium package.")
    pytest.skip("Debian's chromium is not installed (apt-get install chromium)",
                allow_module_level=True)

PAGES = ["Project", "Code", "Codebook", "Extracts", "Themes", "Groups", "Search", "Review",
         "Export"]


def _wait_idle(page, timeout: float = 20.0) -> float:  # type: ignore[no-untyped-def]
    """Wait until Streamlit has finished running the script; returns the seconds waited."""
    start = time.perf_counter()
    page.wait_for_timeout(150)
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"
        " && document.querySelector('[data-testid=\"stMain\"]')",
        timeout=timeout * 1000)
    return time.perf_counter() - start


def test_workspace_end_to_end(demo_copy: Path, tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    outside: list[str] = []
    timings: dict[str, float] = {}
    with streamlit_server(demo_copy, tmp_path / "config") as url, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1500, "height": 1000})
        page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(
            ("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:")) else None)
        start = time.perf_counter()
        page.goto(url)
        page.get_by_text("Respondents", exact=True).first.wait_for(timeout=30000)
        _wait_idle(page)
        timings["first_load_s"] = time.perf_counter() - start

        for name in PAGES:
            start = time.perf_counter()
            page.get_by_role("link", name=name).first.click()
            page.get_by_role("heading", name=name).first.wait_for(timeout=20000)
            _wait_idle(page)
            timings[f"page_{name.lower()}_s"] = time.perf_counter() - start
            assert not page.locator("[data-testid='stException']").count(), name
            page.screenshot(path=str(ARTIFACTS / f"page_{name.lower()}.png"), full_page=True)

        # Code a segment: select the fourth row of the transcript grid, pick a code, apply.
        page.get_by_role("link", name="Code").first.click()
        page.get_by_role("heading", name="Code").first.wait_for()
        _wait_idle(page)
        grid = page.locator("[data-testid='stDataFrame']").first
        box = grid.bounding_box()
        assert box is not None
        page.mouse.click(box["x"] + 18, box["y"] + 36 + 56 * 7 + 28)  # a respondent row
        _wait_idle(page)
        page.get_by_text("Codes (type to search)").wait_for(timeout=20000)
        picker = page.locator("[data-testid='stMultiSelect']").first
        picker.click()
        page.keyboard.type("Finance and funding")
        page.keyboard.press("Enter")
        page.keyboard.press("Escape")
        page.get_by_role("heading", name="Code").first.click()  # closes the code list
        page.wait_for_timeout(300)
        start = time.perf_counter()
        page.get_by_role("button", name="Apply codes").click()
        page.get_by_text("Applied 1 code(s)").wait_for(timeout=20000)
        timings["apply_code_s"] = time.perf_counter() - start
        page.screenshot(path=str(ARTIFACTS / "code_applied.png"), full_page=True)
        (ARTIFACTS / "browser_timings.json").write_text(json.dumps(timings, indent=2))
        browser.close()

    with qualcode.open_project(demo_copy) as project:
        codings = project.codings()
    assert codings.code_id.tolist() == ["finance"]
    assert outside == [], f"requests left the machine: {outside[:5]}"
    (ARTIFACTS / "browser_timings.json").write_text(json.dumps(timings, indent=2))
