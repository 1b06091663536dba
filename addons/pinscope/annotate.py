"""Write findings onto a mitmproxy flow: comment lines, marker, and metadata for filters and views."""

from __future__ import annotations

import logging

from mitmproxy import http

from pinscope.catalog import Match
from pinscope.exchange import Exchange
from pinscope.findings import RenderedFinding, worst
from pinscope.rulebook import Severity
from pinscope.untrusted import clean

logger = logging.getLogger("pinscope")
FINDINGS_KEY = "pinscope"  # flow.metadata key: list of RenderedFinding.as_dict()
CONTEXT_KEY = "pinscope_context"  # flow.metadata key: operation, scopes, category, sandbox, token
MARKERS = {severity.marker: severity for severity in Severity}


def comment_line(finding: RenderedFinding) -> str:
    """`<rule-id>: <message> Fix: <fix>` on one line (the rule id first, for mitmweb's column)."""
    return " ".join(f"{finding.rule}: {finding.message} Fix: {finding.fix}".split())


def annotate(flow: http.HTTPFlow, findings: list[RenderedFinding]) -> bool:
    """Add findings to the flow's comment, marker and metadata; True when anything changed."""
    if not findings:
        return False
    changed = _add_metadata(flow, [f.as_dict() for f in findings])
    changed |= _write_comment(flow)
    changed |= _raise_marker(flow, worst(findings))
    return changed


def set_context(flow: http.HTTPFlow, ex: Exchange, match: Match | None) -> None:
    """Record what pinscope knows about the call: operation, required scopes, category, token."""
    op = match.operation if match else None
    flow.metadata[CONTEXT_KEY] = {
        "operation": op.label if op else None,
        "scopes": [sorted(s) for s in op.scope_sets] if op else None,
        "category": op.category if op else None,
        "sandbox": op.sandbox if op else None,
        "token": ex.credential.label if ex.credential else None,
    }


def stored_findings(flow: http.HTTPFlow) -> list[RenderedFinding]:
    """The findings annotated on a flow so far (request and response phase)."""
    out: list[RenderedFinding] = []
    for item in flow.metadata.get(FINDINGS_KEY) or []:
        try:
            out.append(RenderedFinding(**{**item, "severity": Severity(item["severity"])}))
        except (TypeError, KeyError, ValueError):
            logger.debug("pinscope: ignoring malformed finding in flow metadata: %s", clean(repr(item)))
    return out


def _write_comment(flow: http.HTTPFlow) -> bool:
    """The user's own comment lines first, then one line per finding, worst first.

    Worst first because mitmweb's comment column shows only the start: an error found on the
    response must not hide behind a warning found on the request.
    """
    ours = [comment_line(f) for f in sorted(stored_findings(flow), key=lambda f: f.severity.rank)]
    theirs = [line for line in flow.comment.splitlines() if line not in set(ours)]
    comment = "\n".join([*theirs, *dict.fromkeys(ours)])
    if comment == flow.comment:
        return False
    flow.comment = comment
    return True


def _add_metadata(flow: http.HTTPFlow, items: list[dict[str, str | None]]) -> bool:
    """Extend metadata["pinscope"] with findings not already listed."""
    stored = list(flow.metadata.get(FINDINGS_KEY) or [])
    new = [item for item in items if item not in stored]
    if not new:
        return False
    flow.metadata[FINDINGS_KEY] = stored + new
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
