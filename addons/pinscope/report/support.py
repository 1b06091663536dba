"""The text a developer pastes into a Pinterest support ticket: facts Pinterest can look up, no secrets.

URLs in reports already have secret query values masked and error messages have tokens masked;
only what Pinterest support asks for is quoted: operation, time, status, code, message, request id.
"""

from __future__ import annotations

from collections.abc import Iterable

from pinscope.timefmt import format_time
from pinscope.report.model import EndpointReport, ExampleFlow, RuleFindings


def support_ticket(finding: RuleFindings, endpoints: Iterable[EndpointReport] = ()) -> str:
    """Plain text for one rule's example flows, ready to paste; `endpoints` adds their 5xx request ids."""
    shown = len(finding.flows)
    seen = f"Seen {finding.count} time{'s' if finding.count != 1 else ''}"
    lines = [f"Pinterest API problem: {finding.title}",
             f"{seen}{f'; the first {shown} below' if finding.count > shown else ''} "
             f"(diagnosed by pinscope rule {finding.rule}).", ""]
    for number, flow in enumerate(finding.flows, 1):
        lines += [f"{number}. {flow.operation or flow.method + ' (operation not in the API spec)'}",
                  *(f"   {line}" for line in _facts(flow)), ""]
    rids = request_ids(finding, endpoints)
    lines.append(f"x-pinterest-rid values: {', '.join(rids) if rids else 'none sent'}")
    return "\n".join(line.replace("`", "'") for line in lines)  # nothing may close a code fence


def request_ids(finding: RuleFindings, endpoints: Iterable[EndpointReport] = ()) -> list[str]:
    """The examples' request ids, then every recent 5xx id of the operations they hit with a 5xx.

    A fix that asks for "these x-pinterest-rid values" names all the session kept, not only the examples'.
    """
    failed = {f.operation for f in finding.flows if f.operation and f.status is not None and f.status >= 500}
    recorded = [rid for e in endpoints if e.operation in failed for rid in e.request_ids]
    return list(dict.fromkeys([*(f.request_id for f in finding.flows if f.request_id), *recorded]))


def _facts(flow: ExampleFlow) -> list[str]:
    return [f"time: {format_time(flow.timestamp)}",
            f"request: {flow.method} {flow.url}",
            f"status: {flow.status if flow.status is not None else 'no response'}",
            f"code: {flow.error_code if flow.error_code is not None else '-'}",
            f"message: {_one_line(flow.error_message) or '-'}",
            f"x-pinterest-rid: {flow.request_id or 'not sent'}"]


def _one_line(text: str | None) -> str:
    return " ".join((text or "").split())
