"""The "Pinterest" contentview: chosen for annotated flows, renders findings, context and body."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from mitmproxy import contentviews
from mitmproxy.contentviews import Metadata
from mitmproxy.test import taddons

from pinscope.addon import Pinscope
from pinscope.contentview import WIDTH, PinterestContentview, register
from tests.flowkit import ACCESS, AUTH_CODE, REFRESH, SECRETS, error, flow, token_grant

VIEW = PinterestContentview()


@pytest.fixture
def tctx() -> Iterator[taddons.context]:
    addon = Pinscope()
    with taddons.context(addon) as ctx:
        ctx.configure(addon)
        ctx.addon = addon
        yield ctx


def analysed(tctx: taddons.context, *flows) -> None:
    for f in flows:
        tctx.addon.request(f)
        tctx.addon.response(f)


def test_priority_beats_json_only_for_flows_with_findings(tctx: taddons.context) -> None:
    hit = flow("GET", "/v5/pins/1", status=401, body=error(3, "Not authorized"))
    clean = flow("GET", "/v5/pins/2", body={"id": "2"})
    analysed(tctx, hit, clean)
    data = hit.response.content
    json_priority = contentviews.registry["json"].render_priority(
        data, Metadata(flow=hit, content_type="application/json"))
    assert VIEW.render_priority(data, Metadata(flow=hit, content_type="application/json")) > json_priority
    assert VIEW.render_priority(clean.response.content, Metadata(flow=clean)) < 0
    assert VIEW.render_priority(data, Metadata()) < 0


def test_auto_view_picks_pinterest_for_annotated_flows(tctx: taddons.context) -> None:
    hit = flow("GET", "/v5/pins/1", status=401, body=error(3, "Not authorized"))
    clean = flow("GET", "/v5/pins/2", body={"id": "2"})
    analysed(tctx, hit, clean)
    assert contentviews.prettify_message(hit.response, hit).view_name == "Pinterest"
    assert contentviews.prettify_message(hit.request, hit).view_name == "Pinterest"
    assert contentviews.prettify_message(clean.response, clean).view_name == "JSON"


def test_prettify_shows_findings_context_and_pretty_body(tctx: taddons.context) -> None:
    f = flow("GET", "/v5/pins/1", status=401, body=error(3, "Not authorized"))
    analysed(tctx, f)
    text = contentviews.prettify_message(f.response, f).text
    found = f.metadata["pinscope"][0]
    folded = " ".join(text.split())  # long lines are folded at WIDTH columns
    for value in (found["rule"], found["severity"], found["message"], found["fix"], found["docs"]):
        assert value in folded
    assert max(len(line) for line in text.split("\n\n")[0].splitlines()) <= WIDTH
    context = f.metadata["pinscope_context"]
    assert f"operation: {context['operation']}" in text
    assert "required scopes: boards:read AND pins:read" in text
    assert f"rate-limit category: {context['category']}" in text
    assert f"token: {context['token']}" in text
    assert json.dumps(error(3, "Not authorized"), indent=2) in text
    assert text.index("rule:") < text.index("operation:") < text.index('"code": 3')


def test_prettify_without_annotations_is_still_useful() -> None:
    text = VIEW.prettify(b"", Metadata())
    assert "no findings" in text and "(no body)" in text


def test_body_secrets_are_masked() -> None:
    grant = token_grant("pins:read")
    json_text = VIEW.prettify(grant.response.content, Metadata(flow=grant))
    form_text = VIEW.prettify(grant.request.content, Metadata(
        flow=grant, content_type="application/x-www-form-urlencoded"))
    plain_text = VIEW.prettify(f"see {REFRESH} here".encode(), Metadata(content_type="text/plain"))
    assert '"access_token": "pina…' in json_text and '"scope": "pins:read"' in json_text
    assert "grant_type: authorization_code" in form_text
    for text in (json_text, form_text, plain_text):
        assert not [s for s in SECRETS if s in text]
    assert ACCESS not in json_text and AUTH_CODE not in form_text and "pinr…" in plain_text


def test_binary_body_is_described_not_dumped() -> None:
    text = VIEW.prettify(bytes(range(256)) * 4, Metadata(content_type="image/png"))
    assert "1024 bytes of image/png" in text


def test_repeated_registration_keeps_one_working_view(tctx: taddons.context) -> None:
    register()
    register()
    assert [name for name in contentviews.registry if name == "pinterest"] == ["pinterest"]
    assert isinstance(contentviews.registry["Pinterest"], PinterestContentview)
    f = flow("GET", "/v5/pins/1", status=401, body=error(3, "Not authorized"))
    analysed(tctx, f)
    assert contentviews.prettify_message(f.response, f).view_name == "Pinterest"


def test_findings_are_shown_worst_first() -> None:
    f = flow("GET", "/v5/boards", status=401, body=error(3, "Not authorized"))
    f.metadata["pinscope"] = [
        {"rule": "scope-not-granted", "severity": "warning", "title": "t", "message": "m", "fix": "x",
         "docs": "https://d"},
        {"rule": "insufficient-scope", "severity": "error", "title": "t", "message": "m", "fix": "x",
         "docs": "https://d"},
    ]
    text = VIEW.prettify(f.response.content, Metadata(flow=f))
    assert text.index("rule: insufficient-scope") < text.index("rule: scope-not-granted")
