"""The README's rule table is generated from rules/ and must not go stale."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from tests.scripts import load_script

ROOT = Path(__file__).resolve().parent.parent


def load_builder():
    """scripts/build_readme_rules.py as a module."""
    return load_script("build_readme_rules")


def test_readme_rule_table_matches_rules_folder() -> None:
    builder = load_builder()
    current = (ROOT / "README.md").read_text(encoding="utf-8")
    assert builder.with_table(current, builder.rule_table()) == current, (
        "README.md's rule table differs from rules/*.toml: run scripts/build_readme_rules.py"
    )


def test_every_rule_file_is_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme.split("<!-- rules:start -->")[1].split("<!-- rules:end -->")[0]
    for path in (ROOT / "rules").glob("*.toml"):
        rule = tomllib.loads(path.read_text(encoding="utf-8"))
        assert f"| `{rule['id']}` | {rule['severity']} |" in table


def test_check_fails_on_a_stale_table(tmp_path: Path) -> None:
    builder = load_builder()
    (tmp_path / "only-rule.toml").write_text(
        'id = "only-rule"\nseverity = "warning"\ntitle = "A | piped title"\n', encoding="utf-8"
    )
    table = builder.rule_table(tmp_path)
    assert "| `only-rule` | warning | A \\| piped title |  |" in table
    stale = "intro\n<!-- rules:start -->\nold\n<!-- rules:end -->\noutro\n"
    fresh = builder.with_table(stale, table)
    assert fresh != stale and fresh.startswith("intro\n") and fresh.endswith("\noutro\n")
    assert builder.with_table(fresh, table) == fresh
    with pytest.raises(ValueError):
        builder.with_table("no markers here", table)
