"""Pinterest's error answers as data (rules/answers/table.toml): which rule explains an answer, and why.

The table is loaded and checked once: unique precedences, known rules, variants, message classes
and evidence names. `AnswerTable.diagnose()` walks the rows that can concern the answer's status,
highest precedence first, and returns the first whose conditions hold; facts about the session
are asked for only when a row needs them (see detectors/evidence.py).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from pinscope.paths import rules_dir
from pinscope.rulebook import Rule, RuleFileError, default_rules, load_data

FALLBACK_RULE = "pinterest-error"  # an error answer no row explains
STATUS_CLASSES = {"4xx": range(400, 500), "5xx": range(500, 600), "error": range(400, 600)}
CREDENTIALS = frozenset({"none", "access", "refresh", "foreign", "client", "malformed"})
EVIDENCE = frozenset({"credential_problem", "refresh_grant", "needs_bearer", "restricted",
                      "sandbox_unavailable", "home_sandbox", "home_production", "expired_known",
                      "grant_covers", "persistent", "schema_violation"})
PREDICTED = "predicted:"


class When(BaseModel):
    """The conditions of one row; every one given must hold."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    status: list[int] | Literal["4xx", "5xx", "error"]
    code: list[int] | None = None
    message: str | None = None
    host: Literal["production", "sandbox"] | None = None
    api: Literal["v5", "retired"] = "v5"
    credential: list[str] | None = None
    evidence: list[str] = Field(default_factory=list)

    @field_validator("credential")
    @classmethod
    def _kinds(cls, value: list[str] | None) -> list[str] | None:
        unknown = set(value or ()) - CREDENTIALS
        if unknown:
            raise ValueError(f"unknown credential kind(s) {sorted(unknown)}; known: {sorted(CREDENTIALS)}")
        return value

    @field_validator("evidence")
    @classmethod
    def _facts(cls, value: list[str]) -> list[str]:
        for fact in value:
            name = fact.removeprefix("!")
            if name not in EVIDENCE and not name.startswith(PREDICTED):
                raise ValueError(f"unknown evidence {fact!r}; known: {sorted(EVIDENCE)} and predicted:RULE")
        return value

    def statuses(self) -> range | list[int]:
        """The HTTP statuses the row can concern."""
        return STATUS_CLASSES[self.status] if isinstance(self.status, str) else self.status


class Row(BaseModel):
    """One answer Pinterest sends, and the rule (and variant) that explains it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    precedence: Annotated[int, Field(ge=0)]
    rule: str
    variant: str | None = None  # None: the rule's builder picks it from the evidence
    when: When
    replaces: list[str] = Field(default_factory=list)


class TableFile(BaseModel):
    """rules/answers/table.toml as written."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    messages: dict[str, str]
    answer: list[Row]


MAX_CODES_INDEXED = 1024  # answer kinds (status, code, host, API version, credential) AnswerTable indexes


class Facts:
    """What a row may ask about an answer; the caller supplies how each fact is computed."""

    def __init__(self, status: int, code: int | None, message: str, host: str | None, retired: bool,
                 credential: str, fact: Callable[[str], bool]) -> None:
        self.status, self.code, self.message, self.host = status, code, message.lower(), host
        self.retired, self.credential, self._fact = retired, credential, fact
        self._known: dict[str, bool] = {}

    def holds(self, name: str) -> bool:
        """A named fact (`restricted`, `predicted:RULE`, `!grant_covers`), computed once."""
        known = self._known.get(name)
        if known is None:
            known = self._known[name] = not self.holds(name[1:]) if name[:1] == "!" else self._fact(name)
        return known


@dataclass(frozen=True)
class AnswerTable:
    """The validated table, indexed by status for dispatch."""

    rows: tuple[Row, ...]
    messages: dict[str, re.Pattern[str]]
    by_status: dict[int, tuple[Row, ...]]
    # (status, code, host, retired, credential) -> the status's rows whose conditions on these hold,
    # in order: only messages and evidence are left to check per answer. Filled as answers arrive.
    _by_kind: dict[tuple[int, int | None, str | None, bool, str], tuple[Row, ...]] = \
        field(default_factory=dict, compare=False)

    def diagnose(self, facts: Facts) -> Row | None:
        """The row explaining this answer, or None (then: pinterest-error)."""
        for row in self._rows_for(facts):
            when = row.when
            if when.message is not None and not self.messages[when.message].search(facts.message):
                continue
            if all(facts.holds(name) for name in when.evidence):
                return row
        return None

    def _rows_for(self, facts: Facts) -> tuple[Row, ...]:
        """by_status[status] without the rows another code, host, API version or credential rules out
        (codes come from traffic: bounded)."""
        key = (facts.status, facts.code, facts.host, facts.retired, facts.credential)
        rows = self._by_kind.get(key)
        if rows is None:
            if len(self._by_kind) >= MAX_CODES_INDEXED:
                self._by_kind.clear()
            rows = self._by_kind[key] = tuple(r for r in self.by_status.get(facts.status, ())
                                              if _fits(r.when, facts))
        return rows


def _fits(when: When, facts: Facts) -> bool:
    """Whether the row's conditions on the answer's kind (all but message and evidence) hold."""
    return ((when.api == "retired") == facts.retired
            and (when.code is None or facts.code in when.code)
            and (when.host is None or facts.host == when.host)
            and (when.credential is None or facts.credential in when.credential))


def load_table(path: Path, rules: dict[str, Rule]) -> AnswerTable:
    """Read and check the table; RuleFileError names the file and what is wrong."""
    table = load_data(path, TableFile)
    _check(path, table, rules)
    rows = tuple(sorted(table.answer, key=lambda r: -r.precedence))
    by_status = {status: tuple(r for r in rows if status in r.when.statuses()) for status in range(400, 600)}
    return AnswerTable(rows, _messages(path, table.messages), by_status)


def _check(path: Path, table: TableFile, rules: dict[str, Rule]) -> None:
    seen: dict[int, str] = {}
    for row in table.answer:
        where = f"{path}: row {row.rule} (precedence {row.precedence})"
        if row.precedence in seen:
            raise RuleFileError(f"{where}: precedence already used by {seen[row.precedence]}; rows never tie")
        seen[row.precedence] = row.rule
        for rule_id in (row.rule, *row.replaces):
            if rule_id not in rules:
                raise RuleFileError(f"{where}: no rule file for {rule_id!r}")
        if row.variant is not None and row.variant not in rules[row.rule].message:
            raise RuleFileError(f"{where}: rule {row.rule} declares no variant {row.variant!r}")
        if row.when.message is not None and row.when.message not in table.messages:
            raise RuleFileError(f"{where}: unknown message class {row.when.message!r}")
        for fact in row.when.evidence:
            if fact.startswith(PREDICTED) and fact.removeprefix(PREDICTED) not in rules:
                raise RuleFileError(f"{where}: no rule file for {fact!r}")


def _messages(path: Path, messages: dict[str, str]) -> dict[str, re.Pattern[str]]:
    """The message classes compiled; RuleFileError names one Python cannot compile."""
    compiled = {}
    for name, pattern in messages.items():
        try:
            compiled[name] = re.compile(pattern)
        except re.error as err:
            raise RuleFileError(f"{path}: messages.{name}: {err}") from None
    return compiled


@cache
def default_table() -> AnswerTable:
    """The packaged table, loaded once per process."""
    return load_table(rules_dir() / "answers" / "table.toml", default_rules())
