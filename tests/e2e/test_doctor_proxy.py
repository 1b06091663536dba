"""`pinscope doctor --proxy` against a real `pinscope dump --simulator`: answers come from the simulator."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from pinscope import cli, doctor
from tests.e2e.tool import Tool

pytestmark = pytest.mark.e2e
PINSCOPE = Path(sys.executable).parent / "pinscope"


@pytest.fixture(scope="module")
def proxy(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[tuple[str, int], Path]]:
    """A running pinscope proxy with the simulator mounted (nothing reaches Pinterest), and its confdir."""
    confdir = tmp_path_factory.mktemp("doctor-conf")
    tool = Tool([str(PINSCOPE), "dump", "--simulator", "--listen-port", "0", "--set", f"confdir={confdir}"])
    try:
        port = int(tool.wait_for(r"proxy listening at 127\.0\.0\.1:(\d+)").group(1))
        yield ("127.0.0.1", port), confdir
    finally:
        tool.stop()


def test_both_hosts_answer_through_the_proxy(proxy) -> None:
    address, confdir = proxy
    for host in doctor.HOSTS:
        check = doctor.through_proxy(address, host, confdir / "mitmproxy-ca-cert.pem")
        assert check.status == "OK" and check.detail.startswith("answered 401"), check


def test_another_ca_is_named_as_the_cause(proxy, tmp_path: Path) -> None:
    address, _ = proxy
    check = doctor.through_proxy(address, "api.pinterest.com", tmp_path / "mitmproxy-ca-cert.pem")
    assert check.status == "FAIL" and "certificate not trusted" in check.detail and "--confdir" in check.fix


def test_the_command_prints_the_proxy_lines(proxy, capsys) -> None:
    (host, port), confdir = proxy
    cli.main(["doctor", "--confdir", str(confdir), "--proxy", f"http://{host}:{port}"])
    out = capsys.readouterr().out
    assert f"OK    api-sandbox.pinterest.com through the proxy: answered 401 through http://{host}:{port}" in out
