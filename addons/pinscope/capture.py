"""Read recorded traffic (mitmproxy `.mitm` flow files and `.har` archives) into HTTPFlows."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO, Literal

from mitmproxy import exceptions, http, io
from mitmproxy.io.har import request_to_flow

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


class Capture:
    """An opened capture: its format and a stream of HTTP flows with progress counters."""

    def __init__(self, path: Path, fmt: CaptureFormat, size: int) -> None:
        self.path = path
        self.format = fmt
        self.size = size
        self.total = size  # progress units: bytes for flow files, entries for HAR
        self.done = 0

    def flows(self) -> Iterator[http.HTTPFlow]:
        """The HTTP flows, in file order; other flow types are skipped. Raises CaptureError."""
        try:
            with self.path.open("rb") as fo:
                yield from (self._mitm(fo) if self.format == "mitm" else self._har(fo))
        except OSError as err:
            raise CaptureError(f"capture {self.path}: cannot read: {err.strerror or err}") from None

    def _mitm(self, fo: BinaryIO) -> Iterator[http.HTTPFlow]:
        stream = io.FlowReader(fo).stream()
        while True:
            try:
                flow = next(stream)
            except StopIteration:
                break
            except (exceptions.FlowReadException, ValueError, KeyError, TypeError) as err:
                raise CaptureError(f"capture {self.path}: not a readable mitmproxy flow file "
                                   f"({_first_line(err)})") from None
            self.done = fo.tell()
            if isinstance(flow, http.HTTPFlow):
                yield flow
        self.done = self.total

    def _har(self, fo: BinaryIO) -> Iterator[http.HTTPFlow]:
        try:
            entries = json.loads(fo.read().decode("utf-8-sig"))["log"]["entries"]
            if not isinstance(entries, list):
                raise TypeError("log.entries is not a list")
        except (ValueError, KeyError, TypeError) as err:
            raise CaptureError(f"capture {self.path}: not a valid HAR file ({_first_line(err)})") from None
        self.total = len(entries)
        for index, entry in enumerate(entries):
            try:
                flow = request_to_flow(entry)
            except Exception as err:  # noqa: BLE001 - any malformed entry is the same user error
                raise CaptureError(f"capture {self.path}: HAR entry {index} is not valid "
                                   f"({type(err).__name__}: {_first_line(err)})") from None
            self.done = index + 1
            yield flow


def _first_line(err: BaseException) -> str:
    text = str(err).strip().splitlines()
    return text[0][:200] if text else type(err).__name__


def open_capture(path: str | os.PathLike[str]) -> Capture:
    """Check a capture file and tell its format; CaptureError when missing, unreadable or unknown."""
    target = Path(path).expanduser()
    if not target.exists():
        raise CaptureError(f"capture {target}: no such file")
    if not target.is_file():
        raise CaptureError(f"capture {target}: not a file")
    try:
        with target.open("rb") as fo:
            head = fo.read(64)
        size = target.stat().st_size
    except OSError as err:
        raise CaptureError(f"capture {target}: cannot read: {err.strerror or err}") from None
    fmt = SUFFIXES.get(target.suffix.lower()) or sniff(head)
    if fmt is None:
        raise CaptureError(f"capture {target}: unknown format; pinscope reads mitmproxy flow files "
                           f"(.mitm, as written by `mitmdump -w`) and HAR archives (.har)")
    return Capture(target, fmt, size)
