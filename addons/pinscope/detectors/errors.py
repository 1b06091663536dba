"""Pinterest error answers the FAQ explains: server errors, ramped-down and beta endpoints,
bulk item errors, permission and account problems.

Which rule a 5xx gets: code 4197 -> endpoint-ramped-down only; else the 1st and 2nd 5xx of an
operation in the session -> server-error, the 3rd and later -> server-error-persistent instead.
Which rule a 401/403 gets here: codes 1201, 2625/2626 have their own rules; code 29 whose message
points at the sandbox is trial-production-write's (sandbox.py); codes 2, 3 and 1104 are the token
and scope rules' (auth.py). What remains on a beta operation is beta-endpoint; a remaining code 29
on any other operation is permission-denied.
"""

from __future__ import annotations

from collections.abc import Iterator

from pinscope.detectors.base import Context, detects, operation_label, said, token_label
from pinscope.detectors.routing import path_params
from pinscope.exchange import Exchange
from pinscope.detectors.sandbox import points_at_sandbox
from pinscope.findings import Finding
from pinscope.masking import KnownSecrets
from pinscope.untrusted import clean

RAMPED_DOWN = 4197
PERMISSION_DENIED = 29
TWO_FACTOR = 1201
ACCOUNT_REVIEW = {2625: "disapproved", 2626: "under review"}
TOKEN_CODES = frozenset({2, 3, 1104})  # explained by the token and scope rules
PERSISTENT_AFTER = 3  # 5xx answers on one operation in a session
MAX_ITEM_ERRORS = 3  # item errors quoted per finding
ITEM_CHARS = 100  # characters quoted of each (after masking: never cut before, a cut secret escapes masking)




@detects("server-error", "server-error-persistent", errors_only=True)
def server_error(ex: Exchange, ctx: Context) -> Iterator[Finding]:
    """A 5xx: back off and retry; from the third on one operation, open a support ticket."""
    if not ex.is_api or ex.status is None or ex.status < 500 or ex.error_code == RAMPED_DOWN:
        return
    op = ctx.operation
    stats = ctx.session.operations.get(op.label) if op else None
    count = (stats.server_errors if stats else 0) + 1  # the session has not seen this flow yet
    rids = [*(stats.request_ids if stats else ()), *([ex.request_id] if ex.request_id else [])]
    params: dict[str, object] = {
        "operation": operation_label(ex, ctx.operation), "status": ex.status, "count": count,
        "rid": ex.request_id or "none", "rids": ", ".join(dict.fromkeys(rids)) or "none recorded",
        "code": ex.error_code if ex.error_code is not None else "none",
    }
    yield Finding("server-error-persistent" if count >= PERSISTENT_AFTER else "server-error", params)


@detects("endpoint-ramped-down", errors_only=True)
def endpoint_ramped_down(ex: Exchange, ctx: Context) -> Iterator[Finding]:
    """503 code 4197: the endpoint no longer takes traffic; retries will not help."""
    if not ex.is_api or ex.error_code != RAMPED_DOWN or (ex.status or 0) < 500:
        return
    yield Finding("endpoint-ramped-down", {"operation": operation_label(ex, ctx.operation),
                                           "rid": ex.request_id or "none"})


def _item_errors(body: object, known: KnownSecrets) -> tuple[int, int, list[str]]:
    """(failed items, total items, a few `code: message` texts) of a bulk response."""
    if not isinstance(body, dict):
        return 0, 0, []
    items = body.get("items") if isinstance(body.get("items"), list) else []
    failed, texts = 0, []
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            continue
        errors = item.get("exceptions") or item.get("errors")
        if not errors:
            continue
        failed += 1
        for err in errors if isinstance(errors, list) else [errors]:
            if isinstance(err, dict) and len(texts) < MAX_ITEM_ERRORS:
                who = item.get("item_id") or f"item {index}"
                texts.append(clean(f"{who}: {err.get('code', '?')} {err.get('message', '')}", ITEM_CHARS, known))
    top = body.get("exceptions")
    if isinstance(top, list) and top:
        failed += len(top)
        texts += [clean(f"{e.get('code', '?')} {e.get('message', '')}", ITEM_CHARS, known)
                  for e in top[:MAX_ITEM_ERRORS] if isinstance(e, dict)][:MAX_ITEM_ERRORS - len(texts)]
    return failed, max(len(items), failed), texts


@detects("bulk-item-errors")
def bulk_item_errors(ex: Exchange, ctx: Context) -> Iterator[Finding]:
    """A 2xx bulk answer whose items carry exceptions: the call 'succeeded', some items did not."""
    if not ex.is_api or ex.status is None or not 200 <= ex.status < 300:
        return
    body = ex.response_body
    if not body or (b'"exceptions"' not in body and b'"errors"' not in body):
        return  # no item can carry an error: skip parsing the (often large) healthy body
    failed, total, texts = _item_errors(ex.response_json, ctx.session.secrets)
    if failed:
        yield Finding("bulk-item-errors", {
            "operation": operation_label(ex, ctx.operation), "failed": failed, "total": total,
            "errors": "; ".join(texts) or "no details",
        })


def _ad_account(ex: Exchange, ctx: Context) -> str | None:
    """The ad account the call acts on (path or `ad_account_id` query parameter)."""
    op = ctx.operation
    from_path = path_params(op, ex.api_path or "/").get("ad_account_id") if op else None
    return from_path or ex.query.get("ad_account_id")


@detects("beta-endpoint", errors_only=True)
def beta_endpoint(ex: Exchange, ctx: Context) -> Iterator[Finding]:
    """A beta/restricted operation answered 401/403 for a reason no token or account rule explains."""
    op = ctx.operation
    if not ex.is_api or op is None or not op.beta or ex.status not in (401, 403):
        return
    code = ex.error_code
    if code in TOKEN_CODES or code in ACCOUNT_REVIEW or code == TWO_FACTOR or points_at_sandbox(ex):
        return
    ad_account = _ad_account(ex, ctx)
    yield Finding("beta-endpoint", {
        "operation": op.label, "status": ex.status, "code": code if code is not None else "none",
        "said": said(ex, ctx), "token": token_label(ex), "ad_account": ad_account or "none",
    }, "ad_account" if ad_account else "default")


@detects("permission-denied", errors_only=True)
def permission_denied(ex: Exchange, ctx: Context) -> Iterator[Finding]:
    """Code 29 (not a Trial write, not a beta operation): the user lacks a role or does not own it."""
    op = ctx.operation
    if not ex.is_api or ex.status not in (401, 403) or ex.error_code != PERMISSION_DENIED:
        return
    if points_at_sandbox(ex) or (op is not None and op.beta):
        return
    ad_account = _ad_account(ex, ctx)
    params = {"operation": operation_label(ex, ctx.operation), "token": token_label(ex), "said": said(ex, ctx),
              "ad_account": ad_account or "none"}
    yield Finding("permission-denied", params, "ad_account" if ad_account else "default")


@detects("client-credentials-2fa", errors_only=True)
def client_credentials_2fa(ex: Exchange, ctx: Context) -> Iterator[Finding]:
    """Code 1201: the app owner's account needs two-factor authentication for client_credentials."""
    if not ex.is_api or ex.error_code != TWO_FACTOR:
        return
    app = ex.credential.label if ex.credential and ex.credential.kind == "client" else "the app"
    yield Finding("client-credentials-2fa", {
        "operation": operation_label(ex, ctx.operation), "app": app,
        "grant": ex.request_form.get("grant_type") or "unknown",
    })


@detects("account-under-review", errors_only=True)
def account_under_review(ex: Exchange, ctx: Context) -> Iterator[Finding]:
    """Codes 2625/2626: the business account is disapproved or under review."""
    if not ex.is_api or ex.error_code not in ACCOUNT_REVIEW:
        return
    code = ex.error_code
    yield Finding("account-under-review", {
        "operation": operation_label(ex, ctx.operation), "code": code, "state": ACCOUNT_REVIEW[code],
        "token": token_label(ex), "said": said(ex, ctx),
    }, "disapproved" if code == 2625 else "default")


DETECTORS = (server_error, endpoint_ramped_down, bulk_item_errors, beta_endpoint, permission_denied,
             client_credentials_2fa, account_under_review)
