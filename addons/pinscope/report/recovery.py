"""The report's recovery section: per operation, its faults, grade and evidence flows."""

from __future__ import annotations

from pinscope.recovery import OUTCOMES, grade
from pinscope.report.model import RecoveryFlow, RecoveryReport
from pinscope.session import Session
from pinscope.timefmt import when

ORDER = list(OUTCOMES)


def recovery_reports(session: Session) -> list[RecoveryReport]:
    """Every operation that had an error, worst grade first."""
    tracker = session.recovery
    rows = []
    for label, ops in tracker.operations.items():
        if not ops.faults:
            continue
        gave_up = tracker.gave_up(label)
        outcomes = dict(ops.outcomes) | ({"gave-up": gave_up} if gave_up else {})
        worst = grade(ops.outcomes, gave_up)
        rows.append(RecoveryReport(
            operation=label, faults=ops.faults, grade=worst, verdict=OUTCOMES[worst][0],
            outcomes={o: outcomes[o] for o in ORDER if o in outcomes},
            evidence=[RecoveryFlow(method=e.method, url=e.url, status=e.status, timestamp=when(e.timestamp),
                                   outcome=e.outcome, token=e.token) for e in ops.evidence],
        ))
    return sorted(rows, key=lambda r: (ORDER.index(r.grade), -r.faults, r.operation))


def gaps(evidence: list[RecoveryFlow]) -> list[str | None]:
    """Seconds since the previous evidence flow (`0.05 s`), the sub-second detail a timestamp hides."""
    return [None if i == 0 else f"{max(0.0, (e.timestamp - evidence[i - 1].timestamp).total_seconds()):.2f} s"
            for i, e in enumerate(evidence)]
