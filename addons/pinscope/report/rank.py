"""Which findings matter most: the one order of the report's findings, its summary and the terminal's."""

from __future__ import annotations

from pinscope.rulebook import Severity

# Among findings of equal severity and reach, these come first: each may have exposed a token.
SECURITY_RULES = ("token-leak", "token-in-url", "plain-http")


def importance(rule: str, severity: Severity, count: int) -> tuple[int, int, int, str]:
    """Sort key, most important first: severity, then reach, then security rules, then the id.

    Reach is the share of the session's flows the rule was seen on; within one session that orders
    exactly as the count does, so the count is the key.
    """
    security = SECURITY_RULES.index(rule) if rule in SECURITY_RULES else len(SECURITY_RULES)
    return (severity.rank, -count, security, rule)
