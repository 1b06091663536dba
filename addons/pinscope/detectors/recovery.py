"""Recovery: how the client retried after an error (pinscope/recovery.py grades; this speaks for the bad cases)."""

from __future__ import annotations

from pinscope.detectors.base import Context, Findings, detects, token_label
from pinscope.exchange import Exchange
from pinscope.findings import Finding
from pinscope.recovery import HAMMER_AFTER

# The outcomes that are findings of their own; retried-before-reset is the rate-limit detector's.
RULES = {"retried-unrecoverable": "retry-unrecoverable", "write-retried-after-5xx": "write-retried-after-5xx",
         "no-backoff": "retry-without-backoff"}


@detects(*RULES.values(), phase="request", api=True, operation=True)
def bad_retry(ex: Exchange, ctx: Context) -> Findings:
    """A request that retries the same token's last error on this operation, the way that cannot help."""
    op = ctx.operation
    if op is None:
        return ()
    tracker = ctx.session.recovery
    prior = tracker.pending(ex, op.label)
    if prior is None:
        return ()
    outcome = tracker.outcome(ex, prior)
    rule = RULES.get(outcome)
    if rule is None or (outcome == "no-backoff" and prior.quick + 1 < HAMMER_AFTER):
        return ()
    return (Finding(rule, {
        "operation": op.label,
        "token": token_label(ex),
        "status": prior.status,
        "code": prior.code,
        "gap": f"{max(0.0, ex.timestamp - prior.last_at):.2f}",
        "retries": prior.quick + 1,
    }),)


DETECTORS = (bad_retry,)
