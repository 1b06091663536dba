"""render(): what it remembers is bounded, holds only clean text, and never outlives a secret learnt since."""

from __future__ import annotations

import pytest

from pinscope import findings
from pinscope.findings import Finding, Phrase, render
from pinscope.masking import KnownSecrets
from pinscope.plans import fields
from pinscope.rulebook import Rule, default_rules
from pinscope.tokens import fingerprint
from pinscope.untrusted import Clean

SECRET = "Zq8vN2rT5kLm9wXa"  # no secret shape: only the session's memory (KnownSecrets) can recognise it


def rule(message: str = "{operation}: {said}", essence: str = "{said}", rule_id: str = "pinterest-error") -> Rule:
    """A rule whose templates show the params under test."""
    return Rule(id=rule_id, severity="warning", title="A rule for render tests", summary="Renders what it is given.",
                message=message, essence=essence, fix="Read {operation}.",
                docs="https://developers.pinterest.com/docs/",
                phrases={"said_it": "Pinterest said {said}"})


@pytest.fixture(autouse=True)
def fresh() -> None:
    findings._RENDERED.clear()


def test_what_render_remembers_is_bounded() -> None:
    r = rule()
    for n in range(findings.MAX_RENDERED + 50):
        render(Finding(r.id, {"operation": "GET /v5/pins", "said": f"error {n}"}), r)
        assert len(findings._RENDERED) <= findings.MAX_RENDERED


@pytest.mark.parametrize("said", [
    f"upstream said {SECRET} twice",
    Clean(f"upstream said {SECRET} twice"),  # a detector's said(): cleaned before the secret was known
    Phrase("said_it", {"said": f"upstream said {SECRET} twice"}),
    [Phrase("said_it", {"said": SECRET}), Phrase("said_it", {"said": "no"})],
])
def test_a_render_made_before_a_secret_was_learnt_is_never_returned_after(said: object) -> None:
    r, known = rule(), KnownSecrets()
    finding = Finding(r.id, {"operation": "GET /v5/pins", "said": said})
    before = render(finding, r, known)
    assert SECRET in before.message and render(finding, r, known) is before, "remembered while nothing is secret"
    known.learn(len(SECRET), fingerprint(SECRET))
    after = render(finding, r, known)
    assert SECRET not in after.message + after.essence and "…" in after.message


def test_a_remembered_render_is_the_render() -> None:
    rules = default_rules()
    finding = Finding("insufficient-scope", {"operation": "GET /v5/boards", "scope_sets": "boards:read",
                                             "token": "pina…28a73821", "rid": "0123456789abcdef"})
    first = render(finding, rules["insufficient-scope"])
    assert render(finding, rules["insufficient-scope"]) is first
    findings._RENDERED.clear()
    assert render(finding, rules["insufficient-scope"]) == first


@pytest.mark.parametrize(("a", "b"), [(1, 1.0), (1, True), (0, False), ("1", 1)])
def test_values_equal_in_python_but_shown_differently_are_told_apart(a: object, b: object) -> None:
    r = rule(message="{operation} {said}")
    shown_a = render(Finding(r.id, {"operation": "x", "said": a}), r).message
    shown_b = render(Finding(r.id, {"operation": "x", "said": b}), r).message
    assert (shown_a, shown_b) == (f"x {a}", f"x {b}")


def test_variant_replaces_and_rule_object_are_part_of_what_is_remembered() -> None:
    one, other = rule(message="one {said}"), rule(message="other {said}")
    params = {"operation": "x", "said": "y"}
    assert render(Finding(one.id, params), one).message == "one y"
    assert render(Finding(other.id, params), other).message == "other y", "same id, other words: its own render"
    assert render(Finding(one.id, params, replaces=("a",)), one).replaces == ("a",)
    assert render(Finding(one.id, params), one).replaces == ()


def test_only_the_params_the_templates_read_are_read() -> None:
    class Unprintable:
        def __str__(self) -> str:
            raise AssertionError("a param no template reads was read")

    r = rule()
    shown = render(Finding(r.id, {"operation": "x", "said": "y", "rid": Unprintable()}), r)
    assert (shown.message, shown.essence) == ("x: y", "y")
    assert render(Finding(r.id, {"operation": "x"}), r).message == "x: {said}", "a missing param shows as itself"


def test_fields_are_every_name_the_templates_read() -> None:
    assert fields("{a} {b.c} {d[0]}", "{e:{w}} {{literal}} {a!r}") == ("a", "b", "d", "e", "w")
