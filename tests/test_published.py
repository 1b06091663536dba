"""Published Pinterest facts as data: the quota table and the sandbox checklist load, validate and ship."""

from __future__ import annotations

import fnmatch
import tomllib
from pathlib import Path

import pytest

from pinscope.catalog import default_catalog
from pinscope.published import (
    ChecklistFile, QuotaFile, describe_quota, load_data, published_dir, quotas, sandbox_checklist,
)
from pinscope.rulebook import RuleFileError, default_rules

ROOT = Path(__file__).resolve().parent.parent
PRIMARY = {"ads_read", "ads_analytics", "ads_conversions"}  # rows read in Pinterest's own page (FACTS §2)


def test_every_catalogue_category_has_a_quota_entry() -> None:
    categories = {op.category for op in default_catalog().operations if op.category}
    assert categories == set(quotas().categories)


def test_numbers_and_approximate_marks_follow_the_facts() -> None:
    table = quotas().categories
    assert (table["ads_read"].trial_per_day, table["ads_read"].standard_per_minute) == (1000, 1000)
    assert (table["org_write"].trial_per_day, table["org_write"].standard_per_minute) == (300, 100)
    assert {name for name, q in table.items() if not q.approximate} == PRIMARY
    assert table["msot_write"].trial_per_day is None and table["msot_write"].note
    assert str(quotas().source).startswith("https://developers.pinterest.com/docs/reference/rate-limits")


def test_describe_quota() -> None:
    table = quotas().categories
    assert describe_quota(table["ads_read"]) == "Trial 1,000/day per app · Standard 1,000/min per user per app"
    assert describe_quota(table["org_read"]).endswith("(approximate)")
    assert describe_quota(table["msot_write"]) == "no number published (approximate)"


def test_checklist_has_the_faq_steps() -> None:
    steps = sandbox_checklist().steps
    text = " ".join(s.title + " " + s.detail for s in steps)
    for piece in ("-sandbox", "production access token", "Standard access"):
        assert piece in text
    assert all(str(s.docs).startswith("https://developers.pinterest.com/") for s in steps)


def test_published_files_are_not_taken_for_rules() -> None:
    assert not set(default_rules()) & {"quotas", "sandbox-checklist"}


@pytest.mark.parametrize(("text", "where"), [
    ('source = "https://x.example/"\nsecondary_source = "abc"\ntrial = "abc"\nstandard = "abc"\n'
     '[categories.a]\nwhat = "abc"\ntrial_per_day = -1\napproximate = true\n', "categories.a.trial_per_day"),
    ('source = "https://x.example/"\nsecondary_source = "abc"\ntrial = "abc"\nstandard = "abc"\n'
     'typo = 1\n[categories]\n', "typo"),
    ("source = [", "quotas.toml"),
])
def test_a_broken_file_names_itself_and_the_field(tmp_path: Path, text: str, where: str) -> None:
    path = tmp_path / "quotas.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(RuleFileError, match="quotas.toml") as err:
        load_data(path, QuotaFile)
    assert where in str(err.value)


def test_empty_checklist_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "sandbox-checklist.toml"
    path.write_text('source = "https://x.example/"\nsteps = []\n', encoding="utf-8")
    with pytest.raises(RuleFileError, match="steps"):
        load_data(path, ChecklistFile)


def test_the_wheel_ships_the_data_files() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    patterns = config["package-data"]
    for path in published_dir().glob("*.toml"):
        name = path.relative_to(ROOT / "rules").as_posix()
        assert any(fnmatch.fnmatch(name, p) for p in patterns["pinscope.rules"]), name
    css = ROOT / "addons" / "pinscope" / "report" / "report.css"
    assert any(fnmatch.fnmatch(css.name, p) for p in patterns["pinscope.report"])
