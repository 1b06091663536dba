"""Terminal rendering, checked on a plain 100-column buffer: key strings present, no secrets."""

from __future__ import annotations

import io
import re

import pytest
from rich.console import Console

from pinscope import console as render
from pinscope.catalog import default_catalog
from pinscope.engine import Engine
from pinscope.findings import RenderedFinding
from pinscope.report import Report, build_report
from pinscope.report.model import RuleFindings
from pinscope.rulebook import Severity, default_rules
from pinscope.session import Session
from tests.flowkit import SECRETS, T0, error, flow
from tests.test_report import run, scenario


def buffer() -> tuple[Console, io.StringIO]:
    out = io.StringIO()
    return Console(file=out, width=100, color_system=None), out


def clean(text: str) -> str:
    assert "object at 0x" not in text and "Traceback" not in text
    assert not any(secret in text for secret in SECRETS)
    return text


def test_finding_line_is_one_line_with_everything() -> None:
    console, out = buffer()
    finding = RenderedFinding("insufficient-scope", Severity.ERROR, "Token lacks scopes",
                              "GET /v5/boards needs boards:read [sic]", "Mint a new token", "https://x", None)
    render.finding_line(console, "GET", "https://api.pinterest.com/v5/boards", 401, finding)
    render.finding_line(console, "GET", "https://api.pinterest.com/v5/boards", None, finding)
    first, second = clean(out.getvalue()).splitlines()
    assert first.startswith("ERROR insufficient-scope GET https://api.pinterest.com/v5/boards 401: ")
    assert first.endswith("needs boards:read [sic]"), "brackets are data, not markup"
    assert "no response" in second


def test_finding_line_colours_by_severity() -> None:
    out = io.StringIO()
    console = Console(file=out, width=100, color_system="standard", force_terminal=True)
    for severity in Severity:
        finding = RenderedFinding("r", severity, "t", "m", "f", "d", None)
        render.finding_line(console, "GET", "u", 200, finding)
    styles = [re.match(r"\x1b\[([0-9;]+)m", line) for line in out.getvalue().splitlines()]
    assert len(styles) == 3 and all(styles), "each line starts with its severity's colour"
    assert len({m.group(1) for m in styles}) == 3


def test_summary_table_and_error_panels() -> None:
    engine, _ = run(scenario())
    report = build_report(engine.session, engine.catalog, generated_at=T0)
    console, out = buffer()
    render.print_summary(console, report)
    text = clean(out.getvalue())
    assert "11 flows, 10 to the Pinterest API (production 9, sandbox 1) over 10 s" in text
    assert "Findings" in text
    for finding in report.findings:
        assert finding.rule in text
    errors = [f for f in report.findings if f.severity is Severity.ERROR]
    assert text.count("╭─") == len(errors) > 0, "one panel per error rule"
    scope = next(f for f in errors if f.rule == "insufficient-scope")
    assert "Fix: " + scope.fix.split()[0] in text and "insufficient-scope x1" in text


def test_summary_without_findings() -> None:
    console, out = buffer()
    render.print_summary(console, build_report(Session(), Engine().catalog, generated_at=T0))
    assert "No findings." in clean(out.getvalue())


def test_rules_table_lists_every_rule_whole() -> None:
    rules = default_rules()
    console, out = buffer()
    render.print_rules(console, rules.values())
    text = clean(out.getvalue())
    for rule in rules.values():
        assert f" {rule.id} " in text, f"{rule.id} is cut or missing"
    assert "insufficient-scope" in text and "https://" not in text  # 100 columns: no room for links
    assert "pinscope rules ID" in text


def test_rules_table_on_a_wide_terminal_has_the_docs_links() -> None:
    out = io.StringIO()
    render.print_rules(Console(file=out, width=render.WIDE, color_system=None), default_rules().values())
    assert "https://developers.pinterest.com/docs/" in out.getvalue()


def test_one_rule_in_full() -> None:
    rule = default_rules()["insufficient-scope"]
    console, out = buffer()
    render.print_rule(console, rule)
    text = " ".join(clean(out.getvalue()).split())
    for piece in ("Severity", "error", rule.title, "Fix (grant_known)", "Token Debugger",
                  "Phrase (listed_scopes) the scopes this operation lists"):
        assert piece in text


@pytest.mark.parametrize("method,path,expect", [
    ("GET", "/pins/{pin_id}", ("pins/get", "boards:read AND pins:read", "org_read", "available on")),
    ("GET", "/search/pins", ("not available on api-sandbox",)),
])
def test_operation(method: str, path: str, expect: tuple[str, ...]) -> None:
    op = default_catalog().find(method, path)
    console, out = buffer()
    render.print_operation(console, op)
    text = clean(out.getvalue())
    assert op.label in text
    for piece in expect:
        assert piece in text



def narrow() -> tuple[Console, io.StringIO]:
    out = io.StringIO()
    return Console(file=out, width=80, color_system=None), out


def with_longest_rules(report: Report) -> Report:
    """The report plus one finding for each of the longest rule ids."""
    longest = sorted(default_rules().values(), key=lambda r: -len(r.id))[:4]
    extra = [RuleFindings(rule=r.id, severity=r.severity, title=r.title, fix="Do this.", docs=str(r.docs),
                          faq=None, count=1, flows=[]) for r in longest]
    return report.model_copy(update={"findings": [*report.findings, *extra]})


def test_rule_ids_are_never_cut_at_80_columns() -> None:
    engine, _ = run(scenario())
    report = with_longest_rules(build_report(engine.session, engine.catalog, generated_at=T0))
    console, out = narrow()
    render.print_summary(console, report)
    rows = [line.split() for line in clean(out.getvalue()).splitlines()
            if line.strip().split(" ")[0] in ("error", "warning", "info")]
    assert {row[1] for row in rows} == {f.rule for f in report.findings}, "every id whole, none cut with …"
    assert max(map(len, out.getvalue().splitlines())) <= 80


def test_pinterest_newlines_and_wide_text_keep_panels_whole() -> None:
    message = "Line one.\nLine two.\r\nLine\u2028three \u4e2d\u6587 ⚠️ \x1b[31mred"
    flows = [flow("GET", "/v5/user_account", at=1, status=401, body=error(2, message), rid="rid\nx")]
    engine, _ = run(flows)
    console, out = narrow()
    render.print_summary(console, build_report(engine.session, engine.catalog, generated_at=T0))
    text = clean(out.getvalue())
    assert "\x1b" not in text
    lines = text.splitlines()
    top = next(i for i, line in enumerate(lines) if line.startswith("╭─ authentication-failed"))
    bottom = next(i for i in range(top, len(lines)) if lines[i].startswith("╰"))
    assert all(line.startswith("│") and line.endswith("│") for line in lines[top + 1:bottom]), \
        "\n".join(lines[top:bottom + 1])
    assert "Line one. Line two. Line three" in " ".join(line.strip("│ ") for line in lines[top:bottom])
