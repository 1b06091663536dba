"""rulebook.py: rule files load and validate; a broken one stops start-up naming file and reason."""

from __future__ import annotations

import string
from pathlib import Path

import pytest

from pinscope.paths import rules_dir
from pinscope.rulebook import (Rule, RuleFileError, SharedPhrases, Severity, default_rules, load_data, load_rule,
                               load_rules, shared_phrases)

GOOD = '''id = "{id}"
severity = "warning"
title = "A perfectly fine title"
summary = "What the rule detects, in one sentence."
docs = "https://developers.pinterest.com/docs/faqs/faqs/"

[message]
default = "{{operation}} did {{thing}}"
other = "{{operation}} did the other thing"

[essence]
default = "did {{thing}}"

[fix]
default = "Do {{thing}} differently."
'''


def write(folder: Path, rule_id: str, text: str) -> Path:
    """A rule file named after `rule_id`."""
    path = folder / f"{rule_id}.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_packaged_rules_load_and_match_their_file_names() -> None:
    rules = default_rules()
    assert len(rules) >= 16
    for rule_id, rule in rules.items():
        assert rule.id == rule_id and (rules_dir() / f"{rule_id}.toml").is_file()
        assert "default" in rule.message and "default" in rule.fix and "default" in rule.essence
        assert str(rule.docs).startswith("https://")


def test_a_good_file_loads(tmp_path: Path) -> None:
    rule = load_rule(write(tmp_path, "good-rule", GOOD.format(id="good-rule")))
    assert rule.severity is Severity.WARNING
    assert rule.placeholders() == {"operation", "thing"}


@pytest.mark.parametrize(("text", "reason"), [
    ('id = "broken-rule"\nseverity = ', "Invalid"),  # TOML syntax
    (GOOD.format(id="broken-rule").replace('severity = "warning"', 'severity = "fatal"'), "severity"),
    (GOOD.format(id="broken-rule").replace("[fix]\ndefault", "[fix]\nother"), "fix"),
    (GOOD.format(id="broken-rule").replace("[essence]\ndefault", "[essence]\nother"), "essence"),
    (GOOD.format(id="broken-rule").replace("[essence]\n", "[essence]\ntypo = 'x'\n"), "typo"),
    (GOOD.format(id="broken-rule").replace('default = "did {thing}"', 'default = "did {thing"'), "essence"),
    (GOOD.format(id="broken-rule").replace('[essence]\ndefault = "did {thing}"\n', ""), "essence"),
    (GOOD.format(id="broken-rule").replace("A perfectly fine title", "Hm"), "title"),
    ('colour = "red"\n' + GOOD.format(id="broken-rule"), "colour"),
    (GOOD.format(id="broken-rule").replace('"{operation} did the other thing"', '"{operation did"'), "message"),
    (GOOD.format(id="broken-rule").replace("https://developers", "not a url developers"), "docs"),
    (GOOD.format(id="some-other-id"), "does not match the file name"),
    (GOOD.format(id="Broken_Rule"), "id"),
])
def test_a_broken_file_names_itself_and_the_reason(tmp_path: Path, text: str, reason: str) -> None:
    write(tmp_path, "fine-rule", GOOD.format(id="fine-rule"))
    path = write(tmp_path, "broken-rule", text)
    with pytest.raises(RuleFileError) as err:
        load_rules(tmp_path)
    assert str(path) in str(err.value) and reason in str(err.value)


def test_undecodable_file(tmp_path: Path) -> None:
    path = tmp_path / "binary-rule.toml"
    path.write_bytes(b"\xff\xfe\x00id")
    with pytest.raises(RuleFileError, match="binary-rule.toml"):
        load_rules(tmp_path)


def test_a_plain_string_is_the_default_variant(tmp_path: Path) -> None:
    text = GOOD.format(id="plain-rule").replace(
        '[fix]\ndefault = "Do {thing} differently."\n', "").replace(
        'docs =', 'fix = "Just do it."\ndocs =')
    assert load_rule(write(tmp_path, "plain-rule", text)).fix == {"default": "Just do it."}


def test_render_is_lenient_and_falls_back_to_default() -> None:
    rule = Rule.model_validate({
        "id": "x-rule", "severity": "info", "title": "Some title", "summary": "Something it detects.",
        "docs": "https://example.com/", "message": {"default": "{a} and {b}", "alt": "alt {a}"}, "fix": "fix {a}",
        "essence": {"default": "short {a}", "alt": "alt short {b}"},
    })
    assert rule.render("message", "default", {"a": 1}) == "1 and {b}"
    assert rule.render("message", "alt", {"a": 1}) == "alt 1"
    assert rule.render("message", "no-such-variant", {"a": 1, "b": 2}) == "1 and 2"
    assert rule.render("fix", "alt", {"a": "x"}) == "fix x"
    assert rule.render("essence", "alt", {"a": 1}) == "alt short {b}"
    assert rule.render("essence", "no-such-variant", {"a": 1}) == "short 1"


def test_every_packaged_essence_is_short_and_names_no_method_or_path() -> None:
    """The essence is what mitmweb's narrow column shows: a few words, never `{operation}` again."""
    for rule in default_rules().values():
        for variant, text in rule.essence.items():
            assert len(text) <= 64, f"{rule.id} [{variant}]: essence template longer than 64 characters"
            assert not {"operation", "method", "path", "url"} & {
                name for _, name, _, _ in string.Formatter().parse(text) if name}, f"{rule.id} [{variant}]"


def test_severity_order_and_markers() -> None:
    assert sorted(Severity, key=lambda s: s.rank) == [Severity.ERROR, Severity.WARNING, Severity.INFO]
    assert Severity.ERROR.marker == ":no_entry:" and Severity.INFO.marker == ":information_source:"


def test_empty_folder_has_no_rules(tmp_path: Path) -> None:
    assert load_rules(tmp_path) == {}


def test_a_phrase_is_the_rule_s_own_else_the_shared_one(tmp_path: Path) -> None:
    text = GOOD.format(id="good-rule") + '\n[phrases]\nnone = "nothing at all"\nmore = "{n} more"\n'
    rule = load_rule(write(tmp_path, "good-rule", text))
    assert rule.phrase("more", {"n": 3}) == "3 more"
    assert rule.phrase("none", {}) == "nothing at all"  # the rule's own wins
    assert rule.phrase("no_token", {}) == shared_phrases()["no_token"]
    assert rule.phrase("undeclared", {}) == "{undeclared}"


def test_a_broken_shared_phrase_file_names_itself(tmp_path: Path) -> None:
    path = tmp_path / "phrases.toml"
    path.write_text('[phrases]\nnone = "{broken"\n', encoding="utf-8")
    with pytest.raises(RuleFileError, match="phrases.toml: phrases"):
        load_data(path, SharedPhrases)
