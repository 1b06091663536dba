"""Wording is data: detectors hand over facts, the rule files word them (rules/*.toml: [message],
[fix] and [phrases]; rules/shared/phrases.toml for the parts every rule shares).

The first test reads detectors/*.py with `ast` and fails on any string literal (or f-string) that
reads as words, outside the places where words never reach a user: docstrings, logging calls, dict
keys and comparisons. Rule ids, variants and phrase names are identifiers, so they pass as they are.
A dict written in a function (a finding's params) may not hold a literal in value position at all,
not even one word (`or "unknown"`): an absent value is None or a shared phrase.

The modules whose data detectors hand over as it is (a credential's problem, why a body was not
read, an operation's scope sets) are read the same way, and every name they give a fact must be a
phrase of the rule that words it.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from pinscope.exchange import body
from pinscope.findings import Finding, Phrase
from pinscope.rulebook import default_rules, shared_phrases
from tests.test_rule_variants import produced_findings

PINSCOPE = Path(__file__).resolve().parent.parent / "addons" / "pinscope"
DETECTORS = PINSCOPE / "detectors"
# Facts that reach findings as they are: these modules name them, the rule files word them.
FACT_MODULES = ("tokens.py", "exchange/decode.py", "exchange/body.py", "exchange/build.py", "exchange/answer.py",
                "catalog.py", "phrases.py")
# Credential.label names a credential in every output, not only findings ("app 123 (secret …1a2b3c4d)").
NOT_FINDING_WORDS = {("tokens.py", "app {} (secret …{})")}
# A letter, a space and a letter ("no token"), or a word of two letters beside a space (" and ",
# "item {}"); in an f-string "{}" stands for each value filled in, so "{} {}" joins data, not words.
WORDS = re.compile(r"[^\W\d_] [^\W\d_]|[^\W\d_]{2} | [^\W\d_]{2}")
LOGGERS = {"log", "logger", "logging"}
LETTER = re.compile(r"[^\W\d_]")


def _text(node: ast.JoinedStr) -> str:
    return "".join(v.value if isinstance(v, ast.Constant) else "{}" for v in node.values)


class _Wording(ast.NodeVisitor):
    """Collects (line, text) of every literal that reads as words where users could see it."""

    def __init__(self) -> None:
        self.found: list[tuple[int, str]] = []
        self.in_function = False

    def _check(self, node: ast.expr, text: str) -> None:
        if WORDS.search(text):
            self.found.append((node.lineno, text))

    def visit_Constant(self, node: ast.Constant) -> None:
        if isinstance(node.value, str):
            self._check(node, node.value)

    def visit_JoinedStr(self, node: ast.JoinedStr) -> None:
        self._check(node, _text(node))
        for value in node.values:  # the expressions filled in may hold literals of their own
            if isinstance(value, ast.FormattedValue):
                self.visit(value.value)

    def visit_Expr(self, node: ast.Expr) -> None:
        if not (isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)):  # docstrings
            self.visit(node.value)

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        outer, self.in_function = self.in_function, True
        self.generic_visit(node)
        self.in_function = outer

    def visit_Dict(self, node: ast.Dict) -> None:
        for value in node.values:  # the keys are names
            if self.in_function:  # params: module-level dicts are lookup tables of names
                self._literals(value)
            self.visit(value)

    def visit_Compare(self, node: ast.Compare) -> None:
        pass  # `"pins" not in op.path`: text compared with, never shown

    def visit_Call(self, node: ast.Call) -> None:
        func = node.func
        if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id in LOGGERS:
            return  # log lines are for the operator, in English by design
        self.generic_visit(node)

    def _literals(self, node: ast.expr) -> None:
        """A param's value, and what `or` and `if ... else` can make it, must not be a literal word."""
        if isinstance(node, ast.BoolOp):
            for value in node.values:
                self._literals(value)
        elif isinstance(node, ast.IfExp):
            self._literals(node.body)
            self._literals(node.orelse)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and LETTER.search(node.value):
            self.found.append((node.lineno, node.value))


def wording(source: str) -> list[tuple[int, str]]:
    """(line, text) of each literal in `source` that reads as words where users could see it."""
    visitor = _Wording()
    visitor.visit(ast.parse(source))
    return visitor.found


@pytest.mark.parametrize("path", sorted(DETECTORS.glob("*.py")), ids=lambda p: p.name)
def test_detectors_assemble_no_text(path: Path) -> None:
    found = wording(path.read_text(encoding="utf-8"))
    assert found == [], f"{path.name}: words belong in the rule file (a variant or a [phrases] entry): {found}"


@pytest.mark.parametrize("name", FACT_MODULES)
def test_the_facts_detectors_hand_over_hold_no_words(name: str) -> None:
    found = [(line, text) for line, text in wording((PINSCOPE / name).read_text(encoding="utf-8"))
             if (name, text) not in NOT_FINDING_WORDS]
    assert found == [], f"{name}: name the fact and word it in the rule file's [phrases]: {found}"


def _named(name: str, call: str, arg: int | str) -> set[str]:
    """The string literals a module passes to `call` anywhere, as argument `arg` (a position or a keyword)."""
    found = set()
    for node in ast.walk(ast.parse((PINSCOPE / name).read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == call:
            args = node.args[arg:arg + 1] if isinstance(arg, int) else [k.value for k in node.keywords if k.arg == arg]
            found |= {a.value for a in args if isinstance(a, ast.Constant) and isinstance(a.value, str)}
    return found


def test_every_fact_name_is_a_phrase_of_its_rule() -> None:
    problems = _named("tokens.py", "_malformed", 1) | _named("tokens.py", "Credential", "problem")
    unread = _named("exchange/decode.py", "Unread", 0) | _named("exchange/body.py", "Unread", 0)
    bodies = {body.REQUEST_BODY, body.RESPONSE_BODY}
    rules = default_rules()
    assert len(problems) >= 7 and len(unread) >= 7, "the names were not found: the check checks nothing"
    assert problems - set(rules["malformed-authorization"].phrases) == set(), "a Credential.problem lacks words"
    assert (unread | bodies) - set(rules["body-not-read"].phrases) == set(), "an Unread reason lacks words"
    built = _named("phrases.py", "Phrase", 0) | _named("phrases.py", "_joined", 0)  # scope sets: shared
    assert built - set(rules["body-not-read"].phrases) - set(shared_phrases()) == set(), "pinscope.phrases"


@pytest.mark.parametrize("source", [
    'Finding("r", {"scope_sets": "the scopes this operation lists"})',
    'Finding("r", {"token": label or "no token"})',
    'Phrase("item", {"who": f"item {index}"})',
    'def token_label(ex):\n    return ex.credential.label if ex.credential else "no token"',
    'x = " and ".join(kinds)',
    'REPORT_TIME_UI = {"TIME_OF_AD_ACTION": "Date of ad event"}',
    'problems.append(f"the range spans {days} days (at most {most})")',
    'def f():\n    return Finding("r", {"rid": ex.request_id or "none"})',
    'def f():\n    return Finding("r", {**params, "state": "disapproved" if bad else "under_review"}, "default")',
    'def f():\n    params = {"operation_id": op.operation_id if op else "unknown"}',
])
def test_the_check_finds_words(source: str) -> None:
    assert wording(source), source


@pytest.mark.parametrize("source", [
    '"""A docstring with words."""',
    'def f():\n    """One line of words."""\n    return 1',
    'log.warning("pinscope could not read %s", path)',
    'Finding("rate-limited", {"policy": policy.describe(), "rid": ex.request_id}, "no_reset")',
    'Phrase("quota", {"limit": limit, "window": window})',
    'def f():\n    return Finding("r", {"host": HOSTS[ex.environment or "prod"], "grant": form.get("grant_type")})',
    'PHRASES = {"TIME_OF_AD_ACTION": "ad_event_date"}',
    'x = f"{ex.method} {ex.path}"',
    'x = ", ".join(labels) + "; " + f"{name}={value}"',
    'ok = "pins" not in op.path and reason == "request body"',
    'd = {"request body": 1}',
])
def test_the_check_lets_data_and_docs_pass(source: str) -> None:
    assert wording(source) == [], source


def _phrases(value: object) -> list[Phrase]:
    """Every Phrase in a parameter value, nested ones included."""
    found = [value] if isinstance(value, Phrase) else list(value) if isinstance(value, list | tuple) else []
    found = [p for p in found if isinstance(p, Phrase)]
    return found + [inner for p in found for v in p.params.values() for inner in _phrases(v)]


def test_every_phrase_a_detector_names_is_declared() -> None:
    findings: list[Finding] = produced_findings()
    rules, shared = default_rules(), shared_phrases()
    named = {(f.rule, p.name) for f in findings for v in f.params.values() for p in _phrases(v)}
    assert named, "no case produced a phrase: the check checks nothing"
    undeclared = {(rule, name) for rule, name in named if name not in rules[rule].phrases and name not in shared}
    assert undeclared == set(), "a detector names a phrase neither its rule file nor rules/shared/phrases.toml declares"
