"""What CI reads, shared by `analyze` and `run`: the --fail-on gate, JUnit XML, GitHub Actions output."""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import TextIO

from pinscope.report.github import SUMMARY_ENV, annotations, in_github_actions, step_summary
from pinscope.report.junit import count_failing, render_junit
from pinscope.report.model import Report
from pinscope.report.write import check_writable, write_atomically
from pinscope.rulebook import Severity

FAILED = 1  # the exit status when findings at or above --fail-on remain
# Without --fail-on the exit status stays 0, yet the JUnit file still marks error findings failed:
# a JUnit file where nothing can fail would hide the findings CI readers are asked to show.
JUNIT_DEFAULT_FAIL_ON = Severity.ERROR


def failing_count(report: Report, fail_on: str | None) -> int:
    """Findings at or above `fail_on` (0 when there is no gate)."""
    if fail_on is None:
        return 0
    return count_failing(report, Severity(fail_on))


def gate_status(report: Report, fail_on: str | None, err: TextIO | None = None) -> int:
    """FAILED (with one line on `err`, default stderr) when findings at or above `fail_on` remain, else 0."""
    failing = failing_count(report, fail_on)
    if not failing:
        return 0
    (err or sys.stderr).write(f"pinscope: {failing} finding{'s' if failing != 1 else ''} at or above "
                              f"{fail_on} (--fail-on {fail_on})\n")
    return FAILED


def check_junit_path(path: str | os.PathLike[str]) -> Path:
    """Fail early (ReportPathError) when the JUnit file could not be written to `path`."""
    return check_writable(Path(path).expanduser(), "junit")


def write_junit(report: Report, path: str | os.PathLike[str], fail_on: str | None) -> Path:
    """Write the JUnit XML (atomically, mode 0600); failures at or above `fail_on`, else error."""
    threshold = Severity(fail_on) if fail_on else JUNIT_DEFAULT_FAIL_ON
    return write_atomically(check_junit_path(path), render_junit(report, threshold), "junit")


def write_github(report: Report, fail_on: str | None, environ: Mapping[str, str],
                 out: TextIO | None = None, err: TextIO | None = None) -> None:
    """In GitHub Actions: append the step summary and print one annotation per rule; else nothing."""
    if not in_github_actions(environ):
        return
    summary = environ.get(SUMMARY_ENV)
    if summary:
        try:
            with open(summary, "a", encoding="utf-8") as file:
                file.write(step_summary(report, Severity(fail_on) if fail_on else None) + "\n")
        except OSError as error:  # the run's page lacks a summary; the annotations and status still count
            (err or sys.stderr).write(f"pinscope: warning: {SUMMARY_ENV} {summary}: "
                                      f"{error.strerror or error}\n")
    stream = out or sys.stdout
    for line in annotations(report):
        stream.write(line + "\n")  # a workflow command must start its own line: never through rich
    stream.flush()


def write_ci_outputs(report: Report, junit_path: str | os.PathLike[str] | None, fail_on: str | None,
                     environ: Mapping[str, str] | None = None, out: TextIO | None = None,
                     err: TextIO | None = None) -> list[Path]:
    """The JUnit file when asked for, GitHub output when in Actions; the files written."""
    written = [write_junit(report, junit_path, fail_on)] if junit_path is not None else []
    write_github(report, fail_on, os.environ if environ is None else environ, out, err)
    return written
