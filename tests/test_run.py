"""`pinscope run`: its arguments, the environment COMMAND gets, the CA bundle, and the child's exit status."""

from __future__ import annotations

import argparse
import stat
import sys
from pathlib import Path

import pytest

from pinscope import cli
from pinscope.commands import CommandError
from pinscope.commands.run import command_of, proxy_options
from pinscope.commands.run_child import Forwarder
from pinscope.commands.run_env import (CA_VARIABLES, LOOPBACK, client_env, client_hints, system_ca_file,
                                       write_bundle)
from pinscope.settings import ProjectSettings, with_project_defaults

PROXY = "http://127.0.0.1:4321"
MITM_CA = "-----BEGIN CERTIFICATE-----\nMITMCA\n-----END CERTIFICATE-----\n"
COMPANY_CA = "-----BEGIN CERTIFICATE-----\nCOMPANYCA\n-----END CERTIFICATE-----\n"


def parse(*argv: str) -> argparse.Namespace:
    args, extra = cli.build_parser().parse_known_args(["run", *argv])
    assert extra == []
    return args


def test_everything_after_the_separator_is_the_command_even_pinscope_options() -> None:
    args = parse("--fail-on", "error", "--report", "a.json", "--silence", "beta-endpoint", "--simulator",
                 "--", "pytest", "-x", "--report", "b.json", "--fail-on", "warning")
    assert (args.fail_on, args.report, args.silence, args.simulator) == ("error", ["a.json"], ["beta-endpoint"], True)
    assert command_of(args.command) == ["pytest", "-x", "--report", "b.json", "--fail-on", "warning"]


def test_the_separator_is_optional_before_a_plain_command() -> None:
    assert command_of(parse("python", "app.py").command) == ["python", "app.py"]
    assert not parse("--", "true").simulator


@pytest.mark.parametrize("argv", [(), ("--",), ("--fail-on", "error")])
def test_no_command_is_one_line_and_status_2(argv: tuple[str, ...], capsys) -> None:
    assert cli.main(["run", *argv]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "give the command to run after `--`" in err


@pytest.mark.parametrize("argv, piece", [(("--silence", "no-such-rule"), "unknown rule id no-such-rule"),
                                         (("--fail-on", "info"), "invalid choice"),
                                         (("--report", "r.pdf"), ".pdf")])
def test_bad_shared_options_stop_before_any_proxy_starts(argv, piece, capsys, tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert cli.main(["run", *argv, "--", sys.executable, "-c", "raise SystemExit(5)"]) == 2
    err = capsys.readouterr().err
    assert piece in err and err.strip().count("\n") == 0


def test_shared_options_become_the_addon_options(tmp_path: Path) -> None:
    args = with_project_defaults(parse("--silence", "beta-endpoint,token-leak", "--min-severity", "warning",
                                       "--", "true"), ProjectSettings())
    options = proxy_options(tmp_path / "r.json", args)
    sets = [options[i + 1] for i in range(0, len(options), 2)]
    assert all(options[i] == "--set" for i in range(0, len(options), 2))
    assert f"pinscope_report={tmp_path / 'r.json'}" in sets and "pinscope_min_severity=warning" in sets
    assert {"pinscope_silence=beta-endpoint", "pinscope_silence=token-leak"} <= set(sets)


def test_command_gets_the_proxy_and_the_bundle_in_every_spelling(tmp_path: Path) -> None:
    inherited = {"PATH": "/bin", "https_proxy": "http://corp:3128", "NO_PROXY": ".pinterest.com",
                 "NODE_EXTRA_CA_CERTS": "/old.pem"}
    env = client_env(inherited, PROXY, tmp_path / "b.pem")
    assert env["PATH"] == "/bin" and inherited["https_proxy"] == "http://corp:3128"  # a copy
    assert env["HTTPS_PROXY"] == env["https_proxy"] == env["HTTP_PROXY"] == env["http_proxy"] == PROXY
    assert env["NO_PROXY"] == env["no_proxy"] == LOOPBACK  # no Pinterest host bypasses the proxy
    assert all(env[name] == str(tmp_path / "b.pem") for name in CA_VARIABLES)
    assert env["NODE_USE_ENV_PROXY"] == "1"


def test_the_bundle_keeps_system_and_company_roots_and_adds_mitmproxys(tmp_path: Path) -> None:
    (tmp_path / "mitm.pem").write_text(MITM_CA)
    (tmp_path / "company.pem").write_text(COMPANY_CA)
    system = system_ca_file()
    assert system is not None
    bundle = write_bundle(tmp_path, tmp_path / "mitm.pem", {"REQUESTS_CA_BUNDLE": str(tmp_path / "company.pem"),
                                                            "SSL_CERT_FILE": str(system),  # already in: once
                                                            "CURL_CA_BUNDLE": str(tmp_path / "missing.pem")})
    text = bundle.read_text()
    assert text.count("MITMCA") == 1 and text.count("COMPANYCA") == 1
    first_system = system.read_text(errors="replace").strip().splitlines()[-2]
    assert text.count(first_system) == 1 and text.index(first_system) < text.index("MITMCA")
    assert stat.S_IMODE(bundle.stat().st_mode) == 0o600


def test_the_hints_name_the_proxy_port_and_the_node_setting() -> None:
    hints = " ".join(client_hints(PROXY))
    assert "-Dhttps.proxyPort=4321" in hints and "NODE_USE_ENV_PROXY=1" in hints
    assert "EnvHttpProxyAgent" in hints and "configuration.proxy" in hints and "trust_env=False" in hints


@pytest.mark.parametrize("code, status", [("raise SystemExit(3)", 3), ("pass", 0),
                                          ("import os, signal; os.kill(os.getpid(), signal.SIGKILL)", 137)])
def test_the_status_is_commands_own_and_128_plus_n_for_a_signal(code: str, status: int) -> None:
    forwarder = Forwarder()
    with forwarder.installed():
        assert forwarder.run([sys.executable, "-c", code], {}) == status


def test_a_missing_command_is_bad_input(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="cannot run .*no-such-program"):
        Forwarder().run([str(tmp_path / "no-such-program")], {})


def test_user_set_options_reach_the_proxy_and_win(tmp_path: Path) -> None:
    args = with_project_defaults(parse("--set", "pinscope_rehearse_scopes=pins:read",
                                       "--set", "pinscope_min_severity=error", "--", "true"), ProjectSettings())
    words = proxy_options(tmp_path / "r.json", args)
    assert "pinscope_rehearse_scopes=pins:read" in words
    assert [w for w in words if w.startswith("pinscope_min_severity=")] == ["pinscope_min_severity=error"]
