"""A mitmproxy tool as a child process for tests: its output collected line by line, waited on by pattern."""

from __future__ import annotations

import re
import signal
import subprocess
import threading
import time

START_TIMEOUT = 30.0


class Tool:
    """A mitmproxy tool as a child process, its output collected line by line."""

    def __init__(self, command: list[str], env: dict[str, str] | None = None) -> None:
        self.process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                        stdin=subprocess.DEVNULL, text=True, errors="replace")
        self.lines: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))

    def wait_for(self, pattern: str, timeout: float = START_TIMEOUT) -> re.Match[str]:
        """The first output line matching `pattern`; fails with the output when none comes."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for line in list(self.lines):
                if found := re.search(pattern, line):
                    return found
            if self.process.poll() is not None and not self._reader.is_alive():
                break
            time.sleep(0.05)
        self.stop()
        raise AssertionError(f"no line matching {pattern!r}; output:\n{self.output}")

    def stop(self, sig: int = signal.SIGINT) -> int:
        """Signal it (addons run done()), wait, kill if it hangs; the exit status."""
        if self.process.poll() is None:
            self.process.send_signal(sig)
        try:
            self.process.wait(START_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self._reader.join(5)
        return self.process.returncode

    @property
    def output(self) -> str:
        return "\n".join(self.lines)
