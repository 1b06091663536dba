"""A large HAR archive of the mix, and the peak memory of `pinscope analyze` reading it.

Entries come from mitmproxy's own HAR writer (one template per kind), varied per entry in their
URL and start time, and are written one at a time, so writing a 200 MB archive needs little memory.
"""

from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from mitmproxy.addons.savehar import SaveHar

from pinbench import mix
from pinbench.offline import Measured, analyze_command, measure

HEAD = b'{"log": {"version": "1.2", "creator": {"name": "pinbench", "version": "1"}, "pages": [], "entries": [\n'
TAIL = b"\n]}}\n"


@dataclass(frozen=True)
class HarMemory:
    """Peak RSS of `pinscope analyze` on a HAR archive of `size_mb` megabytes."""

    entries: int
    size_mb: float
    pinscope: Measured


def _templates() -> dict[str, dict]:
    """One HAR entry per kind of the mix, as mitmproxy's savehar writes it."""
    return {kind.name: SaveHar().make_har([mix.build(kind, 0)])["log"]["entries"][0] for kind in mix.KINDS}


def write(path: Path, size_bytes: int, seed: int = 5) -> int:
    """Write mix entries to `path` until it holds at least `size_bytes`; the number of entries."""
    templates = _templates()
    written = count = 0
    with path.open("wb") as out:
        path.chmod(0o600)
        out.write(HEAD)
        while written < size_bytes:
            for kind in mix.kinds(1000, seed + count):
                entry = dict(templates[kind.name])
                entry["request"] = dict(entry["request"], url=f"https://{kind.host}{kind.path.format(n=100000 + count)}")
                entry["startedDateTime"] = datetime.fromtimestamp(mix.T0 + count, UTC).isoformat()
                data = (b",\n" if count else b"") + json.dumps(entry).encode()
                out.write(data)
                written += len(data)
                count += 1
        out.write(TAIL)
    return count


def memory(size_mb: int, timeout: float = 3600.0) -> HarMemory:
    """Peak RSS of `pinscope analyze` on a fresh HAR archive of about `size_mb` MB."""
    with tempfile.TemporaryDirectory(prefix="pinscope-bench-") as tmp:
        path = Path(tmp) / "capture.har"
        entries = write(path, size_mb * 1_000_000)
        size = path.stat().st_size / 1_000_000
        return HarMemory(entries, size, measure(analyze_command(path), timeout))
