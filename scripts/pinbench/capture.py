"""Write a large capture of the mix quickly: one template state per kind, varied per flow.

Building and serialising a million real flows one by one would take longer than analysing them.
The file is the same `mitmdump -w` format (tnetstring flow states), with distinct ids, paths,
tokens and times; each flow's constant parts are serialised once per template.
"""

from __future__ import annotations

import uuid
from pathlib import Path

from mitmproxy.io import tnetstring

from pinbench import mix

TOKENS = 7  # distinct shared tokens, as mix.Kind.bearer cycles them
VARIED = {"flow": ("id", "timestamp_created", "request", "response"),
          "request": ("path", "timestamp_start", "timestamp_end"),
          "response": ("timestamp_start", "timestamp_end")}


def _pairs(state: dict, skip: tuple[str, ...]) -> bytes:
    """The serialised key/value pairs of `state` except `skip`."""
    return b"".join(tnetstring.dumps(k) + tnetstring.dumps(v) for k, v in state.items() if k not in skip)


class _Raw(bytes):
    """A value already serialised: written as it is."""


def _dict(constant: bytes, varied: dict) -> bytes:
    """A tnetstring dict from pre-serialised pairs plus a few varied ones."""
    payload = constant + b"".join(
        tnetstring.dumps(k) + (v if isinstance(v, _Raw) else tnetstring.dumps(v)) for k, v in varied.items())
    return b"%d:%s}" % (len(payload), payload)


def _templates() -> dict[str, list[tuple[bytes, bytes, bytes]]]:
    """Per kind and shared token: the constant parts of the flow, its request and its response."""
    out = {}
    for kind in mix.KINDS:
        states = [mix.build(kind, n).get_state() for n in range(TOKENS)]
        out[kind.name] = [(_pairs(s, VARIED["flow"]), _pairs(s["request"], VARIED["request"]),
                           _pairs(s["response"], VARIED["response"])) for s in states]
    return out


def write(path: Path, count: int, seed: int = 5) -> Path:
    """Write `count` mix flows to `path` (mode 0600); flow n starts at T0 + n seconds."""
    templates = _templates()
    with path.open("wb") as out:
        path.chmod(0o600)
        for n, kind in enumerate(mix.kinds(count, seed)):
            flow, request, response = templates[kind.name][n % TOKENS]
            start = mix.T0 + n
            out.write(_dict(flow, {
                "id": str(uuid.UUID(int=n)),
                "timestamp_created": start,
                "request": _Raw(_dict(request, {"path": kind.path.format(n=100000 + n).encode(),
                                                "timestamp_start": start, "timestamp_end": start + 0.001})),
                "response": _Raw(_dict(response, {"timestamp_start": start + 0.05, "timestamp_end": start + 0.06})),
            }))
    return path
