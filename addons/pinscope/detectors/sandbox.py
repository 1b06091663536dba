"""Sandbox vs production: the wrong host for a token or an operation, and Trial-tier writes.

sandbox-endpoint-unavailable is said on the request (before Pinterest answers, variant "default");
when the sandbox confirms with a 400, the answer's finding (variant "confirmed") replaces it, so a
flow carries it once (rules/answers/table.toml decides which rule explains an answer).
"""

from __future__ import annotations

from pinscope.detectors.base import Context, Findings, detects, explains, operation_label, said, token_label
from pinscope.exchange import Environment, Exchange
from pinscope.findings import Finding
from pinscope.pinterest import HOSTS


def other_environment(environment: str) -> Environment:
    """production <-> sandbox."""
    return "sandbox" if environment == "production" else "production"


def token_home(ex: Exchange, ctx: Context) -> Environment | None:
    """The other environment this token belongs to, when it never authenticated on this host.

    Any answer that is not an authentication failure counts as authenticated (a 403 code 29 too:
    Pinterest knew the token), not only a 2xx.
    """
    state = ctx.session.token(ex.credential)
    if state is None or ex.environment is None or ex.environment in state.authenticated_on:
        return None
    other = other_environment(ex.environment)
    return other if other in state.authenticated_on or state.issued_on == other else None


def _wrong_host(ex: Exchange, ctx: Context, rule: str) -> Finding:
    """401 code 2 for a token that authenticated on (variant default) or was issued for (issued) the
    other host this session."""
    home = token_home(ex, ctx) or other_environment(ex.environment or "production")
    state = ctx.session.token(ex.credential)
    worked = state is not None and home in state.authenticated_on
    return Finding(rule, {
        "operation": operation_label(ex, ctx.operation),
        "token": token_label(ex),
        "host": HOSTS[ex.environment or "production"],
        "home_host": HOSTS[home],
    }, "default" if worked else "issued")


@explains("sandbox-token-on-production")
def sandbox_token_on_production(ex: Exchange, ctx: Context) -> Finding:
    """A sandbox token refused by production."""
    return _wrong_host(ex, ctx, "sandbox-token-on-production")


@explains("production-token-on-sandbox")
def production_token_on_sandbox(ex: Exchange, ctx: Context) -> Finding:
    """A production token refused by the sandbox."""
    return _wrong_host(ex, ctx, "production-token-on-sandbox")


@detects("sandbox-endpoint-unavailable", phase="request", api=True, operation=True, sandbox=True)
def sandbox_endpoint_unavailable(ex: Exchange, ctx: Context) -> Findings:
    """An operation with `x-sandbox: disabled` called on the sandbox host (before the answer)."""
    op = ctx.operation
    if ex.environment != "sandbox" or op is None or op.sandbox:
        return ()
    return (Finding("sandbox-endpoint-unavailable", {"operation": op.label, "category": op.category}),)


@explains("sandbox-endpoint-unavailable")
def sandbox_endpoint_refused(ex: Exchange, ctx: Context) -> Finding:
    """The sandbox's 400 for such an operation: the request-phase flag, confirmed."""
    op = ctx.operation
    return Finding("sandbox-endpoint-unavailable", {
        "operation": operation_label(ex, op), "category": op.category if op else None,
        "said": said(ex, ctx),
    }, "confirmed")


@detects("sandbox-host-in-use", phase="request", api=True, sandbox=True)
def sandbox_host_in_use(ex: Exchange, ctx: Context) -> Findings:
    """Once per session: traffic goes to the sandbox host; here is how to move to production."""
    if ex.environment != "sandbox" or "sandbox-host-in-use" in ctx.session.rules:
        return ()
    return (Finding("sandbox-host-in-use", {
        "operation": operation_label(ex, ctx.operation), "token": token_label(ex),
    }),)


@explains("trial-production-write")
def trial_production_write(ex: Exchange, ctx: Context) -> Finding:
    """403 code 29 pointing at the sandbox: Trial apps may not create Pins in production."""
    return Finding("trial-production-write", {
        "operation": operation_label(ex, ctx.operation),
        "token": token_label(ex),
        "said": said(ex, ctx),
    })


DETECTORS = (sandbox_endpoint_unavailable, sandbox_host_in_use)
BUILDERS = (sandbox_token_on_production, production_token_on_sandbox, sandbox_endpoint_refused,
            trial_production_write)
