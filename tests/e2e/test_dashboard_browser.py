"""The live dashboard of `pinscope demo`, opened in Chromium from the URL the demo printed.

It lists the demo's rules worst first, gains a finding within two seconds of a new flagged call made
through the demo's proxy, and its example links open the same flows in mitmweb. The screenshot goes to
test-artifacts/browser-dashboard.png (gitignored).
"""

from __future__ import annotations

import re
import subprocess
import threading
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from pinscope.demo.scenario import CORE_RULES
from pinscope.rulebook import Severity
from tests.e2e.test_browser_mitmweb import (ARTIFACTS, CHROMIUM, START_TIMEOUT, browser,  # noqa: F401 - fixture
                                            start_demo, stop_group)

pytestmark = pytest.mark.browser

DASHBOARD_LINE = re.compile(r"Open the live dashboard: (http://127\.0\.0\.1:\d+/\?token=\w+)")
PROXY_LINE = re.compile(r"Your own clients may use the proxy too: (http://\S+), trusting (\S+)")
UPDATE_MS = 2_000  # the promise: a new finding shows within two seconds
RULES_JS = """() => [...document.querySelectorAll('#findings details.finding')].map(d =>
  ({rule: d.id.replace('rule-', ''), severity: d.querySelector('summary .badge').textContent}))"""


def _read_demo(process: subprocess.Popen[str], lines: list[str]) -> dict[str, str]:
    """Read the demo's output (on a thread, forever) until it has printed the dashboard and proxy lines."""
    found: dict[str, str] = {}
    seen = threading.Event()

    def read() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            lines.append(line)
            if match := DASHBOARD_LINE.search(line):
                found["dashboard"] = match.group(1)
            if match := PROXY_LINE.search(line):
                found["proxy"], found["ca"] = match.groups()
            if len(found) == 3:
                seen.set()
        seen.set()

    threading.Thread(target=read, daemon=True).start()
    seen.wait(START_TIMEOUT)
    return found


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """`pinscope demo` on free ports: its dashboard URL, proxy and CA; stopped with its mitmweb."""
    if not CHROMIUM.is_file():
        pytest.skip(f"no Chromium at {CHROMIUM} (set PINSCOPE_CHROMIUM or `apt-get install chromium`)")
    process = start_demo(tmp_path_factory.mktemp("dashboard-demo"))
    lines: list[str] = []
    try:
        found = _read_demo(process, lines)
        assert len(found) == 3, "the demo printed no dashboard or proxy line:\n" + "".join(lines[-40:])
        yield found
    finally:
        stop_group(process)


@pytest.fixture
def dashboard(browser: Any, demo: dict[str, str]) -> Iterator[Any]:  # noqa: F811 - the imported fixture
    page = browser.new_page()
    page.goto(demo["dashboard"])
    page.locator("#rule-insufficient-scope").wait_for()
    yield page
    page.close()


def test_the_dashboard_lists_the_demo_rules_worst_first(dashboard: Any) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    dashboard.screenshot(path=str(ARTIFACTS / "browser-dashboard.png"), full_page=False)
    shown = dashboard.evaluate(RULES_JS)
    assert set(CORE_RULES) <= {row["rule"] for row in shown}
    ranks = [Severity(row["severity"]).rank for row in shown]
    assert ranks == sorted(ranks), shown
    assert dashboard.locator("#tokens .token").count() >= 2
    assert dashboard.locator("#rate-limits").count() == 1 and dashboard.locator("#scope-plan").count() == 1


def test_a_new_flagged_call_shows_within_two_seconds(dashboard: Any, demo: dict[str, str]) -> None:
    count = dashboard.locator("#rule-missing-token summary .count")
    before = int(count.inner_text().lstrip("×"))
    answer = requests.get("https://api.pinterest.com/v5/user_account", timeout=30, verify=demo["ca"],
                          proxies={"https": demo["proxy"]})  # no Authorization: missing-token
    assert answer.status_code == 401
    dashboard.wait_for_function(
        f"document.querySelector('#rule-missing-token summary .count').textContent === '×{before + 1}'",
        timeout=UPDATE_MS)
    assert dashboard.locator("#state").inner_text() == "live"


def test_example_links_open_their_flows_in_mitmweb(dashboard: Any) -> None:
    rule = dashboard.locator("#rule-insufficient-scope")
    rule.evaluate("d => d.open = true")  # errors start open; a swap keeps what a reader chose
    example = rule.locator("table.examples tbody tr").first
    path = example.locator("code.url").inner_text().split("?")[0].split("pinterest.com", 1)[1]
    href = example.locator("a.flow-link").get_attribute("href")
    flow_id = re.fullmatch(r"http://127\.0\.0\.1:\d+/\?token=\w+#/flows/([0-9a-f-]{36})/response", href).group(1)
    with dashboard.context.expect_page() as opened:
        example.locator("a.flow-link").click()
    mitmweb = opened.value
    try:
        selected = mitmweb.locator("table tbody tr.selected")
        selected.wait_for()
        assert path in selected.locator("td.col-path").inner_text()
        assert f"#/flows/{flow_id}/response" in mitmweb.url
        mitmweb.locator(".flow-detail").wait_for()
        mitmweb.screenshot(path=str(ARTIFACTS / "browser-dashboard-link.png"))
    finally:
        mitmweb.close()
