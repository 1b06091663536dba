"""Read recorded traffic (mitmproxy `.mitm` flow files and `.har` archives) into HTTPFlows.

This is the boundary between a file someone gave pinscope and the analysis: whatever the file
holds, reading it either yields flows or raises CaptureError with one line for the user.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from io import BufferedReader
from pathlib import Path
from typing import Literal

from mitmproxy import http, io
from mitmproxy.flow import Error
from mitmproxy.io.har import request_to_flow

from pinscope.har import HarError, entries
from pinscope.untrusted import clean

CaptureFormat = Literal["mitm", "har"]
SUFFIXES: dict[str, CaptureFormat] = {".mitm": "mitm", ".flows": "mitm", ".har": "har"}


class CaptureError(Exception):
    """A capture that cannot be read; the message is one line for the user."""


def sniff(head: bytes) -> CaptureFormat | None:
    """Guess the format from the first bytes: HAR is JSON, a flow file is a tnetstring."""
    head = head.removeprefix(b"\xef\xbb\xbf").lstrip()
    if head.startswith(b"{"):
        return "har"
    digits = head.split(b":", 1)[0]
    if head and digits.isdigit() and b":" in head:
        return "mitm"
    return None


def open_regular(path: Path) -> BufferedReader:
    """Open `path` for reading only if it is a regular file; CaptureError otherwise.

    O_NONBLOCK: opening a FIFO with no writer would otherwise block for ever; the type is checked
    on the opened descriptor, so a file swapped for a FIFO after a check is refused too.
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise CaptureError(f"capture {path}: no such file") from None
    except OSError as err:
        raise CaptureError(f"capture {path}: cannot read: {err.strerror or err}") from None
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):
        os.close(fd)
        kind = "a folder" if stat.S_ISDIR(mode) else "a FIFO, socket or device"
        raise CaptureError(f"capture {path}: not a file ({kind})")
    os.set_blocking(fd, True)
    return os.fdopen(fd, "rb")


class Capture:
    """An opened capture: its format and a stream of HTTP flows with progress counters."""

    def __init__(self, path: Path, fmt: CaptureFormat, size: int) -> None:
        self.path = path
        self.format = fmt
        self.size = size
        self.total = size  # progress units: bytes read
        self.done = 0
        self.index = 0  # the position in the file of the flow read last (HAR: its entry)

    def flows(self) -> Iterator[http.HTTPFlow]:
        """The HTTP flows, in file order; other flow types are skipped. Raises CaptureError."""
        try:
            with open_regular(self.path) as fo:
                yield from (self._mitm(fo) if self.format == "mitm" else self._har(fo))
        except OSError as err:
            raise CaptureError(f"capture {self.path}: cannot read: {err.strerror or err}") from None
        self.done = self.total

    def unanalysable(self, err: Exception) -> CaptureError:
        """The CaptureError for a flow that was read but could not be analysed: the one read last."""
        what = "HAR entry" if self.format == "har" else "flow"
        return CaptureError(f"capture {self.path}: {what} {self.index} cannot be analysed ({err})")

    def _mitm(self, fo: BufferedReader) -> Iterator[http.HTTPFlow]:
        stream = iter(io.FlowReader(fo).stream())
        index = 0
        while True:
            try:
                flow = next(stream)
            except StopIteration:
                break
            except OSError:
                raise
            # Any exception: mitmproxy's reader parses the tnetstring recursively (RecursionError on
            # deep nesting, MemoryError on a huge length prefix) and rebuilds the flow from its
            # state without checking types (TypeError, KeyError, AttributeError, ValueError...).
            # Each one means the same thing to the user: this flow of the file cannot be read.
            except Exception as err:  # noqa: BLE001
                raise CaptureError(f"capture {self.path}: not a readable mitmproxy flow file "
                                   f"(flow {index}: {describe(err)})") from None
            self.index, index = index, index + 1
            self.done = fo.tell()
            if isinstance(flow, http.HTTPFlow):
                yield flow

    def _har(self, fo: BufferedReader) -> Iterator[http.HTTPFlow]:
        index = 0
        stream = entries(fo)
        while True:
            try:
                entry = next(stream)
            except StopIteration:
                break
            except HarError as err:
                raise CaptureError(f"capture {self.path}: not a valid HAR file ({err})") from None
            try:
                flow = request_to_flow(entry)
            except Exception as err:  # noqa: BLE001 - any malformed entry is the same user error
                raise CaptureError(f"capture {self.path}: HAR entry {index} is not valid "
                                   f"({describe(err)})") from None
            self.index, index = index, index + 1
            self.done = fo.tell()
            yield unanswered(entry, flow)


def unanswered(entry: dict, flow: http.HTTPFlow) -> http.HTTPFlow:
    """A flow that got no answer as mitmproxy (and Chromium) export it: status 0 and `_error`.

    mitmproxy's reader makes a response with status 0 of it; the error is what happened.
    """
    response = entry.get("response")
    message = response.get("_error") if isinstance(response, dict) and response.get("status") == 0 else None
    if isinstance(message, str) and message:
        flow.response = None
        flow.error = Error(message)
    return flow


def describe(err: BaseException) -> str:
    """`Type: first line of the message`, the message cleaned: it may quote the file's content."""
    lines = str(err).strip().splitlines()
    text = clean(lines[0][:200]) if lines else ""
    return f"{type(err).__name__}: {text}" if text else type(err).__name__


def same_file(first: str | os.PathLike[str], second: str | os.PathLike[str]) -> bool:
    """Whether two paths name one file: the same inode (links, symlinks) or the same resolved path."""
    a, b = Path(first).expanduser(), Path(second).expanduser()
    try:
        return os.path.samefile(a, b)
    except OSError:  # one of them does not exist (yet): compare where they would be
        pass
    try:
        return a.resolve() == b.resolve()
    except (OSError, RuntimeError):  # a symlink loop names no file pinscope could read or write
        return False


def open_capture(path: str | os.PathLike[str]) -> Capture:
    """Check a capture file and tell its format; CaptureError when missing, unreadable or unknown."""
    target = Path(path).expanduser()
    with open_regular(target) as fo:
        try:
            head = fo.read(64)
            size = os.fstat(fo.fileno()).st_size
        except OSError as err:
            raise CaptureError(f"capture {target}: cannot read: {err.strerror or err}") from None
    if not head:
        raise CaptureError(f"capture {target}: the file is empty")
    # The content decides before the suffix: mitmproxy's own reader would load a flow file that
    # starts with `{` as a HAR archive, whole, into memory.
    fmt = sniff(head) or SUFFIXES.get(target.suffix.lower())
    if fmt is None:
        raise CaptureError(f"capture {target}: unknown format; pinscope reads mitmproxy flow files "
                           f"(.mitm, as written by `mitmdump -w`) and HAR archives (.har)")
    return Capture(target, fmt, size)
