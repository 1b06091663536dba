"""A local Pinterest API v5 simulator, driven by the generated operation catalogue and FACTS.md.

`Simulator` is a WSGI app; `server.serve()` runs it standalone on 127.0.0.1, `mount.addons()` inside
mitmproxy at api.pinterest.com:443 and api-sandbox.pinterest.com:443. Test shortcuts live under
`/_sim/` (see `control`), forced faults use the `X-Sim-Fault` header (see `faults`).
"""

from pinscope.simulator.app import Simulator
from pinscope.simulator.state import DEMO_STANDARD, DEMO_TRIAL, DEMO_UNAPPROVED, DEMO_USER, App, SimConfig

__all__ = ["DEMO_STANDARD", "DEMO_TRIAL", "DEMO_UNAPPROVED", "DEMO_USER", "App", "SimConfig", "Simulator"]
