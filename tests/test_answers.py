"""answers.py and rules/answers/table.toml: the table loads only when sound, and every answer FACTS
knows yields exactly one primary diagnosis, the right one."""

from __future__ import annotations

from pathlib import Path

import pytest

from pinscope.answers import FALLBACK_RULE, default_table, load_table
from pinscope.engine import Engine
from pinscope.exchange import from_flow
from pinscope.paths import rules_dir
from pinscope.rulebook import RuleFileError, default_rules
from tests.flowkit import SANDBOX, basic, error, flow

TABLE = rules_dir() / "answers" / "table.toml"
PRIMARY = {row.rule for row in default_table().rows} | {FALLBACK_RULE}
TRIAL = ("Apps with Trial access may not create Pins in production. Please use API Sandbox "
         "https://api-sandbox.pinterest.com instead.")
REFRESH = {"grant_type": "refresh_token", "refresh_token": "pinr.FAKE00000000000000000000000001"}

# (name, method, path, status, code, message, expected primary rule): FACTS §1 and §8.
FACTS_ANSWERS = [
    ("code 3 missing scopes", "GET", "/v5/pins/1", 401, 3,
     "Your token does not have sufficient permissions to perform this operation.", "insufficient-scope"),
    ("code 3 restricted feature", "GET", "/v5/search/partner/pins?term=x", 401, 3,
     "Your application does not have access to this restricted feature: pin_search", "restricted-feature"),
    ("code 3 consumer type", "GET", "/v5/user_account", 401, 3,
     "Your application consumer type is not supported, please contact support.", "app-not-approved"),
    ("code 3 on v1", "GET", "/v1/me/", 401, 3, "Authorization failed.", "wrong-api-version"),
    ("code 3 on v3", "GET", "/v3/users/me/", 401, 3, "Authorization failed.", "wrong-api-version"),
    ("code 2", "GET", "/v5/boards", 401, 2, "Authentication failed.", "authentication-failed"),
    ("code 5", "GET", "/v5/catalogs/items/batch/1", 405, 5, "Method not allowed", FALLBACK_RULE),
    ("code 7", "GET", "/v5/boards/1", 401, 7, "Not authorized to access board or Pin.", FALLBACK_RULE),
    ("code 8", "GET", "/v5/boards", 429, 8, "Rate limit exceeded", "rate-limited"),
    ("code 8 spam", "POST", "/v5/pins", 429, 8, "Blocked as spam", "spam-blocked"),
    ("code 15", "POST", "/v5/ad_accounts/1/ads_credit/redeem", 400, 15, "Cannot redeem", FALLBACK_RULE),
    ("code 29", "POST", "/v5/pins/1/save", 403, 29, "You are not permitted to access that resource.",
     "permission-denied"),
    ("code 29 trial", "POST", "/v5/pins", 403, 29, TRIAL, "trial-production-write"),
    ("code 30 404", "GET", "/v5/user_account", 404, 30, "User not found.", FALLBACK_RULE),
    ("code 40", "GET", "/v5/boards/1", 404, 40, "Board not found.", FALLBACK_RULE),
    ("code 50", "GET", "/v5/pins/1", 404, 50, "Pin not found.", FALLBACK_RULE),
    ("code 654", "POST", "/v5/catalogs/feeds", 403, 654, "Must be a business account", "business-account-required"),
    ("code 1104", "GET", "/v5/catalogs/reports", 400, 1104, "Token is not valid or has expired.", "token-expired"),
    ("code 1201", "POST", "/v5/boards", 401, 1201, "Two-factor authentication required.", "client-credentials-2fa"),
    ("code 2625", "GET", "/v5/catalogs", 403, 2625, "Account disapproved", "account-under-review"),
    ("code 2626", "GET", "/v5/catalogs", 403, 2626, "Account under review", "account-under-review"),
    ("code 4162", "POST", "/v5/catalogs/feeds", 409, 4162, "Active promotions", FALLBACK_RULE),
    ("code 4181", "GET", "/v5/catalogs", 501, 4181, "Not implemented yet", "server-error"),
    ("code 4197", "POST", "/v5/ad_accounts/1/events", 503, 4197, "Ramped down", "endpoint-ramped-down"),
    ("code 500", "POST", "/v5/boards/1/sections", 500, 500, "Could not create board section", "server-error"),
    ("no body", "GET", "/v5/boards", 502, None, "", "server-error"),
]


def primary(rules: list[str]) -> list[str]:
    """The findings that are a primary diagnosis of an answer."""
    return [rule for rule in rules if rule in PRIMARY]


@pytest.mark.parametrize(("name", "method", "path", "status", "code", "message", "expected"), FACTS_ANSWERS,
                         ids=[a[0] for a in FACTS_ANSWERS])
def test_every_answer_facts_knows_gets_exactly_one_primary_diagnosis(
        name: str, method: str, path: str, status: int, code: int | None, message: str, expected: str) -> None:
    body = error(code, message) if code is not None else None
    found = Engine().analyze(from_flow(flow(method, path, status=status, body=body)))  # no request body:
    assert primary([f.rule for f in found]) == [expected]  # only what the answer says decides


def test_a_400_whose_request_breaks_the_schema_is_invalid_request_whatever_its_unknown_code() -> None:
    bad = {"board_id": "1", "media_source": {"source_type": "url"}}
    found = Engine().analyze(from_flow(flow("POST", "/v5/pins", status=400, request_json=bad,
                                            body=error(400, "Bad request"))))
    assert primary([f.rule for f in found]) == ["invalid-request"]


def test_a_refresh_grant_and_the_sandbox_rows() -> None:
    refused = flow("POST", "/v5/oauth/token", authorization=basic(), form=REFRESH, status=400,
                   body=error(283, "The authorization grant is invalid"))
    assert primary([f.rule for f in Engine().analyze(from_flow(refused))]) == ["refresh-failed"]
    sandbox = flow("GET", "/v5/user_account/following", host=SANDBOX, status=400, body=error(1, "Not in sandbox"))
    found = Engine().analyze(from_flow(sandbox))
    assert [f.rule for f in found].count("sandbox-endpoint-unavailable") == 1


def test_the_packaged_table_is_sound() -> None:
    table = default_table()
    precedences = [row.precedence for row in table.rows]
    assert len(set(precedences)) == len(precedences) and precedences == sorted(precedences, reverse=True)
    assert all(row.rule in default_rules() for row in table.rows)
    assert set(table.by_status) == set(range(400, 600))


ROW = '''
[messages]
x = "x"

[[answer]]
precedence = 10
rule = "rate-limited"
when = {{ status = [429] }}

[[answer]]
{row}
'''


@pytest.mark.parametrize(("row", "complaint"), [
    ('precedence = 10\nrule = "server-error"\nwhen = { status = "5xx" }', "precedence already used"),
    ('precedence = 11\nrule = "no-such-rule"\nwhen = { status = "5xx" }', "no rule file for 'no-such-rule'"),
    ('precedence = 11\nrule = "server-error"\nvariant = "nope"\nwhen = { status = "5xx" }', "no variant 'nope'"),
    ('precedence = 11\nrule = "server-error"\nwhen = { status = "5xx", message = "y" }', "unknown message class"),
    ('precedence = 11\nrule = "server-error"\nwhen = { status = "5xx", evidence = ["moon"] }', "unknown evidence"),
    ('precedence = 11\nrule = "server-error"\nwhen = { status = "6xx" }', "when.status"),
    ('precedence = 11\nrule = "server-error"\nwhen = { status = "5xx", evidence = ["predicted:nope"] }',
     "predicted:nope"),
])
def test_a_broken_table_stops_loading_naming_the_row(tmp_path: Path, row: str, complaint: str) -> None:
    path = tmp_path / "table.toml"
    path.write_text(ROW.format(row=row), encoding="utf-8")
    with pytest.raises(RuleFileError, match=complaint.replace("(", r"\(")) as caught:
        load_table(path, default_rules())
    assert str(path) in str(caught.value)


def test_the_table_file_says_how_to_add_an_answer() -> None:
    text = TABLE.read_text(encoding="utf-8")
    assert "docs/answers.md" in text and (Path(__file__).parents[1] / "docs" / "answers.md").is_file()
