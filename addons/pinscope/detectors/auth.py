"""Scopes and tokens: insufficient-scope, scope-not-granted (more auth rules join here)."""

from __future__ import annotations

from collections.abc import Iterator

from pinscope.detectors.base import Context, detects, token_label
from pinscope.exchange import Exchange
from pinscope.findings import Finding


def _scopes(scopes: frozenset[str] | None) -> str:
    """`boards:read, pins:read` (or `none`)."""
    return ", ".join(sorted(scopes)) if scopes else "none"


@detects("insufficient-scope")
def insufficient_scope(ex: Exchange, ctx: Context) -> Iterator[Finding]:
    """401 code 3: name the operation, the scope sets, and what the token lacks."""
    if ex.status != 401 or ex.error_code != 3:
        return
    op = ctx.operation
    params: dict[str, object] = {
        "operation": op.label if op else f"{ex.method} {ex.path}",
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


DETECTORS = (insufficient_scope, scope_not_granted)
