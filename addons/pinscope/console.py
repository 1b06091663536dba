"""All terminal rendering: the caller passes the rich Console, so tests render to a buffer."""

from __future__ import annotations

from collections.abc import Iterable

from rich import box
from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from pinscope.catalog import Operation
from pinscope.findings import RenderedFinding
from pinscope.timefmt import format_time
from pinscope.report.model import Report
from pinscope.report.plan import (NO_SCOPES, TIE_ADVICE, TIED, ScopePlanReport, accepts_text, forecast_line, operations_called, url_note)
from pinscope.report.units import duration
from pinscope.rulebook import Rule, Severity
from pinscope.untrusted import clean, clean_url

WIDE = 140  # columns from which `pinscope rules` shows the docs links too
STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}
LABEL = {Severity.ERROR: "ERROR", Severity.WARNING: "WARN", Severity.INFO: "INFO"}


def _text(value: object, style: str = "") -> Text:
    """Data as Text: never parsed as rich markup (URLs and messages may contain brackets)."""
    return Text("-" if value is None else str(value), style=style)


def _status_style(status: int | None) -> str:
    return "red" if status is None or status >= 400 else "green"


def finding_line(console: Console, method: str, url: str, status: int | None,
                 finding: RenderedFinding) -> None:
    """One compact coloured line for one finding on one flow."""
    line = Text.assemble(
        (f"{LABEL[finding.severity]:<5} ", STYLE[finding.severity]),
        (finding.rule, "bold"), " ",
        (f"{clean(method)} {clean_url(url)} ", "dim"),
        (str(status) if status is not None else "no response", _status_style(status)),
        ": ", finding.message,
    )
    console.print(line, soft_wrap=True, highlight=False)


def print_summary(console: Console, report: Report) -> None:
    """The end-of-session summary: counts, a findings table, a panel per error rule with its fix."""
    s = report.summary
    span = f" over {duration(s.time_span.seconds)}" if s.time_span else ""
    env = s.environments
    console.print(_text(f"pinscope: {s.flows} flows, {s.pinterest_flows} to the Pinterest API "
                        f"(production {env.production}, sandbox {env.sandbox}){span}", "bold"))
    if not report.findings:
        console.print(_text("No findings.", "green"))
        return
    sev = s.severities
    console.print(Text.assemble((f"{sev.error} error", STYLE[Severity.ERROR]), ", ",
                                (f"{sev.warning} warning", STYLE[Severity.WARNING]), ", ",
                                (f"{sev.info} info", STYLE[Severity.INFO])))
    table = Table(title="Findings", box=box.SIMPLE_HEAD)
    # Rule ids are what --silence takes: never cut, as in print_rules; the title folds instead.
    table.add_column("Severity", no_wrap=True)
    table.add_column("Rule", no_wrap=True, min_width=max(len(f.rule) for f in report.findings))
    table.add_column("Count", no_wrap=True, justify="right")
    table.add_column("Title", ratio=1)
    for f in report.findings:
        table.add_row(_text(f.severity.value, STYLE[f.severity]), _text(f.rule, "bold"),
                      _text(f.count), _text(f.title))
    console.print(table)
    for f in report.findings:
        if f.severity is not Severity.ERROR:
            continue
        parts = [_text(f.title, "bold")]
        if f.flows:
            example = f.flows[0]
            parts.append(Text.assemble(("Seen: ", "dim"), f"{example.message} ",
                                       (f"({example.method} {example.url}, "
                                        f"{format_time(example.timestamp)})", "dim")))
        parts += [Text.assemble(("Fix: ", "bold green"), f.fix), Text.assemble(("Docs: ", "dim"), f.docs)]
        console.print(Panel(Group(*parts), title=f"{f.rule} x{f.count}", title_align="left",
                            border_style="red"))
    _forecast_lines(console, report)
    _recovery_lines(console, report)
    if report.scope_plan is not None and report.scope_plan.scopes:
        console.print(Text.assemble(("Scope plan: ", "bold"), ", ".join(report.scope_plan.scopes),
                                    (" (details: pinscope scopes --plan CAPTURE)", "dim")))


def _forecast_lines(console: Console, report: Report) -> None:
    """One line per token whose budget was heading for a 429 at its last response."""
    for r in report.rate_limits:
        for f in r.forecasts:
            if f.warns:
                console.print(Text.assemble((f"Forecast {r.category} ", "yellow"),
                                            f"{f.token}: {forecast_line(f)}"))


def _recovery_lines(console: Console, report: Report) -> None:
    """One line per operation whose recovery after an error was graded bad."""
    for r in report.recovery:
        if r.verdict == "bad":
            console.print(Text.assemble(("Recovery ", "yellow"), f"{r.operation}: {r.grade} after "
                                        f"{r.faults} fault{'s' if r.faults != 1 else ''}",
                                        (" (details: the report's Recovery section)", "dim")))


def print_scope_plan(console: Console, plan: ScopePlanReport) -> None:
    """The scope plan: smallest set(s), authorization URL, operations, and how each token fits."""
    if not plan.scopes:
        console.print(_text(NO_SCOPES))
        return
    console.print(Text.assemble(("Smallest scope set: ", "bold"), (", ".join(plan.scopes), "green"),
                                f" (for the {operations_called(plan)})"))
    if plan.tied:
        alternatives = " or ".join("{" + ", ".join(s) + "}" for s in plan.minimal_sets)
        console.print(_text(f"{TIED}{alternatives}. {TIE_ADVICE}", "yellow"))
    console.print(Text.assemble(("Authorization URL ", "bold"), (f"({url_note(plan)}):", "dim")))
    console.print(_text(plan.authorization_url), soft_wrap=True)  # never wrapped: it is copied
    table = Table("Operation", "Requests", "Accepts", title="Operations called", box=box.SIMPLE_HEAD)
    for o in plan.operations:
        table.add_row(_text(o.operation), _text(o.requests), _text(accepts_text(o.scope_sets)))
    console.print(table)
    if plan.unknown_operations:
        console.print(_text("Not in the catalogue: " + ", ".join(plan.unknown_operations), "yellow"))
    if plan.tokens:
        tokens = Table("Token", "Granted", "Missing", "Excessive", title="Tokens with a known grant",
                       box=box.SIMPLE_HEAD)
        for t in plan.tokens:
            tokens.add_row(_text(t.token), _text(", ".join(t.granted) or "none"),
                           _text(", ".join(t.missing) or "none", "red" if t.missing else "green"),
                           _text(", ".join(t.excessive) or "none", "yellow" if t.excessive else "green"))
        console.print(tokens)


def print_rules(console: Console, rules: Iterable[Rule]) -> None:
    """Every rule as a table: id, severity, title, docs link."""
    ordered = sorted(rules, key=lambda r: (r.severity.rank, r.id))
    # A narrow terminal drops the links rather than fold every row into five lines.
    with_docs = console.width >= WIDE
    table = Table(box=box.SIMPLE_HEAD,
                  caption=None if with_docs else "`pinscope rules ID` shows a rule in full, with its docs link")
    # Ids are what users type: never cut them; links fold rather than lose their end.
    table.add_column("ID", no_wrap=True, min_width=max((len(r.id) for r in ordered), default=2))
    table.add_column("Severity", no_wrap=True)
    table.add_column("Title", ratio=1)
    if with_docs:
        table.add_column("Docs", overflow="fold", ratio=1)
    for rule in ordered:
        cells = [_text(rule.id, "bold"), _text(rule.severity.value, STYLE[rule.severity]), _text(rule.title)]
        table.add_row(*cells, *([_text(rule.docs)] if with_docs else []))
    console.print(table)


def print_rule(console: Console, rule: Rule, example: dict[str, object] | None = None) -> None:
    """One rule in full: what it detects, its templates, where to read more, and an example."""
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold")
    grid.add_column(overflow="fold")
    grid.add_row("Severity", _text(rule.severity.value, STYLE[rule.severity]))
    grid.add_row("Title", _text(rule.title))
    grid.add_row("Detects", _text(rule.summary))
    if rule.faq:
        grid.add_row("FAQ", _text(rule.faq))
    grid.add_row("Docs", _text(rule.docs))
    for table_name, templates in (("Message", rule.message), ("Fix", rule.fix)):
        for variant, template in templates.items():
            suffix = "" if variant == "default" else f" ({variant})"
            grid.add_row(f"{table_name}{suffix}", _text(template))
    for name, template in rule.phrases.items():  # the parts its templates' {params} may read as
        grid.add_row(f"Phrase ({name})", _text(template))
    if example:
        grid.add_row("Example", _text(f"{example.get('request')} -> {example.get('status') or 'no response'}"))
        grid.add_row("  says", _text(str(example.get("message"))))
        grid.add_row("  fix", _text(str(example.get("fix"))))
    console.print(Panel(grid, title=rule.id, title_align="left", border_style=STYLE[rule.severity]))


def print_operation(console: Console, op: Operation) -> None:
    """One operation: id, scope sets, rate-limit category, sandbox availability, beta status."""
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold")
    grid.add_column(overflow="fold")
    grid.add_row("Operation", _text(f"{op.label}  ({op.operation_id})"))
    if op.summary:
        grid.add_row("Summary", _text(op.summary))
    if op.scope_sets:
        choices = "\n".join(f"{i}. " + " AND ".join(sorted(s)) for i, s in enumerate(op.scope_sets, 1))
        lead = "all of" if len(op.scope_sets) == 1 else "any one of these sets"
        grid.add_row("Scopes", _text(f"{lead}:\n{choices}"))
    else:
        grid.add_row("Scopes", _text("none"))
    grid.add_row("Auth", _text(", ".join(op.auth) or "none"))
    grid.add_row("Rate-limit category", _text(op.category or "not stated in the spec"))
    grid.add_row("Sandbox", _text("available on api-sandbox.pinterest.com" if op.sandbox
                                  else "not available on api-sandbox.pinterest.com",
                                  "green" if op.sandbox else "yellow"))
    grid.add_row("Beta / restricted", _text("yes: access must be requested" if op.beta else "no",
                                            "yellow" if op.beta else ""))
    console.print(grid)
