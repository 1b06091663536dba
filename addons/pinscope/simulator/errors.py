"""Pinterest's error answers, each with the FACTS.md section it comes from."""

from __future__ import annotations

from pinscope.simulator.wire import Reply

# (HTTP status, Pinterest code, message). Sources: FACTS.md §1 code table unless noted.
AUTH_FAILED = (401, 2, "Authentication failed.")  # [spec; obs python-generated-api-client#31]
MISSING_SCOPES = (401, 3, "Your token does not have sufficient permissions to perform this "
                  "operation. Please ensure your token is authorized with the correct set of scopes.")
# FACTS §8: code 3 also refuses the app rather than the token (the token's scopes are fine).
APP_NOT_APPROVED = (401, 3, "Your application consumer type is not supported, please contact support.")
# {feature} is Pinterest's feature name, e.g. pin_search for GET /v5/search/partner/pins [obs FACTS §8].
RESTRICTED_FEATURE = (401, 3, "Your application does not have access to this restricted feature: {feature}")
METHOD_NOT_ALLOWED = (405, 5, "Method not allowed")
RATE_LIMITED = (429, 8, "This request exceeded a rate limit. This can happen if the client exceeds one\n"
                "of the published rate limits within a short time window.")
NOT_PERMITTED = (403, 29, "You are not permitted to access that resource.")  # /oauth/token/revoke
TRIAL_PINS = (403, 29, "Apps with Trial access may not create Pins in production "
              "https://api.pinterest.com - use API Sandbox https://api-sandbox.pinterest.com instead.")
# FACTS §1: 283 at HTTP 400 or 401 [inf]; the HTTP status is SimConfig.invalid_grant_status.
INVALID_GRANT_CODE, INVALID_GRANT_MESSAGE = 283, "The authorization grant is invalid"
BOARD_NOT_FOUND = (404, 40, "Board not found.")
PIN_NOT_FOUND = (404, 50, "Pin not found.")
INVALID_PARAMETERS = (400, 1, "Invalid parameters.")
# Wording [inf], after the spec's "Invalid multi_pins analytics parameters." (FACTS §6 date windows).
INVALID_ANALYTICS = (400, 1, "Invalid ad account analytics parameters.")
# FACTS §3: sandbox-disabled endpoint on the sandbox host -> 400, exact body not captured [inf].
SANDBOX_DISABLED = (400, 1, "This endpoint is not available in the API Sandbox "
                    "(https://api-sandbox.pinterest.com); call it on https://api.pinterest.com.")
NOT_FOUND = (404, 404, "Not found.")  # unknown path: no body captured anywhere [inf]

# Messages for faults forced with X-Sim-Fault, by Pinterest code [spec examples].
FAULT_MESSAGES = {
    2: AUTH_FAILED[2],
    3: MISSING_SCOPES[2],
    8: RATE_LIMITED[2],
    29: NOT_PERMITTED[2],
    1104: "The token you provided is not valid or has expired.",
    4181: "Not implemented at the moment. Please, see documentation.",
    4197: "The endpoint has been ramped down and is currently not accepting any traffic.",
}
# api-quickstart treats a 429 whose message_detail mentions "spam" as a spam block [code, FACTS §1].
SPAM_DETAIL = "Request blocked: this activity was flagged as spam."


def error(kind: tuple[int, int, str], headers: dict[str, str] | None = None, **extra: object) -> Reply:
    """A Pinterest error body `{"code", "message"}`; code 2 adds the observed `"status": "failure"`."""
    status, code, message = kind
    body: dict[str, object] = {"code": code, "message": message}
    if code == 2:
        body["status"] = "failure"  # seen on real 401 code 2 bodies [obs #31, pinterest-node-api#20]
    body.update(extra)
    return Reply(status, body, dict(headers or {}))


def invalid_grant(status: int) -> Reply:
    """`{"code": 283, ...}` exactly as quoted in pinterest-python-sdk#114."""
    return Reply(status, {"code": INVALID_GRANT_CODE, "message": INVALID_GRANT_MESSAGE})
