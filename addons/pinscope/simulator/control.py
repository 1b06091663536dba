"""Test shortcuts under `/_sim/` (not Pinterest endpoints; served on every host and port).

Parameters come from the query string, a form body or a JSON object:
  GET  /_sim                 the apps (id, tier, name, redirect_uri, approved, restricted features
                             given; never secrets), scopes, faults.
  POST /_sim/authorize       app_id, scope ("a,b" or "a b"), [redirect_uri], [environment], [user], [state],
                             [ttl: the access token's lifetime in seconds, to see a token expire]
                             -> {"code", "redirect"}: what Pinterest's consent page would redirect with.
                             Exchange the code at POST /v5/oauth/token on the same environment's host.
  POST /_sim/token           app_id, scope, [environment], [user], [refresh=false]
                             -> a token response, like a token generated on the app's page in My apps.
  POST /_sim/expire          token -> the access or refresh token stops working now
                             (expiry, revocation or an ended user session look the same to a client).
`environment` defaults to the environment of the host (or port) the shortcut was called on.
"""

from __future__ import annotations

from urllib.parse import urlencode

from pinscope.simulator import faults
from pinscope.simulator.oauth import parse_scopes, token_response
from pinscope.simulator.state import DEMO_USER, SimState
from pinscope.simulator.wire import HOSTS, Reply, SimRequest


def _bad(message: str) -> Reply:
    return Reply(400, {"error": message})


def _seconds(text: str | None) -> float | None:
    """A positive finite number of seconds, or None."""
    try:
        value = float(text or "")
    except ValueError:
        return None
    return value if 0 < value < float("inf") else None


def handle(state: SimState, scopes: tuple[str, ...], request: SimRequest) -> Reply:
    """Answer a `/_sim/...` request."""
    action = request.path.removeprefix("/_sim").strip("/")
    if action == "" and request.method == "GET":
        return Reply(200, {
            "apps": [{"app_id": a.app_id, "tier": a.tier, "name": a.name, "redirect_uri": a.redirect_uri,
                      "approved": a.approved, "features": sorted(a.features)} for a in state.config.apps],
            "scopes": list(scopes),
            "environments": sorted(set(HOSTS.values())),
            "fault_header": faults.HEADER,
            "faults": list(faults.EXAMPLES),
        })
    if request.method != "POST" or action not in ("authorize", "token", "expire"):
        return Reply(404, {"error": "unknown simulator shortcut; GET /_sim lists them"})
    params = request.params()
    if action == "expire":
        return Reply(200, {"expired": True}) if state.retire(params.get("token", "")) else \
            Reply(404, {"error": "unknown token"})
    app = state.app(params.get("app_id"))
    if app is None:
        return _bad("unknown app_id; GET /_sim lists the apps")
    wanted = parse_scopes(params.get("scope", ""))
    unknown = sorted(wanted - set(scopes))
    if not wanted or unknown:
        return _bad(f"scope must list Pinterest scopes; unknown: {', '.join(unknown) or 'none given'}")
    environment = params.get("environment", request.environment)
    if environment not in HOSTS.values():
        return _bad("environment must be production or sandbox")
    user = params.get("user") or DEMO_USER
    if action == "token":
        refresh = params.get("refresh", "true").lower() not in ("false", "0", "no")
        return Reply(200, token_response(state, app, user, wanted, environment, "authorization_code",
                                         with_refresh=refresh))
    redirect_uri = params.get("redirect_uri") or app.redirect_uri
    ttl = _seconds(params.get("ttl"))
    if params.get("ttl") and ttl is None:
        return _bad("ttl must be a number of seconds above 0")
    code = state.issue_code(app, user, wanted, environment, redirect_uri, ttl)
    query = {"code": code, **({"state": params["state"]} if params.get("state") else {})}
    return Reply(200, {"code": code, "redirect": f"{redirect_uri}?{urlencode(query)}"})
