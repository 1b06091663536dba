"""rules/examples.json: generated from the hit fixtures, current, and shown by `pinscope rules ID`."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from pinscope.cli import main
from pinscope.rulebook import default_examples, default_rules

ROOT = Path(__file__).resolve().parent.parent


def builder():
    spec = importlib.util.spec_from_file_location("build_rule_examples", ROOT / "scripts" / "build_rule_examples.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


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
