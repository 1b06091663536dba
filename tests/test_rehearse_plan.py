"""The rehearsal grammar: every documented rule form, and one clear line for each bad one."""

from __future__ import annotations

import pytest

from pinscope.catalog import default_catalog
from pinscope.rehearse.plan import TIMEOUT_HOLD, RehearsalError, Rule, parse_faults, parse_scopes

CATALOG = default_catalog()
EVENTS = "POST /v5/ad_accounts/{ad_account_id}/events"


@pytest.mark.parametrize(("text", "expected"), [
    ("429@org_analytics:0.2", ("status", 429, None, None, "org_analytics", 0.2, None, None)),
    (f"503-4197@{EVENTS}", ("status", 503, 4197, None, EVENTS, 1.0, None, None)),
    ("500x2 then pass", ("status", 500, None, None, None, 1.0, 2, None)),
    ("500x2@pins/create then pass", ("status", 500, None, None, "pins/create", 1.0, 2, None)),
    ("expire-token:after 300s", ("expire-token", None, None, None, None, 1.0, None, 300.0)),
    ("expire-token:after 5m", ("expire-token", None, None, None, None, 1.0, None, 300.0)),
    ("spam-429:0.05", ("spam-429", None, None, None, None, 0.05, None, None)),
    ("timeout:0.01", ("timeout", None, None, TIMEOUT_HOLD, None, 0.01, None, None)),
    ("timeout 2s", ("timeout", None, None, 2.0, None, 1.0, None, None)),
    ("reset:0.01", ("reset", None, None, None, None, 0.01, None, None)),
    ("delay 800ms:0.1", ("delay", None, None, 0.8, None, 0.1, None, None)),
])
def test_each_rule_form(text: str, expected: tuple) -> None:
    (rule,) = parse_faults(text, CATALOG)
    assert rule == Rule(text, *expected)


def test_rules_are_separated_by_semicolons_in_order() -> None:
    rules = parse_faults(" 429@org_read:0.5 ; ; reset:0.01;", CATALOG)
    assert [r.text for r in rules] == ["429@org_read:0.5", "reset:0.01"]
    assert parse_faults("", CATALOG) == []


@pytest.mark.parametrize(("text", "says"), [
    ("42", "cannot read the effect '42'"),
    ("429@org_nothing", "unknown target 'org_nothing'"),
    ("500:2", "at most 1, not '2'"),
    ("500:0", "at most 1, not '0'"),
    ("500:often", "not 'often'"),
    ("expire-token", "expire-token needs ':after <duration>'"),
    ("429:after 3s", "'after' is for expire-token only"),
    ("500 then pass", "'then pass' needs a count"),
    ("500x0", "a count is at least 1"),
    ("delay 800", "cannot read the effect 'delay 800'"),
    ("delay 11m", "at most 600s"),
])
def test_a_bad_rule_is_one_line_naming_it(text: str, says: str) -> None:
    with pytest.raises(RehearsalError) as raised:
        parse_faults(f"reset:0.1; {text}", CATALOG)
    message = str(raised.value)
    assert says in message and "\n" not in message
    assert message.startswith(f"pinscope_rehearse_faults: rule {text!r}")


def test_scopes() -> None:
    assert parse_scopes(" boards:read, pins:read ", CATALOG) == {"boards:read", "pins:read"}
    assert parse_scopes(" , ", CATALOG) is None
    with pytest.raises(RehearsalError, match="unknown scope 'boardz:read'"):
        parse_scopes("boards:read,boardz:read", CATALOG)
