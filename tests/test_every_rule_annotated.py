"""Issue 2's bar, live: every rule's hit case, through the addon, shows comment, marker, metadata, view."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from mitmproxy import contentviews, flowfilter
from mitmproxy.test import taddons

from pinscope.addon import Pinscope
from pinscope.rulebook import default_rules
from tests.cases import ALL_CASES
from tests.cases.base import Case
from tests.test_addon import run

HITS = [case for case in ALL_CASES if case.is_hit and not case.settings]


@pytest.fixture
def addon() -> Iterator[Pinscope]:
    addon = Pinscope()
    with taddons.context(addon) as tctx:
        tctx.configure(addon)
        yield addon


def test_every_rule_has_a_plain_hit_case() -> None:
    assert {case.rule for case in HITS} == set(default_rules())


@pytest.mark.parametrize("case", HITS, ids=lambda c: c.name)
def test_hit_case_shows_comment_marker_metadata_and_view(addon: Pinscope, case: Case) -> None:
    flows = case.flows()
    run(addon, *flows)
    last, rule = flows[-1], default_rules()[case.rule]
    assert {item["rule"] for item in last.metadata["pinscope"]} == set(case.expect)
    assert flowfilter.parse(f"~comment {rule.id}:")(last)
    worst = min((default_rules()[r].severity for r in case.expect), key=lambda s: s.rank)
    assert last.marked == worst.marker
    assert flowfilter.parse(f"~marker {worst.marker.strip(':')}")(last)
    assert last.comment.splitlines()[0].split(":", 1)[0] in {
        r for r in case.expect if default_rules()[r].severity == worst}, "worst finding first"
    message = last.response if last.response is not None else last.request
    view = contentviews.prettify_message(message, last)
    assert view.view_name == "Pinterest"  # chosen automatically for a flow with findings
    assert f"- rule: {rule.id}" in view.text and "fix:" in view.text and "operation:" in view.text
