"""`pinscope doctor`: each check on a prepared machine (temp HOME/confdir, environment, ports, DNS)."""

from __future__ import annotations

import io
import socket
import threading
from pathlib import Path

import pytest
from mitmproxy.certs import CertStore
from rich.console import Console

from pinscope import cli, doctor
from pinscope.commands.doctor import print_checks
from pinscope.doctor_trust import Check, ca_path, check_ca, trust_checks


@pytest.fixture(scope="module")
def confdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A confdir holding a CA made as mitmproxy makes it."""
    path = tmp_path_factory.mktemp("conf")
    CertStore.from_store(path, "mitmproxy", 2048)
    return path


@pytest.fixture
def ca(confdir: Path) -> Path:
    return confdir / "mitmproxy-ca-cert.pem"


def bundle(tmp_path: Path, *members: Path) -> Path:
    """A CA bundle of these PEM files plus one other certificate (the CA must be found among several)."""
    other = tmp_path / "other"
    CertStore.from_store(other, "other", 2048)
    path = tmp_path / "bundle.pem"
    path.write_text("".join(p.read_text() for p in (other / "other-ca-cert.pem", *members)))
    return path


def by_name(checks: list[Check]) -> dict[str, Check]:
    return {check.name: check for check in checks}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_missing_ca_fails_with_the_fix(tmp_path: Path) -> None:
    check, der = check_ca(ca_path(str(tmp_path)))
    assert check.status == "FAIL" and der is None
    assert str(tmp_path / "mitmproxy-ca-cert.pem") in check.detail and "pinscope web" in check.fix


def test_default_confdir_is_under_home(monkeypatch, tmp_path: Path, ca: Path) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    (tmp_path / ".mitmproxy").mkdir()
    (tmp_path / ".mitmproxy" / "mitmproxy-ca-cert.pem").write_bytes(ca.read_bytes())
    check, der = check_ca(ca_path(None))
    assert check.status == "OK" and der


def test_a_file_without_a_certificate_fails(tmp_path: Path) -> None:
    (tmp_path / "mitmproxy-ca-cert.pem").write_text("not a certificate")
    assert check_ca(ca_path(str(tmp_path)))[0].status == "FAIL"


def test_every_client_trusts_the_ca_through_its_variable(tmp_path: Path, ca: Path) -> None:
    der = check_ca(ca)[1]
    with_ca, empty = bundle(tmp_path, ca), tmp_path / "empty"
    empty.mkdir()
    env = {"SSL_CERT_FILE": str(with_ca), "SSL_CERT_DIR": str(empty), "REQUESTS_CA_BUNDLE": str(with_ca),
           "NODE_EXTRA_CA_CERTS": str(ca)}
    checks = by_name(trust_checks(der, ca, env, which=lambda tool: f"/usr/bin/{tool}"))
    assert {name: c.status for name, c in checks.items()} == {
        "Python ssl": "OK", "certifi / requests": "OK", "curl": "OK", "node": "OK"}
    assert "SSL_CERT_FILE" in checks["curl"].detail  # curl reads it when CURL_CA_BUNDLE is unset


def test_clients_without_the_ca_warn_with_their_fix(tmp_path: Path, ca: Path) -> None:
    der = check_ca(ca)[1]
    without, empty = bundle(tmp_path), tmp_path / "empty"
    empty.mkdir()
    env = {"SSL_CERT_FILE": str(without), "SSL_CERT_DIR": str(empty), "CURL_CA_BUNDLE": str(without)}
    checks = by_name(trust_checks(der, ca, env, which=lambda tool: f"/usr/bin/{tool}"))
    assert {c.status for c in checks.values()} == {"WARN"}
    assert f"REQUESTS_CA_BUNDLE={ca}" in checks["certifi / requests"].fix  # certifi lacks a fresh CA
    assert f"CURL_CA_BUNDLE={ca}" in checks["curl"].fix and str(without) in checks["curl"].detail
    assert f"NODE_EXTRA_CA_CERTS={ca}" in checks["node"].fix


def test_clients_not_installed_are_not_checked(tmp_path: Path, ca: Path) -> None:
    checks = by_name(trust_checks(check_ca(ca)[1], ca, {}, which=lambda tool: None))
    assert checks["node"].status == checks["curl"].status == "OK"
    assert "not on PATH" in checks["node"].detail


def test_proxy_variables() -> None:
    assert doctor.proxy_env_checks({})[0].status == "WARN"
    assert "only http_proxy" in doctor.proxy_env_checks({"http_proxy": "http://127.0.0.1:8080"})[0].detail
    ok = doctor.proxy_env_checks({"HTTPS_PROXY": "http://me:secret@127.0.0.1:8080", "NO_PROXY": "localhost"})
    assert [c.status for c in ok] == ["OK"] and "secret" not in ok[0].detail
    differ = {"HTTPS_PROXY": "http://127.0.0.1:8080", "https_proxy": "http://127.0.0.1:9090"}
    assert doctor.proxy_env_checks(differ)[0].status == "WARN"


@pytest.mark.parametrize(("no_proxy", "bypassed"), [
    ("api.pinterest.com", True), (".pinterest.com", True), ("*.pinterest.com", True), ("*", True),
    ("localhost, pinterest.com:443", True), ("localhost,127.0.0.1", False), ("notpinterest.com", False),
    ("", False)])
def test_no_proxy_covering_pinterest_fails(no_proxy: str, bypassed: bool) -> None:
    assert doctor.bypasses(no_proxy, "api.pinterest.com") is bypassed
    checks = doctor.proxy_env_checks({"HTTPS_PROXY": "http://127.0.0.1:8080", "no_proxy": no_proxy})
    assert any(c.status == "FAIL" and c.name == "no_proxy" for c in checks) is bypassed


def test_a_port_in_use_warns_and_a_free_one_passes() -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        taken = busy.getsockname()[1]
        used, free = doctor.port_checks((taken, free_port()))
    assert used.status == "WARN" and f"127.0.0.1:{taken} is in use" in used.detail and "--listen-port" in used.fix
    assert free.status == "OK"


def test_dns_failure_is_a_finding(monkeypatch) -> None:
    def unresolvable(*args, **kwargs):
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", unresolvable)
    checks = doctor.dns_checks(doctor.HOSTS)
    assert [c.status for c in checks] == ["FAIL", "FAIL"]
    assert "does not resolve: [Errno -2] Name or service not known" in checks[0].detail
    assert "--simulator" in checks[0].fix


def test_a_resolver_that_never_answers_is_abandoned() -> None:
    release = threading.Event()
    try:
        error = doctor.resolve_error("api.pinterest.com", 0.2, resolve=lambda *a, **k: release.wait(30))
    finally:
        release.set()
    assert error == "no answer within 0.2 s"
    assert doctor.resolve_error("pinscope.invalid") is not None  # the real resolver: .invalid never resolves


def test_nothing_listening_at_the_proxy(ca: Path) -> None:
    check = doctor.through_proxy(("127.0.0.1", free_port()), "api.pinterest.com", ca, timeout=5)
    assert check.status == "FAIL" and "nothing listens at http://127.0.0.1:" in check.detail


@pytest.mark.parametrize("url", ["ftp://127.0.0.1:21", "127.0.0.1:8080", "http://127.0.0.1:99999", "http://"])
def test_a_bad_proxy_url_is_refused(capsys, url: str) -> None:
    assert cli.main(["doctor", "--proxy", url]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "--proxy: expected http://HOST:PORT" in err


def test_lines_show_status_check_and_fix() -> None:
    out = io.StringIO()
    print_checks(Console(file=out, width=60, color_system=None),
                 [Check("OK", "port 8080", "free"), Check("FAIL", "NO_PROXY", "covers api.pinterest.com " * 4,
                                                          "remove it")])
    lines = out.getvalue().splitlines()
    assert lines[0] == "OK    port 8080: free"
    assert len(lines) == 2 and lines[1].startswith("FAIL  NO_PROXY: covers") and lines[1].endswith(". Fix: remove it")


@pytest.fixture
def healthy(monkeypatch, tmp_path: Path, ca: Path) -> None:
    """A machine where every check passes: CA trusted everywhere, proxy set, ports free, DNS answering."""
    with_ca, empty = bundle(tmp_path, ca), tmp_path / "empty"
    empty.mkdir()
    for name in ("HTTP_PROXY", "http_proxy", "https_proxy", "NO_PROXY", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
    for name in ("SSL_CERT_FILE", "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE", "NODE_EXTRA_CA_CERTS"):
        monkeypatch.setenv(name, str(with_ca))
    monkeypatch.setenv("SSL_CERT_DIR", str(empty))
    monkeypatch.setenv("HTTPS_PROXY", "http://127.0.0.1:8080")
    monkeypatch.setattr(doctor, "PORTS", (free_port(),))
    monkeypatch.setattr(socket, "getaddrinfo", lambda *a, **k: [])


def test_doctor_exits_0_when_all_pass(capsys, healthy, ca: Path) -> None:
    assert cli.main(["doctor", "--confdir", str(ca.parent)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 11 and all(line.startswith("OK ") for line in lines), lines


def test_doctor_exits_1_when_a_check_fails(capsys, monkeypatch, healthy, tmp_path: Path) -> None:
    monkeypatch.setenv("NO_PROXY", "localhost,.pinterest.com")
    assert cli.main(["doctor", "--confdir", str(tmp_path / "nothing")]) == 1
    out = capsys.readouterr().out
    assert "FAIL  mitmproxy CA:" in out and "FAIL  NO_PROXY: covers api.pinterest.com, api-sandbox" in out
    assert "Python ssl" not in out  # nothing to trust without a CA
