"""X-Pinscope-Silence on a request: read, stripped before the request leaves, kept as rule ids for the answer."""

from __future__ import annotations

import re

from mitmproxy import http

from pinscope import exchange
from pinscope.engine import SILENCE_HEADER

SILENCE_KEY = "pinscope_silence"  # flow.metadata: the stripped X-Pinscope-Silence value, for the answer's hook
RULE_ID = re.compile(r"[a-z0-9-]{1,64}")
SILENCE_FIELD = SILENCE_HEADER.encode()


def pop_silence(request: http.Request, headers: exchange.HeaderView) -> str | None:
    """Remove X-Pinscope-Silence (every copy) and return its value; `headers` (the request's) says
    whether it is there, a raw scan only past the fields a HeaderView reads."""
    fields = request.data.headers.fields
    present = headers.get(SILENCE_HEADER) is not None or (len(fields) > exchange.MAX_HEADERS and any(
        len(name) == len(SILENCE_FIELD) and name.lower() == SILENCE_FIELD for name, _ in fields))
    return request.headers.pop(SILENCE_HEADER, None) if present else None


def rule_ids(value: str) -> str:
    """The id-shaped parts of an X-Pinscope-Silence value: whatever else was pasted there stays out."""
    return ", ".join(part for part in (p.strip() for p in value.split(",")) if RULE_ID.fullmatch(part))
