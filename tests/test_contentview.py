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


def test_priority_beats_json_for_pinterest_api_flows_only(tctx: taddons.context) -> None:
    hit = flow("GET", "/v5/pins/1", status=401, body=error(3, "Not authorized"))
    healthy = flow("GET", "/v5/pins/2", body={"id": "2"})
    other = flow("GET", "/api/items", host="shop.example.com", token=None, body={"id": "2"})
    analysed(tctx, hit, healthy, other)
    data = hit.response.content
    json_priority = contentviews.registry["json"].render_priority(
        data, Metadata(flow=hit, content_type="application/json"))
    assert VIEW.render_priority(data, Metadata(flow=hit, content_type="application/json")) > json_priority
    assert VIEW.render_priority(healthy.response.content, Metadata(flow=healthy)) > json_priority
    assert VIEW.render_priority(other.response.content, Metadata(flow=other)) < 0
    assert VIEW.render_priority(data, Metadata()) < 0


def test_auto_view_picks_pinterest_for_api_flows_request_and_response(tctx: taddons.context) -> None:
    hit = flow("GET", "/v5/pins/1", status=401, body=error(3, "Not authorized"))
    healthy = flow("GET", "/v5/pins/2", body={"id": "2"})
    other = flow("GET", "/api/items", host="shop.example.com", token=None, body={"id": "2"})
    analysed(tctx, hit, healthy, other)
    for f in (hit, healthy):
        assert contentviews.prettify_message(f.response, f).view_name == "Pinterest"
        assert contentviews.prettify_message(f.request, f).view_name == "Pinterest"
    view = contentviews.prettify_message(healthy.response, healthy).text
    assert "no findings" in view and "operation: GET /v5/pins/{pin_id}" in view and "token: pina…" in view
    assert "rate-limit category: org_read" in view and "required scopes: " in view
    assert contentviews.prettify_message(other.response, other).view_name == "JSON"


def test_request_without_body_still_shows_findings_and_context(tctx: taddons.context) -> None:
    f = flow("GET", "/v5/pins/1", status=401, body=error(3, "Not authorized"))
    analysed(tctx, f)
    view = contentviews.prettify_message(f.request, f)
    assert view.view_name == "Pinterest" and f.request.content == b""
    assert "- rule: insufficient-scope" in view.text and "operation: GET /v5/pins/{pin_id}" in view.text


def test_every_line_fits_the_pane_even_the_longest_docs_url() -> None:
    long_url = "https://developers.pinterest.com/docs/getting-started/set-up-authentication-and-authorization/"
    f = flow("GET", "/v5/boards", status=401, body=error(2, "Authentication failed."))
    f.metadata["pinscope"] = [{"rule": "token-leak", "severity": "error", "title": "t", "message": "m " * 70,
                               "fix": "x", "docs": long_url}]
    f.metadata["pinscope_context"] = {"operation": "GET /v5/ad_accounts/{ad_account_id}/campaigns/analytics",
                                      "scopes": [["ads:read", "boards:read", "pins:read", "user_accounts:read"]] * 3,
                                      "token": "pina…28a73821"}
    header = VIEW.prettify(b"", Metadata(flow=f)).split("\n\n")[0]
    assert max(len(line) for line in header.splitlines()) <= WIDTH <= 80
    docs = header.split("docs: ", 1)[1].split("\n")
    assert "".join(line.strip() for line in docs[:2]) == long_url, "cut after a slash, whole when joined"
    assert docs[0].endswith("/")


def test_token_leak_flow_names_the_leaked_token(tctx: taddons.context) -> None:
    leak = flow("GET", "/v1/events", host="collect.tracker.example", status=204)
    analysed(tctx, leak)
    assert [item["rule"] for item in leak.metadata["pinscope"]] == ["token-leak"]
    text = contentviews.prettify_message(leak.request, leak).text
    assert "token: pina…" in text and "token: none" not in text
    assert leak.metadata["pinscope_context"]["token"] in leak.metadata["pinscope"][0]["message"]


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


def test_long_body_lines_fold_and_keep_every_word() -> None:
    said = "Your token does not have sufficient permissions to perform this operation. " * 3
    text = VIEW.prettify(json.dumps({"code": 3, "message": said}).encode(), Metadata())
    body = text.split("\n\n", 1)[1]
    assert max(len(line) for line in text.splitlines()) <= WIDTH
    assert " ".join(body.split()) == " ".join(json.dumps({"code": 3, "message": said}, indent=2).split())
