"""The rehearsal's result: each variant's grades, read from the report's recovery section by token."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from rich.console import Console
from rich.text import Text

from pinscope.demo import launcher
from pinscope.recovery import OUTCOMES, grade
from pinscope.report import Report, write_report
from pinscope.untrusted import clean

FAILED = 1
RECOVERY_RULES = ("retry-without-backoff", "write-retried-after-5xx", "retry-unrecoverable", "retry-before-reset")
STYLE = {"bad": "red", "good": "green", "neutral": "yellow"}


def variant_grades(report: Report, labels: set[str]) -> dict[str, str]:
    """Per operation, the grade of the flows sent with these tokens (their worst outcome)."""
    grades = {}
    for row in report.recovery:
        mine = [e for e in row.evidence if e.token in labels]
        if not mine:
            continue
        outcomes = Counter(e.outcome for e in mine if e.outcome)
        gave_up = int(mine[-1].status is not None and mine[-1].status >= 400)  # it stopped on an error
        grades[row.operation] = grade(outcomes, gave_up)
    return grades


def recovery_findings(report: Report, labels: set[str]) -> dict[str, int]:
    """Recovery findings whose example flows name one of these tokens, per rule."""
    found: Counter[str] = Counter()
    for finding in report.findings:
        if finding.rule in RECOVERY_RULES:
            found[finding.rule] += sum(1 for f in finding.flows if any(label in f.message for label in labels))
    return {rule: n for rule, n in found.items() if n}


def show(out: Console, report: Report, variants: dict[str, set[str]]) -> bool:
    """Print each variant's grades and recovery findings; whether they came out as the demo expects."""
    grades = {name: variant_grades(report, labels) for name, labels in variants.items()}
    out.print(Text("Recovery grades (the report's recovery section, per variant's tokens):", "bold"))
    operations = sorted({op for g in grades.values() for op in g})
    out.print(Text(f"  {'operation':<36} " + "".join(f"{name:<28}" for name in variants), "dim"))
    for op in operations:
        cells = []
        for name in variants:
            g = grades[name].get(op)
            verdict = OUTCOMES[g][0] if g else ""
            cells.append(Text(f"{f'{g} ({verdict})' if g else '-':<28}", STYLE.get(verdict, "dim")))
        out.print(Text.assemble(f"  {clean(op, 36):<36} ", *cells), soft_wrap=True)
    for name, labels in variants.items():
        found = recovery_findings(report, labels)
        listed = ", ".join(f"{rule} x{n}" for rule, n in sorted(found.items())) or "none"
        out.print(f"  recovery findings on the {name} flows: {listed}", soft_wrap=True, markup=False)
        out.print(f"  tokens of the {name} variant: {', '.join(sorted(labels))}", soft_wrap=True, markup=False)
    good = {OUTCOMES[g][0] for g in grades.get("well-behaved", {}).values()}
    bad = {OUTCOMES[g][0] for g in grades.get("careless", {}).values()}
    return "good" in good and "bad" not in good and bad == {"bad"}


def finish(mitm: launcher.MitmProcess, written: Path, report_path: Path, variants: dict[str, set[str]],
           out: Console) -> int:
    """Stop mitmdump (it writes the report), print the grades, write the report the user asked for."""
    report = launcher.stopped_report(mitm, written, out)
    if report is None:
        return FAILED
    as_expected = show(out, report, variants)
    write_report(report, report_path)
    out.print(f"report written to {report_path}", soft_wrap=True)
    if not as_expected:
        out.print(Text("pinscope demo: the grades did not come out as expected (well-behaved: good or "
                       "neutral only; careless: bad only)", "red"))
        return FAILED
    return 0
