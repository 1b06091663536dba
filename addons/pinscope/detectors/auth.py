"""Scopes and rejected tokens: insufficient-scope, scope-not-granted, token-expired, authentication-failed.

Every 401 code 2 gets exactly one diagnosis: missing-token / malformed-authorization (oauth.py) when
the credential's shape explains it, refresh-failed for refresh grants, sandbox-token-on-production /
production-token-on-sandbox (sandbox.py) when the token belongs to the other host, else token-expired
or authentication-failed from here.
"""

from __future__ import annotations

from collections.abc import Iterator

from pinscope.detectors.base import Context, detects, is_v5, operation_label, said, token_label
from pinscope.detectors.oauth import credential_problem, is_refresh_grant, needs_bearer
from pinscope.detectors.sandbox import token_home
from pinscope.exchange import Exchange
from pinscope.findings import Finding
from pinscope.timefmt import format_timestamp

EXPIRED_CODE = 1104  # "token not valid or expired" (400)
GONE_WORDS = ("deactivat", "revoked", "suspended", "disabled")  # Pinterest naming the cause itself


def _scopes(scopes: frozenset[str] | None) -> str:
    """`boards:read, pins:read` (or `none`)."""
    return ", ".join(sorted(scopes)) if scopes else "none"


@detects("insufficient-scope", errors_only=True)
def insufficient_scope(ex: Exchange, ctx: Context) -> Iterator[Finding]:
    """401 code 3: name the operation, the scope sets, and what the token lacks."""
    if ex.status != 401 or ex.error_code != 3:
        return
    op = ctx.operation
    params: dict[str, object] = {
        "operation": operation_label(ex, op),
        "scope_sets": op.scope_text() if op else "the scopes this operation lists",
        "token": token_label(ex),
        "missing": "the scopes above",
    }
    state = ctx.session.token(ex.credential)
    if op is not None and state is not None and state.scopes is not None:
        params["granted"] = _scopes(state.scopes)
        params["missing"] = _scopes(op.missing_scopes(state.scopes))
        yield Finding("insufficient-scope", params, "grant_known")
        return
    yield Finding("insufficient-scope", params)


@detects("scope-not-granted", phase="request")
def scope_not_granted(ex: Exchange, ctx: Context) -> Iterator[Finding]:
    """Before any 401: the token's known grant does not cover the operation."""
    op = ctx.operation
    state = ctx.session.token(ex.credential)
    if op is None or state is None or state.scopes is None or op.satisfied_by(state.scopes):
        return
    yield Finding("scope-not-granted", {
        "operation": op.label,
        "scope_sets": op.scope_text(),
        "token": token_label(ex),
        "granted": _scopes(state.scopes),
        "missing": _scopes(op.missing_scopes(state.scopes)),
    })


def span(seconds: float) -> str:
    """A duration for people: `45 s`, `12 min`, `3.5 h`, `2 days`."""
    seconds = abs(seconds)
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 7200:
        return f"{seconds / 60:.0f} min"
    if seconds < 172800:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds / 86400:.0f} days"


@detects("token-expired", "authentication-failed", errors_only=True)
def token_rejected(ex: Exchange, ctx: Context) -> Iterator[Finding]:
    """401 code 2 (and 400 code 1104): expired, or rejected for the most likely known cause."""
    if not is_v5(ex) or ex.status is None or ex.status < 400:  # other versions: wrong-api-version's
        return
    op = ctx.operation
    params: dict[str, object] = {"operation": operation_label(ex, op), "token": token_label(ex),
                                 "host": ex.host, "said": said(ex, ctx)}
    if ex.error_code == EXPIRED_CODE:
        yield Finding("token-expired", params, "code_1104")
        return
    if ex.status != 401 or ex.error_code != 2 or is_refresh_grant(ex):
        return
    if credential_problem(ex, op) is not None:  # malformed-authorization already explains it
        return
    if ex.credential is None:
        if not needs_bearer(op):  # a known operation without a token is missing-token's
            yield Finding("authentication-failed", params, "no_token")
        return
    if ex.credential.kind == "client":
        yield Finding("authentication-failed", params, "client")
    elif token_home(ex, ctx) is None:  # else the token belongs to the other host (sandbox.py)
        yield _diagnose(ex, ctx, params)


def _diagnose(ex: Exchange, ctx: Context, params: dict[str, object]) -> Finding:
    """token-expired when known or said, else authentication-failed ranked by the session's knowledge."""
    state = ctx.session.token(ex.credential)
    if state is not None and state.expires_at is not None and state.expires_at <= ex.timestamp:
        return Finding("token-expired", {**params, "expired_at": format_timestamp(state.expires_at),
                                         "ago": span(ex.timestamp - state.expires_at)})
    message = ex.error_message.lower()
    if "expired" in message:
        return Finding("token-expired", params, "said")
    if any(word in message for word in GONE_WORDS):
        return Finding("authentication-failed", params, "said")
    if state is not None and state.last_success is not None:
        return Finding("authentication-failed", {
            **params, "last_success": format_timestamp(state.last_success),
            "ago": span(ex.timestamp - state.last_success),
            "worked_on": ", ".join(sorted(state.succeeded_on)) or "this host",
        }, "worked_before")
    if state is not None and state.expires_at is not None:
        return Finding("authentication-failed", {**params, "expires_at": format_timestamp(state.expires_at)}, "issued_unused")
    return Finding("authentication-failed", params)


DETECTORS = (insufficient_scope, scope_not_granted, token_rejected)
