"""Cases for rate-limit-forecast: a burst heading for a 429, and paces that are not."""

from __future__ import annotations

from mitmproxy import http

from tests.cases.base import case
from tests.flowkit import ACCESS_2, error, flow, ratelimit

PER_MINUTE = "20, 100;w=1, 20;w=60"  # a small category quota (the simulator's rate_scale makes these)
PER_SECOND = "100, 100;w=1, 1000;w=60"  # Pinterest's observed headers: the universal 100/s binds


def burst(count: int, gap: float, limit: str = PER_MINUTE, window: float = 60, quota: int = 20,
          token: str | None = None) -> list[http.HTTPFlow]:
    """`count` GET /v5/boards calls `gap` seconds apart, remaining and reset as a fixed window says."""
    flows = []
    for i in range(count):
        at = i * gap
        headers = ratelimit(quota - 1 - i, reset=max(1, round(window - at)), limit=limit)
        kwargs = {"token": token} if token else {}
        flows.append(flow("GET", "/v5/boards", at=at, body={"items": []}, headers=headers, **kwargs))
    return flows


CASES = [
    case("rate-limit-forecast/hit-minute-quota-burst", lambda: burst(6, 0.1), "rate-limit-forecast"),
    case("rate-limit-forecast/hit-universal-per-second", lambda: burst(30, 0.01, PER_SECOND, 1, 100),
         "rate-limit-forecast"),
    case("rate-limit-forecast/miss-slow-pace", lambda: burst(6, 10)),
    case("rate-limit-forecast/miss-too-few-responses", lambda: burst(4, 0.1)),
    case("rate-limit-forecast/miss-small-share-of-a-big-quota", lambda: burst(10, 0.05, PER_SECOND, 60, 1000)),
    case("rate-limit-forecast/miss-low-speaks-instead", lambda: burst(18, 0.1), "rate-limit-low"),
    case("rate-limit-forecast/hit-low-silenced", lambda: burst(18, 0.1), "rate-limit-forecast",
         silence=frozenset({"rate-limit-low"})),
    case("rate-limit-forecast/miss-429-is-rate-limited", lambda: [
        *burst(8, 0.1),
        flow("GET", "/v5/boards", at=0.8, status=429, body=error(8, "Rate limit exceeded"),
             headers=ratelimit(0, reset=59, limit=PER_MINUTE)),
    ], "rate-limited"),
    case("rate-limit-forecast/miss-other-token", lambda: [
        *burst(8, 0.1),
        *burst(1, 0.1, token=ACCESS_2),
    ]),
]
