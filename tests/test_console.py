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
from pinscope.report import build_report
from pinscope.rulebook import Severity, default_rules
from pinscope.session import Session
from tests.flowkit import SECRETS, T0
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
