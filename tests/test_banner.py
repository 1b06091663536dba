"""banner.py: where mitmproxy listens, in words, with one warning for what other machines can reach.
(The real processes, with the addresses mitmproxy bound: tests/e2e/test_process_edges.py.)"""

from __future__ import annotations

import logging

import pytest

from pinscope.banner import Listening, is_loopback, lines, show


@pytest.mark.parametrize("host", ["127.0.0.1", "127.8.9.10", "::1", "localhost", "LocalHost"])
def test_loopback_hosts(host: str) -> None:
    assert is_loopback(host)


@pytest.mark.parametrize("host", ["", "0.0.0.0", "::", "192.168.1.20", "10.0.0.1", "fe80::1%eth0", "myhost",
                                  "127.0.0.1.example.com"])
def test_hosts_other_machines_may_reach(host: str) -> None:
    assert not is_loopback(host)


@pytest.mark.parametrize(("address", "shown"), [
    (("127.0.0.1", 8080), "127.0.0.1:8080"), (("::1", 8080), "[::1]:8080"), (("", 8081), "*:8081"),
])
def test_addresses_are_shown_as_urls_write_them(address: tuple[str, int], shown: str) -> None:
    assert show(address) == shown


def test_this_machine_only_has_no_warning() -> None:
    said = lines(Listening(proxy=(("127.0.0.1", 8080),), web=("127.0.0.1", 8081), web_password=False))
    assert [level for level, _ in said] == [logging.INFO, logging.INFO]
    assert said[0][1].startswith("pinscope: web UI http://127.0.0.1:8081/ (this machine only; mitmweb "
                                 "requires its access token")
    assert said[1][1].startswith("pinscope: proxy 127.0.0.1:8080 (this machine only;")


def test_every_exposed_address_is_named_in_one_warning() -> None:
    said = lines(Listening(proxy=(("0.0.0.0", 8080), ("::", 8080), ("127.0.0.1", 9090)), web=("", 8081),
                           web_password=True))
    warnings = [line for level, line in said if level == logging.WARNING]
    assert warnings == ["pinscope: WARNING: reachable from other machines: proxy 0.0.0.0:8080, "
                        "proxy [::]:8080, web UI *:8081 (use --listen-host 127.0.0.1 / "
                        "--web-host 127.0.0.1 unless you mean it)"]
    assert "(reachable from other machines; mitmweb asks for the web_password you set)" in said[0][1]


def test_mitmdump_without_a_server_says_so() -> None:
    said = lines(Listening(proxy=(), web=None, web_password=False))
    assert said == [(logging.INFO, "pinscope: the proxy is not listening (no server, e.g. -n)")]
