"""The text a developer pastes into a Pinterest support ticket: facts Pinterest can look up, no secrets.

URLs in reports already have secret query values masked and error messages have tokens masked;
only what Pinterest support asks for is quoted: operation, time, status, code, message, request id.
"""

from __future__ import annotations

from pinscope.timefmt import format_time
from pinscope.report.model import ExampleFlow, RuleFindings


def support_ticket(finding: RuleFindings) -> str:
    """Plain text for one rule's example flows, ready to paste."""
    shown = len(finding.flows)
    seen = f"Seen {finding.count} time{'s' if finding.count != 1 else ''}"
    lines = [f"Pinterest API problem: {finding.title}",
             f"{seen}{f'; the first {shown} below' if finding.count > shown else ''} "
             f"(diagnosed by pinscope rule {finding.rule}).", ""]
    for number, flow in enumerate(finding.flows, 1):
        lines += [f"{number}. {flow.operation or flow.method + ' (operation not in the API spec)'}",
                  *(f"   {line}" for line in _facts(flow)), ""]
    rids = [f.request_id for f in finding.flows if f.request_id]
    lines.append(f"x-pinterest-rid values: {', '.join(rids) if rids else 'none sent'}")
    return "\n".join(line.replace("`", "'") for line in lines)  # nothing may close a code fence


def _facts(flow: ExampleFlow) -> list[str]:
    return [f"time: {format_time(flow.timestamp)}",
            f"request: {flow.method} {flow.url}",
            f"status: {flow.status if flow.status is not None else 'no response'}",
            f"code: {flow.error_code if flow.error_code is not None else '-'}",
            f"message: {_one_line(flow.error_message) or '-'}",
            f"x-pinterest-rid: {flow.request_id or 'not sent'}"]


def _one_line(text: str | None) -> str:
    return " ".join((text or "").split())
