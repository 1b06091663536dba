"""Numbers from traffic are checked where they are read (bounds.py): OAuth lifetimes, flow timestamps
and durations as a hostile upstream or a crafted capture writes them. Nothing downstream raises: the
session, the report in every format, `pinscope analyze`."""

from __future__ import annotations

import json
import math
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from mitmproxy import io

from pinscope import bounds
from pinscope.engine import Engine
from pinscope.exchange import from_flow
from pinscope.report.build import build_report
from pinscope.report.write import RENDERERS
from pinscope.timefmt import when
from tests.e2e.conftest import pinscope_cli
from tests.flowkit import ACCESS, T0, flow, token_grant

# JSON literals an /oauth/token answer may carry where a lifetime belongs.
HOSTILE_LIFETIMES = {
    "1e400 (inf)": "1e400", "-1e400": "-1e400", "NaN": "NaN", "Infinity": "Infinity", "1e300": "1e300",
    "10**30": str(10**30), "10**400": str(10**400), "11 years": str(11 * 365 * 86_400), "negative": "-5",
    "true": "true", "string": '"2592000"', "null": "null", "object": "{}", "list": "[1]",
}
# What a crafted capture may put where mitmproxy keeps a flow's timestamps.
HOSTILE_MOMENTS = {
    "NaN": math.nan, "inf": math.inf, "-inf": -math.inf, "1e300": 1e300, "-1e12": -1e12, "10**400": 10**400,
    "year 2200": 7_258_118_400.0, "text": "yesterday", "None": None, "bool": True, "list": [1.0],
}


@pytest.mark.parametrize("value", [0, 1, 2_592_000, 31_536_000.5, bounds.MAX_LIFETIME_SECONDS])
def test_real_lifetimes_are_kept(value: float) -> None:
    assert bounds.lifetime(value) == value


@pytest.mark.parametrize("literal", HOSTILE_LIFETIMES.values(), ids=HOSTILE_LIFETIMES.keys())
def test_hostile_lifetimes_are_rejected(literal: str) -> None:
    assert bounds.lifetime(json.loads(literal)) is None


@pytest.mark.parametrize("value", HOSTILE_MOMENTS.values(), ids=HOSTILE_MOMENTS.keys())
def test_hostile_timestamps_land_in_range(value: object) -> None:
    moment = bounds.timestamp(value)
    assert bounds.EARLIEST_TIMESTAMP <= moment <= bounds.LATEST_TIMESTAMP
    when(moment + bounds.MAX_LIFETIME_SECONDS)  # what the session adds to one stays a datetime


def test_timestamps_are_clamped_not_moved() -> None:
    assert bounds.timestamp(T0) == T0 and bounds.timestamp(5) == 5.0
    assert bounds.timestamp(1e300) == bounds.LATEST_TIMESTAMP
    assert bounds.timestamp(-1e12) == bounds.timestamp(math.nan) == bounds.EARLIEST_TIMESTAMP


@pytest.mark.parametrize(("end", "expected"), [
    (T0 + 0.06, 60.0), (T0, 0.0), (0, None), (None, None), (T0 - 1, None), (T0 + 86_401, None),
    (math.nan, None), (math.inf, None), (10**400, None), ("soon", None),
])
def test_durations_are_real_latencies_or_none(end: object, expected: float | None) -> None:
    measured = bounds.duration_ms(T0, end)
    assert measured == pytest.approx(expected) if expected is not None else measured is None


def grant_with(literal: str):
    """A token grant whose expires_in and refresh_token_expires_in are `literal`, verbatim."""
    f = token_grant("pins:read")
    body = json.loads(f.response.content)
    body["expires_in"] = body["refresh_token_expires_in"] = "@@"
    f.response.content = json.dumps(body).replace('"@@"', literal).encode()
    return f


def render_everything(engine: Engine) -> None:
    report = build_report(engine.session, engine.catalog)
    for render in RENDERERS.values():
        assert render(report)


@pytest.mark.parametrize("literal", HOSTILE_LIFETIMES.values(), ids=HOSTILE_LIFETIMES.keys())
def test_hostile_lifetimes_leave_the_expiry_unknown_and_the_report_whole(literal: str) -> None:
    engine = Engine()
    ex = from_flow(grant_with(literal))
    assert ex.grant is not None and (ex.grant.expires_in, ex.grant.refresh_expires_in) == (None, None)
    engine.analyze(ex)
    engine.analyze(from_flow(flow("GET", "/v5/pins/1", at=5, status=401, body={"code": 2, "message": "x"})))
    report = build_report(engine.session, engine.catalog)
    assert [t.expires_at for t in report.tokens] == [None, None]
    render_everything(engine)


def test_a_real_lifetime_still_gives_the_expiry() -> None:
    engine = Engine()
    engine.analyze(from_flow(grant_with("2592000")))
    expiry = build_report(engine.session, engine.catalog).tokens[0].expires_at
    assert expiry == datetime.fromtimestamp(T0 + 2_592_000, UTC)


@pytest.mark.parametrize("where", ["request start", "response end", "both"])
@pytest.mark.parametrize("value", HOSTILE_MOMENTS.values(), ids=HOSTILE_MOMENTS.keys())
def test_hostile_flow_timestamps_never_break_the_session_or_the_report(where: str, value: object) -> None:
    engine = Engine()
    engine.analyze(from_flow(token_grant("pins:read")))
    f = flow("GET", "/v5/boards", at=5, status=429,
             headers={"x-ratelimit-limit": "100", "x-ratelimit-remaining": "0", "x-ratelimit-reset": "1"})
    if where != "response end":
        f.request.timestamp_start = value
    if where != "request start":
        f.response.timestamp_end = value
    ex = from_flow(f)
    assert bounds.EARLIEST_TIMESTAMP <= ex.timestamp <= bounds.LATEST_TIMESTAMP
    assert ex.duration_ms is None or 0 <= ex.duration_ms <= bounds.MAX_DURATION_MS
    engine.analyze(ex)
    render_everything(engine)


def test_analyze_reads_a_capture_of_hostile_numbers_without_a_traceback(tmp_path: Path) -> None:
    capture, report = tmp_path / "hostile.mitm", tmp_path / "report.json"
    flows = [grant_with("1e400"), grant_with("NaN"), grant_with(str(10**30))]
    for f, moment in zip(flows, (math.nan, math.inf, 1e300), strict=True):
        f.request.timestamp_start = f.response.timestamp_end = moment
    flows.append(flow("GET", "/v5/pins/1", token=ACCESS, at=5, status=401, body={"code": 2, "message": "x"}))
    with capture.open("wb") as out:
        writer = io.FlowWriter(out)
        for f in flows:
            writer.add(f)
    command, env = pinscope_cli("analyze", str(capture), f"--report={report}")
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    tokens = json.loads(report.read_text())["tokens"]
    assert tokens and all(t["expires_at"] is None for t in tokens)


MOMENTS = st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.integers(-(10**30), 10**30),
                    st.sampled_from([T0, T0 + 1, bounds.LATEST_TIMESTAMP, 0.0]))
HEADER_NUMBERS = st.one_of(st.integers(0, 10**13).map(str),
                           st.sampled_from(["0", "1", "nan", "1e400", "-1", ""]))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(MOMENTS, MOMENTS, HEADER_NUMBERS, HEADER_NUMBERS, st.sampled_from([200, 429])),
                min_size=1, max_size=6), st.one_of(st.none(), MOMENTS))
def test_any_mix_of_numbers_gives_a_report_in_every_format(calls, lifetime) -> None:
    engine = Engine()
    grant = grant_with(json.dumps(lifetime))  # NaN and Infinity too, as json.loads reads them
    engine.analyze(from_flow(grant))
    for start, end, remaining, reset, status in calls:
        f = flow("GET", "/v5/boards", status=status,
                 headers={"x-ratelimit-limit": "100, 100;w=1", "x-ratelimit-remaining": remaining,
                          "x-ratelimit-reset": reset})
        f.request.timestamp_start, f.response.timestamp_end = start, end
        engine.analyze(from_flow(f))
    render_everything(engine)
