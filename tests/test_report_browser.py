"""The HTML report in a real Chromium, offline: every section and chart renders, nothing is fetched.

Screenshots go to test-artifacts/ (git-ignored) for a person to look at.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from pinscope.report import Report, build_report, write_report
from tests.flowkit import T0
from tests.test_report import run
from tests.test_report_html import demo_flows

pytestmark = pytest.mark.browser
playwright = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"
SECTIONS = ("summary", "findings", "tokens", "rate-limits", "endpoints", "sandbox")


def chromium_path() -> str:
    """The system Chromium (Playwright's own download does not work here), or skip."""
    for candidate in (os.environ.get("PINSCOPE_CHROMIUM"), "/usr/bin/chromium",
                      shutil.which("chromium"), shutil.which("chromium-browser")):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    pytest.skip("no Chromium found (install Debian's chromium or set PINSCOPE_CHROMIUM)")


@pytest.fixture(scope="module")
def report_file(tmp_path_factory: pytest.TempPathFactory) -> tuple[Report, Path]:
    engine, _ = run(demo_flows())
    report = build_report(engine.session, engine.catalog, generated_at=T0 + 120)
    return report, write_report(report, tmp_path_factory.mktemp("report") / "report.html")


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[tuple[object, list[str]]]:
    """A fresh, headless Chromium profile whose every non-file request is recorded and aborted."""
    attempted: list[str] = []

    def guard(route) -> None:
        if route.request.url.startswith("file://"):
            route.continue_()
        else:
            attempted.append(route.request.url)
            route.abort()

    with playwright.sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            str(tmp_path / "profile"), executable_path=chromium_path(), headless=True,
            args=["--no-sandbox"], viewport={"width": 1280, "height": 900})
        context.route("**/*", guard)
        try:
            yield context, attempted
        finally:
            context.close()


def test_the_guard_sees_network_requests(browser) -> None:
    context, attempted = browser
    page = context.new_page()
    page.set_content("<p>guard check</p>")
    with page.expect_event("requestfailed"):
        page.evaluate("new Image().src = 'http://127.0.0.1:9/probe.png'")
    assert attempted == ["http://127.0.0.1:9/probe.png"], "the route records what it blocks"


def test_report_renders_offline(browser, report_file) -> None:
    context, attempted = browser
    report, path = report_file
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.goto(path.as_uri())
    page.wait_for_load_state("load")
    for section in SECTIONS:
        box = page.locator(f"section#{section}")
        assert box.is_visible() and box.bounding_box()["height"] > 60, section
        assert box.locator("h2").inner_text().strip()
    cards = page.locator("section.card.rate")
    assert cards.count() == len(report.rate_limits) >= 2
    for index, rate in enumerate(report.rate_limits):
        card = cards.nth(index)
        chart = card.locator("svg.chart")
        assert chart.count() == 1 and chart.bounding_box()["width"] > 300, rate.category
        points = card.locator("circle.point")
        assert points.count() == sum(p.remaining is not None for p in rate.points) > 1
        assert points.first.bounding_box()["width"] > 0, "data points are drawn"
        assert card.locator("g.limited").count() == rate.rate_limited
    assert page.locator("details.finding.error[open]").count() == sum(
        f.severity.value == "error" for f in report.findings)
    assert page.locator(".scope.missing").first.is_visible()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "report-light.png"), full_page=True)
    assert attempted == [] and errors == [], (attempted, errors)


def test_dark_scheme_and_print_expand_collapsed_blocks(browser, report_file) -> None:
    context, attempted = browser
    _, path = report_file
    page = context.new_page()
    page.emulate_media(color_scheme="dark")
    page.goto(path.as_uri())
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert background != "rgb(255, 255, 255)" and background.startswith("rgb(")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "report-dark.png"), full_page=True)
    closed = page.locator("details.finding.warning").first
    assert closed.get_attribute("open") is None
    assert not closed.locator(".fix").is_visible(), "collapsed on screen"
    page.emulate_media(media="print")
    assert closed.locator(".fix").is_visible(), "expanded in print"
    assert attempted == []
