"""Write findings onto a mitmproxy flow: comment lines, marker, and metadata for filters and views."""

from __future__ import annotations

import logging

from mitmproxy import http

from pinscope.catalog import Match, Operation, per_operation
from pinscope.exchange import Exchange
from pinscope.findings import RenderedFinding, replaced, worst
from pinscope.rulebook import Severity
from pinscope.untrusted import clean

logger = logging.getLogger("pinscope")
FINDINGS_KEY = "pinscope"  # flow.metadata key: list of RenderedFinding.as_dict()
CONTEXT_KEY = "pinscope_context"  # flow.metadata key: operation, scopes, category, sandbox, token
MARKERS = {severity.marker: severity for severity in Severity}
SEVERITIES = {severity.value: severity for severity in Severity}  # Severity(value), without the enum's call


def comment_line(finding: RenderedFinding) -> str:
    """`<rule-id>: <essence>` on one line, e.g. `insufficient-scope: missing boards:read`.

    Only the essence: mitmweb's comment column shows every line side by side, and the method and
    path sit in their own columns; the full message and fix are in the metadata and the Pinterest
    view. A finding stored before essences existed shows its message instead.
    """
    return " ".join(f"{finding.rule}: {finding.essence or finding.message}".split())


def annotate(flow: http.HTTPFlow, findings: list[RenderedFinding]) -> bool:
    """Add findings to the flow's comment, marker and metadata; True when anything changed.

    A finding that replaces request-phase ones (the answer confirmed a prediction) takes their place.
    """
    if not findings:
        return False
    gone = replaced(findings)
    if flow.metadata.get(FINDINGS_KEY):
        stored, previous, changed = _merge(flow, findings, gone)
    else:  # the flow's first findings (most flows): nothing stored to read back or withdraw
        flow.metadata[FINDINGS_KEY] = [f.as_dict() for f in findings]
        stored, previous, changed = findings, frozenset(), True
    changed |= _write_comment(flow, stored, previous)
    changed |= _set_marker(flow, worst(stored)) if gone else _raise_marker(flow, worst(findings))
    return changed


def _merge(flow: http.HTTPFlow, findings: list[RenderedFinding],
           gone: frozenset[str]) -> tuple[list[RenderedFinding], set[str], bool]:
    """Add findings to those the flow has, without the ones they replace: (the flow's findings now,
    comment lines of the withdrawn ones, whether the metadata changed). What is stored is read back once."""
    items = list(flow.metadata.get(FINDINGS_KEY) or [])
    old = stored_findings(flow)
    previous = {comment_line(f) for f in old} if gone else set()
    kept = [item for item in items if not (isinstance(item, dict) and item.get("rule") in gone)]
    new = [(f, item) for f in findings if (item := f.as_dict()) not in kept]
    changed = bool(new) or len(kept) != len(items)
    if changed:
        flow.metadata[FINDINGS_KEY] = kept + [item for _, item in new]
    # What stored_findings() would read back now: the kept findings, then the new ones.
    return [f for f in old if f.rule not in gone] + [f for f, _ in new], previous, changed


def set_context(flow: http.HTTPFlow, ex: Exchange, match: Match | None) -> None:
    """Record what pinscope knows about the call: operation, required scopes, category, token."""
    op = match.operation if match else None
    known = _operation_context(op) if op else dict.fromkeys(("operation", "scopes", "category", "sandbox"))
    flow.metadata[CONTEXT_KEY] = {**known, "token": _token_label(ex)}  # a new dict per flow: metadata is the flow's


@per_operation
def _operation_context(op: Operation) -> dict[str, object]:
    """The part of a call's context that depends on its operation alone (the same for every call)."""
    return {"operation": op.label, "scopes": [sorted(s) for s in op.scope_sets], "category": op.category,
            "sandbox": op.sandbox}


def _token_label(ex: Exchange) -> str | None:
    """The call's credential; without one, the Pinterest tokens found in the request (a leak's)."""
    if ex.credential is not None:
        return ex.credential.label
    return ", ".join(dict.fromkeys(token.label for _, token in ex.leaked)) or None


def stored_findings(flow: http.HTTPFlow) -> list[RenderedFinding]:
    """The findings annotated on a flow so far (request and response phase)."""
    out: list[RenderedFinding] = []
    for item in flow.metadata.get(FINDINGS_KEY) or []:
        try:
            out.append(RenderedFinding(**{**item, "severity": SEVERITIES[item["severity"]]}))
        except (TypeError, KeyError, ValueError):
            logger.debug("pinscope: ignoring malformed finding in flow metadata: %s", clean(repr(item)))
    return out


def _write_comment(flow: http.HTTPFlow, stored: list[RenderedFinding], previous: set[str] = frozenset()) -> bool:
    """The user's own comment lines first, then one line per finding, worst first.

    Worst first because mitmweb's comment column shows only the start: an error found on the
    response must not hide behind a warning found on the request. `previous`: lines pinscope wrote
    before (of findings since withdrawn), which are not the user's either.
    """
    ours = dict.fromkeys(comment_line(f) for f in sorted(stored, key=lambda f: f.severity.rank))
    if flow.comment:
        theirs = [line for line in flow.comment.splitlines() if line not in ours and line not in previous]
        comment = "\n".join([*theirs, *ours])
    else:  # most flows: nobody wrote a comment before
        comment = "\n".join(ours)
    if comment == flow.comment:
        return False
    flow.comment = comment
    return True


def _set_marker(flow: http.HTTPFlow, severity: Severity | None) -> bool:
    """Mark by the worst remaining finding (it may be milder now); a marker someone else set stays."""
    if flow.marked and flow.marked not in MARKERS:
        return False
    marker = severity.marker if severity is not None else ""
    if flow.marked == marker:
        return False
    flow.marked = marker
    return True


def _raise_marker(flow: http.HTTPFlow, severity: Severity | None) -> bool:
    """Mark by worst severity; never downgrade, never replace a marker someone else set."""
    if severity is None:
        return False
    current = MARKERS.get(flow.marked) if flow.marked else None
    if flow.marked and current is None:
        return False  # a user's or another addon's marker wins; the comment still carries the rules
    if current is not None and current.rank <= severity.rank:
        return False
    flow.marked = severity.marker
    return True
