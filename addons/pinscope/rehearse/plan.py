"""The rehearsal grammar: `pinscope_rehearse_faults` rules and `pinscope_rehearse_scopes`, parsed alone.

A plan is rules separated by `;`. One rule reads `EFFECT[xN][ then pass][@TARGET][:WHEN]`:
  EFFECT  `429`, `500`, `503-4197` (status[-code]), `spam-429`, `expire-token`, `timeout[ 30s]`,
          `reset`, `delay 800ms`
  xN      only the first N requests the rule selects (`500x2 then pass`: "then pass" only says so)
  TARGET  a rate-limit category (`org_analytics`), an operation (`POST /v5/pins`), an operation id
          (`pins/create`); none: every catalogue operation
  WHEN    a probability in (0, 1] (`:0.2`, default 1), or `after 300s` (expire-token only, where it
          is required): the time since the token was first seen
Parsing needs only the catalogue's names, so it is pure and tested alone (as blocklist.parse_spec).
"""

from __future__ import annotations

import re
from typing import NamedTuple

from pinscope.catalog import Catalog, Operation

TIMEOUT_HOLD = 30.0  # `timeout`: seconds a request is held unanswered, then its connection is closed
MAX_DELAY = 600.0  # seconds: a longer hold is a typo, and mitmproxy would keep the flow that long
MAX_RULES = 50
DURATION = r"(\d+(?:\.\d+)?)\s*(ms|s|m)"
UNITS = {"ms": 0.001, "s": 1.0, "m": 60.0}
HEAD = re.compile(r"(?P<status>[45]\d\d)(?:-(?P<code>\d{1,6}))?|(?P<word>spam-429|expire-token|reset)"
                  r"|timeout(?:\s+(?P<hold>\d+(?:\.\d+)?)\s*(?P<hold_unit>ms|s|m))?"
                  r"|delay\s+(?P<delay>\d+(?:\.\d+)?)\s*(?P<delay_unit>ms|s|m)")
THEN_PASS = re.compile(r"\s+then\s+pass\b", re.IGNORECASE)
COUNT = re.compile(r"x(\d{1,6})$")
EFFECTS = "429, 500, 503-4197, spam-429, expire-token, timeout, timeout 5s, reset, delay 800ms"


class Rule(NamedTuple):
    """One fault rule: what to do (kind, status, code, seconds), to which calls, and how often."""

    text: str  # as written, for the flow's comment
    kind: str  # "status", "spam-429", "expire-token", "timeout", "reset" or "delay"
    status: int | None
    code: int | None
    seconds: float | None  # delay or timeout hold
    target: str | None  # a category, an operation label or id; None: every operation
    probability: float
    count: int | None
    after: float | None  # expire-token: seconds after a token was first seen


class RehearsalError(ValueError):
    """A plan that cannot be read; the message is one line naming the rule."""


def parse_faults(text: str, catalog: Catalog) -> list[Rule]:
    """Every rule of a plan, in order; RehearsalError on the first unreadable one."""
    rules = [_rule(part.strip(), catalog) for part in text.split(";") if part.strip()]
    if len(rules) > MAX_RULES:
        raise RehearsalError(f"pinscope_rehearse_faults: at most {MAX_RULES} rules, not {len(rules)}")
    return rules


def parse_scopes(text: str, catalog: Catalog) -> frozenset[str] | None:
    """The scopes to pretend the token was granted; None when the option is empty (off)."""
    scopes = frozenset(s.strip() for s in text.split(",") if s.strip())
    if not scopes:
        return None
    unknown = sorted(scopes - set(catalog.scopes))
    if unknown:
        raise RehearsalError(f"pinscope_rehearse_scopes: unknown scope {unknown[0][:40]!r}; known scopes: "
                             f"{', '.join(catalog.scopes)}")
    return scopes


def _rule(text: str, catalog: Catalog) -> Rule:
    """One rule, or RehearsalError quoting it."""
    def fail(why: str) -> RehearsalError:
        return RehearsalError(f"pinscope_rehearse_faults: rule {text[:60]!r}: {why}")

    head, colon, when = text.partition(":")
    head, then_pass = THEN_PASS.subn("", head)
    head, at, target = (part.strip() for part in head.partition("@"))
    count_match = COUNT.search(head)
    count = int(count_match.group(1)) if count_match else None
    if count_match:
        head = head[:count_match.start()].strip()
    if then_pass and count is None:
        raise fail("'then pass' needs a count, e.g. 500x2 then pass")
    if count == 0:
        raise fail("a count is at least 1")
    effect = HEAD.fullmatch(head.lower())
    if effect is None:
        raise fail(f"cannot read the effect {head[:30]!r}; use one of {EFFECTS}")
    kind, status, code, seconds = _effect(effect)
    if seconds is not None and seconds > MAX_DELAY:
        raise fail(f"at most {MAX_DELAY:g}s")
    if at and not any(names(target, op) for op in catalog.operations):
        raise fail(f"unknown target {target[:50]!r}; use a rate-limit category (e.g. org_analytics), "
                   "an operation (e.g. POST /v5/pins) or an operation id (e.g. pins/create)")
    probability, after = _when(when.strip(), colon, kind, fail)
    return Rule(text, kind, status, code, seconds, target or None, probability, count, after)


def _effect(match: re.Match[str]) -> tuple[str, int | None, int | None, float | None]:
    """(kind, status, code, seconds) from the effect's match."""
    found = match.groupdict()
    if found["status"]:
        return "status", int(found["status"]), int(found["code"]) if found["code"] else None, None
    if found["word"]:
        return found["word"], None, None, None
    if found["delay"]:
        return "delay", None, None, float(found["delay"]) * UNITS[found["delay_unit"]]
    hold = float(found["hold"]) * UNITS[found["hold_unit"]] if found["hold"] else TIMEOUT_HOLD
    return "timeout", None, None, hold


def _when(when: str, colon: str, kind: str, fail) -> tuple[float, float | None]:  # noqa: ANN001
    """(probability, after) from the text after `:`."""
    after = re.fullmatch(rf"after\s+{DURATION}", when.lower())
    if kind == "expire-token":
        if after is None:
            raise fail("expire-token needs ':after <duration>', e.g. expire-token:after 300s")
        return 1.0, float(after.group(1)) * UNITS[after.group(2)]
    if after is not None:
        raise fail("'after' is for expire-token only; other rules take a probability, e.g. :0.2")
    if not colon:
        return 1.0, None
    try:
        probability = float(when)
    except ValueError:
        probability = -1.0
    if not 0 < probability <= 1:
        raise fail(f"the probability after ':' is a number above 0 and at most 1, not {when[:20]!r}")
    return probability, None


def names(target: str, operation: Operation) -> bool:
    """Whether a rule's target names the operation: its rate-limit category, its label or its id."""
    return target in (operation.category, operation.label, operation.operation_id)
