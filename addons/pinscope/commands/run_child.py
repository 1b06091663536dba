"""COMMAND as `pinscope run`'s child: in the foreground, with SIGINT, SIGTERM and SIGHUP passed on to it."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
from collections.abc import Iterator, Mapping, Sequence

from pinscope.commands import CommandError

HANDLED = tuple(getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name))


class Stopped(Exception):
    """A signal came before COMMAND started: `run` stops the proxy and exits 128 + signum."""

    def __init__(self, signum: int) -> None:
        super().__init__(f"signal {signum}")
        self.signum = signum


def terminal_sent_it() -> bool:
    """Whether pinscope runs in its terminal's foreground group, so a Ctrl-C there reached COMMAND too."""
    try:
        tty = os.open("/dev/tty", os.O_RDONLY)
    except OSError:  # no controlling terminal: the signal came from `kill`
        return False
    try:
        return os.tcgetpgrp(tty) == os.getpgrp()
    except OSError:
        return False
    finally:
        os.close(tty)


class Forwarder:
    """The signal handler of `pinscope run`: stop before COMMAND starts, pass the signal on while it runs."""

    def __init__(self) -> None:
        self.child: subprocess.Popen[bytes] | None = None

    def __call__(self, signum: int, frame: object) -> None:
        if self.child is None:
            raise Stopped(signum)  # unwinds through `run`'s finally, which stops the proxy
        if self.child.poll() is not None:
            return  # COMMAND has ended; the proxy is being stopped: let it write its report
        if signum == signal.SIGINT and terminal_sent_it():
            return  # the terminal sent Ctrl-C to the whole group: a second one would cut COMMAND's cleanup short
        with contextlib.suppress(ProcessLookupError):
            self.child.send_signal(signum)

    @contextlib.contextmanager
    def installed(self) -> Iterator[Forwarder]:
        """Handle the signals for the duration, then restore the previous handlers."""
        saved = {}
        for signum in HANDLED:
            with contextlib.suppress(ValueError):  # not the main thread: leave the handlers alone
                saved[signum] = signal.signal(signum, self)
        try:
            yield self
        finally:
            for signum, handler in saved.items():
                signal.signal(signum, handler)

    def run(self, command: Sequence[str], env: Mapping[str, str]) -> int:
        """Run COMMAND in pinscope's process group (Ctrl-C and the terminal work as usual); its status.

        A COMMAND killed by signal N gives 128 + N, as a shell reports it.
        """
        try:
            self.child = subprocess.Popen(list(command), env=dict(env))
        except OSError as err:
            raise CommandError(f"cannot run {command[0]}: {err.strerror or err}") from None
        status = self.child.wait()  # the handler runs during the wait (PEP 475 resumes it)
        return 128 - status if status < 0 else status
