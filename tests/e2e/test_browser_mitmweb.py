"""What a person sees: `pinscope demo` (mitmweb) opened in a real Chromium driven by Playwright.

Screenshots go to test-artifacts/ (gitignored). Skipped only when no Chromium exists
(PINSCOPE_CHROMIUM, else /usr/bin/chromium): Playwright's own browser download is not used.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from mitmproxy.utils.emoji import emoji

from pinscope.demo.launcher import free_port
from tests.e2e.conftest import pinscope_cli

pytestmark = pytest.mark.browser

CHROMIUM = Path(os.environ.get("PINSCOPE_CHROMIUM") or "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
URL_LINE = re.compile(r"Open mitmweb: (http://\S+token=\w+)")
START_TIMEOUT, UI_TIMEOUT = 60, 15_000
VIEWPORT = {"width": 1600, "height": 2000}  # tall: mitmweb renders only the rows in view


def _demo_url(process: subprocess.Popen[str], lines: list[str]) -> str | None:
    """Read the demo's output (on a thread, forever) until it prints the mitmweb URL."""
    found: list[str] = []
    seen = threading.Event()

    def read() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            lines.append(line)
            if (match := URL_LINE.search(line)) and not found:
                found.append(match.group(1))
                seen.set()
        seen.set()

    threading.Thread(target=read, daemon=True).start()
    seen.wait(START_TIMEOUT)
    return found[0] if found else None


@pytest.fixture(scope="module")
def demo_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`pinscope demo` (not headless) on free ports; stopped with its mitmweb (one process group)."""
    if not CHROMIUM.is_file():
        pytest.skip(f"no Chromium at {CHROMIUM} (set PINSCOPE_CHROMIUM or `apt-get install chromium`)")
    workdir = tmp_path_factory.mktemp("browser-demo")
    command, env = pinscope_cli("demo", "--listen-port", str(free_port()), "--web-port", str(free_port()),
                                "--report", "demo.json")
    process = subprocess.Popen(command, cwd=workdir, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               stdin=subprocess.DEVNULL, text=True, start_new_session=True)
    lines: list[str] = []
    try:
        url = _demo_url(process, lines)
        assert url, "the demo printed no mitmweb URL:\n" + "".join(lines[-40:])
        yield url
    finally:
        _stop_group(process)
    assert (workdir / "demo.json").is_file(), "Ctrl-C should leave the demo's report:\n" + "".join(lines[-20:])


def _stop_group(process: subprocess.Popen[str]) -> None:
    """Ctrl-C for the demo and its mitmweb; kill them if they hang."""
    for sig, wait in ((signal.SIGINT, 20), (signal.SIGKILL, 5)):
        if process.poll() is not None:
            return
        try:
            os.killpg(process.pid, sig)
            process.wait(wait)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            continue


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """Debian's Chromium through Playwright, headless, with a fresh profile."""
    sync_api = pytest.importorskip("playwright.sync_api")
    if not CHROMIUM.is_file():
        pytest.skip(f"no Chromium at {CHROMIUM}")
    profile = tmp_path_factory.mktemp("chromium-profile")
    with sync_api.sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(profile), executable_path=str(CHROMIUM), headless=True, args=ARGS, viewport=VIEWPORT)
        context.set_default_timeout(UI_TIMEOUT)
        try:
            yield context
        finally:
            context.close()


@pytest.fixture
def page(browser: Any, demo_url: str) -> Iterator[Any]:
    """mitmweb's flow list, loaded up to the demo's flagged flows."""
    page = browser.new_page()
    page.goto(demo_url)
    page.locator("td.col-comment", has_text="insufficient-scope").first.wait_for()
    yield page
    page.close()


def shot(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"browser-{name}.png"))


def test_flow_list_shows_comment_column_with_rule_ids_and_markers(page: Any) -> None:
    shot(page, "flow-list")
    assert page.locator("th", has_text="Comment").count() == 1
    comments = page.locator("td.col-comment").all_inner_texts()
    for rule in ("insufficient-scope", "missing-token", "rate-limited", "sandbox-host-in-use"):
        assert any(rule + ":" in text for text in comments), rule
    markers = set(page.locator("td.col-path .marker").all_inner_texts())
    assert {emoji[":no_entry:"], emoji[":warning:"], emoji[":information_source:"]} <= {
        m.strip().rstrip("\ufe0f") for m in markers}


def test_selected_flow_shows_the_pinterest_view_with_the_fix(page: Any) -> None:
    page.locator("td.col-comment", has_text="insufficient-scope").first.click()
    page.locator(".flow-detail nav a", has_text="Response").click()
    view = page.locator(".flow-detail .contentview")
    view.locator("pre", has_text="insufficient-scope").wait_for()
    shot(page, "pinterest-view")
    assert view.locator(".controls h5").inner_text().strip() == "Pinterest"
    text = view.locator("pre").inner_text()
    assert "- rule: insufficient-scope" in text and "required scopes: boards:read" in text
    finding = " ".join(text.split()).split("- rule: insufficient-scope", 1)[1]  # long lines are folded
    fix = finding.split(" fix: ", 1)[1].split(" docs: ", 1)[0]
    assert "boards:read" in fix and "new token" in fix


def test_comment_filter_narrows_the_list(page: Any) -> None:
    rows = page.locator("table tbody tr.has-request")
    before = rows.count()
    search = page.get_by_placeholder("Search")
    search.fill("~comment insufficient-scope")
    search.press("Enter")
    page.wait_for_function(f"document.querySelectorAll('table tbody tr.has-request').length < {before}")
    shot(page, "filtered")
    comments = page.locator("td.col-comment").all_inner_texts()
    assert before > 20 and len(comments) == 1
    assert "insufficient-scope:" in comments[0]
