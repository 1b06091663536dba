"""A mitmproxy script that answers each canary case (tests/canaries.py) as a hostile upstream would.

Loaded after pinscope (`-s`), with `connection_strategy=lazy`: the answer is made in the request hook,
so nothing leaves the machine, and mitmproxy then runs every addon's response hook on it as on any
upstream answer. The case is named by the `X-Canary-Case` request header (its index in CASES).
"""

from __future__ import annotations

import sys
from pathlib import Path

from mitmproxy import http

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from tests.canaries import CASES  # noqa: E402

CASE_HEADER = "x-canary-case"


def request(flow: http.HTTPFlow) -> None:
    """Answer a canary request with its case's status, headers and body."""
    index = flow.request.headers.get(CASE_HEADER)
    if index is None or not index.isdigit() or int(index) >= len(CASES):
        return
    case = CASES[int(index)]
    flow.response = http.Response.make(case.status, case.response_body, case.response_headers)
