"""The session report as data: one pydantic model behind the JSON, Markdown and terminal forms."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import Field

from pinscope.published import ChecklistStep, PublishedQuota
from pinscope.recovery import OUTCOMES as RECOVERY_OUTCOMES
from pinscope.report.base import Count, Model, Text, UrlText
from pinscope.report.plan import ForecastReport, ScopePlanReport
from pinscope.rulebook import Severity

SCHEMA_ID = "pinscope-report/1"


class SeverityCounts(Model):
    """How many findings of each severity."""

    error: Count = 0
    warning: Count = 0
    info: Count = 0


class EnvironmentCounts(Model):
    """Pinterest API flows per host."""

    production: Count = 0
    sandbox: Count = 0


class TimeSpan(Model):
    """First and last Pinterest API request of the session."""

    start: datetime
    end: datetime
    seconds: Annotated[float, Field(ge=0)]


class Summary(Model):
    """The session at a glance."""

    flows: Count = Field(description="HTTP flows of the session (not the demo simulator's control calls)")
    pinterest_flows: Count = Field(description="flows to a Pinterest API host")
    findings: Count = Field(description="findings in total (after silencing)")
    severities: SeverityCounts
    environments: EnvironmentCounts
    time_span: TimeSpan | None = None


class ExampleFlow(Model):
    """One flow that showed a finding; the URL has secret query values masked."""

    method: Text
    url: UrlText
    status: int | None
    timestamp: datetime
    message: Text
    request_id: Text | None = Field(description="x-pinterest-rid, the id Pinterest support asks for")
    operation: Text | None = Field(None, description="the operation called, e.g. GET /v5/pins/{pin_id}")
    error_code: int | None = Field(None, description="Pinterest's error code from the response body")
    error_message: Text | None = Field(None, description="Pinterest's error message, secrets masked")


class RuleFindings(Model):
    """Every occurrence of one rule."""

    rule: str
    severity: Severity
    title: str
    fix: Text = Field(description="the fix, as rendered for the first flow")
    docs: str
    faq: str | None
    count: Count
    flows: list[ExampleFlow] = Field(description="a few example flows")


class TokenReport(Model):
    """One token, known by its label (prefix + fingerprint), never by its value."""

    label: str = Field(description="how pinscope shows the token, e.g. pina…1a2b3c4d")
    fingerprint: str
    kind: str
    environments: list[str] = Field(description="environments where the token succeeded")
    issued_on: str | None = Field(description="environment of the /oauth/token response that issued it")
    scopes: list[str] | None = Field(description="granted scopes, when the grant was seen")
    expires_at: datetime | None
    requests: Count
    failures: Count = Field(description="401/403 answers")
    operations: list[str] = Field(default_factory=list, description="operations the token called")
    needed_scopes: list[str] = Field(
        default_factory=list, description="scopes the session's calls with this token needed")
    missing_scopes: list[str] | None = Field(
        None, description="needed but not granted; null when the grant was not seen")


class RatePoint(Model):
    """Remaining quota after one response (for charts)."""

    timestamp: datetime
    remaining: int | None
    limited: bool = Field(description="the response was a 429")
    token: str | None = Field(None, description="label of the token whose budget this is")


class RateLimitReport(Model):
    """One rate-limit category, over every token that used it."""

    category: str
    policy: str | None = Field(description="the last policy seen, e.g. 100/1s, 1000/60s")
    limit: int | None = Field(description="quota of the binding window")
    lowest_remaining: int | None
    rate_limited: Count = Field(description="429 responses")
    tokens: Count
    points: list[RatePoint]
    forecasts: list[ForecastReport] = Field(
        default_factory=list, description="per token: pace, remaining and projected exhaustion")
    published: PublishedQuota | None = Field(
        None, description="Pinterest's published quota for the category (rules/published/quotas.toml)")


class EndpointReport(Model):
    """Calls to one operation."""

    operation: str = Field(description="METHOD /v5/path/{template}")
    operation_id: str | None
    category: str | None
    requests: Count
    errors: Count = Field(description="responses with status >= 400")
    error_rate: Annotated[float, Field(ge=0, le=1)] = Field(0.0, description="errors / requests")
    server_errors: Count
    latency_median_ms: float | None
    latency_p95_ms: float | None
    request_ids: list[Text] = Field(description="x-pinterest-rid of recent 5xx answers")


class RecoveryFlow(Model):
    """One flow of a recovery: an error, or what the client did next."""

    method: Text
    url: UrlText
    status: int | None
    timestamp: datetime
    outcome: str | None = Field(description="how this retry was graded; null for the error itself")
    token: str | None = Field(None, description="label of the token that sent it")


class RecoveryReport(Model):
    """How the client recovered from the errors of one operation."""

    operation: str = Field(description="METHOD /v5/path/{template}")
    faults: Count = Field(description="error answers (status >= 400) the client received")
    grade: str = Field(description="the worst outcome: " + ", ".join(RECOVERY_OUTCOMES))
    verdict: Literal["bad", "good", "neutral"]
    outcomes: dict[str, Count] = Field(description="how often each outcome was seen")
    evidence: list[RecoveryFlow] = Field(description="the latest errors and retries")


class SandboxReport(Model):
    """The sandbox host was used: how much, by which tokens, and the steps to production."""

    flows: Count = Field(description="flows to api-sandbox.pinterest.com")
    tokens: list[str] = Field(description="labels of tokens used on the sandbox host")
    steps: list[ChecklistStep]
    source: str


class Report(Model):
    """A pinscope session report."""

    schema_id: Literal["pinscope-report/1"] = Field(SCHEMA_ID, alias="schema")
    generated_at: datetime
    pinscope_version: str
    spec_version: str = Field(description="Pinterest OpenAPI version of the operation catalogue")
    summary: Summary
    findings: list[RuleFindings] = Field(description="per rule, worst severity first")
    tokens: list[TokenReport]
    rate_limits: list[RateLimitReport]
    endpoints: list[EndpointReport]
    scope_plan: ScopePlanReport | None = Field(
        None, description="least-privilege scopes for the calls made; null when no operation was called")
    sandbox: SandboxReport | None = Field(
        None, description="the production checklist, when the sandbox host was used")
    recovery: list[RecoveryReport] = Field(
        default_factory=list, description="per operation with errors: how the client recovered, worst first")

    def to_json_data(self) -> dict[str, Any]:
        """Plain JSON data, with the `schema` key."""
        return self.model_dump(mode="json", by_alias=True)


def report_schema() -> dict[str, Any]:
    """The published JSON schema of the report."""
    schema = Report.model_json_schema(by_alias=True, mode="serialization")
    return {"$schema": "https://json-schema.org/draft/2020-12/schema",
            "$comment": "Generated by scripts/build_report_schema.py from pinscope.report.model; "
                        "do not edit.", **schema}
