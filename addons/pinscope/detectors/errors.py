"""Pinterest error answers the FAQ explains: server errors, ramped-down and beta endpoints,
permission and account problems, and pinterest-error for any answer no row explains; plus bulk
item errors on 2xx answers.

Which rule explains an error answer is decided in rules/answers/table.toml; the builders below only
word the finding (e.g. the 3rd 5xx of an operation is server-error-persistent there).
"""

from __future__ import annotations

from pinscope.detectors.base import Context, Findings, app_label, detects, explains, operation_label, said, token_label
from pinscope.detectors.routing import path_params
from pinscope.exchange import Exchange
from pinscope.findings import UNKNOWN, Finding, Phrase
from pinscope.phrases import scope_sets
from pinscope.pinterest import Code
from pinscope.session import OperationStats
from pinscope.masking import KnownSecrets
from pinscope.untrusted import clean

PERSISTENT_AFTER = 3  # 5xx answers on one operation in a session
MAX_ITEM_ERRORS = 3  # item errors quoted per finding
ITEM_CHARS = 100  # characters quoted of each (after masking: never cut before, a cut secret escapes masking)


def _stats(ctx: Context) -> OperationStats | None:
    """What the session knows of the operation's earlier answers."""
    return ctx.session.operations.get(ctx.operation.label) if ctx.operation else None


def _nth_server_error(ctx: Context) -> int:
    """Which 5xx of its operation this one is (the session has not seen this flow yet)."""
    stats = _stats(ctx)
    return (stats.server_errors if stats else 0) + 1


def _server_error(ex: Exchange, ctx: Context) -> dict[str, object]:
    """What every 5xx names: the operation, how many so far, Pinterest's code and request id."""
    return {"operation": operation_label(ex, ctx.operation), "status": ex.status, "code": ex.error_code,
            "count": _nth_server_error(ctx), "rid": ex.request_id}


def persistent(ex: Exchange, ctx: Context) -> bool:
    """Whether this 5xx is at least the PERSISTENT_AFTER-th of its operation in the session."""
    return _nth_server_error(ctx) >= PERSISTENT_AFTER


@explains("server-error")
def server_error(ex: Exchange, ctx: Context) -> Finding:
    """A 5xx: back off and retry."""
    return Finding("server-error", _server_error(ex, ctx))


@explains("server-error-persistent")
def server_error_persistent(ex: Exchange, ctx: Context) -> Finding:
    """The third 5xx (or later) on one operation: open a support ticket quoting the request ids."""
    stats = _stats(ctx)
    rids = dict.fromkeys([*(stats.request_ids if stats else ()), *([ex.request_id] if ex.request_id else [])])
    return Finding("server-error-persistent", {**_server_error(ex, ctx),
                                               "rids": ", ".join(rids) or Phrase("none_recorded")})


@explains("endpoint-ramped-down")
def endpoint_ramped_down(ex: Exchange, ctx: Context) -> Finding:
    """503 code 4197: the endpoint no longer takes traffic; retries will not help."""
    return Finding("endpoint-ramped-down", {"operation": operation_label(ex, ctx.operation), "rid": ex.request_id})


def _item_error(err: dict, known: KnownSecrets, item: object = None, index: int | None = None) -> Phrase:
    """One error as the rule words it: of an item (by id, else by position) or of the whole answer."""
    code, message = (clean(err.get(key), ITEM_CHARS, known) for key in ("code", "message"))
    params: dict[str, object] = {"code": code or "?", "message": message}
    if item:
        return Phrase("item", {**params, "item": clean(item, ITEM_CHARS, known)})
    return Phrase("answer", params) if index is None else Phrase("item_at", {**params, "index": index})


def _item_errors(body: object, known: KnownSecrets) -> tuple[int, int, list[Phrase]]:
    """(failed items, total items, a few item errors) of a bulk response."""
    if not isinstance(body, dict):
        return 0, 0, []
    items = body.get("items")
    if not isinstance(items, list):
        items = []
    failed = 0
    found: list[Phrase] = []
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            continue
        errors = item.get("exceptions") or item.get("errors")
        if not errors:
            continue
        failed += 1
        for err in errors if isinstance(errors, list) else [errors]:
            if isinstance(err, dict) and len(found) < MAX_ITEM_ERRORS:
                found.append(_item_error(err, known, item.get("item_id"), index))
    top = body.get("exceptions")
    if isinstance(top, list) and top:
        failed += len(top)
        found += [_item_error(e, known) for e in top[:MAX_ITEM_ERRORS] if isinstance(e, dict)]
        found = found[:MAX_ITEM_ERRORS]
    return failed, max(len(items), failed), found


@detects("bulk-item-errors", api=True, statuses=(200, 299))
def bulk_item_errors(ex: Exchange, ctx: Context) -> Findings:
    """A 2xx bulk answer whose items carry exceptions: the call 'succeeded', some items did not."""
    if not ex.is_api or ex.status is None or not 200 <= ex.status < 300:
        return ()
    body = ex.response_body
    if not body or (b'"exceptions"' not in body and b'"errors"' not in body):
        return ()  # no item can carry an error: skip parsing the (often large) healthy body
    failed, total, errors = _item_errors(ex.response_json, ctx.session.secrets)
    if failed:
        return (Finding("bulk-item-errors", {
            "operation": operation_label(ex, ctx.operation), "failed": failed, "total": total,
            "errors": errors or Phrase("no_details"),
        }),)
    return ()


def _ad_account(ex: Exchange, ctx: Context) -> str | None:
    """The ad account the call acts on (path or `ad_account_id` query parameter)."""
    op = ctx.operation
    from_path = path_params(op, ex.api_path or "/").get("ad_account_id") if op else None
    return from_path or ex.query.get("ad_account_id")


@explains("beta-endpoint")
def beta_endpoint(ex: Exchange, ctx: Context) -> Finding:
    """A beta/restricted operation answered 401/403 for a reason no token or account rule explains."""
    ad_account = _ad_account(ex, ctx)
    return Finding("beta-endpoint", {
        "operation": operation_label(ex, ctx.operation), "status": ex.status, "code": ex.error_code,
        "said": said(ex, ctx), "token": token_label(ex), "ad_account": ad_account,
    }, "ad_account" if ad_account else "default")


@explains("permission-denied")
def permission_denied(ex: Exchange, ctx: Context) -> Finding:
    """Code 29 (not a Trial write, not a beta operation): the user lacks a role or does not own it."""
    ad_account = _ad_account(ex, ctx)
    params: dict[str, object] = {"operation": operation_label(ex, ctx.operation), "token": token_label(ex),
                                 "said": said(ex, ctx), "ad_account": ad_account, "code": ex.error_code}
    return Finding("permission-denied", params, "ad_account" if ad_account else "default")


@explains("client-credentials-2fa")
def client_credentials_2fa(ex: Exchange, ctx: Context) -> Finding:
    """Code 1201: the app owner's account needs two-factor authentication for client_credentials."""
    return Finding("client-credentials-2fa", {
        "operation": operation_label(ex, ctx.operation), "app": app_label(ex),
        "grant": ex.request_form.get("grant_type") or UNKNOWN,
    })


@explains("account-under-review")
def account_under_review(ex: Exchange, ctx: Context) -> Finding:
    """Codes 2625/2626: the business account is disapproved or under review."""
    return Finding("account-under-review", {
        "operation": operation_label(ex, ctx.operation), "code": ex.error_code,
        "token": token_label(ex), "said": said(ex, ctx),
    }, "disapproved" if ex.error_code == Code.ACCOUNT_DISAPPROVED else "default")


@explains("restricted-feature")
def restricted_feature(ex: Exchange, ctx: Context) -> Finding:
    """Code 3 about a restricted feature (or on a restricted operation the grant covers)."""
    op = ctx.operation
    return Finding("restricted-feature", {
        "operation": operation_label(ex, op), "token": token_label(ex), "status": ex.status,
        "said": said(ex, ctx), "scope_sets": scope_sets(op) if op else None,  # only the catalogue variant says it
    })


@explains("app-not-approved")
def app_not_approved(ex: Exchange, ctx: Context) -> Finding:
    """Code 3 'consumer type is not supported': the app's access is not approved."""
    return Finding("app-not-approved", {
        "operation": operation_label(ex, ctx.operation), "token": token_label(ex), "status": ex.status,
        "said": said(ex, ctx), "rid": ex.request_id,
    })


@explains("business-account-required")
def business_account_required(ex: Exchange, ctx: Context) -> Finding:
    """403 code 654: catalog and merchant calls need a business account."""
    return Finding("business-account-required", {
        "operation": operation_label(ex, ctx.operation), "token": token_label(ex), "said": said(ex, ctx),
    })


@explains("pinterest-error")
def pinterest_error(ex: Exchange, ctx: Context) -> Finding:
    """Any error answer no row of the table explains: Pinterest's own words, no guess."""
    return Finding("pinterest-error", {
        "operation": operation_label(ex, ctx.operation), "host": ex.host, "status": ex.status,
        "code": ex.error_code, "said": said(ex, ctx), "rid": ex.request_id,
    })


DETECTORS = (bulk_item_errors,)
BUILDERS = (server_error, server_error_persistent, endpoint_ramped_down, beta_endpoint, permission_denied,
            client_credentials_2fa, account_under_review, restricted_feature, app_not_approved,
            business_account_required, pinterest_error)
