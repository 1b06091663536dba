"""Facts Pinterest publishes, as data: rate-limit quotas per category and the sandbox checklist.

The files live in `rules/published/` and are validated when loaded, like the rule files.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, HttpUrl

from pinscope.paths import rules_dir
from pinscope.rulebook import load_data

Quota = Annotated[int, Field(gt=0)]
Text = Annotated[str, Field(min_length=3)]


class _Data(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PublishedQuota(_Data):
    """One category's published limits; `approximate` when only a secondary copy gives them."""

    what: Text = Field(description="what the category covers")
    trial_per_day: Quota | None = Field(None, description="Trial access: requests per day per app")
    standard_per_minute: Quota | None = Field(
        None, description="Standard access: requests per minute per user per app")
    approximate: bool = Field(description="the numbers come from a secondary copy of Pinterest's page")
    note: str | None = None


class QuotaFile(_Data):
    """`rules/published/quotas.toml`."""

    source: HttpUrl
    secondary_source: Text
    trial: Text
    standard: Text
    categories: dict[str, PublishedQuota]


class ChecklistStep(_Data):
    """One step from the sandbox to production."""

    title: Text
    detail: Text
    docs: HttpUrl


class ChecklistFile(_Data):
    """`rules/published/sandbox-checklist.toml`."""

    source: HttpUrl
    steps: Annotated[list[ChecklistStep], Field(min_length=1)]


def published_dir() -> Path:
    """The folder holding the published-facts files."""
    return rules_dir() / "published"


@cache
def quotas() -> QuotaFile:
    """The packaged quota table, loaded once per process."""
    return load_data(published_dir() / "quotas.toml", QuotaFile)


@cache
def sandbox_checklist() -> ChecklistFile:
    """The packaged sandbox-to-production checklist, loaded once per process."""
    return load_data(published_dir() / "sandbox-checklist.toml", ChecklistFile)


def describe_quota(quota: PublishedQuota) -> str:
    """`Trial 1,000/day per app · Standard 1,000/min per user per app (approximate)`."""
    parts = []
    if quota.trial_per_day:
        parts.append(f"Trial {quota.trial_per_day:,}/day per app")
    if quota.standard_per_minute:
        parts.append(f"Standard {quota.standard_per_minute:,}/min per user per app")
    text = " · ".join(parts) or "no number published"
    return f"{text} (approximate)" if quota.approximate else text
