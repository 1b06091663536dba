"""Shared pieces of the simulator's tests: a clock that never trips the per-second limit, a client."""

from __future__ import annotations

from dataclasses import replace

import httpx

from pinscope.catalog import default_catalog
from pinscope.simulator import DEMO_STANDARD, Simulator
from pinscope.simulator.access import all_features
from tests.flowkit import T0

PROD = "https://api.pinterest.com"
# The demo app, given every restricted feature: for tests about scopes, hosts and the store, not access.
EVERY_FEATURE = replace(DEMO_STANDARD, features=all_features(default_catalog()))


class Clock:
    """Each reading is a second later, so no test trips the 100-per-second limit."""

    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> float:
        self.now += 1
        return self.now


def session(sim: Simulator, base: str = PROD, scopes: str | None = None) -> httpx.Client:
    """A client whose requests carry a fresh token for `base`'s environment (default: every scope)."""
    http = httpx.Client(transport=httpx.WSGITransport(app=sim), base_url=base)
    granted = scopes if scopes is not None else ",".join(default_catalog().scopes)
    reply = http.post("/_sim/token", data={"app_id": DEMO_STANDARD.app_id, "scope": granted})
    http.headers["Authorization"] = f"Bearer {reply.json()['access_token']}"
    return http
