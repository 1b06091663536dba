"""The session's record of findings: how often each rule fired, with a few example flows.

Bounded by construction: counters and capped example lists, never one entry per flow.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from pinscope.exchange import Exchange
from pinscope.findings import RenderedFinding
from pinscope.masking import KnownSecrets
from pinscope.untrusted import clean, clean_url

MAX_EXAMPLES = 5  # example flows kept per rule
# Flows whose rules are being counted (request phase seen, response not yet observed). A request
# redirected off Pinterest before its answer is never observed: the oldest such entries go first.
MAX_COUNTED = 10_000


@dataclass
class Example:
    """One flow that showed a finding, as the report quotes it."""

    method: str
    url: str
    status: int | None
    timestamp: float
    message: str
    request_id: str | None
    api_path: str | None = None  # for the report to name the operation (never printed raw)
    error_code: int | None = None
    error_message: str = ""  # Pinterest's message, secrets masked
    flow_id: str = ""  # which flow it came from, so a replaced request-phase finding can be taken back


@dataclass
class RuleLog:
    """How often a rule fired and a few examples."""

    finding: RenderedFinding
    count: int = 0
    examples: list[Example] = field(default_factory=list)


class FindingLog:
    """Findings by rule for one session; a rule found in both phases of a flow counts once."""

    def __init__(self, secrets: KnownSecrets) -> None:
        self.rules: dict[str, RuleLog] = {}
        self.severities: Counter[str] = Counter()
        self.secrets = secrets  # the session's: examples quote traffic through clean() with them
        # Request-phase examples waiting for their response; bounded, as examples are capped per rule.
        self._awaiting: dict[str, list[Example]] = {}
        # Rules already counted for a flow in progress.
        self._counted: dict[str, set[str]] = {}

    def record(self, ex: Exchange, findings: list[RenderedFinding]) -> None:
        """Count findings by rule and keep a few example flows."""
        if not findings:  # most flows: nothing to count, no table entry to make
            return
        counted = self._counted.get(ex.flow_id)
        if counted is None:
            make_room(self._counted, MAX_COUNTED)
            counted = self._counted[ex.flow_id] = set()
        for finding in findings:
            if finding.rule in counted:
                continue
            counted.add(finding.rule)
            log = self.rules.get(finding.rule)
            if log is None:
                log = self.rules[finding.rule] = RuleLog(finding)
            log.count += 1
            self.severities[finding.severity.value] += 1
            if len(log.examples) < MAX_EXAMPLES:
                example = Example(self._text(ex.method), clean_url(ex.url, self.secrets), ex.status,
                                  ex.timestamp, finding.message, self._text(ex.request_id), ex.api_path,
                                  ex.error_code, self._text(ex.error_message), ex.flow_id)
                log.examples.append(example)
                if ex.status is None and ex.error is None:  # live request phase: the response follows
                    self._awaiting.setdefault(ex.flow_id, []).append(example)

    def retract(self, flow_id: str, rules: frozenset[str]) -> None:
        """Take back what record() counted for `flow_id` under these rules (a confirmed prediction)."""
        counted = self._counted.get(flow_id)
        for rule in rules & counted if counted else ():
            counted.discard(rule)
            log = self.rules.get(rule)
            if log is None:
                continue
            log.count -= 1
            self.severities[log.finding.severity.value] -= 1
            log.examples = [e for e in log.examples if e.flow_id != flow_id]
            if log.count <= 0:
                del self.rules[rule]

    def complete(self, ex: Exchange) -> None:
        """The flow's answer is in: request-phase examples learn it; the flow's counting ends."""
        self._counted.pop(ex.flow_id, None)
        for example in self._awaiting.pop(ex.flow_id, ()):
            example.status, example.request_id = ex.status, self._text(ex.request_id)
            example.error_code, example.error_message = ex.error_code, self._text(ex.error_message)

    def _text(self, value: str | None) -> str | None:
        """Traffic text as the report quotes it: clean(), with the session's secrets."""
        return None if value is None else clean(value, known=self.secrets)


def make_room(table: dict, limit: int) -> None:
    """Forget the oldest entries of `table` (insertion order) so that one more fits within `limit`."""
    while len(table) >= limit:
        del table[next(iter(table))]
