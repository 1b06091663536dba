"""The answers a rehearsal injects, built from the simulator's own error data and wire format.

Each answer is what the simulator sends for the same case: a forced fault (`X-Sim-Fault` values:
`500`, `503-4197`, `spam-429`), an expired token (401 code 2), a token without the scopes (401 code 3),
or an exhausted rate limit (429 code 8 with `X-RateLimit-*` at Pinterest's published quotas, the
window just opened). No mitmproxy here: the addon turns an Answer into a response.
"""

from __future__ import annotations

import hashlib
from typing import NamedTuple

from pinscope.catalog import Operation
from pinscope.rehearse.plan import Rule
from pinscope.simulator import errors, faults, limits
from pinscope.simulator.wire import Reply, write_reply

RID_LENGTH = 16  # as the simulator's x-pinterest-rid


class Answer(NamedTuple):
    """A response to send: status, header pairs in the simulator's order, body bytes."""

    status: int
    headers: list[tuple[str, str]]
    body: bytes


def rate_limited(operation: Operation) -> Reply:
    """429 code 8 as the simulator answers when the operation's category quota is spent at scale 1."""
    policies = limits.RateLimiter(clock=lambda: 0.0).policies(operation.category)
    quota, window = policies[-1]  # the category's policy binds; without a category, the universal one
    return errors.error(errors.RATE_LIMITED, limits.headers(quota, policies, 0, window))


def fault_reply(rule: Rule, operation: Operation) -> Reply:
    """The simulator's answer for a rule that answers (kind "status", "spam-429" or "expire-token")."""
    if rule.kind == "expire-token":
        return errors.error(errors.AUTH_FAILED)  # the simulator's answer to an expired access token
    if rule.kind == "spam-429":
        reply = faults.forced("spam-429")
    elif rule.status == 429 and rule.code in (None, errors.RATE_LIMITED[1]):
        return rate_limited(operation)
    else:
        reply = faults.forced(f"{rule.status}-{rule.code}" if rule.code is not None else str(rule.status))
    assert reply is not None  # the plan only lets readable faults through
    return reply


def missing_scopes() -> Reply:
    """401 code 3 "Your token does not have sufficient permissions ...", as the simulator sends it."""
    return errors.error(errors.MISSING_SCOPES)


def rid(seed: int, serial: int) -> str:
    """A deterministic `x-pinterest-rid`, as the simulator makes them: hashed seed, kind and counter."""
    return hashlib.sha256(f"{seed}:rehearsal-rid:{serial}".encode()).hexdigest()[:RID_LENGTH]


def render(reply: Reply, request_id: str) -> Answer:
    """The reply through the simulator's own wire code: same headers, same JSON bytes."""
    said: dict[str, object] = {}

    def start_response(status: str, headers: list[tuple[str, str]]) -> None:
        said.update(status=int(status.split()[0]), headers=headers)

    body = b"".join(write_reply(reply, request_id, start_response))
    return Answer(said["status"], said["headers"], body)  # type: ignore[arg-type]
