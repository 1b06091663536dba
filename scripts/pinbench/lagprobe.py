"""A mitmproxy addon for the benchmark: the event loop's worst delay, read with a request to LAG_HOST.

A task sleeps TICK again and again and keeps the largest overshoot; any hook that blocks the loop
(decoding a body, parsing a long URL) shows up as one late wake-up. A request whose Host is
LAG_HOST is answered here with `{"max_lag_ms": ...}`, and the maximum starts again from zero.
"""

from __future__ import annotations

import asyncio
import json
import time

from mitmproxy import http

LAG_HOST = "lag.pinbench"
TICK = 0.002


class LagProbe:
    """Measures how late the event loop wakes up, between two reads."""

    def __init__(self) -> None:
        self.max_lag = 0.0
        self._task: asyncio.Task | None = None

    def running(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._tick())

    async def _tick(self) -> None:
        while True:
            start = time.perf_counter()
            await asyncio.sleep(TICK)
            self.max_lag = max(self.max_lag, time.perf_counter() - start - TICK)

    def request(self, flow: http.HTTPFlow) -> None:
        if flow.request.headers.get("host") == LAG_HOST:
            body = json.dumps({"max_lag_ms": self.max_lag * 1000}).encode()
            flow.response = http.Response.make(200, body, {"content-type": "application/json"})
            self.max_lag = 0.0


addons = [LagProbe()]
