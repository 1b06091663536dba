"""pinscope.phrases: facts kept as data read, in the rule files' words, as pinscope has always said them."""

from __future__ import annotations

from dataclasses import replace

import pytest

from pinscope.catalog import default_catalog
from pinscope.exchange.body import REQUEST_BODY, RESPONSE_BODY
from pinscope.exchange.decode import Unread
from pinscope.findings import Finding, render
from pinscope.phrases import reason, scope_sets, size, spoken, unread
from pinscope.rulebook import default_rules

BODY_NOT_READ = default_rules()["body-not-read"]


@pytest.mark.parametrize(("why", "text"), [
    (Unread("streamed", body=REQUEST_BODY), "request body: streamed by mitmproxy, not kept"),
    (Unread("larger", 1 << 20, body=RESPONSE_BODY), "response body: larger than 1 MiB"),
    (Unread("bomb", 4096, "gzip", RESPONSE_BODY), "response body: decodes to more than 4096 bytes (gzip)"),
    (Unread("codings", 4, body=REQUEST_BODY), "request body: more than 4 Content-Encodings"),
    (Unread("unknown_coding", coding="'compress'", body=RESPONSE_BODY),
     "response body: unknown Content-Encoding 'compress'"),
    (Unread("invalid", coding="br", body=RESPONSE_BODY), "response body: not valid br"),
    (Unread("truncated", coding="zstd", body=RESPONSE_BODY), "response body: not valid zstd (truncated)"),
])
def test_an_unread_body_reads_as_before(why: Unread, text: str) -> None:
    assert spoken(unread(why), BODY_NOT_READ) == text
    assert spoken(reason(why), BODY_NOT_READ) == text.partition(": ")[2]  # a HAR note: the reason alone


def test_both_bodies_are_joined_in_the_finding() -> None:
    reasons = [unread(Unread("larger", 1 << 20, body=REQUEST_BODY)), unread(Unread("streamed", body=RESPONSE_BODY))]
    finding = render(Finding("body-not-read", {"operation": "GET /v5/boards", "reasons": reasons}, "both"),
                     BODY_NOT_READ)
    assert finding.essence == ("not analysed: request body: larger than 1 MiB; "
                               "response body: streamed by mitmproxy, not kept")


def test_sizes() -> None:
    said = [spoken(size(n), BODY_NOT_READ) for n in (1 << 20, 3 << 20, 1000, 0)]
    assert said == ["1 MiB", "3 MiB", "1000 bytes", "0 bytes"]


@pytest.mark.parametrize(("sets", "text"), [
    ((), "no scopes"),
    ((frozenset({"pins:read"}),), "pins:read"),
    ((frozenset({"pins:read", "boards:read"}),), "boards:read AND pins:read"),
    ((frozenset({"ads:write", "ads:read"}), frozenset({"catalogs:read"})), "ads:read AND ads:write OR catalogs:read"),
])
def test_scope_sets_read_as_before(sets: tuple[frozenset[str], ...], text: str) -> None:
    op = replace(default_catalog().find("GET", "/v5/pins/{pin_id}"), scope_sets=sets)
    rule = default_rules()["scope-not-granted"]
    message = render(Finding("scope-not-granted", {"operation": op.label, "scope_sets": scope_sets(op)}), rule).message
    assert message.startswith(f"GET /v5/pins/{{pin_id}} needs {text}; ")
