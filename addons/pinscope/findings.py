"""Findings: what a detector says (rule id + parameters), and the rendered form users see."""

from __future__ import annotations

from dataclasses import dataclass, field

from pinscope.rulebook import Rule, Severity, lenient
from pinscope.masking import KnownSecrets
from pinscope.plans import plan
from pinscope.untrusted import Clean, clean


@dataclass(frozen=True, slots=True)
class Finding:
    """A detector's verdict: rule `rule` applies, with these facts about the flow."""

    rule: str
    params: dict[str, object] = field(default_factory=dict)
    variant: str = "default"
    replaces: tuple[str, ...] = ()  # request-phase findings of the flow this answer's finding confirms


@dataclass(frozen=True, slots=True)
class Phrase:
    """A part of a finding's sentence (an optional part, an offending field, an item error): the
    rule file words it. A param may be one Phrase or a list of them; a phrase's params may be too."""

    name: str  # a key of the rule's [phrases] table, or of rules/shared/phrases.toml
    params: dict[str, object] = field(default_factory=dict)


PHRASE_JOIN = "; "
NONE = Phrase("none")  # what a param whose value is None reads as (rules/shared/phrases.toml)
UNKNOWN = Phrase("unknown")


@dataclass(frozen=True, slots=True)
class RenderedFinding:
    """A finding with its rule text filled in: what annotations and reports show."""

    rule: str
    severity: Severity
    title: str
    message: Clean
    fix: Clean
    docs: str
    faq: str | None
    essence: Clean = Clean("")  # the comment's headline after the rule id (`missing boards:read`)
    replaces: tuple[str, ...] = ()  # see Finding.replaces; not part of what is shown

    def as_dict(self) -> dict[str, str | None]:
        """Plain data for `flow.metadata["pinscope"]` and JSON reports."""
        return {
            "rule": self.rule,
            "severity": self.severity.value,
            "title": self.title,
            "message": self.message,
            "fix": self.fix,
            "docs": self.docs,
            "faq": self.faq,
            "essence": self.essence,
        }


# Most findings of a kind show the same values (operation, token label, scope sets): render()
# remembers what it made, keyed by the values as shown, i.e. after clean(). The table thus holds
# only text already fit for output, and a secret learnt since an entry was made changes the shown
# value of any text that holds it (masked now), so that entry is never found again.
MAX_RENDERED = 1024
_RENDERED: dict[tuple, tuple[Rule, "RenderedFinding"]] = {}
_KEYABLE = frozenset({Clean, int, float})  # what _value() returns (an int subclass may not hash)


def render(finding: Finding, rule: Rule, known: KnownSecrets | None = None) -> RenderedFinding:
    """Fill the rule's templates with the finding's parameters, each passed through clean() first.

    This is why a detector cannot put raw traffic text into a finding: every string parameter is
    masked, stripped of control characters and capped here, whatever its source.
    """
    message, fix, essence, names = plan(rule, finding.variant)
    given = finding.params
    # Only what the templates read: a request id among the params costs nothing.
    params = lenient({name: _value(given[name], rule, known) for name in names if name in given})
    shown = tuple(params.values())
    types = tuple(map(type, shown))  # `1`, `1.0` and `True` (a Clean) show differently
    key = None
    if _KEYABLE.issuperset(types):
        key = (id(rule), finding.variant, finding.replaces, tuple(params), shown, types)
        hit = _RENDERED.get(key)
        if hit is not None and hit[0] is rule:  # the entry holds its rule: id(rule) cannot be reused
            return hit[1]
    rendered = RenderedFinding(
        rule=rule.id,
        severity=rule.severity,
        title=rule.title,
        message=Clean(message.format_map(params)),
        fix=Clean(fix.format_map(params)),
        docs=str(rule.docs),
        faq=rule.faq,
        essence=Clean(essence.format_map(params)),
        replaces=finding.replaces,
    )
    if key is not None:
        if len(_RENDERED) >= MAX_RENDERED:
            _RENDERED.clear()
        _RENDERED[key] = (rule, rendered)
    return rendered


def _value(value: object, rule: Rule, known: KnownSecrets | None) -> object:
    """A param as templates show it: phrases in the rule's words (None is the `none` phrase),
    numbers as they are (templates may format them), anything else as clean text."""
    kind = type(value)
    if kind is str:  # most params: the checks below in the order they would run
        return clean(value, known=known)
    if kind is int or kind is float:
        return value
    if value is None:
        value = NONE
    if isinstance(value, Phrase):
        value = (value,)
    if isinstance(value, list | tuple) and value and all(isinstance(v, Phrase) for v in value):
        return Clean(PHRASE_JOIN.join(
            rule.phrase(p.name, {k: _value(v, rule, known) for k, v in p.params.items()}) for p in value))
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value
    return clean(value, known=known)


def replaced(findings: list[RenderedFinding]) -> frozenset[str]:
    """The request-phase rules these (response-phase) findings replace."""
    if not any(f.replaces for f in findings):  # most findings replace nothing
        return NOTHING_REPLACED
    return frozenset(rule for f in findings for rule in f.replaces)


NOTHING_REPLACED: frozenset[str] = frozenset()


def worst(findings: list[RenderedFinding]) -> Severity | None:
    """The most severe severity among findings (None when there are none)."""
    return min((f.severity for f in findings), key=lambda s: s.rank, default=None)
