"""POST /v5/oauth/token and /v5/oauth/token/revoke [FACTS §4]."""

from __future__ import annotations

import base64
import binascii
from typing import Any

from pinscope.simulator.errors import INVALID_PARAMETERS, error, invalid_grant
from pinscope.simulator.state import DEMO_USER, App, SimState, TokenRecord
from pinscope.simulator.wire import Environment, Reply, SimRequest


def parse_scopes(text: str) -> frozenset[str]:
    """Scopes separated by commas (authorize URL) or spaces (token responses) [FACTS §4]."""
    return frozenset(s for s in text.replace(",", " ").split() if s)


def basic_client(state: SimState, request: SimRequest) -> App | None:
    """The app named by `Authorization: Basic base64(app_id:app_secret)`, when the secret matches."""
    scheme, _, value = request.headers.get("authorization", "").strip().partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        decoded = base64.b64decode(value.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    app_id, _, secret = decoded.partition(":")
    return state.client(app_id, secret)


def token_response(state: SimState, app: App, user: str, scopes: frozenset[str], environment: Environment,
                   response_type: str, with_refresh: bool = True,
                   access_ttl: float | None = None) -> dict[str, Any]:
    """Mint tokens and describe them as Pinterest's token endpoint does [spec OauthAccessTokenResponse*]."""
    ttl = state.config.token_ttl if access_ttl is None else access_ttl
    access, record = state.mint("access", app.app_id, user, scopes, environment, ttl)
    body: dict[str, Any] = {
        "access_token": access,
        "token_type": "bearer",
        "expires_in": max(1, round(ttl)),
        "scope": " ".join(sorted(scopes)),
        "response_type": response_type,
    }
    if with_refresh:
        refresh, refresh_record = state.mint("refresh", app.app_id, user, scopes, environment)
        body["refresh_token"] = refresh
        body["refresh_token_expires_in"] = int(state.config.refresh_ttl)
        if response_type == "refresh_token":  # required on refresh responses [spec]
            body["refresh_token_expires_at"] = int(refresh_record.expires_at)
    return body


def token(state: SimState, request: SimRequest, app: App) -> Reply:
    """Answer a token request from an authenticated app (form body, by grant_type)."""
    form, env = request.form, request.environment
    grant = form.get("grant_type")
    bad_grant = invalid_grant(state.config.invalid_grant_status)
    if grant == "authorization_code":
        if not form.get("code") or not form.get("redirect_uri"):
            return error(INVALID_PARAMETERS)
        code = state.redeem_code(app, form["code"], form["redirect_uri"], env)
        if code is None:
            return bad_grant
        return Reply(200, token_response(state, app, code.user, code.scopes, env, "authorization_code",
                                         access_ttl=code.access_ttl))
    if grant == "refresh_token":
        if not form.get("refresh_token"):
            return error(INVALID_PARAMETERS)
        old: TokenRecord | None = state.live(form["refresh_token"], "refresh")
        if old is None or old.app_id != app.app_id or old.environment != env:
            return bad_grant
        # Continuous refresh: each refresh returns a new refresh token [FACTS §4]; whether the old one
        # stops working is not established, so the config picks the reading (SimConfig.refresh_reuse).
        # Scopes cannot be widened by a refresh [FACTS §4]: a `scope` parameter can only narrow them.
        scopes = old.scopes & parse_scopes(form["scope"]) if form.get("scope") else old.scopes
        if state.config.refresh_reuse == "rotated":
            state.retire(form["refresh_token"])
        return Reply(200, token_response(state, app, old.user, scopes, env, "refresh_token"))
    if grant == "client_credentials":
        scopes = parse_scopes(form.get("scope", ""))
        if not scopes:
            return error(INVALID_PARAMETERS)  # scope is required for this grant [spec]
        # No user redirect: the token acts for the app's owner; no refresh token [spec].
        return Reply(200, token_response(state, app, DEMO_USER, scopes, env, "client_credentials",
                                         with_refresh=False))
    return error(INVALID_PARAMETERS)

