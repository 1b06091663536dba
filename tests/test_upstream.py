"""Pinterest out of reach (exchange/upstream.py, detectors/upstream.py, the addon's CONNECT hook) and
`pinscope web|dump --simulator` (commands/mitm.py, simulator/mount.py's banner)."""

from __future__ import annotations

import pytest
from mitmproxy.addons.view import View
from mitmproxy.flow import Error
from mitmproxy.test import taddons

from pinscope.addon import Pinscope
from pinscope.cli import main
from pinscope.commands import dump, web
from pinscope.commands.mitm import simulator_script
from pinscope.exchange import from_flow
from pinscope.exchange.upstream import cause, proxy_made
from pinscope.simulator.mount import banner_lines
from tests.cases.upstream import DNS, MITM_PAGE, REFUSED, failed_connect, mitm_page
from tests.flowkit import ACCESS, flow


@pytest.mark.parametrize(("error", "expected"), [
    (DNS, "dns"), ("[Errno 8] nodename nor servname provided, or not known", "dns"),
    ("[Errno 11001] getaddrinfo failed", "dns"), (REFUSED, "refused"),
    ("Multiple exceptions: [Errno 111] Connect call failed ('::1', 9), [Errno 111] Connect call failed", "refused"),
    ("[Errno 110] Connection timed out", "timeout"), ("[Errno 101] Network is unreachable", "network"),
    ("Certificate verify failed: self-signed certificate in certificate chain", "tls"),
    ("Error connecting to 127.0.0.1:3128: [Errno 111] Connect call failed", "proxy"),
    ("Connection killed.", None), ("Server disconnected.", None), ("Client disconnected.", None),
    ("Response body exceeds mitmproxy's body_size_limit.", None), (None, None), ("", None),
])
def test_cause_names_failures_before_the_request_left(error: str | None, expected: str | None) -> None:
    assert cause(error) == expected


def test_mitmproxy_page_is_an_error_not_an_answer() -> None:
    ex = from_flow(mitm_page())
    assert ex.status is None and ex.error == "[Errno 111] Connect call failed ('127.0.0.1', 9)"
    assert proxy_made("GET", 502, {"server": "envoy"}, MITM_PAGE) is None  # Pinterest's own 502 stays one
    assert proxy_made("GET", 502, {"server": "mitmproxy 12", "x-pinterest-rid": "r"}, MITM_PAGE) is None
    assert proxy_made("GET", 500, {"server": "mitmproxy 12"}, MITM_PAGE) is None


def test_failed_connect_reads_as_its_cause_and_names_no_operation() -> None:
    ex = from_flow(failed_connect(f"Cannot connect to api.pinterest.com:443: {DNS} If you plan to redirect"))
    assert (ex.status, ex.error, ex.api_path) == (None, DNS, None)


def shown(f) -> str:  # noqa: ANN001
    """The comment and every finding's message and fix on the flow."""
    return " ".join([f.comment, *(f"{i['message']} {i['fix']}" for i in f.metadata.get("pinscope", []))])


def test_live_plain_http_stops_saying_revoke_once_the_call_failed() -> None:
    addon = Pinscope()
    with taddons.context(addon) as tctx:
        tctx.configure(addon)
        f = flow("GET", "/v5/user_account", scheme="http", status=None)
        addon.request(f)
        assert "crossed the network unencrypted, so revoke it" in shown(f)  # said before the outcome is known
        f.error = Error(REFUSED)
        addon.error(f)
    rules = [item["rule"] for item in f.metadata["pinscope"]]
    assert sorted(rules) == ["pinterest-unreachable", "plain-http"]
    assert "crossed the network" not in shown(f) and "never reached" in shown(f)
    assert ACCESS not in shown(f)
    logged = addon.engine.session.findings.rules["plain-http"]  # what the report will say
    assert logged.count == 1 and "crossed the network" not in logged.finding.fix


def test_failed_connect_to_pinterest_is_diagnosed_and_shown_in_the_flow_list() -> None:
    addon, view = Pinscope(), View()
    with taddons.context(addon, view) as tctx:
        tctx.configure(addon)
        f = failed_connect(f"Cannot connect to api.pinterest.com:443: {DNS}")
        addon.http_connect_error(f)
        other = failed_connect("Cannot connect to example.com:443: refused")
        other.request.host, other.request.headers["host"] = "example.com", "example.com:443"
        addon.http_connect_error(other)
    assert [item["rule"] for item in f.metadata["pinscope"]] == ["pinterest-unreachable"]
    assert f.comment.startswith("pinterest-unreachable") and f.marked == ":no_entry:"
    assert view.get_by_id(f.id) is f and view.get_by_id(other.id) is None and not other.comment


def call(capsys, monkeypatch, module, *argv: str) -> list[str]:  # noqa: ANN001
    launched: list[list[str]] = []
    monkeypatch.setattr(module, "launch", lambda command: launched.append(command) or 0)
    assert main(list(argv)) == 0, capsys.readouterr().err
    return launched[0]


@pytest.mark.parametrize("argv", [
    ("web", "--simulator"), ("web", "--listen-port", "9090", "--simulator", "--set", "a=b"),
    ("dump", "--set", "a=b", "--simulator", "-n"), ("dump", "-n", "--", "--simulator"),
])
def test_simulator_flag_before_among_or_after_mitmproxy_arguments(capsys, monkeypatch, argv) -> None:  # noqa: ANN001
    command = call(capsys, monkeypatch, web if argv[0] == "web" else dump, *argv)
    assert "--simulator" not in command
    assert command[command.index(str(simulator_script())) - 1] == "-s"
    assert "connection_strategy=lazy" in command
    user = [a for a in argv[1:] if a not in ("--simulator", "--")]
    assert command[len(command) - len(user):] == user, "user arguments come last, so they win"


def test_without_the_flag_nothing_is_mounted(capsys, monkeypatch) -> None:  # noqa: ANN001
    assert str(simulator_script()) not in call(capsys, monkeypatch, dump, "dump", "-n")


def test_simulator_banner_says_who_answers_and_how_to_get_a_token() -> None:
    lines = banner_lines(("127.0.0.1", 8080), "~/.mitmproxy", ("simulator.pinscope.test",))
    assert "api.pinterest.com and api-sandbox.pinterest.com" in lines[0] and "nothing reaches Pinterest" in lines[0]
    assert "curl -x http://127.0.0.1:8080 --cacert ~/.mitmproxy/mitmproxy-ca-cert.pem " \
           "https://simulator.pinscope.test/_sim/token -d app_id=" in lines[1]
    assert banner_lines(None, "~/.mitmproxy", ("simulator.pinscope.test",)) == lines[:1]
