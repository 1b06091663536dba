"""rules/examples.json: generated from the hit fixtures, current, and shown by `pinscope rules ID`."""

from __future__ import annotations

from pathlib import Path

import pytest

from pinscope.cli import main
from pinscope.rulebook import default_examples, default_rules
from tests.scripts import load_script

ROOT = Path(__file__).resolve().parent.parent


def builder():
    return load_script("build_rule_examples")


def test_examples_file_is_current() -> None:
    current = (ROOT / "rules" / "examples.json").read_text(encoding="utf-8")
    assert current == builder().examples_text(), "run scripts/build_rule_examples.py"


def test_every_rule_has_an_example_naming_it() -> None:
    examples = default_examples()
    assert set(examples) == set(default_rules())
    assert all(example["case"].startswith(rule + "/hit") for rule, example in examples.items())


def test_rules_id_shows_the_example(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules", "insufficient-scope"]) == 0
    out = capsys.readouterr().out
    example = default_examples()["insufficient-scope"]
    assert "Example" in out and "GET https://api.pinterest.com/v5/pins/123 -> 401" in out
    assert str(example["message"])[:30] in out
