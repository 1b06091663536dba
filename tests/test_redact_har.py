"""`pinscope redact`: a HAR 1.2 with no secret left, the findings on each entry, and the same findings when re-read."""

from __future__ import annotations

import base64
import gzip
import json
import stat
from collections.abc import Callable
from pathlib import Path

import pytest
from mitmproxy import http
from mitmproxy.flow import Error

from pinscope import cli
from pinscope.capture import open_capture
from pinscope.engine import Engine
from pinscope.exchange import from_flow
from pinscope.redacthar import redact_flows
from pinscope.redacthar.mask import Masker
from pinscope.tokens import parse_authorization
from pinscope.untrusted import MAX_BODY_BYTES
from tests.canaries import CASES, exposed
from tests.flowkit import ACCESS, APP_SECRET, REFRESH, SECRETS, basic, error, flow, token_grant
from tests.test_canaries import to_flow
from tests.test_capture import write_mitm
from tests.test_report import scenario
from tests.test_report_html import demo_flows

COOKIE = "sessionsecret0000000000000000000042"


def canaries() -> list[http.HTTPFlow]:
    return [to_flow(case, index) for index, case in enumerate(CASES)]


def extras() -> list[http.HTTPFlow]:
    """Cookies, a gzip answer, a binary body, a deep JSON body and a call that got no answer."""
    cookie = flow("GET", "/v5/boards", at=1, request_headers={"cookie": f"_pinterest_sess={COOKIE}; lang=en"},
                  headers={"set-cookie": f"_auth={COOKIE}; Path=/; Secure; HttpOnly"}, body={"items": []})
    zipped = flow("GET", "/v5/pins/1", at=2, status=401, body=None, headers={"content-encoding": "gzip"})
    zipped.response.raw_content = gzip.compress(json.dumps(error(2, f"Authentication failed. {ACCESS}")).encode())
    binary = flow("GET", "/v5/media/1", at=3, body=None)
    binary.response.content = bytes(range(256)) + ACCESS.encode()
    deep: object = {"refresh_token": REFRESH}
    for _ in range(100):
        deep = {"next": deep}
    nested = flow("POST", "/v5/pins", at=4, request_json={"a": [{"access_token": ACCESS}], "deep": deep},
                  status=400, body=error(1, "Invalid parameters"))
    failed = flow("GET", f"/v5/pins/2?access_token={ACCESS}", at=5, token=None, status=None)
    failed.error = Error(f"connection refused while sending {ACCESS}")
    return [token_grant("pins:read boards:read"), cookie, zipped, binary, nested, failed]


def rules_per_flow(flows: list[http.HTTPFlow]) -> list[list[str]]:
    engine = Engine()
    return [sorted(f.rule for f in engine.analyze(from_flow(fl))) for fl in flows]


def redacted(make: Callable[[], list[http.HTTPFlow]], tmp_path: Path) -> tuple[Path, dict]:
    out = tmp_path / "shared.har"
    redact_flows(make, out)
    return out, json.loads(out.read_text(encoding="utf-8"))


def test_the_canary_capture_holds_no_planted_secret(tmp_path: Path, capsys) -> None:
    capture = write_mitm(tmp_path / "canaries.mitm", canaries())
    out = tmp_path / "shared.har"
    assert cli.main(["redact", str(capture), "-o", str(out)]) == 0
    assert "14 entries written" in capsys.readouterr().out
    text = out.read_text(encoding="utf-8")
    assert exposed({"har": text}) == []
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert "pina_REDACTED-" in text and "app 1234567 (secret …" in text  # labels, not blanks


@pytest.mark.parametrize("make", [scenario, demo_flows, canaries, extras], ids=["scenario", "demo", "canaries", "extras"])
def test_re_analysis_gives_the_same_findings(make: Callable[[], list[http.HTTPFlow]], tmp_path: Path) -> None:
    out, har = redacted(make, tmp_path)
    before = rules_per_flow(make())
    assert any(before), "the flows must find something for this test to mean anything"
    assert [sorted(f["rule"] for f in e["_pinscope"]) for e in har["log"]["entries"]] == before
    assert rules_per_flow(list(open_capture(out).flows())) == before


def test_flowkit_secrets_and_cookies_are_masked(tmp_path: Path) -> None:
    out, har = redacted(lambda: [*scenario(), *extras()], tmp_path)
    text = out.read_text(encoding="utf-8")
    assert [s for s in (*SECRETS, COOKIE) if s in text or s[-12:] in text] == []
    entries = har["log"]["entries"]
    cookie = next(e for e in entries if e["request"]["cookies"])
    assert {c["name"]: c["value"][:1] for c in cookie["request"]["cookies"]} == {"_pinterest_sess": "…", "lang": "…"}
    assert cookie["response"]["cookies"][0]["value"].startswith("…")
    assert cookie["response"]["cookies"][0]["secure"] is True  # attributes kept


def test_bodies_that_cannot_be_masked_are_dropped_with_a_note(tmp_path: Path) -> None:
    _, har = redacted(extras, tmp_path)
    binary = next(e for e in har["log"]["entries"] if "/v5/media/1" in e["request"]["url"])
    assert binary["response"]["content"]["text"] == ""
    assert "response body dropped (binary" in binary["comment"]
    zipped = next(e for e in har["log"]["entries"] if "/v5/pins/1" in e["request"]["url"])
    assert "Authentication failed. pina_REDACTED-" in zipped["response"]["content"]["text"]  # decoded, masked
    failed = har["log"]["entries"][-1]
    assert failed["response"]["status"] == 0 and "pina_REDACTED-" in failed["response"]["_error"]


def test_the_har_is_valid_har_1_2(tmp_path: Path) -> None:
    _, har = redacted(lambda: [*demo_flows(), *canaries(), *extras()], tmp_path)
    log = har["log"]
    assert log["version"] == "1.2" and log["creator"]["name"] == "pinscope" and log["creator"]["version"]
    for entry in log["entries"]:
        assert {"startedDateTime", "time", "request", "response", "cache", "timings"} <= entry.keys()
        assert isinstance(entry["time"], int | float) and entry["startedDateTime"].endswith("+00:00")
        assert {"method", "url", "httpVersion", "cookies", "headers", "queryString", "headersSize",
                "bodySize"} <= entry["request"].keys()
        assert {"status", "statusText", "httpVersion", "cookies", "headers", "content", "redirectURL",
                "headersSize", "bodySize"} <= entry["response"].keys()
        if entry["response"]["status"]:  # a call without answer: mitmproxy's export, status 0
            assert {"size", "mimeType"} <= entry["response"]["content"].keys()
        assert {"send", "wait", "receive"} <= entry["timings"].keys()
        for finding in entry["_pinscope"]:
            assert {"rule", "severity", "message", "fix", "docs"} <= finding.keys()


def test_a_redacted_har_is_read_back_and_redacted_again_unchanged(tmp_path: Path) -> None:
    first = tmp_path / "first.har"
    redact_flows(canaries, first)
    second = tmp_path / "second.har"
    assert cli.main(["redact", str(first), "-o", str(second)]) == 0
    one, two = (json.loads(p.read_text(encoding="utf-8"))["log"]["entries"] for p in (first, second))
    values = [[(h["name"], h["value"]) for h in e["request"]["headers"]] for e in (*one, *two)]
    assert values[:len(one)] == values[len(one):]
    assert [e["request"]["url"] for e in one] == [e["request"]["url"] for e in two]


@pytest.mark.parametrize("value", [
    f"Bearer {ACCESS}", f"Bearer {REFRESH}", basic(), "Basic 1234567:" + APP_SECRET, "Basic !!notbase64",
    "Basic " + base64.b64encode(APP_SECRET.encode()).decode(), ACCESS, f"Token {APP_SECRET}",
    f"{APP_SECRET} extra", "Bearer x" * 3,
])
def test_a_masked_authorization_reads_as_the_same_kind_of_credential(value: str) -> None:
    before, after = parse_authorization(value), parse_authorization(Masker().authorization(value))
    assert (after.kind, after.problem, after.app_id) == (before.kind, before.problem, before.app_id)
    assert APP_SECRET[-12:] not in Masker().authorization(value) and ACCESS[-12:] not in Masker().authorization(value)


def test_json_keeps_error_codes_and_token_type() -> None:
    masked = Masker().json({"code": "2", "token_type": "bearer", "client_secret": "hunter2", "note": f"x {ACCESS}"})
    assert masked["code"] == "2" and masked["token_type"] == "bearer"
    assert masked["client_secret"].startswith("…") and masked["note"].startswith("x pina_REDACTED-")


@pytest.mark.parametrize("args,message", [
    (["missing.har"], "no such file"),
    (["bad.har"], "not a valid HAR file"),
    (["bad.har", "same"], "that is the capture being redacted"),
    (["bad.har", "nofolder/out.har"], "does not exist"),
])
def test_bad_input_is_one_line_and_exit_2(args: list[str], message: str, tmp_path: Path, capsys) -> None:
    (tmp_path / "bad.har").write_text('{"log": {"entries": 3}}', encoding="utf-8")
    capture = tmp_path / args[0]
    out = capture if args[1:] == ["same"] else tmp_path / (args[1] if args[1:] else "out.har")
    assert cli.main(["redact", str(capture), "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and message in err, err
    assert not (tmp_path / "out.har").exists() and [p.name for p in tmp_path.iterdir()] == ["bad.har"]


def test_an_unread_body_is_dropped_so_body_not_read_stays_only_in_the_findings(tmp_path: Path) -> None:
    """The one rule that cannot survive redaction: its evidence is a body pinscope could not read, and
    bytes nobody read cannot be shared. The finding stays on the entry; a re-analysis no longer sees it."""
    bomb = flow("GET", "/v5/pins/3", body=None, headers={"content-encoding": "gzip"})
    bomb.response.raw_content = gzip.compress(b" " * (MAX_BODY_BYTES + 1))
    out, har = redacted(lambda: [bomb], tmp_path)
    (entry,) = har["log"]["entries"]
    assert [f["rule"] for f in entry["_pinscope"]] == ["body-not-read"]
    assert "response body dropped (decodes to more than 1 MiB" in entry["comment"]
    assert rules_per_flow(list(open_capture(out).flows())) == [[]]
