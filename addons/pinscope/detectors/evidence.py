"""The facts the answer table (rules/answers/table.toml) may ask about an error answer.

Each is a small pure function of the exchange and the context; the table asks for one only when a
row it is checking needs it, so most answers compute two or three of them.
"""

from __future__ import annotations

from collections.abc import Callable

from pinscope.answers import PREDICTED, Facts
from pinscope.detectors.base import Context
from pinscope.detectors.errors import persistent
from pinscope.detectors.oauth import credential_problem, is_refresh_grant, needs_bearer
from pinscope.detectors.requests import request_violations
from pinscope.detectors.sandbox import token_home
from pinscope.exchange import Exchange

Fact = Callable[[Exchange, Context], bool]


def _expired_known(ex: Exchange, ctx: Context) -> bool:
    state = ctx.session.token(ex.credential)
    return state is not None and state.expires_at is not None and state.expires_at <= ex.timestamp


def _grant_covers(ex: Exchange, ctx: Context) -> bool:
    state, op = ctx.session.token(ex.credential), ctx.operation
    return op is not None and state is not None and state.scopes is not None and op.satisfied_by(state.scopes)


FACTS: dict[str, Fact] = {
    "credential_problem": lambda ex, ctx: credential_problem(ex, ctx.operation) is not None,
    "refresh_grant": lambda ex, ctx: is_refresh_grant(ex),
    "needs_bearer": lambda ex, ctx: needs_bearer(ctx.operation),
    "restricted": lambda ex, ctx: ctx.operation is not None and ctx.operation.beta,
    "sandbox_unavailable": lambda ex, ctx: ctx.operation is not None and not ctx.operation.sandbox,
    "home_sandbox": lambda ex, ctx: token_home(ex, ctx) == "sandbox",
    "home_production": lambda ex, ctx: token_home(ex, ctx) == "production",
    "expired_known": _expired_known,
    "grant_covers": _grant_covers,
    "persistent": persistent,
    "schema_violation": lambda ex, ctx: bool(request_violations(ex, ctx)),
}


def answer_facts(ex: Exchange, ctx: Context) -> Facts:
    """The Facts of an error answer, each evidence fact computed on first use."""

    def fact(name: str) -> bool:
        if name.startswith(PREDICTED):
            return name.removeprefix(PREDICTED) in ctx.predicted
        return FACTS[name](ex, ctx)

    credential = ex.credential.kind if ex.credential is not None else "none"
    return Facts(ex.status or 0, ex.error_code, ex.error_message, ex.environment, ctx.retired, credential, fact)
