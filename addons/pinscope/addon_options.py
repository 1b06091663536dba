"""The addon's mitmproxy options: declared in load(), checked in configure() with one clear message."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from mitmproxy import ctx, exceptions
from mitmproxy.addonmanager import Loader

from pinscope.detectors import Settings
from pinscope.rulebook import Severity

logger = logging.getLogger("pinscope")


def declare(loader: Loader) -> None:
    """Add pinscope's options (prefix `pinscope_`)."""
    loader.add_option("pinscope_report", str, "",
                      "Write a pinscope report here when mitmproxy exits (.json, .md or .html).")
    # str, not float: mitmproxy cannot parse float options given with --set.
    loader.add_option("pinscope_ratelimit_warn", str, "0.10",
                      "Warn when rate-limit remaining falls to this fraction of the quota (0-1).")
    loader.add_option("pinscope_silence", Sequence[str], [],
                      "Rule ids pinscope never reports (repeat the option or separate by commas).")
    loader.add_option("pinscope_min_severity", str, "info",
                      "Hide findings below this severity.", choices=[s.value for s in Severity])
    loader.add_option("pinscope_terminal", bool, False,
                      "Print one line per finding to the terminal (pinscope dump).")
    loader.add_option("pinscope_banner", bool, False,
                      "Once running, say where the proxy and the web UI really listen, warning for "
                      "addresses other machines can reach (pinscope web and dump set it).")
    loader.add_option("pinscope_dashboard", bool, False,
                      "Serve a live dashboard of the session (the report, updated every second) on its own "
                      "port, guarded by a random token in its URL (pinscope web and the demo set it).")
    loader.add_option("pinscope_dashboard_port", int, 0, "The live dashboard's port (0: any free port).")
    loader.add_option("pinscope_dashboard_host", str, "127.0.0.1",
                      "The live dashboard's address: this machine only, unless you change it.")


@contextlib.contextmanager
def one_line_at_startup(running: bool) -> Iterator[None]:
    """An OptionsError at start-up becomes one logged line instead of mitmproxy's traceback.

    mitmproxy's errorcheck addon then stops start-up with status 1 all the same. Once running (or
    without errorcheck) the error is raised: mitmproxy refuses the value and keeps the previous one.
    """
    try:
        yield
    except exceptions.OptionsError as err:
        if running or ctx.master.addons.get("errorcheck") is None:
            raise
        logger.error("pinscope: invalid option: %s", err)  # demo.launcher looks for these words


def settings(options: Any, rule_ids: set[str]) -> Settings:
    """The detectors' Settings from mitmproxy's options; OptionsError names a bad value."""
    return Settings(
        ratelimit_warn=_fraction(options.pinscope_ratelimit_warn),
        silence=_silence(options.pinscope_silence, rule_ids),
        min_severity=_severity(options.pinscope_min_severity),
    )


def dashboard_port(value: int) -> int:
    """A port number, or 0 for any free port."""
    if not 0 <= value <= 65535:
        raise exceptions.OptionsError(
            f"pinscope_dashboard_port must be 0 (any free port) to 65535, not {value}")
    return value


def report_path(value: str, error: type[Exception], what: str) -> Path | None:
    """Check a report path at once (unknown suffix, unwritable folder), as `error`."""
    if not value:
        return None
    from pinscope import report

    try:
        return report.check_report_path(value)
    except report.ReportPathError as err:
        raise error(f"{what}: {err}") from None


def _silence(values: Sequence[str], rule_ids: set[str]) -> frozenset[str]:
    ids = frozenset(part.strip() for value in values for part in value.split(",") if part.strip())
    unknown = sorted(ids - rule_ids)
    if unknown:
        raise exceptions.OptionsError(
            f"pinscope_silence: unknown rule id(s) {', '.join(unknown)}; valid ids: {', '.join(sorted(rule_ids))}")
    return ids


def _fraction(value: str) -> float:
    try:
        fraction = float(value)
    except ValueError:
        fraction = -1.0
    if not 0.0 <= fraction <= 1.0:
        raise exceptions.OptionsError(
            f"pinscope_ratelimit_warn must be a fraction between 0 and 1 (e.g. 0.1), not {value!r}")
    return fraction


def _severity(value: str) -> str:
    if value not in {s.value for s in Severity}:
        raise exceptions.OptionsError(
            f"pinscope_min_severity must be one of error, warning, info, not {value!r}")
    return value
