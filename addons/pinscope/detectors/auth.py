"""Scopes and rejected tokens: insufficient-scope, scope-not-granted, token-expired, authentication-failed.

Which of them explains a 401/403/400 answer is decided in rules/answers/table.toml, not here: the
builders below only word the finding the table chose.
"""

from __future__ import annotations

from pinscope.detectors.base import (Context, Findings, detects, explains, message_says, operation_label, said,
                                     token_label)
from pinscope.exchange import Exchange
from pinscope.findings import Finding, Phrase
from pinscope.phrases import scope_sets
from pinscope.timefmt import format_span, format_timestamp


def _scopes(scopes: frozenset[str] | None) -> str | None:
    """`boards:read, pins:read` (None, which reads `none`, for no scope)."""
    return ", ".join(sorted(scopes)) if scopes else None


@explains("insufficient-scope")
def insufficient_scope(ex: Exchange, ctx: Context) -> Finding:
    """401 code 3: name the operation, the scope sets, and what the token lacks."""
    op = ctx.operation
    params: dict[str, object] = {"operation": operation_label(ex, op), "token": token_label(ex),
                                 "scope_sets": scope_sets(op) if op else Phrase("listed_scopes")}
    state = ctx.session.token(ex.credential)
    if op is not None and state is not None and state.scopes is not None:
        return Finding("insufficient-scope", {**params, "granted": _scopes(state.scopes),
                                              "missing": _scopes(op.missing_scopes(state.scopes))}, "grant_known")
    return Finding("insufficient-scope", params)


@detects("scope-not-granted", phase="request", api=True, operation=True)
def scope_not_granted(ex: Exchange, ctx: Context) -> Findings:
    """Before any 401: the token's known grant does not cover the operation."""
    op = ctx.operation
    state = ctx.session.token(ex.credential)
    if op is None or state is None or state.scopes is None or op.satisfied_by(state.scopes):
        return ()
    return (Finding("scope-not-granted", {
        "operation": op.label,
        "scope_sets": scope_sets(op),
        "token": token_label(ex),
        "granted": _scopes(state.scopes),
        "missing": _scopes(op.missing_scopes(state.scopes)),
    }),)


def _rejected(ex: Exchange, ctx: Context) -> dict[str, object]:
    """What every token refusal names: operation, token, host, Pinterest's words."""
    return {"operation": operation_label(ex, ctx.operation), "token": token_label(ex),
            "host": ex.host, "said": said(ex, ctx)}


@explains("token-expired")
def token_expired(ex: Exchange, ctx: Context) -> Finding:
    """The token's lifetime has passed (known from its grant), or Pinterest says so (1104, 'expired')."""
    params = _rejected(ex, ctx)
    state = ctx.session.token(ex.credential)
    if state is not None and state.expires_at is not None and state.expires_at <= ex.timestamp:
        return Finding("token-expired", {**params, "expired_at": format_timestamp(state.expires_at),
                                         "ago": format_span(ex.timestamp - state.expires_at)})
    return Finding("token-expired", params, "said")


@explains("authentication-failed")
def authentication_failed(ex: Exchange, ctx: Context) -> Finding:
    """401 code 2 no more specific row explains: the likely causes, ranked by what the session knows."""
    params = _rejected(ex, ctx)
    state = ctx.session.token(ex.credential)
    if ex.credential is None:
        return Finding("authentication-failed", params, "no_token")
    if ex.credential.kind == "client":
        return Finding("authentication-failed", params, "client")
    if message_says(ex, "gone"):
        return Finding("authentication-failed", params, "said")
    if state is not None and state.last_success is not None:
        return Finding("authentication-failed", {
            **params, "last_success": format_timestamp(state.last_success),
            "ago": format_span(ex.timestamp - state.last_success),
            "worked_on": ", ".join(sorted(state.succeeded_on)),  # never empty once last_success is set
        }, "worked_before")
    if state is not None and state.expires_at is not None:
        return Finding("authentication-failed", {**params, "expires_at": format_timestamp(state.expires_at)},
                       "issued_unused")
    if ex.environment == "production" and (state is None or (state.issued_on is None and not state.authenticated_on)):
        return Finding("authentication-failed", params, "production_unknown")  # FACTS §8: the most reported cause
    return Finding("authentication-failed", params)


DETECTORS = (scope_not_granted,)
BUILDERS = (insufficient_scope, token_expired, authentication_failed)
