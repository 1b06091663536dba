"""Standard output for commands: a rich Console that survives a reader closing the pipe."""

from __future__ import annotations

import os
import sys

from rich.console import Console


class Terminal(Console):
    """rich's Console for a command's standard output: a reader that leaves ends the output, not the command.

    `pinscope analyze … | head`: rich follows Python's note on SIGPIPE (point standard output at
    devnull) but then exits with status 1; here the command goes on quietly, so it still writes its
    reports and returns its own status. SIGPIPE keeps Python's handling, as that note advises.
    """

    def on_broken_pipe(self) -> None:
        """Drop the rest of the output; carry on."""
        self.quiet = True
        discard_stdout()


def discard_stdout() -> None:
    """Send the rest of standard output to devnull (also what is still buffered)."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, sys.stdout.fileno())
    finally:
        os.close(devnull)
