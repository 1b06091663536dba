"""The report written when mitmproxy exits: where asked, else beside it or in the temp folder, never lost
silently (one line says where, and the process exits non-zero)."""

from __future__ import annotations

import asyncio
import functools
import logging
from pathlib import Path

from pinscope.catalog import Catalog
from pinscope.report import Report, build_report, write_report
from pinscope.report.build import minimal_report
from pinscope.report.write import write_fallback
from pinscope.session import Session
from pinscope.masking import KnownSecrets
from pinscope.untrusted import clean, describe_error

logger = logging.getLogger("pinscope")
# mitmdump/mitmweb exit status when the report could not be written where asked: 1, as mitmproxy
# itself exits when it cannot write `-w` flows.
REPORT_NOT_WRITTEN = 1


def report_at_exit(session: Session, catalog: Catalog, target: Path | None) -> Report | None:
    """The session's report, written to `target` (else to a fallback); never raises.

    Whatever fails is one error line, and the exit status then fails (exit_nonzero_after_done()).
    None when not even the summary could be built.
    """
    try:
        report = session_report(session, catalog)
    except Exception as err:  # noqa: BLE001 - said, and the exit status says so too
        logger.error("pinscope: report LOST: not even its summary could be built (%s: %s)",
                     type(err).__name__, _said(err, session.secrets))
        logger.debug("pinscope: the summary failed: %s", describe_error(err))
        exit_nonzero_after_done()
        return None
    if target is not None and not save(report, target, session.secrets):
        exit_nonzero_after_done()
    return report


def session_report(session: Session, catalog: Catalog) -> Report:
    """build_report(); should it fail (a pinscope bug), the summary alone and one error line."""
    try:
        return build_report(session, catalog)
    except Exception as err:  # noqa: BLE001 - a report with the summary beats no report
        logger.error("pinscope: the full report could not be built (%s: %s); writing the summary only",
                     type(err).__name__, _said(err, session.secrets))
        logger.debug("pinscope: building the report failed: %s", describe_error(err))
        return minimal_report(session, catalog)


def save(report: Report, target: Path, secrets: KnownSecrets | None = None) -> bool:
    """Write `report` to `target`, else to a fallback path, saying where in one line; True if at `target`."""
    try:
        write_report(report, target)
    except Exception as err:  # noqa: BLE001 - whatever failed, the report must not be lost silently
        problem = _said(err, secrets)
    else:
        logger.info("pinscope report written to %s", target)
        return True
    try:
        written = write_fallback(report, target)
    except Exception as err:  # noqa: BLE001
        logger.error("pinscope: report LOST: cannot write %s (%s), nor beside it or in the temp folder (%s)",
                     target, problem, _said(err, secrets))
    else:
        logger.error("pinscope: cannot write the report to %s (%s); it was written to %s instead",
                     target, problem, written)
    return False


def exit_nonzero_after_done(status: int = REPORT_NOT_WRITTEN) -> bool:
    """Make mitmproxy exit with `status` once every addon's done() has run; False outside its event loop.

    mitmproxy's exit status ignores errors logged after start-up (its errorcheck addon stops listening
    once running), and leaving from inside done() would skip the addons after pinscope (`-w` closing
    its file). All done() hooks run in the task of the tool's main(): raising SystemExit from that
    task's done-callback comes after every one of them, and asyncio.run() passes it on as the status.
    """
    try:
        task = asyncio.current_task()
    except RuntimeError:  # no running event loop: tests, offline analysis
        return False
    if task is None:
        return False
    task.add_done_callback(functools.partial(_exit, status))
    return True


def _exit(status: int, _task: asyncio.Task[object]) -> None:
    raise SystemExit(status)


def _said(err: Exception, secrets: KnownSecrets | None) -> str:
    """An exception in one line fit for the log (a validation error may quote traffic)."""
    return clean(str(err).splitlines()[0] if str(err) else type(err).__name__, known=secrets)
