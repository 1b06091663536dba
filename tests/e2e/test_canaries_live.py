"""The canary cases (tests/canaries.py) through a real `pinscope dump`: its terminal output, its
report at exit, and each saved flow's comment, metadata and Pinterest view carry no planted
secret, no 8-character slice of one, and no terminal escape."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from mitmproxy import contentviews, http, io
from mitmproxy.test import taddons

from pinscope.addon import Pinscope
from pinscope.demo import launcher
from tests.canaries import CASES, escapes, exposed
from tests.e2e.canary_upstream import CASE_HEADER

pytestmark = pytest.mark.e2e
UPSTREAM = Path(__file__).with_name("canary_upstream.py")


@pytest.fixture(scope="module")
def live(ca_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    work = tmp_path_factory.mktemp("canaries-live")
    mitm = launcher.start("dump", ca_dir, ["-s", str(UPSTREAM), "--set", "connection_strategy=lazy",
                                           "-w", str(work / "flows.mitm"),
                                           "--set", f"pinscope_report={work / 'report.md'}"])
    try:
        with httpx.Client(proxy=mitm.proxy_url, verify=str(mitm.ca_cert), timeout=30) as client:
            for index, case in enumerate(CASES):
                answer = client.request(case.method, f"https://{case.host}{case.path}", content=case.request_body,
                                        headers={**case.request_headers, CASE_HEADER: str(index)})
                assert answer.status_code == case.status and answer.content == case.response_body, case.name
    finally:
        status = mitm.stop()
    assert status == 0, mitm.tail()
    texts = {"dump: output": mitm.tail(400), "dump: report.md": (work / "report.md").read_text(encoding="utf-8")}
    with open(work / "flows.mitm", "rb") as handle:
        flows = [f for f in io.FlowReader(handle).stream() if isinstance(f, http.HTTPFlow)]
    assert len(flows) == len(CASES)
    with taddons.context(Pinscope()):  # registers the Pinterest view
        for flow in flows:
            name = CASES[int(flow.request.headers[CASE_HEADER])].name
            texts[f"{name}: comment"] = flow.comment
            texts[f"{name}: metadata"] = repr(flow.metadata)
            texts[f"{name}: view"] = "\n".join(
                contentviews.prettify_message(message, flow, "pinterest").text
                for message in (flow.request, flow.response))
    return texts


def test_the_cases_were_diagnosed_live(live: dict[str, str]) -> None:
    assert "bulk-item-errors" in live["bulk item error quotes a token: comment"]
    assert "token-leak" in live["token leaked to another host: comment"]
    assert "server-error" in live["dump: output"] and "server-error" in live["dump: report.md"]


def test_no_planted_secret_or_escape_reaches_any_live_output(live: dict[str, str]) -> None:
    assert exposed(live) == []
    assert escapes(live) == []
