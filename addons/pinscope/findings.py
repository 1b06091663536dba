"""Findings: what a detector says (rule id + parameters), and the rendered form users see."""

from __future__ import annotations

from dataclasses import dataclass, field

from pinscope.rulebook import Rule, Severity, lenient
from pinscope.masking import KnownSecrets
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


def render(finding: Finding, rule: Rule, known: KnownSecrets | None = None) -> RenderedFinding:
    """Fill the rule's templates with the finding's parameters, each passed through clean() first.

    This is why a detector cannot put raw traffic text into a finding: every string parameter is
    masked, stripped of control characters and capped here, whatever its source.
    """
    params = lenient({name: _value(value, rule, known) for name, value in finding.params.items()})
    return RenderedFinding(
        rule=rule.id,
        severity=rule.severity,
        title=rule.title,
        message=Clean(rule.render("message", finding.variant, params)),
        fix=Clean(rule.render("fix", finding.variant, params)),
        docs=str(rule.docs),
        faq=rule.faq,
        essence=Clean(rule.render("essence", finding.variant, params)),
        replaces=finding.replaces,
    )


def _value(value: object, rule: Rule, known: KnownSecrets | None) -> object:
    """A param as templates show it: phrases in the rule's words (None is the `none` phrase),
    numbers as they are (templates may format them), anything else as clean text."""
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
    return frozenset(rule for f in findings for rule in f.replaces)


def worst(findings: list[RenderedFinding]) -> Severity | None:
    """The most severe severity among findings (None when there are none)."""
    return min((f.severity for f in findings), key=lambda s: s.rank, default=None)
