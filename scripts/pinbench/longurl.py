"""What a 4 MB request target costs: the addon's request and response hooks, in process.

Shapes that used to be slow: one key repeated (values joined per key), many distinct keys, tokens
in the query (each masked), on the API host and on another host.
"""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass

from mitmproxy import http
from mitmproxy.test import tflow

from pinbench.bombs import TOKEN
from pinscope.addon import Pinscope

URL_BYTES = 4 << 20


@dataclass(frozen=True)
class UrlCost:
    """The addon's hooks on a 4 MB request target, per shape (median of `runs`, in ms)."""

    shapes: dict[str, float]

    @property
    def worst_ms(self) -> float:
        return max(self.shapes.values())


URL_SHAPES = {  # name -> (host, repeated query unit)
    "API host, one key repeated": ("api.pinterest.com", "ids=1&"),
    "API host, distinct keys": ("api.pinterest.com", None),
    "API host, tokens in the query": ("api.pinterest.com", f"access_token={TOKEN}&"),
    "other host, pina_colada": ("recipes.example", "q=pina_colada&"),
    "other host, tokens in the query": ("recipes.example", f"t={TOKEN}&"),
    "other host, one long value": ("recipes.example", "x" * 64),
}


def _url_flow(host: str, unit: str | None) -> http.HTTPFlow:
    if unit is None:
        query = "&".join(f"k{n}=v" for n in range(URL_BYTES // 8))
    else:
        query = unit * (URL_BYTES // len(unit))
    request = http.Request.make("GET", f"https://{host}/v5/pins?{query}", b"", {"user-agent": "bench"})
    return tflow.tflow(req=request, resp=http.Response.make(200, b"{}", {"content-type": "application/json"}))


def measure_url(runs: int = 5) -> UrlCost:
    """Median cost of request + response hooks for each 4 MB target shape."""
    addon = Pinscope()
    shapes = {}
    for name, (host, unit) in URL_SHAPES.items():
        samples = []
        for _ in range(runs):
            flow = _url_flow(host, unit)
            start = time.perf_counter()
            addon.request(flow)
            addon.response(flow)
            samples.append((time.perf_counter() - start) * 1000)
        shapes[name] = statistics.median(samples)
    if addon.failed_hooks:
        raise RuntimeError(f"addon hooks failed on long URLs: {sorted(addon.failed_hooks)}")
    return UrlCost(shapes)
