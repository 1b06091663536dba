"""Sandbox vs production: the wrong host for a token or an operation, and Trial-tier writes.

sandbox-endpoint-unavailable is reported twice on purpose: on the request (before Pinterest
answers, variant "default") and again when the sandbox confirms with a 400 (variant "confirmed").
A completed flow therefore carries the rule once per phase; its rule set is {sandbox-endpoint-unavailable}.
"""

from __future__ import annotations

from collections.abc import Iterator

from pinscope.detectors.base import Context, detects, operation_label, said, token_label
from pinscope.detectors.oauth import bearer_rejected
from pinscope.exchange import API_HOSTS, Environment, Exchange
from pinscope.findings import Finding

HOSTS: dict[str, str] = {environment: host for host, environment in API_HOSTS.items()}
TRIAL_WRITE_CODE = 29


def other_environment(environment: str) -> Environment:
    """production <-> sandbox."""
    return "sandbox" if environment == "production" else "production"


def token_home(ex: Exchange, ctx: Context) -> Environment | None:
    """The other environment this token belongs to, when it never worked on this host."""
    state = ctx.session.token(ex.credential)
    if state is None or ex.environment is None or ex.environment in state.succeeded_on:
        return None
    other = other_environment(ex.environment)
    return other if other in state.succeeded_on or state.issued_on == other else None


def points_at_sandbox(ex: Exchange) -> bool:
    """403 code 29 whose message sends the caller to the sandbox: a Trial app writing in production."""
    return ex.status == 403 and ex.error_code == TRIAL_WRITE_CODE and "sandbox" in ex.error_message.lower()


@detects("sandbox-token-on-production", "production-token-on-sandbox", errors_only=True)
def token_on_wrong_host(ex: Exchange, ctx: Context) -> Iterator[Finding]:
    """401 code 2 for a token that worked (or was issued) on the other host in this session."""
    if not bearer_rejected(ex, ctx.operation):
        return
    home = token_home(ex, ctx)
    if home is None:
        return
    state = ctx.session.token(ex.credential)
    how = "worked" if state is not None and home in state.succeeded_on else "was issued"
    rule = "sandbox-token-on-production" if home == "sandbox" else "production-token-on-sandbox"
    yield Finding(rule, {
        "operation": operation_label(ex, ctx.operation),
        "token": token_label(ex),
        "how": how,
        "host": HOSTS[ex.environment or "production"],
        "home_host": HOSTS[home],
    })


@detects("sandbox-endpoint-unavailable", phase="request")
def sandbox_endpoint_unavailable(ex: Exchange, ctx: Context) -> Iterator[Finding]:
    """An operation with `x-sandbox: disabled` called on the sandbox host (before the answer)."""
    op = ctx.operation
    if ex.environment != "sandbox" or op is None or op.sandbox:
        return
    yield Finding("sandbox-endpoint-unavailable", {"operation": op.label, "category": op.category or "none"})


@detects("sandbox-endpoint-unavailable", errors_only=True)
def sandbox_endpoint_refused(ex: Exchange, ctx: Context) -> Iterator[Finding]:
    """The sandbox's 400 for such an operation: the flag above, confirmed."""
    op = ctx.operation
    if ex.environment != "sandbox" or op is None or op.sandbox or ex.status != 400:
        return
    yield Finding("sandbox-endpoint-unavailable", {
        "operation": op.label, "category": op.category or "none", "said": said(ex, ctx),
    }, "confirmed")


@detects("sandbox-host-in-use", phase="request")
def sandbox_host_in_use(ex: Exchange, ctx: Context) -> Iterator[Finding]:
    """Once per session: traffic goes to the sandbox host; here is how to move to production."""
    if ex.environment != "sandbox" or "sandbox-host-in-use" in ctx.session.rules:
        return
    yield Finding("sandbox-host-in-use", {
        "operation": operation_label(ex, ctx.operation), "token": token_label(ex),
    })


@detects("trial-production-write", errors_only=True)
def trial_production_write(ex: Exchange, ctx: Context) -> Iterator[Finding]:
    """403 code 29 pointing at the sandbox: Trial apps may not create Pins in production."""
    if not ex.is_api or not points_at_sandbox(ex):
        return
    yield Finding("trial-production-write", {
        "operation": operation_label(ex, ctx.operation),
        "token": token_label(ex),
        "said": said(ex, ctx),
    })


DETECTORS = (token_on_wrong_host, sandbox_endpoint_unavailable, sandbox_endpoint_refused,
             sandbox_host_in_use, trial_production_write)
