"""`pinscope scopes --plan CAPTURE`: the scope plan of a capture the test writes."""

from __future__ import annotations

from pathlib import Path

import pytest

from pinscope import cli
from tests.flowkit import ACCESS_2, APP_ID, SECRETS, error, flow, token_grant
from tests.test_capture import write_har, write_mitm


def call(capsys, *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    assert not any(secret in out + err for secret in SECRETS)
    return code, out, err


def session_flows() -> list:
    return [
        token_grant("boards:read pins:read pins:write ads:read"),
        token_grant("pins:read", access=ACCESS_2, at=1),
        flow("GET", "/v5/boards", at=2, body={"items": []}),
        flow("GET", "/v5/pins/1", at=3, body={"id": "1"}),
        flow("GET", "/v5/search/boards?query=x", at=4, token=ACCESS_2, status=401,
             body=error(3, "Not authorized")),
    ]


@pytest.mark.parametrize("writer", [write_mitm, write_har], ids=["mitm", "har"])
def test_plan_of_a_capture(capsys, tmp_path: Path, writer) -> None:
    capture = writer(tmp_path / ("session.mitm" if writer is write_mitm else "session.har"), session_flows())
    code, out, err = call(capsys, "scopes", "--plan", str(capture))
    assert code == 0 and err == "", err
    lines, words = out.splitlines(), " ".join(out.split())  # tables and long lines wrap at 80 columns
    assert "Smallest scope set: boards:read, boards:read_secret, pins:read (for the 4 operations called)" in words
    url = next(line for line in lines if line.startswith("https://www.pinterest.com/oauth/?"))  # never wrapped
    assert url == (f"https://www.pinterest.com/oauth/?client_id={APP_ID}"
                   "&redirect_uri=http%3A%2F%2Flocalhost%3A8085%2F&response_type=code"
                   "&scope=boards:read,boards:read_secret,pins:read")
    assert "GET /v5/search/boards" in out and "boards:read_secret" in out
    table = out[out.index("Tokens with a known grant"):]
    assert table.count("pina…") == 2 and "ads:read," in table and "pins:write" in table


def test_plan_without_a_seen_app_uses_placeholders(capsys, tmp_path: Path) -> None:
    capture = write_mitm(tmp_path / "calls.mitm", session_flows()[2:])
    code, out, _ = call(capsys, "scopes", "--plan", str(capture))
    assert code == 0
    assert "client_id=YOUR_APP_ID&redirect_uri=YOUR_REDIRECT_URI&response_type=code" in out
    assert "Tokens with a known grant" not in out


@pytest.mark.parametrize(("argv", "pieces"), [
    (["scopes"], ["METHOD PATH", "--plan CAPTURE"]),
    (["scopes", "GET"], ["METHOD PATH"]),
    (["scopes", "GET", "/v5/boards", "--plan", "x.mitm"], ["not both"]),
    (["scopes", "--plan", "missing.mitm"], ["missing.mitm"]),
])
def test_bad_invocations_fail_with_one_line(capsys, tmp_path: Path, monkeypatch, argv, pieces) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, err = call(capsys, *argv)
    assert code == 2 and out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "error" in lines[0] and all(p in lines[0] for p in pieces), err


def test_capture_without_api_calls(capsys, tmp_path: Path) -> None:
    capture = write_mitm(tmp_path / "other.mitm", [flow("GET", "/", host="example.com", token=None)])
    code, _, err = call(capsys, "scopes", "--plan", str(capture))
    assert code == 2 and "no Pinterest API v5 operation" in err


def test_single_operation_form_still_works(capsys) -> None:
    code, out, _ = call(capsys, "scopes", "GET", "/v5/search/boards")
    assert code == 0 and "boards:read AND boards:read_secret" in out
