"""The HTML report's recovery section: per operation, the faults, the grade and the flows that show it."""

from __future__ import annotations

from pinscope.recovery import OUTCOMES
from pinscope.report.markup import Html, el, join, table
from pinscope.report.model import RecoveryReport, Report
from pinscope.report.recovery import gaps
from pinscope.timefmt import format_time

VERDICT_CLASS = {"bad": "bad", "good": "ok-note", "neutral": None}


def recovery(report: Report) -> Html | None:
    """Only when some Pinterest API call answered with an error."""
    if not report.recovery:
        return None
    intro = el("p", "After each error, what the same token did next with the same operation.", cls="muted")
    return join([intro, *(_operation(r) for r in report.recovery)])


def _operation(r: RecoveryReport) -> Html:
    grade = el("span", r.grade, cls=VERDICT_CLASS[r.verdict])
    faults = f"{r.faults} fault{'s' if r.faults != 1 else ''}"
    outcomes = ", ".join(f"{o} {n}" for o, n in r.outcomes.items())
    head = el("p", el("strong", "Grade: "), grade, f": {OUTCOMES[r.grade][1]}. ",
              el("span", f"{faults}; outcomes: {outcomes}", cls="muted"))
    rows = ([format_time(e.timestamp), gap, el("code", e.token) if e.token else None, e.method,
             el("code", e.url), e.status, e.outcome or "error"]
            for e, gap in zip(r.evidence, gaps(r.evidence)))
    return el("section", el("h3", el("code", r.operation)), head,
              table(["Time", "After", "Token", "Method", "URL", "Status", "Outcome"], rows, cls="recovery"),
              cls="card recovery", data_grade=r.grade)
