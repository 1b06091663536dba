"""What rendering one variant of a rule needs, worked out once: its three templates and the names they read."""

from __future__ import annotations

import re
import string
from functools import lru_cache
from typing import NamedTuple, cast

from pinscope.rulebook import Rule

MAX_PLANS = 1024  # (rule, variant) pairs whose Plan is kept (a Rule is frozen: its plans never change)
_FIELD_BASE = re.compile(r"[^.\[]*")  # `a` of `{a.b}` and `{a[0]}`


class Plan(NamedTuple):
    """A variant's message, fix and essence templates (the default's where it has none), and the
    parameters they read: render() cleans and keys on those alone."""

    message: str
    fix: str
    essence: str
    names: tuple[str, ...]


_PLANS: dict[tuple[int, str], tuple[Rule, Plan]] = {}


def plan(rule: Rule, variant: str) -> Plan:
    """The Plan of one variant of a rule (made on first use)."""
    key = (id(rule), variant)
    known = _PLANS.get(key)
    if known is not None and known[0] is rule:  # the entry holds its rule: id(rule) cannot be reused
        return known[1]
    message, fix, essence = (rule.template(table, variant) for table in ("message", "fix", "essence"))
    if len(_PLANS) >= MAX_PLANS:
        _PLANS.clear()
    made = Plan(message, fix, essence, fields(message, fix, essence))
    _PLANS[key] = (rule, made)
    return made


@lru_cache(maxsize=1024)  # keyed by the templates themselves: rule files hold a bounded number
def fields(*templates: str) -> tuple[str, ...]:
    """The parameter names these templates read, once each (`{a.b}` reads `a`; `{x:{w}}` reads `w` too)."""
    return tuple(dict.fromkeys(name for text in templates for name in _field_names(text)))


def _field_names(text: str) -> list[str]:
    names = []
    for _, name, spec, _ in string.Formatter().parse(text):
        if name:
            names.append(cast(re.Match[str], _FIELD_BASE.match(name)).group())  # matches "" too: never None
        if spec:
            names.extend(_field_names(spec))
    return names
