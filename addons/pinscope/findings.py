"""Findings: what a detector says (rule id + parameters), and the rendered form users see."""

from __future__ import annotations

from dataclasses import dataclass, field

from pinscope.rulebook import Rule, Severity


@dataclass(frozen=True, slots=True)
class Finding:
    """A detector's verdict: rule `rule` applies, with these facts about the flow."""

    rule: str
    params: dict[str, object] = field(default_factory=dict)
    variant: str = "default"


@dataclass(frozen=True, slots=True)
class RenderedFinding:
    """A finding with its rule text filled in: what annotations and reports show."""

    rule: str
    severity: Severity
    title: str
    message: str
    fix: str
    docs: str
    faq: str | None

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
        }


def render(finding: Finding, rule: Rule) -> RenderedFinding:
    """Fill the rule's templates with the finding's parameters."""
    return RenderedFinding(
        rule=rule.id,
        severity=rule.severity,
        title=rule.title,
        message=rule.render("message", finding.variant, finding.params),
        fix=rule.render("fix", finding.variant, finding.params),
        docs=str(rule.docs),
        faq=rule.faq,
    )


def worst(findings: list[RenderedFinding]) -> Severity | None:
    """The most severe severity among findings (None when there are none)."""
    return min((f.severity for f in findings), key=lambda s: s.rank, default=None)
