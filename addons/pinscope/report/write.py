"""Write a report to disk: format from the suffix, atomically, readable only by the user."""

from __future__ import annotations

import json
import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from pinscope.report.html import render_html
from pinscope.report.markdown import render_markdown
from pinscope.report.model import Report

FILE_MODE = 0o600


class ReportPathError(Exception):
    """A report path that cannot be written; the message is one line for the user."""


def render_json(report: Report) -> str:
    """The JSON report text."""
    return json.dumps(report.to_json_data(), indent=2, ensure_ascii=False) + "\n"


# Suffix -> renderer; a new format is one more entry here.
RENDERERS: dict[str, Callable[[Report], str]] = {
    ".json": render_json,
    ".md": render_markdown,
    ".html": render_html,
}


def supported_suffixes() -> str:
    """`.json, .md, .html` for messages."""
    return ", ".join(RENDERERS)


def check_report_path(path: str | os.PathLike[str]) -> Path:
    """Fail early (ReportPathError) when a report could not be written to `path`."""
    target = Path(path).expanduser()
    suffix = target.suffix.lower()
    if suffix not in RENDERERS:
        shown = f"'{target.suffix}'" if target.suffix else "no suffix"
        raise ReportPathError(
            f"report {target}: unsupported format ({shown}); use one of {supported_suffixes()}")
    return check_writable(target)


def check_writable(target: Path, what: str = "report") -> Path:
    """Fail early (ReportPathError naming `what`) when `target` could not be written."""
    folder = target.parent
    if not folder.is_dir():
        raise ReportPathError(f"{what} {target}: folder {folder} does not exist")
    if target.is_dir():
        raise ReportPathError(f"{what} {target}: is a folder")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise ReportPathError(f"{what} {target}: folder {folder} is not writable")
    return target


def write_report(report: Report, path: str | os.PathLike[str]) -> Path:
    """Render `report` in the format the suffix names and replace `path` atomically (mode 0600)."""
    target = check_report_path(path)
    return write_atomically(target, RENDERERS[target.suffix.lower()](report))


def write_atomically(target: Path, text: str, what: str = "report") -> Path:
    """Replace `target` with `text` atomically (mode 0600); ReportPathError names `what` failed."""
    try:
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    except OSError as err:
        raise ReportPathError(f"{what} {target}: {err.strerror or err}") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(tmp, FILE_MODE)  # mkstemp already uses 0600; be explicit about the promise
        os.replace(tmp, target)
    except OSError as err:
        Path(tmp).unlink(missing_ok=True)
        raise ReportPathError(f"{what} {target}: {err.strerror or err}") from None
    return target


def fallback_folders(target: Path) -> list[Path]:
    """Where a report goes when `target` cannot be written: beside it, else the temp folder."""
    return list(dict.fromkeys([target.parent, Path(tempfile.gettempdir())]))


def write_fallback(report: Report, target: str | os.PathLike[str]) -> Path:
    """Write `report` under a new name beside `target`, else in the temp folder; the path written.

    The name adds the time and process id (`report.20260101-120000-4242.json`), so no earlier report
    is replaced. ReportPathError (naming every folder tried) when neither can be written.
    """
    target = Path(target).expanduser()
    name = f"{target.stem}.{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}{target.suffix}"
    problems: list[str] = []
    for folder in fallback_folders(target):
        try:
            return write_report(report, folder / name)
        except ReportPathError as err:
            problems.append(str(err))
    raise ReportPathError("; ".join(problems))
