"""The `-s` script mounting the Pinterest simulator inside mitmproxy (use with connection_strategy=lazy).

Besides api.pinterest.com:443 and api-sandbox.pinterest.com:443 the simulator also answers on
pinscope.demo.CONTROL_HOST, where the demo and the tests call its `/_sim/` shortcuts (authorization
codes for the OAuth flow).
"""

import sys
from pathlib import Path

# As in pinscope/mitm_entry.py: mitmproxy put this folder on sys.path to import the script; modules
# here (e.g. `run`, `client`) must not shadow top-level modules of the same name.
_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if not p or Path(p).resolve() != _HERE]

from pinscope.demo import CONTROL_HOST  # noqa: E402
from pinscope.simulator.mount import SimulatorMount  # noqa: E402

addons = [SimulatorMount(control_hosts=(CONTROL_HOST,))]
