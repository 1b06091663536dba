"""The Markdown report: the same content as the JSON report, as readable tables."""

from __future__ import annotations

import re
from collections.abc import Iterable

from pinscope.timefmt import format_time
from pinscope.report.model import EndpointReport, Report, RuleFindings, Summary
from pinscope.report.plan import (NO_SCOPES, TIE_ADVICE, TIED, ScopePlanReport, accepts_text, forecast_cells,
                                  operations_called, url_note)
from pinscope.published import describe_quota
from pinscope.recovery import OUTCOMES
from pinscope.report.recovery import gaps
from pinscope.report.support import support_ticket
from pinscope.report.units import duration
from pinscope.rulebook import Severity


class Md(str):
    """A fragment that is already Markdown (built here from escaped parts): never escaped again."""

    __slots__ = ()


# Everything CommonMark or GFM could read as markup in running text: emphasis, code, links and
# images (`[`, `]`, `(`, `)`, `!`), raw HTML and autolinks (`<`, `>`), entities (`&`), headings,
# strike-through, table pipes. Each is backslash-escaped, so traffic text renders as typed.
# An underscore inside a word (`org_read`) cannot open emphasis, so it stays as typed.
MD_SPECIAL = re.compile(r"([\\`*\[\](){}<>!#|~&]|(?<![A-Za-z0-9])_|_(?![A-Za-z0-9]))")


def escape(text: object) -> str:
    """Text as literal Markdown (one line)."""
    return MD_SPECIAL.sub(r"\\\1", str(text).replace("\r", " ").replace("\n", " "))


def code(text: object) -> Md:
    """Text as an inline code span: nothing inside renders, not even a URL becomes a link."""
    body = str(text).replace("\r", " ").replace("\n", " ").replace("|", "\\|")  # GFM: pipes end cells
    fence = "`" * (max(map(len, re.findall(r"`+", body)), default=0) + 1)
    pad = " " if body.startswith("`") or body.endswith("`") else ""  # CommonMark strips one space each side
    return Md(f"{fence}{pad}{body}{pad}{fence}")


def cell(value: object) -> str:
    """A table cell: Md passes, anything else escaped; one line, `-` for nothing."""
    if value is None or value == "" or value == []:
        return "-"
    if isinstance(value, Md):
        return value
    return escape(", ".join(map(str, value)) if isinstance(value, list) else value)


def table(headers: list[str], rows: Iterable[list[object]]) -> list[str]:
    """A Markdown table."""
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return lines + [""]


def render_markdown(report: Report) -> str:
    """The whole Markdown report."""
    lines = [
        "# pinscope report", "",
        f"Generated {format_time(report.generated_at)} by pinscope {report.pinscope_version} "
        f"(Pinterest API spec {report.spec_version}).", "",
        "## Summary", "", *summary_table(report.summary),
        "## Findings", "",
    ]
    if not report.findings:
        lines += ["No findings.", ""]
    else:
        lines += findings_table(report.findings)
        for finding in report.findings:
            lines += _rule_section(finding, report.endpoints)
    lines += ["## Tokens", ""]
    lines += table(
        ["Token", "Kind", "Environments", "Granted scopes", "Needed by its calls", "Missing", "Expires",
         "Requests", "Failures"],
        ([t.label, t.kind, t.environments, "unknown" if t.scopes is None else t.scopes or "none",
          t.needed_scopes or "none", _missing(t.missing_scopes), format_time(t.expires_at), t.requests,
          t.failures] for t in report.tokens),
    ) if report.tokens else ["No tokens seen.", ""]
    lines += ["## Rate limits", ""]
    lines += table(
        ["Category", "Policy", "Lowest remaining", "429 responses", "Tokens", "Published quota"],
        ([r.category, r.policy, r.lowest_remaining, r.rate_limited, r.tokens,
          describe_quota(r.published) if r.published else "not published"] for r in report.rate_limits),
    ) if report.rate_limits else ["No rate-limit headers seen.", ""]
    lines += _forecasts(report)
    lines += _scope_plan(report.scope_plan)
    lines += ["## Endpoints", ""]
    lines += table(
        ["Operation", "Requests", "Errors", "Error rate", "Latency median (ms)", "Latency p95 (ms)"],
        ([code(e.operation), e.requests, e.errors, f"{e.error_rate:.0%}", e.latency_median_ms,
          e.latency_p95_ms] for e in report.endpoints),
    ) if report.endpoints else ["No Pinterest API operations called.", ""]
    lines += _recovery(report)
    lines += _sandbox(report)
    return "\n".join(lines).rstrip("\n") + "\n"


def _forecasts(report: Report) -> list[str]:
    rows = [[r.category, f.token, *forecast_cells(f)] for r in report.rate_limits for f in r.forecasts]
    if not rows:
        return []
    return ["### Forecast", "", "At each token's last response in the category:", "",
            *table(["Category", "Token", "Pace", "Remaining", "Resets in", "Runs out in", "Verdict"], rows)]


def _scope_plan(plan: ScopePlanReport | None) -> list[str]:
    """The least-privilege scopes, the authorization URL, and how each token fits."""
    if plan is None:
        return []
    lines = ["## Scope plan", ""]
    if not plan.scopes:
        return lines + [NO_SCOPES, ""]
    lines += [f"Smallest set of scopes for the {operations_called(plan)}: "
              + ", ".join(f"`{s}`" for s in plan.scopes) + ".", ""]
    if plan.tied:
        lines += [TIED + " or ".join("`" + ", ".join(s) + "`" for s in plan.minimal_sets)
                  + ". " + TIE_ADVICE, ""]
    lines += [f"Authorization URL ({url_note(plan)}):", "", "```text", str(plan.authorization_url), "```", ""]
    lines += table(["Operation", "Requests", "Accepts"],
                   ([code(o.operation), o.requests, accepts_text(o.scope_sets)] for o in plan.operations))
    if plan.tokens:
        lines += table(["Token", "Granted", "Missing for its calls", "Excessive (no call needed)"],
                       ([t.token, t.granted or "none", t.missing or "none", t.excessive or "none"]
                        for t in plan.tokens))
    return lines


def findings_table(findings: list[RuleFindings]) -> list[str]:
    """The findings at a glance: one row per rule, worst first (also the CI step summary's)."""
    return table(["Severity", "Rule", "Count", "Title"],
                 ([f.severity.value, code(f.rule), f.count, f.title] for f in findings))


def summary_table(summary: Summary) -> list[str]:
    """The session at a glance as a two-column table (also the CI step summary's)."""
    sev, env, span = summary.severities, summary.environments, summary.time_span
    rows = [
        ["Flows", summary.flows],
        ["Pinterest API flows", f"{summary.pinterest_flows} (production {env.production}, "
                                f"sandbox {env.sandbox})"],
        ["Findings", f"{summary.findings}: {sev.error} error, {sev.warning} warning, {sev.info} info"],
        ["Time span", f"{format_time(span.start)} to {format_time(span.end)} ({duration(span.seconds)})"
         if span else None],
    ]
    return table(["", ""], rows)


def _rule_section(finding: RuleFindings, endpoints: list[EndpointReport]) -> list[str]:
    lines = [f"### `{finding.rule}` ({finding.severity.value}): {finding.title}", "",
             f"**Fix:** {cell(finding.fix)}", "", f"**Docs:** <{finding.docs}>", ""]
    if finding.faq:
        lines += [f"**FAQ:** {cell(finding.faq)}", ""]
    lines += [f"Seen {finding.count} time{'s' if finding.count != 1 else ''}; examples:", ""]
    lines += table(["Time", "Method", "URL", "Status", "Code", "Request id", "Pinterest said", "Message"],
                   ([format_time(f.timestamp), f.method, code(f.url), f.status, f.error_code,
                     code(f.request_id) if f.request_id else None, f.error_message, f.message]
                    for f in finding.flows))
    if finding.severity is Severity.ERROR and finding.flows:
        lines += _support_block(finding, endpoints)
    return lines


def _support_block(finding: RuleFindings, endpoints: list[EndpointReport]) -> list[str]:
    """A block ready to paste into a Pinterest support ticket: facts only, no secrets."""
    return ["For a Pinterest support ticket:", "", "```text", support_ticket(finding, endpoints), "```", ""]


def _missing(scopes: list[str] | None) -> str | Md:
    if scopes is None:
        return "unknown (grant not seen)"
    return Md("**" + escape(", ".join(scopes)) + "**") if scopes else "none"


def _recovery(report: Report) -> list[str]:
    """Per operation with errors: what the client did next, graded, with the flows that show it."""
    if not report.recovery:
        return []
    lines = ["## Recovery", "", "After each error, what the same token did next with the same operation.", ""]
    lines += table(["Operation", "Faults", "Grade", "Outcomes"],
                   ([code(r.operation), r.faults, f"{r.grade} ({r.verdict}): {OUTCOMES[r.grade][1]}",
                     ", ".join(f"{o} {n}" for o, n in r.outcomes.items())] for r in report.recovery))
    for r in report.recovery:
        lines += [f"### Recovery of {code(r.operation)}", ""]
        lines += table(["Time", "After", "Token", "Method", "URL", "Status", "Outcome"],
                       ([format_time(e.timestamp), gap, e.token, e.method, code(e.url), e.status,
                         e.outcome or "error"]
                        for e, gap in zip(r.evidence, gaps(r.evidence))))
    return lines


def _sandbox(report: Report) -> list[str]:
    """The production checklist, when the sandbox host was used."""
    box = report.sandbox
    if box is None:
        return []
    lines = ["## Sandbox to production", "",
             f"{box.flows} Pinterest API flow{'s' if box.flows != 1 else ''} went to "
             f"api-sandbox.pinterest.com (tokens: {', '.join(box.tokens) or 'none that succeeded'}). "
             "Before going to production:", ""]
    lines += [f"{i}. **{cell(s.title)}**: {cell(s.detail)} <{s.docs}>" for i, s in enumerate(box.steps, 1)]
    return lines + ["", f"Source: <{box.source}>", ""]
