"""GitHub Actions output: a Markdown step summary and one workflow-command annotation per rule."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping

from pinscope.report.junit import count_failing
from pinscope.report.markdown import code, findings_table, summary_table
from pinscope.report.model import Report, RuleFindings
from pinscope.rulebook import Severity

SUMMARY_ENV = "GITHUB_STEP_SUMMARY"  # the file GitHub renders on the run's page; steps append to it
# Annotation command by severity; `notice` is GitHub's name for information.
COMMANDS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}
# Annotations of one kind GitHub shows per step (10 errors, 10 warnings, 10 notices: actions/toolkit,
# docs/problem-matchers.md); the rest vanish without a word, so the last slot counts them.
PER_KIND = 10


def in_github_actions(environ: Mapping[str, str]) -> bool:
    """Whether this runs as a GitHub Actions step (GitHub sets GITHUB_ACTIONS=true there)."""
    return environ.get("GITHUB_ACTIONS") == "true"


def escape_data(text: object) -> str:
    """A workflow command's message: `%`, CR and LF escaped, so no text can start a command line."""
    return str(text).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: object) -> str:
    """A workflow command's property value: as a message, and `:` and `,` too (they end a property)."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(finding: RuleFindings) -> str:
    """`::error title=…::message` for one rule: what is wrong, the fix, an example flow."""
    first = finding.flows[0] if finding.flows else None
    lines = [first.message if first else finding.title, f"Fix: {finding.fix}"]
    if first:
        status = first.status if first.status is not None else "no response"
        rid = f" (x-pinterest-rid: {first.request_id})" if first.request_id else ""
        lines.append(f"Seen {finding.count} time{'s' if finding.count != 1 else ''}, "
                     f"e.g. {first.method} {first.url} -> {status}{rid}")
    lines.append(f"Docs: {finding.docs}")
    title = f"pinscope {finding.rule}: {finding.title}"
    return f"::{COMMANDS[finding.severity]} title={escape_property(title)}::{escape_data(chr(10).join(lines))}"


def annotations(report: Report) -> list[str]:
    """One annotation per rule, worst first; past PER_KIND of a kind, the last one it shows counts the rest."""
    totals = Counter(COMMANDS[finding.severity] for finding in report.findings)
    shown: Counter[str] = Counter()
    lines = []
    for finding in report.findings:
        kind = COMMANDS[finding.severity]
        if shown[kind] < (PER_KIND if totals[kind] <= PER_KIND else PER_KIND - 1):
            lines.append(annotation(finding))
            shown[kind] += 1
    for kind, total in totals.items():
        if total > PER_KIND:
            more = total - shown[kind]
            title = escape_property(f"pinscope: {more} more {kind} rules")
            lines.append(f"::{kind} title={title}::{more} more rules found at this level: see the step summary "
                         "or the report for every finding.")
    return lines


def step_summary(report: Report, fail_on: Severity | None) -> str:
    """The Markdown appended to the step summary: the session, the gate, the findings table."""
    lines = ["## pinscope", "", *summary_table(report.summary)]
    if fail_on is None:
        lines += ["No `--fail-on`: findings do not fail this step.", ""]
    else:
        failing = count_failing(report, fail_on)
        gate = code(f"--fail-on {fail_on.value}")
        lines += [f"**{failing} finding{'s' if failing != 1 else ''} at or above {fail_on.value}** ({gate}): "
                  "pinscope fails this step." if failing else
                  f"No findings at or above {fail_on.value} ({gate}).", ""]
    lines += findings_table(report.findings) if report.findings else ["No findings.", ""]
    return "\n".join(lines)
