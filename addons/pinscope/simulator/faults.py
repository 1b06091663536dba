"""Forced faults for tests and the demo, requested with the `X-Sim-Fault` request header.

Values (checked after routing, before authentication, so any token will do):
  `500`           500 {"code": 500, ...}           (any `<status>` alone: code = status)
  `503-4197`      503 {"code": 4197, "message": "The endpoint has been ramped down ..."}
  `501-4181`      501 "Not implemented at the moment ..."   (any `<status>-<code>`)
  `429`           429 {"code": 8, ...} without rate-limit headers
  `spam-429`      429 {"code": 8, ..., "message_detail": "... spam ..."} (a spam block, not a rate limit)
Messages for known codes come from the spec's examples (errors.FAULT_MESSAGES).
"""

from __future__ import annotations

from pinscope.simulator.errors import FAULT_MESSAGES, RATE_LIMITED, SPAM_DETAIL, error
from pinscope.simulator.wire import Reply

HEADER = "X-Sim-Fault"  # matched case-insensitively, as HTTP header names are
EXAMPLES = ("500", "503-4197", "501-4181", "429", "spam-429")
GENERIC_MESSAGES = {500: "Internal server error.", 502: "Bad gateway.", 503: "Service unavailable."}


def forced(value: str | None) -> Reply | None:
    """The Reply a fault header asks for; None when absent; a 400 naming the problem when unreadable."""
    if value is None:
        return None
    value = value.strip().lower()
    if value == "spam-429":
        return error(RATE_LIMITED, message_detail=SPAM_DETAIL)
    status_text, _, code_text = value.partition("-")
    readable = status_text.isdigit() and 400 <= int(status_text) <= 599
    if not readable or (code_text and not code_text.isdigit()):
        return Reply(400, {"code": 1, "message": f"X-Sim-Fault: cannot read {value[:40]!r}; "
                                                  "use <status>, <status>-<code> or spam-429"})
    status = int(status_text)
    code = int(code_text) if code_text else (8 if status == 429 else status)
    message = FAULT_MESSAGES.get(code) or GENERIC_MESSAGES.get(status, "Request failed.")
    return error((status, code, message))
