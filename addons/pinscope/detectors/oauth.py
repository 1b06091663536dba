"""Credentials and the token endpoint: missing-token, malformed-authorization, refresh-failed.

Also the predicates the answer table's evidence reads (detectors/evidence.py): credential_problem,
is_refresh_grant, needs_bearer.
"""

from __future__ import annotations

from typing import TypeGuard, cast

from pinscope.catalog import Operation
from pinscope.detectors.base import (Context, Findings, app_label, detects, explains, is_v5, operation_label, said,
                                     token_label)
from pinscope.exchange import Exchange
from pinscope.findings import Finding, Phrase
from pinscope.phrases import scope_sets

TOKEN_ENDPOINT = "/oauth/token"


def is_refresh_grant(ex: Exchange) -> bool:
    """POST /v5/oauth/token with grant_type=refresh_token."""
    return (ex.is_api and ex.method == "POST" and (ex.api_path or "").rstrip("/") == TOKEN_ENDPOINT
            and ex.request_form.get("grant_type") == "refresh_token")


def needs_bearer(op: Operation | None) -> TypeGuard[Operation]:
    """Whether the operation only accepts a bearer token (OAuth, or a conversion token)."""
    return op is not None and "basic" not in op.auth and (op.needs_oauth or "conversion_token" in op.auth)


def credential_problem(ex: Exchange, op: Operation | None) -> Finding | None:
    """The malformed-authorization finding for this request's credential, if its shape is wrong."""
    if not is_v5(ex):
        return None
    cred, basic_op = ex.credential, op is not None and "basic" in op.auth
    if basic_op and (cred is None or cred.kind not in ("client", "malformed")):
        sent = Phrase("no_header") if cred is None else Phrase("bearer", {"token": cred.label})
        return _malformed(ex, op, "basic_missing", sent=sent)
    if cred is None:
        return None
    if cred.kind == "malformed":
        variant = "basic_malformed" if basic_op else "default"
        problem = cast(str, cred.problem)  # every malformed Credential names its problem (tokens.py)
        return _malformed(ex, op, variant, problem=Phrase(problem, {"scheme": cred.scheme}))
    if cred.kind == "refresh":
        return _malformed(ex, op, "refresh")
    if cred.kind == "foreign" and not (op is not None and "conversion_token" in op.auth):
        return _malformed(ex, op, "foreign")
    if cred.kind == "client" and op is not None and not basic_op:
        return _malformed(ex, op, "client")
    return None


def _malformed(ex: Exchange, op: Operation | None, variant: str, **extra: object) -> Finding:
    """A malformed-authorization finding; its parameters are built only once a problem is found
    (every healthy request asks credential_problem)."""
    return Finding("malformed-authorization", {"operation": operation_label(ex, op), "token": token_label(ex), **extra},
                   variant)


@detects("missing-token", phase="request", api=True, operation=True, credentials=(None,))
def missing_token(ex: Exchange, ctx: Context) -> Findings:
    """A call to an operation that needs a bearer token, sent without Authorization."""
    op = ctx.operation
    if ex.credential is not None or not is_v5(ex) or not needs_bearer(op):
        return ()
    params: dict[str, object] = {"operation": op.label, "scope_sets": scope_sets(op)}
    return (Finding("missing-token", params, "conversion" if "conversion_token" in op.auth else "default"),)


@detects("malformed-authorization", phase="request", api=True)
def malformed_authorization(ex: Exchange, ctx: Context) -> Findings:
    """Authorization that is not `Bearer <pina…>` (or `Basic base64(id:secret)` at /oauth/token)."""
    if not ex.is_api:
        return ()
    finding = credential_problem(ex, ctx.operation)
    return () if finding is None else (finding,)


@explains("refresh-failed")
def refresh_failed(ex: Exchange, ctx: Context) -> Finding:
    """A refresh_token grant answered with an error (code 283 and friends)."""
    continuous = ex.request_form.get("continuous_refresh", "").strip().lower() == "true"
    return Finding("refresh-failed", {
        "token": ex.request_form.get("refresh_token") or Phrase("no_refresh_token"),
        "status": ex.status,
        "code": ex.error_code,
        "said": said(ex, ctx),
        "app": app_label(ex),
    }, "default" if continuous else "no_continuous")


DETECTORS = (missing_token, malformed_authorization)
BUILDERS = (refresh_failed,)
