"""The live dashboard: a real tornado server on a free loopback port, driven on its own event loop."""

from __future__ import annotations

import asyncio
import json
import logging
import re
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager

import pytest
from mitmproxy import exceptions
from mitmproxy.test import taddons
from tornado.httpclient import AsyncHTTPClient, HTTPResponse

from pinscope import banner
from pinscope.addon import Pinscope
from pinscope.dashboard.frames import Frames, live_frame
from pinscope.dashboard.links import flow_url
from pinscope.dashboard.page import SCRIPT
from pinscope.dashboard.server import FORBIDDEN, Dashboard
from pinscope.engine import Engine
from pinscope.exchange import from_flow
from pinscope.report.html import csp_hash
from tests.flowkit import ACCESS, error, flow

WEB = "http://127.0.0.1:8081/?token=abc"
HOSTILE = '<script>alert("pwned")</script>'


class Clock:
    """A monotonic clock the test moves by hand: no test waits for real time."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def scope_error(flow_id: str | None = None, path: str = "/v5/boards"):
    """A 401 code 3 call that pinscope reports (insufficient-scope or a sibling rule)."""
    f = flow("GET", path, status=401, body=error(3, "Not authorized to access the user's boards"))
    if flow_id is not None:
        f.id = flow_id
    return f


def serve(engine: Engine, clock: Clock, web_url: str | None = None) -> Dashboard:
    """A dashboard over `engine`'s session whose report cache follows `clock`."""
    return Dashboard(Frames(lambda: live_frame(engine.session, engine.catalog, web_url), clock=clock))


@contextmanager
def running(dashboard: Dashboard) -> Iterator[str]:
    """Serve `dashboard` on a free loopback port for the block; its URL, token included."""
    url = dashboard.start("127.0.0.1", 0)
    try:
        yield url
    finally:
        dashboard.stop()


def on_loop(test: Callable[[], Awaitable[None]]) -> None:
    """Run one async test body on a fresh asyncio loop (tornado runs on it, as under mitmproxy)."""
    asyncio.run(test())


async def get(url: str) -> HTTPResponse:
    return await AsyncHTTPClient().fetch(url, raise_error=False)


def base(url: str) -> str:
    return url.split("?", 1)[0]


def test_the_token_is_required_and_the_page_is_locked_down() -> None:
    async def body() -> None:
        dashboard = serve(Engine(), Clock())
        with running(dashboard) as url:
            assert re.fullmatch(r"http://127\.0\.0\.1:\d+/\?token=[0-9a-f]{32}", url)
            for wrong in ("", "?token=", "?token=0000", "?token=%C3%A9t%C3%A9", f"?token={dashboard.token}x"):
                for path in ("", "live"):
                    answer = await get(base(url) + path + wrong)
                    assert answer.code == 403, (path, wrong)
                    assert answer.body.decode() == FORBIDDEN
            page = await get(url)
            assert page.code == 200
            policy = page.headers["Content-Security-Policy"]
            assert f"script-src {csp_hash(SCRIPT)};" in policy and "unsafe" not in policy
            assert "connect-src 'self'" in policy and "default-src 'none'" in policy
            assert page.headers["Referrer-Policy"] == "no-referrer"  # the token never leaves in a Referer
            html = page.body.decode()
            assert html.count("<script") == 1 and f"<script>{SCRIPT}</script>" in html
            assert not re.search(r"<[^>]*\son\w+\s*=", html, flags=re.I)  # no inline handlers
            assert "http://" not in SCRIPT and "https://" not in SCRIPT  # polls its own origin only

    on_loop(body)


def test_a_new_finding_shows_once_the_second_is_over() -> None:
    async def body() -> None:
        engine, clock = Engine(), Clock()
        dashboard = serve(engine, clock)
        with running(dashboard) as url:
            first = json.loads((await get(base(url) + f"live?token={dashboard.token}")).body)
            assert "No findings" in first["main"]
            unchanged = await get(base(url) + f"live?token={dashboard.token}&since={first['version']}")
            assert unchanged.code == 204
            engine.analyze(from_flow(scope_error()))
            clock.now += 1.0
            since = f"live?token={dashboard.token}&since={first['version']}"
            second = json.loads((await get(base(url) + since)).body)
            assert second["version"] != first["version"] and 'id="rule-insufficient-scope"' in second["main"]
            assert ACCESS not in second["main"]  # the report's model: tokens by label only

    on_loop(body)


def test_the_report_is_built_at_most_once_a_second_however_many_poll() -> None:
    async def body() -> None:
        engine, clock = Engine(), Clock()
        dashboard = serve(engine, clock)
        with running(dashboard) as url:
            live = base(url) + f"live?token={dashboard.token}"
            answers = await asyncio.gather(*(get(u) for u in [url, live] * 20))
            assert {a.code for a in answers} == {200} and dashboard.frames.builds == 1
            clock.now += 0.99
            engine.analyze(from_flow(scope_error()))
            await asyncio.gather(*(get(live) for _ in range(10)))
            assert dashboard.frames.builds == 1  # still the cached frame, without the new finding
            clock.now += 0.01
            answers = await asyncio.gather(*(get(live) for _ in range(10)))
            assert dashboard.frames.builds == 2
            assert all("rule-insufficient-scope" in a.body.decode() for a in answers)

    on_loop(body)


def test_a_failing_build_keeps_the_last_frame_and_is_logged_once(caplog) -> None:
    clock, calls = Clock(), []

    def build():
        calls.append(1)
        raise RuntimeError("a pinscope bug")

    frames = Frames(build, clock=clock)
    with caplog.at_level(logging.WARNING, logger="pinscope"):
        for _ in range(3):
            assert frames.current().version == ""
            clock.now += 1
    assert len(calls) == 3 and len([r for r in caplog.records if "could not build" in r.getMessage()]) == 1


def test_examples_link_to_their_flows_in_mitmweb() -> None:
    engine = Engine()
    engine.analyze(from_flow(scope_error("5b3c1f0e-1111-4222-8333-444455556666")))
    engine.analyze(from_flow(scope_error('x"><img src=x onerror=alert(1)>', path="/v5/boards/1")))
    main = live_frame(engine.session, engine.catalog, WEB).main
    links = re.findall(r'<a href="([^"]+)" class="flow-link', main)
    assert links == [f"{WEB.replace('&', '&amp;')}#/flows/5b3c1f0e-1111-4222-8333-444455556666/response"]
    assert "onerror" not in main.split("flow-link")[0].split("<a href")[-1]
    assert "flow-link" not in live_frame(engine.session, engine.catalog, None).main  # no mitmweb: no links
    assert flow_url(WEB, "../admin") is None


def test_traffic_text_is_escaped() -> None:
    engine = Engine()
    engine.analyze(from_flow(flow("GET", f"/v5/pins/1?q={HOSTILE}", status=404,
                                  body=error(50, f"{HOSTILE} Pin not found"))))
    frame = live_frame(engine.session, engine.catalog, WEB)
    assert "<script" not in frame.main and "<img" not in frame.main
    assert '&lt;script&gt;alert(&quot;pwned&quot;)&lt;/script&gt; Pin not found' in frame.main


def test_the_addon_serves_it_from_running_to_done(caplog) -> None:
    async def body() -> None:
        addon = Pinscope()
        with taddons.context(addon) as tctx:
            tctx.configure(addon)
            addon.running()
            assert addon.dashboard.served is None  # off unless asked (pinscope web and the demo ask)
            with caplog.at_level(logging.INFO, logger="pinscope"):
                tctx.configure(addon, pinscope_dashboard=True)
            url = addon.dashboard.served.url
            assert [r.getMessage() for r in caplog.records if "dashboard" in r.getMessage()] == [
                f"pinscope: dashboard {url} (this machine only; the session as the report shows it, "
                "updated live)"]
            addon.request(f := scope_error())
            addon.response(f)
            assert "rule-insufficient-scope" in (await get(url)).body.decode()
            with pytest.raises(exceptions.OptionsError, match="pinscope_dashboard_port"):
                tctx.configure(addon, pinscope_dashboard_port=70000)
            addon.done()
            assert addon.dashboard.served is None
            with pytest.raises(ConnectionRefusedError):  # no longer listening
                await get(url)

    on_loop(body)


def test_a_busy_port_is_one_warning_and_the_proxy_runs_on(caplog) -> None:
    async def body() -> None:
        other = Dashboard(Frames(lambda: None))  # type: ignore[arg-type, return-value]
        port = int(other.start("127.0.0.1", 0).split(":")[2].split("/")[0])
        addon = Pinscope()
        try:
            with taddons.context(addon) as tctx, caplog.at_level(logging.INFO, logger="pinscope"):
                tctx.configure(addon, pinscope_dashboard=True, pinscope_dashboard_port=port)
                addon.running()
                assert addon.dashboard.served is None
        finally:
            other.stop()
        said = [r for r in caplog.records if "dashboard" in r.getMessage()]
        assert len(said) == 1 and said[0].levelno == logging.WARNING and "not started" in said[0].getMessage()

    on_loop(body)


def test_other_addresses_only_when_asked_and_then_with_a_warning() -> None:
    assert [level for level, _ in banner.dashboard_lines("127.0.0.1", "http://127.0.0.1:1/")] == [logging.INFO]
    said = banner.dashboard_lines("0.0.0.0", "http://127.0.0.1:1/")
    assert said[0][1].endswith("(reachable from other machines; the session as the report shows it, "
                               "updated live)")
    assert said[1][0] == logging.WARNING and "pinscope_dashboard_host=127.0.0.1" in said[1][1]
