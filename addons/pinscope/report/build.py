"""Turn an engine's session (plus the catalogue) into a Report."""

from __future__ import annotations

import math
import statistics
from importlib import metadata

from pinscope.catalog import Catalog, Operation
from pinscope.engine import wall_clock
from pinscope.intel import session_forecasts
from pinscope.report.model import (
    EndpointReport, EnvironmentCounts, ExampleFlow, RateLimitReport, RatePoint, Report,
    RuleFindings, SandboxReport, SeverityCounts, Summary, TimeSpan, TokenReport,
)
from pinscope.published import quotas, sandbox_checklist
from pinscope.report.rank import importance
from pinscope.report.recovery import recovery_reports
from pinscope.report.plan import ForecastReport, ScopePlanReport, forecast_report, session_scope_plan
from pinscope.rulebook import Severity
from pinscope.session import OperationStats, RateState, RuleLog, Session, TokenState
from pinscope.timefmt import when

MAX_POINTS = 500  # rate-limit points kept per category in a report


def build_report(session: Session, catalog: Catalog, generated_at: float | None = None) -> Report:
    """The report of everything the session saw."""
    return Report(
        generated_at=when(wall_clock() if generated_at is None else generated_at),
        pinscope_version=_version(),
        spec_version=catalog.spec_version,
        summary=_summary(session),
        findings=_findings(session, catalog),
        tokens=[_token(t, catalog) for t in sorted(session.tokens.values(), key=_token_order)],
        rate_limits=_with_forecasts(session, _rate_limits(session)),
        endpoints=_endpoints(session, catalog),
        scope_plan=_scope_plan(session, catalog),
        sandbox=_sandbox(session),
        recovery=recovery_reports(session),
    )


def minimal_report(session: Session, catalog: Catalog, generated_at: float | None = None) -> Report:
    """The summary alone, for when build_report() failed (a pinscope bug): done() still writes this."""
    return Report(generated_at=when(wall_clock() if generated_at is None else generated_at),
                  pinscope_version=_version(), spec_version=catalog.spec_version, summary=_summary(session),
                  findings=[], tokens=[], rate_limits=[], endpoints=[])


def _version() -> str:
    try:
        return metadata.version("pinscope")
    except metadata.PackageNotFoundError:
        return "0+unknown"


def _summary(session: Session) -> Summary:
    span = None
    if session.first_seen is not None and session.last_seen is not None:
        start, end = when(session.first_seen), when(session.last_seen)
        span = TimeSpan(start=start, end=end, seconds=max(0.0, round((end - start).total_seconds(), 3)))
    return Summary(
        flows=session.flows,
        pinterest_flows=session.api_flows,
        findings=sum(session.severities.values()),
        severities=SeverityCounts(**{s.value: session.severities.get(s.value, 0) for s in Severity}),
        environments=EnvironmentCounts(production=session.environments.get("production", 0),
                                       sandbox=session.environments.get("sandbox", 0)),
        time_span=span,
    )


def _findings(session: Session, catalog: Catalog) -> list[RuleFindings]:
    logs = sorted(session.rules.values(),
                  key=lambda log: importance(log.finding.rule, log.finding.severity, log.count))
    return [_rule(log, catalog) for log in logs]


def _rule(log: RuleLog, catalog: Catalog) -> RuleFindings:
    f = log.finding
    return RuleFindings(
        rule=f.rule, severity=f.severity, title=f.title, fix=f.fix, docs=f.docs, faq=f.faq,
        count=log.count,
        flows=[ExampleFlow(method=e.method, url=e.url, status=e.status, timestamp=when(e.timestamp),
                           message=e.message, request_id=e.request_id,
                           operation=_operation_label(catalog, e.method, e.api_path),
                           error_code=e.error_code, error_message=e.error_message or None)
               for e in log.examples],
    )


def _operation_label(catalog: Catalog, method: str, api_path: str | None) -> str | None:
    """The operation template a flow called (never the raw path, which may hold ids)."""
    op = catalog.match(method, api_path).operation if api_path is not None else None
    return op.label if op else None


def _token_order(state: TokenState) -> tuple[int, int, str]:
    return (-state.failures, -state.requests, state.credential.label)


def _token(state: TokenState, catalog: Catalog) -> TokenReport:
    cred = state.credential
    ops = [catalog.by_id[i] for i in state.operations if i in catalog.by_id]
    needed = needed_scopes(ops, state.scopes)
    return TokenReport(
        label=cred.label, fingerprint=cred.fingerprint, kind=cred.kind,
        environments=sorted(state.succeeded_on), issued_on=state.issued_on,
        scopes=sorted(state.scopes) if state.scopes is not None else None,
        expires_at=when(state.expires_at) if state.expires_at is not None else None,
        requests=state.requests, failures=state.failures,
        operations=sorted(op.label for op in ops), needed_scopes=sorted(needed),
        missing_scopes=sorted(needed - state.scopes) if state.scopes is not None else None,
    )


def needed_scopes(operations: list[Operation], granted: frozenset[str] | None) -> frozenset[str]:
    """The scopes these calls needed: per operation the granted alternative, else the closest one."""
    needed: set[str] = set()
    for op in operations:
        if not op.scope_sets:
            continue
        have = granted or frozenset()
        # Fewest missing first (a satisfied set misses none), then the smallest set, then by name.
        needed |= min(op.scope_sets, key=lambda s: (len(s - have), len(s), sorted(s)))
    return frozenset(needed)


def _rate_limits(session: Session) -> list[RateLimitReport]:
    by_category: dict[str, dict[str, RateState]] = {}
    for (fingerprint, category), state in session.rates.items():
        token = session.tokens.get(fingerprint)
        label = token.credential.label if token else fingerprint
        by_category.setdefault(category, {})[label] = state
    return [_category(name, states) for name, states in sorted(by_category.items())]


def _category(name: str, by_token: dict[str, RateState]) -> RateLimitReport:
    states = list(by_token.values())
    # The policy last seen in headers: a later response without them (a 429 may lack them) hides nothing.
    latest = max(states, key=lambda s: (s.policy is not None, s.history[-1][0] if s.history else -math.inf))
    lows = [s.lowest_remaining for s in states if s.lowest_remaining is not None]
    # By time and token only: two points of one moment may hold None and a number as remaining.
    points = sorted(((t, r, hit, label) for label, s in by_token.items() for t, r, hit in s.history),
                    key=lambda point: (point[0], point[3]))
    points = points[-MAX_POINTS:]
    return RateLimitReport(
        category=name,
        policy=latest.policy.describe() if latest.policy else None,
        limit=latest.policy.limit if latest.policy else None,
        lowest_remaining=min(lows) if lows else None,
        rate_limited=sum(s.limited for s in states),
        tokens=len(states),
        points=[RatePoint(timestamp=when(t), remaining=r, limited=hit, token=label)
                for t, r, hit, label in points],
        published=quotas().categories.get(name),
    )


def _with_forecasts(session: Session, rate_limits: list[RateLimitReport]) -> list[RateLimitReport]:
    """Each category with every token's forecast as of its last response there."""
    forecasts: dict[str, list[ForecastReport]] = {}
    for f in session_forecasts(session):
        forecasts.setdefault(f.category, []).append(forecast_report(f))
    return [r.model_copy(update={"forecasts": forecasts.get(r.category, [])}) for r in rate_limits]


def _scope_plan(session: Session, catalog: Catalog) -> ScopePlanReport | None:
    """The scope plan, when the session called any operation."""
    return session_scope_plan(session, catalog) if session.operations else None


def _endpoints(session: Session, catalog: Catalog) -> list[EndpointReport]:
    rows = sorted(session.operations.items(), key=lambda kv: (-kv[1].errors, -kv[1].requests, kv[0]))
    return [_endpoint(label, stats, catalog) for label, stats in rows]


def _endpoint(label: str, stats: OperationStats, catalog: Catalog) -> EndpointReport:
    method, _, template = label.partition(" ")
    op = catalog.find(method, template)
    latencies = sorted(stats.latencies_ms)
    return EndpointReport(
        operation=label,
        operation_id=op.operation_id if op else None,
        category=op.category if op else None,
        requests=stats.requests, errors=stats.errors, server_errors=stats.server_errors,
        error_rate=round(stats.errors / stats.requests, 4) if stats.requests else 0.0,
        latency_median_ms=round(statistics.median(latencies), 1) if latencies else None,
        latency_p95_ms=round(percentile(latencies, 0.95), 1) if latencies else None,
        request_ids=list(stats.request_ids),
    )


def _sandbox(session: Session) -> SandboxReport | None:
    flows = session.environments.get("sandbox", 0)
    if not flows:
        return None
    tokens = sorted(t.credential.label for t in session.tokens.values()
                    if "sandbox" in t.succeeded_on or t.issued_on == "sandbox")
    checklist = sandbox_checklist()
    return SandboxReport(flows=flows, tokens=tokens, steps=list(checklist.steps),
                         source=str(checklist.source))


def percentile(ordered: list[float], fraction: float) -> float:
    """Nearest-rank percentile of an ascending, non-empty list."""
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]
