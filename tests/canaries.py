"""Planted secrets in every shape traffic can carry them, as plain request/answer data.

The same cases are played offline (a capture through `pinscope analyze`, the addon in process) and
live (a real mitmdump in front of a local upstream); every output is then searched for each whole
secret and for each of its 8-character slices. Each secret is random-looking and unique, so a
slice found anywhere can only have come from it.
"""

from __future__ import annotations

import base64
import json
import random
from dataclasses import dataclass, field
from urllib.parse import quote

PROD = "api.pinterest.com"
ESCAPES = "\x1b[2J\x1b[31mFAKE LINE\x1b]8;;https://evil.example/\x07click\x1b]8;;\x07\x9b0m\u202e"
BEACON = "![x](https://beacon.example/pixel.png) [click](javascript:alert(1)) <img src=x>"
_rng = random.Random(20261201)


def _random(n: int, alphabet: str = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789") -> str:
    return "".join(_rng.choice(alphabet) for _ in range(n))


# name -> secret; v5 token shapes of usual and unusual lengths, app secrets, codes, foreign keys.
SECRETS: dict[str, str] = {
    "item_token": "pina_" + _random(60),
    "rid_token": "pina_" + _random(40),
    "scheme_token": "pina_" + _random(50),
    "scheme_secret": _random(40, "0123456789abcdef"),
    "message_client_secret": _random(32),
    "message_code": _random(30),
    "short_token": "pina_" + _random(9),
    "api_key": _random(32),
    "apikey": _random(32),
    "password": _random(16),
    "secret_param": _random(28),
    "star_token": _random(36),
    "encoded_path_token": "pina_" + _random(48),
    "redirect_secret": _random(24),
    "form_key_secret": _random(40, "0123456789abcdef"),
    "charset_form_secret": _random(40, "0123456789abcdef"),
    "app_secret": _random(40, "0123456789abcdef"),
    "foreign_bearer": _random(44),
    "leaked_token": "pina_" + _random(56),
    "refresh_in_body": "pinr." + _random(56),
    "oauth_code": _random(40),
}
S = SECRETS
APP_ID = "1234567"
GOOD_TOKEN = "pina_" + _random(64)  # a token that appears in Authorization only (masked by shape)


def _basic(app_id: str, secret: str) -> str:
    return "Basic " + base64.b64encode(f"{app_id}:{secret}".encode()).decode()


@dataclass
class Case:
    """One request and the answer the (hostile) upstream gives."""

    name: str
    method: str
    path: str
    request_headers: dict[str, str] = field(default_factory=dict)
    request_body: bytes = b""
    status: int = 200
    response_headers: dict[str, str] = field(default_factory=dict)
    response_body: bytes = b""
    host: str = PROD


def _json(value: object) -> bytes:
    return json.dumps(value).encode()


def _error(code: int, message: str) -> bytes:
    return _json({"code": code, "message": message})


BEARER = {"authorization": f"Bearer {GOOD_TOKEN}"}
JSON = {"content-type": "application/json"}
CASES: list[Case] = [
    Case("bulk item error quotes a token", "POST", "/v5/ad_accounts/123/campaigns",
         {**BEARER, **JSON}, _json([{"name": "c"}]), 200, JSON,
         _json({"items": [{"data": None, "exceptions": [{"code": 2, "message": f"token {S['item_token']} "
                                                          f"is bad {ESCAPES}{BEACON}"}]}]})),
    Case("rid header carries a token and escapes", "GET", "/v5/pins/123", request_headers=BEARER, status=503,
         response_headers={**JSON, "x-pinterest-rid": f"{S['rid_token']} {ESCAPES}"},
         response_body=_error(0, f"temporarily unavailable {BEACON}")),
    Case("token as the Authorization scheme", "GET", "/v5/user_account",
         {"authorization": f"{S['scheme_token']} extra"}, status=401, response_headers=JSON,
         response_body=_error(2, "Authentication failed.")),
    Case("app secret as the Authorization scheme", "GET", "/v5/boards",
         {"authorization": f"{S['scheme_secret']} x"}, status=401, response_headers=JSON,
         response_body=_error(2, "Authentication failed.")),
    Case("Pinterest's message quotes secrets", "POST", "/v5/oauth/token",
         {"authorization": _basic(APP_ID, S["app_secret"]), "content-type": "application/x-www-form-urlencoded"},
         f"grant_type=authorization_code&code={S['oauth_code']}&redirect_uri=http://localhost:8085/".encode(),
         400, JSON, _error(1, f"Invalid client_secret {S['message_client_secret']} for app; retry at "
                              f"https://www.pinterest.com/oauth/?code={S['message_code']} with "
                              f"{S['short_token']} (app secret {S['app_secret']}) {ESCAPES} {BEACON}")),
    Case("a server error quotes secrets", "GET", "/v5/boards", BEARER, status=500, response_headers=JSON,
         response_body=_error(0, f"Invalid client_secret {S['message_client_secret']}; retry at "
                                 f"https://www.pinterest.com/oauth/?code={S['message_code']} with "
                                 f"{S['short_token']} (app secret {S['app_secret']}) {ESCAPES} {BEACON}")),
    Case("secret-looking query names", "GET",
         f"/v5/pins/123?api_key={S['api_key']}&apikey={S['apikey']}&password={S['password']}"
         f"&secret={S['secret_param']}&my_token={S['star_token']}", request_headers=BEARER, status=404,
         response_headers=JSON, response_body=_error(404, "Pin not found.")),
    Case("percent-encoded token in the path", "GET",
         f"/v5/pins/{quote(S['encoded_path_token'], safe='').replace('_', '%5F')}", request_headers=BEARER,
         status=404, response_headers=JSON, response_body=_error(404, "Pin not found.")),
    Case("secret in redirect_uri of an accepted grant", "POST", "/v5/oauth/token",
         {"authorization": _basic(APP_ID, S["app_secret"]), "content-type": "application/x-www-form-urlencoded"},
         ("grant_type=authorization_code&code=" + S["oauth_code"] + "&redirect_uri="
          + quote(f"https://app.example/cb?secret={S['redirect_secret']}", safe="")).encode(),
         200, JSON, _json({"access_token": GOOD_TOKEN, "refresh_token": "pinr." + _random(50),
                           "token_type": "bearer", "expires_in": 2592000, "scope": "pins:read",
                           "response_type": "authorization_code"})),
    Case("form key data[client_secret]", "POST", "/v5/oauth/token",
         {"content-type": "application/x-www-form-urlencoded"},
         f"grant_type=client_credentials&data[client_secret]={S['form_key_secret']}".encode(),
         401, JSON, _error(2, "Authentication failed.")),
    Case("form with a charset", "POST", "/v5/oauth/token",
         {"content-type": "application/x-www-form-urlencoded; charset=utf-8"},
         f"client_secret={S['charset_form_secret']}&grant_type=client_credentials".encode(),
         401, JSON, _error(2, "Authentication failed.")),
    Case("foreign bearer echoed back", "GET", "/v5/user_account",
         {"authorization": f"Bearer {S['foreign_bearer']}"}, status=401, response_headers=JSON,
         response_body=_error(2, f"Authentication failed for {S['foreign_bearer']}.")),
    Case("token leaked to another host", "GET", f"/collect?t={S['leaked_token']}", host="metrics.example",
         request_headers={"x-debug": S["leaked_token"]}, status=200, response_body=b"ok"),
    Case("refresh token in a JSON body", "POST", "/v5/pins", {**BEARER, **JSON},
         _json({"refresh_token": S["refresh_in_body"], "board_id": "1"}), 400, JSON,
         _error(1, f"Invalid parameters {ESCAPES}")),
]


def slices(secret: str, width: int = 8) -> list[str]:
    """Every `width`-character slice of a secret."""
    return [secret[i:i + width] for i in range(len(secret) - width + 1)]


def exposed(texts: dict[str, str]) -> list[tuple[str, str, str]]:
    """(output, secret name, slice) for every slice of a planted secret some output shows."""
    found = []
    for where, text in texts.items():
        for name, secret in [*SECRETS.items(), ("good_token", GOOD_TOKEN)]:
            found += [(where, name, piece) for piece in slices(secret) if piece in text][:1]
    return found


def escapes(texts: dict[str, str]) -> list[tuple[str, str]]:
    """(output, character) for every terminal control or bidi override some output carries."""
    bad = "\x1b\x07\x9b\u202e"
    return [(where, repr(c)) for where, text in texts.items() for c in bad if c in text]
