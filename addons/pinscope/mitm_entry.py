"""The script the `pinscope` CLI passes to mitmproxy from an installed wheel (`-s <this file>`)."""

import sys
from pathlib import Path

# mitmproxy put this package's own folder on sys.path to import this file as a script; left there,
# modules such as `engine` or `session` would shadow any top-level module of the same name.
_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if not p or Path(p).resolve() != _HERE]

from pinscope.addon import Pinscope  # noqa: E402
from pinscope.rehearse.addon import Rehearsal  # noqa: E402

# Rehearsal first: its request hook answers before Pinterest (or a mounted simulator) is asked, and
# Pinscope then diagnoses the injected answer like any other.
addons = [Rehearsal(), Pinscope()]
