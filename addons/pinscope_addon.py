"""The script users pass to mitmproxy: `mitmweb -s addons/pinscope_addon.py`.

mitmproxy puts this file's folder on sys.path while importing it, so `pinscope` is found next to
it even when pinscope is not installed.
"""

from pinscope.addon import Pinscope
from pinscope.rehearse.addon import Rehearsal

# Rehearsal first: it answers before Pinterest is asked; Pinscope diagnoses its answers like any other.
addons = [Rehearsal(), Pinscope()]
