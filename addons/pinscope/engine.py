"""Run the detectors over an Exchange, render and filter their findings, update the session."""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Mapping, Sequence
from types import MappingProxyType

from pinscope.catalog import Catalog, Match, default_catalog
from pinscope.detectors import ALL, Context, Detector, Settings
from pinscope.exchange import Exchange
from pinscope.findinglog import make_room
from pinscope.findings import Finding, RenderedFinding, render, replaced
from pinscope.pinterest import CURRENT_VERSIONS
from pinscope.rulebook import Rule, Severity, default_rules
from pinscope.session import Session
from pinscope.untrusted import describe_error

logger = logging.getLogger("pinscope")
SILENCE_HEADER = "x-pinscope-silence"
MAX_PREDICTED = 2_000  # request-phase rule sets kept for answers still to come (flows in flight)
MAX_DISPATCH = 8192  # dispatch entries (phase, operation, status class, call traits): a session uses a few dozen
MATCH_CACHE = 1024  # (method, path shape) -> Match entries kept
NOTHING_PREDICTED: Mapping[str, Finding] = MappingProxyType({})  # read-only: shared by every flow
MATCH_FIELD = "_match"  # Exchange field: (catalogue, Match) of its request, remembered by match()
NUMERIC_SEGMENT = re.compile(r"/\d+(?=/|$)")  # an id segment: paths differing only there share a Match


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
        self._index: tuple[tuple[object, object], dict[tuple[object, ...], tuple[Detector, ...]]] = \
            ((None, None), {})
        # flow id -> its request phase's findings by rule (raw: before silencing), for its answer
        self._predicted: dict[str, dict[str, Finding]] = {}

    def match(self, ex: Exchange) -> Match | None:
        """The operation an API request calls (None off the API)."""
        if ex.api_path is None:
            return None
        known = ex.__dict__.get(MATCH_FIELD)  # both phases and the annotation ask for the same flow
        if known is not None and known[0] is self.catalog:
            return known[1]
        # Keyed by the path's shape (numeric ids as `{}`): each new Pin or board id is no new entry.
        # A catalogue with numeric literal segments (none in Pinterest's) is keyed by the path itself.
        shape = ex.api_path if self.catalog.numeric_literals else NUMERIC_SEGMENT.sub("/{}", ex.api_path)
        key = (ex.method, shape)
        match = self._matches.get(key)
        if match is None:
            if len(self._matches) >= MATCH_CACHE:
                self._matches.clear()
            match = self._matches[key] = self.catalog.match(ex.method, ex.api_path)
        ex.__dict__[MATCH_FIELD] = (self.catalog, match)  # the request alone decides it: kept when the answer completes ex
        return match

    def _for(self, phase: str, ex: Exchange, ctx: Context) -> tuple[Detector, ...]:
        """The detectors that may speak about this call, in order (dispatch on declared traits).

        Indexed by (phase, matched operation, status class, retired version, and the call's traits:
        environment, credential kind, scheme, query tokens, unread bodies) and recomputed if `detectors`
        or the catalogue is replaced. A detector without rules is left out: silencing nothing already
        silences it.
        """
        owners, index = self._index
        if owners[0] is not self.detectors or owners[1] is not self.catalog:
            index = {}
            self._index = ((self.detectors, self.catalog), index)
        status_class = ex.status // 100 if ex.status is not None and 100 <= ex.status <= 999 else 0
        op = ctx.operation
        # ctx.operation comes from self.catalog (match()), where operation ids are unique.
        credential = ex.credential
        call = (ex.environment, credential.kind if credential is not None else None, ex.scheme,
                bool(ex.query_tokens), bool(ex.unread))
        key = (phase, op.operation_id if op is not None else None, status_class, ctx.retired, call)
        chosen = index.get(key)
        if chosen is None:
            if len(index) >= MAX_DISPATCH:
                index.clear()
            chosen = index[key] = tuple(d for d in self.detectors if d.phase == phase and d.rules
                                        and d.may_speak(op, status_class, ctx.retired, call))
        return chosen

    def _remember(self, flow_id: str, found: dict[str, Finding]) -> None:
        """Keep a flow's request-phase findings for its answer (bounded: flows in flight)."""
        make_room(self._predicted, MAX_PREDICTED)
        self._predicted[flow_id] = found

    def on_request(self, ex: Exchange, now: float | None = None) -> list[RenderedFinding]:
        """Request-phase findings (before the response exists)."""
        return self._run(ex, "request", now, self.match(ex))

    def on_response(self, ex: Exchange, now: float | None = None) -> list[RenderedFinding]:
        """Response-phase findings; then the exchange is folded into the session.

        A finding that confirms a request-phase one (`replaces`) takes its place in the session;
        the caller removes the replaced ones from what it showed (see replaced()).
        """
        match = self.match(ex)
        findings = self._run(ex, "response", now, match)
        self.session.observe(ex, match.operation if match is not None else None)
        return findings

    def analyze(self, ex: Exchange, now: float | None = None) -> list[RenderedFinding]:
        """Both phases for a completed exchange (offline analysis), each cause said once."""
        before = self.on_request(ex, now)
        after = self.on_response(ex, now)
        gone = replaced(after)
        return [f for f in before if f.rule not in gone] + after

    def _run(self, ex: Exchange, phase: str, now: float | None, match: Match | None) -> list[RenderedFinding]:
        silenced = self.settings.silence
        if ex.request_headers.get(SILENCE_HEADER):  # rare: most calls silence nothing of their own
            silenced = silenced | _header_silence(ex)
        predicted = self._predicted.pop(ex.flow_id, NOTHING_PREDICTED) if phase == "response" else NOTHING_PREDICTED
        ctx = Context(self.catalog, match, self.session, ex.timestamp if now is None else now,
                      self.settings, silenced, predicted, is_retired(ex))
        if ex.secrets:
            self.session.learn_secrets(ex)  # before rendering: this flow's own secrets are masked too
        chosen = self._for(phase, ex, ctx)
        if silenced and phase == "response":  # request detectors run even when silenced: evidence for the answer
            chosen = tuple(d for d in chosen if not silenced.issuperset(d.rules))
        rendered: list[RenderedFinding] = []
        found_by_rule: dict[str, Finding] = {}
        for detector in chosen:
            try:
                found = detector.fn(ex, ctx)
                if not found:  # most calls: an empty tuple (a generator is never false: it is read below)
                    continue
                if not isinstance(found, tuple | list):
                    found = list(found)
            except Exception as err:  # noqa: BLE001 - one broken detector must not cost the others
                self._log_failure(detector, err)
                continue
            for finding in found:
                found_by_rule.setdefault(finding.rule, finding)
                rule = self.rules.get(finding.rule)
                if rule is None or finding.rule in silenced or not self._visible(rule.severity):
                    continue
                rendered.append(render(finding, rule, self.session.secrets))
        if phase == "request":  # evidence for this flow's answer (detectors/evidence.py: predicted:RULE)
            if found_by_rule:
                self._remember(ex.flow_id, found_by_rule)
            elif self._predicted:
                self._predicted.pop(ex.flow_id, None)  # a request analysed again finds no stale evidence
        if rendered:
            self.session.retract(ex.flow_id, replaced(rendered))
            self.session.record(ex, rendered)
        return rendered

    def _visible(self, severity: Severity) -> bool:
        rank = severity.rank
        return rank == 0 or rank <= Severity(self.settings.min_severity).rank  # errors always show

    def _log_failure(self, detector: Detector, err: Exception) -> None:
        key = ",".join(detector.rules)
        if key not in self._failed_rules:
            self._failed_rules.add(key)
            logger.error("pinscope: detector %s (%s) failed; the flow passes unchanged: %s",
                         detector.name, key, describe_error(err))


def is_retired(ex: Exchange) -> bool:
    """A Pinterest API call in a retired version (v1, v3, ...)."""
    return ex.is_api and ex.api_version not in CURRENT_VERSIONS


def _header_silence(ex: Exchange) -> frozenset[str]:
    """Rule ids from the per-request `X-Pinscope-Silence: id, id` header."""
    value = ex.request_headers.get(SILENCE_HEADER)
    if not value:
        return frozenset()
    return frozenset(part.strip() for part in value.split(",") if part.strip())


def wall_clock() -> float:
    """The current time; the only clock pinscope reads, passed into detectors as `now`."""
    return time.time()
