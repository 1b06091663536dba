"""invalid-request: a 400 answer, and each field of the request that breaks the operation's schema.

rules/answers/table.toml routes 400 code 1 (and a 400 whose request breaks the schema) here; the
check (pinscope.requestcheck) runs only then: healthy traffic never loads the schemas or the validator.
"""

from __future__ import annotations

import json

from pinscope.detectors.base import Context, explains, operation_label, said
from pinscope.exchange import Exchange
from pinscope.exchange.body import REQUEST_BODY
from pinscope.findings import UNKNOWN, Finding, Phrase
from pinscope.requestcheck import Violation, violations
from pinscope.untrusted import MAX_CHECKED_BODY_BYTES, cut

SHOWN_VALUE = 60  # characters of an offending value quoted (JSON text; clean() masks it when rendered)
# The request's violations, kept on its Exchange: validating costs 30 to 130 us and depends on the request alone.
VIOLATIONS_KEY = "_request_violations"
SHOWN_ALLOWED = 8  # allowed values listed before "…" (some enums list every country)


@explains("invalid-request")
def build_invalid_request(ex: Exchange, ctx: Context) -> Finding:
    """The offending fields (default), or Pinterest's words when pinscope finds none (not_found,
    body_not_checked)."""
    return _finding(ex, ctx, request_violations(ex, ctx))


def _finding(ex: Exchange, ctx: Context, found: list[Violation]) -> Finding:
    op = ctx.operation
    params: dict[str, object] = {"operation": operation_label(ex, op),
                                 "operation_id": op.operation_id if op else UNKNOWN,
                                 "status": ex.status, "code": ex.error_code}
    if found:
        return Finding("invalid-request", {**params, "violations": [_phrase(v) for v in found],
                                           "fields": ", ".join(dict.fromkeys(v.field for v in found))})
    params["said"] = said(ex, ctx)
    if _body_checked(ex):
        return Finding("invalid-request", {**params, "spec_version": ctx.catalog.spec_version}, "not_found")
    return Finding("invalid-request", params, "body_not_checked")


def request_violations(ex: Exchange, ctx: Context) -> list[Violation]:
    """The fields of the flow's request that break its operation's schema (the body only up to
    MAX_CHECKED_BODY_BYTES): evidence for the answer table as much as words for the finding."""
    op = ctx.operation
    if op is None:
        return []
    known = ex.__dict__.get(VIOLATIONS_KEY)  # the answer table's evidence and the wording both ask
    if known is None:
        body = ex.request_json if _body_checked(ex) else None
        known = ex.__dict__[VIOLATIONS_KEY] = violations(op, op.path_params(ex.api_path or "/"), ex.query, body)
    return known


def _body_checked(ex: Exchange) -> bool:
    """Whether the request body, if any, was read and is small enough to validate."""
    if any(why.body == REQUEST_BODY for why in ex.unread):
        return False
    return ex.request_body is None or len(ex.request_body) <= MAX_CHECKED_BODY_BYTES


def _phrase(v: Violation) -> Phrase:
    """One violation as its rule-file phrase (named by its kind) and that phrase's parameters."""
    params: dict[str, object] = {"field": v.field, "value": _shown(v.value)}
    if v.kind == "enum":
        params["allowed"] = _listed(v.expected)
    elif v.kind == "pattern":
        params["pattern"] = v.expected
    elif v.kind == "type":
        params["expected"] = v.expected if isinstance(v.expected, str) else _listed(v.expected)
    elif v.kind in ("minimum", "maximum"):
        params["limit"] = v.expected
    elif v.kind in ("min_length", "max_length", "min_items", "max_items"):
        params.update(limit=v.expected, size=len(v.value) if isinstance(v.value, str | list) else v.value)
    elif v.kind == "one_of":
        params["count"] = v.expected
    elif v.kind == "other" and isinstance(v.expected, dict):
        (keyword, expected), = v.expected.items()
        params.update(keyword=keyword, expected=_shown(expected))
    return Phrase(v.kind, params)


def _shown(value: object) -> str:
    """A value as JSON text (`"url"`, `5`, `null`), cut short: the rule's phrases quote it so."""
    try:
        text = json.dumps(value, ensure_ascii=False, default=str)
    except (RecursionError, ValueError):  # nested past the encoder's depth, or a circular value
        text = "…"
    return cut(text, SHOWN_VALUE)


def _listed(values: object) -> str:
    """`image_url, image_base64, …`: allowed values as the spec spells them, the first few."""
    items = list(values) if isinstance(values, list | tuple) else [values]
    shown = [v if isinstance(v, str) else json.dumps(v) for v in items[:SHOWN_ALLOWED]]
    return ", ".join(shown) + (", …" if len(items) > SHOWN_ALLOWED else "")


BUILDERS = (build_invalid_request,)
