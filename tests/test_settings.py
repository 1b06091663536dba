"""Project settings: pinscope.toml or [tool.pinscope], validated, applied as defaults the command line beats."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pinscope import cli
from pinscope.commands import web
from pinscope.rulebook import Severity
from pinscope.settings import ProjectSettings, SettingsError, project_settings, proxy_args
from tests.test_cli import warnings_only

FULL = """\
silence = ["beta-endpoint", "sandbox-host-in-use"]
min_severity = "warning"
ratelimit_warn = 0.25
fail_on = "error"
reports = ["out.json", "out.md"]
"""


def one_line(err: str, *pieces: str) -> None:
    lines = err.strip().splitlines()
    assert len(lines) == 1 and all(piece in lines[0] for piece in pieces), err


def test_pinscope_toml(tmp_path: Path) -> None:
    (tmp_path / "pinscope.toml").write_text(FULL)
    settings = project_settings(tmp_path)
    assert settings == ProjectSettings(silence=("beta-endpoint", "sandbox-host-in-use"), min_severity=Severity.WARNING,
                                       ratelimit_warn=0.25, fail_on="error", reports=("out.json", "out.md"))


def test_pyproject_table(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "app"\n\n[tool.pinscope]\nsilence = "beta-endpoint"\n')
    assert project_settings(tmp_path).silence == ["beta-endpoint"]


def test_no_settings_are_the_defaults(tmp_path: Path) -> None:
    assert project_settings(tmp_path) == ProjectSettings()
    (tmp_path / "pyproject.toml").write_text('[tool.ruff]\nline-length = 110\n')
    assert project_settings(tmp_path) == ProjectSettings()


def test_own_file_wins_over_pyproject(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.pinscope]\nmin_severity = "error"\n')
    (tmp_path / "pinscope.toml").write_text('min_severity = "info"\n')
    assert project_settings(tmp_path).min_severity is Severity.INFO


@pytest.mark.parametrize(("name", "text", "pieces"), [
    ("pinscope.toml", 'silense = ["beta-endpoint"]\n', ("pinscope.toml", "unknown key 'silense'", "silence")),
    ("pyproject.toml", '[tool.pinscope]\nfail-on = "error"\n', ("pyproject.toml [tool.pinscope]", "'fail-on'")),
    ("pinscope.toml", 'source = "x"\n', ("pinscope.toml", "unknown key 'source'")),
    ("pinscope.toml", 'min_severity = "loud"\n', ("pinscope.toml", "min_severity", "'error', 'warning' or 'info'")),
    ("pinscope.toml", 'ratelimit_warn = 2\n', ("pinscope.toml", "ratelimit_warn", "less than or equal to 1")),
    ("pinscope.toml", 'silence = 3\n', ("pinscope.toml", "silence: Input should be a valid list")),
    ("pinscope.toml", 'fail_on = "info"\n', ("pinscope.toml", "fail_on")),
    ("pinscope.toml", 'silence = ["no-such-rule"]\n', ("pinscope.toml", "silence", "no-such-rule")),
    ("pinscope.toml", 'silence = [\n', ("pinscope.toml", "not valid TOML")),
    ("pyproject.toml", 'tool = {pinscope = 3}\n', ("pyproject.toml", "must be a table")),
])
def test_a_bad_file_names_file_and_key(tmp_path: Path, name: str, text: str, pieces: tuple[str, ...]) -> None:
    (tmp_path / name).write_text(text)
    with pytest.raises(SettingsError) as raised:
        project_settings(tmp_path)
    one_line(str(raised.value), *pieces)


def test_analyze_exits_2_on_a_typo(capsys, monkeypatch, tmp_path: Path) -> None:
    capture = warnings_only(tmp_path)
    (tmp_path / "pinscope.toml").write_text('min_severty = "error"\n')
    monkeypatch.chdir(tmp_path)
    assert cli.main(["analyze", str(capture)]) == 2
    one_line(capsys.readouterr().err, "pinscope: error: pinscope.toml: unknown key 'min_severty'")


def test_analyze_takes_project_defaults_and_the_command_line_wins(capsys, monkeypatch, tmp_path: Path) -> None:
    capture = str(warnings_only(tmp_path))  # one warning, no error
    (tmp_path / "pinscope.toml").write_text('fail_on = "warning"\nreports = ["project.json"]\n')
    monkeypatch.chdir(tmp_path)
    assert cli.main(["analyze", capture]) == 1
    assert json.loads((tmp_path / "project.json").read_text())["findings"]
    (tmp_path / "project.json").unlink()
    assert cli.main(["analyze", capture, "--fail-on", "error", "--report", "mine.md"]) == 0
    assert (tmp_path / "mine.md").is_file() and not (tmp_path / "project.json").exists()
    capsys.readouterr()


def test_project_silence_and_min_severity_apply_until_overridden(capsys, monkeypatch, tmp_path: Path) -> None:
    capture = str(warnings_only(tmp_path))
    monkeypatch.chdir(tmp_path)
    cli.main(["analyze", capture])
    warned = capsys.readouterr().out
    assert "warning" in warned and "No findings." not in warned
    (tmp_path / "pinscope.toml").write_text('min_severity = "error"\n')
    cli.main(["analyze", capture])
    assert "No findings." in capsys.readouterr().out
    cli.main(["analyze", capture, "--min-severity", "info"])
    assert capsys.readouterr().out == warned


def test_proxy_args_leave_out_what_the_user_sets() -> None:
    settings = ProjectSettings(silence=("beta-endpoint",), min_severity=Severity.WARNING, ratelimit_warn=0.2,
                               fail_on="error", reports=("a.json", "b.md"))
    assert proxy_args(settings, []) == [
        "--set", "pinscope_silence=beta-endpoint", "--set", "pinscope_min_severity=warning",
        "--set", "pinscope_ratelimit_warn=0.2", "--set", "pinscope_report=a.json"]
    mine = ["--set", "pinscope_min_severity=error", "--set=pinscope_silence=x", "-p", "9090"]
    assert proxy_args(settings, mine) == ["--set", "pinscope_ratelimit_warn=0.2", "--set", "pinscope_report=a.json"]


def test_web_passes_settings_before_the_users_arguments(monkeypatch, tmp_path: Path) -> None:
    (tmp_path / "pinscope.toml").write_text('min_severity = "warning"\nratelimit_warn = 0.3\n')
    monkeypatch.chdir(tmp_path)
    launched: list[list[str]] = []
    monkeypatch.setattr(web, "launch", lambda command: launched.append(command) or 0)
    assert cli.main(["web", "--set", "pinscope_ratelimit_warn=0.5"]) == 0
    command = launched[0]
    assert "pinscope_min_severity=warning" in command and "pinscope_ratelimit_warn=0.3" not in command
    assert command[-2:] == ["--set", "pinscope_ratelimit_warn=0.5"]
