"""Run the detectors over an Exchange, render and filter their findings, update the session."""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence

from pinscope.catalog import Catalog, Match, default_catalog
from pinscope.detectors import ALL, Context, Detector, Settings
from pinscope.exchange import Exchange
from pinscope.findings import RenderedFinding, render
from pinscope.rulebook import Rule, Severity, default_rules
from pinscope.session import Session
from pinscope.untrusted import describe_error

logger = logging.getLogger("pinscope")
SILENCE_HEADER = "x-pinscope-silence"
MATCH_CACHE = 1024  # (method, api path) -> Match entries kept; each flow asks up to four times


class Engine:
    """Detection for one session: the same object serves the live addon and offline analysis."""

    def __init__(
        self,
        settings: Settings | None = None,
        catalog: Catalog | None = None,
        rules: dict[str, Rule] | None = None,
        detectors: Sequence[Detector] = ALL,
    ) -> None:
        self.settings = settings or Settings()
        self.catalog = catalog or default_catalog()
        self.rules = rules if rules is not None else default_rules()
        self.detectors = tuple(detectors)
        self.session = Session()
        self._failed_rules: set[str] = set()  # detectors already logged as failing
        self._matches: dict[tuple[str, str], Match] = {}
        self._phases: tuple[tuple[Detector, ...], dict[tuple[str, bool], tuple[Detector, ...]]] = ((), {})

    def match(self, ex: Exchange) -> Match | None:
        """The operation an API request calls (None off the API)."""
        if ex.api_path is None:
            return None
        key = (ex.method, ex.api_path)
        match = self._matches.get(key)
        if match is None:
            if len(self._matches) >= MATCH_CACHE:
                self._matches.clear()
            match = self._matches[key] = self.catalog.match(*key)
        return match

    def _for_phase(self, phase: str, error: bool) -> tuple[Detector, ...]:
        """The detectors to run, in order: this phase's, without the errors-only ones unless `error`.

        Recomputed if `detectors` is replaced. A detector without rules is left out: silencing
        nothing already silences all of its rules.
        """
        detectors, by_phase = self._phases
        if detectors is not self.detectors:
            by_phase = {(p, error): tuple(d for d in self.detectors
                                          if d.phase == p and d.rules and (error or not d.errors_only))
                        for p in ("request", "response") for error in (False, True)}
            self._phases = (self.detectors, by_phase)
        return by_phase.get((phase, error), ())

    def on_request(self, ex: Exchange, now: float | None = None) -> list[RenderedFinding]:
        """Request-phase findings (before the response exists)."""
        return self._run(ex, "request", now)

    def on_response(self, ex: Exchange, now: float | None = None) -> list[RenderedFinding]:
        """Response-phase findings; then the exchange is folded into the session."""
        findings = self._run(ex, "response", now)
        self.session.observe(ex, (self.match(ex) or Match(None, False)).operation)
        return findings

    def analyze(self, ex: Exchange, now: float | None = None) -> list[RenderedFinding]:
        """Both phases for a completed exchange (offline analysis)."""
        return self.on_request(ex, now) + self.on_response(ex, now)

    def _run(self, ex: Exchange, phase: str, now: float | None) -> list[RenderedFinding]:
        ctx = Context(self.catalog, self.match(ex), self.session,
                      ex.timestamp if now is None else now, self.settings)
        silenced = self.settings.silence | _header_silence(ex)
        self.session.learn_secrets(ex)  # before rendering: this flow's own secrets are masked too
        rendered: list[RenderedFinding] = []
        for detector in self._for_phase(phase, ex.status is not None and ex.status >= 400):
            if silenced and silenced.issuperset(detector.rules):
                continue
            try:
                found = list(detector.fn(ex, ctx))
            except Exception as err:  # noqa: BLE001 - one broken detector must not cost the others
                self._log_failure(detector, err)
                continue
            for finding in found:
                rule = self.rules.get(finding.rule)
                if rule is None or finding.rule in silenced or not self._visible(rule.severity):
                    continue
                rendered.append(render(finding, rule, self.session.secrets))
        self.session.record(ex, rendered)
        return rendered

    def _visible(self, severity: Severity) -> bool:
        return severity.rank <= Severity(self.settings.min_severity).rank

    def _log_failure(self, detector: Detector, err: Exception) -> None:
        key = ",".join(detector.rules)
        if key not in self._failed_rules:
            self._failed_rules.add(key)
            logger.error("pinscope: detector %s (%s) failed; the flow passes unchanged: %s",
                         detector.name, key, describe_error(err))


def _header_silence(ex: Exchange) -> frozenset[str]:
    """Rule ids from the per-request `X-Pinscope-Silence: id, id` header."""
    value = ex.request_headers.get(SILENCE_HEADER)
    if not value:
        return frozenset()
    return frozenset(part.strip() for part in value.split(",") if part.strip())


def wall_clock() -> float:
    """The current time; the only clock pinscope reads, passed into detectors as `now`."""
    return time.time()
