"""Pinterest's own names: API hosts and the error codes pinscope tells apart (FACTS §1, §8).

One place for them, so a detector, the answer table's loader and the simulator never spell a
code or a host as a bare literal.
"""

from __future__ import annotations

from enum import IntEnum
from typing import Literal

Environment = Literal["production", "sandbox"]
PRODUCTION_HOST = "api.pinterest.com"
SANDBOX_HOST = "api-sandbox.pinterest.com"
API_HOSTS: dict[str, Environment] = {PRODUCTION_HOST: "production", SANDBOX_HOST: "sandbox"}
HOSTS: dict[Environment, str] = {"production": PRODUCTION_HOST, "sandbox": SANDBOX_HOST}
CURRENT_VERSION = "v5"
CURRENT_VERSIONS = (None, CURRENT_VERSION)  # a call in v5, or with no version segment (taken as v5)


class Code(IntEnum):
    """Pinterest error codes (the `code` of an error body) that change a diagnosis."""

    INVALID_PARAMETERS = 1
    AUTHENTICATION_FAILED = 2
    NOT_AUTHORIZED = 3  # shared: missing scopes, a restricted feature, an unapproved app (FACTS §8)
    METHOD_NOT_ALLOWED = 5
    RATE_LIMITED = 8
    PERMISSION_DENIED = 29  # shared: no role on the resource, a Trial app writing in production
    INVALID_GRANT = 283
    BUSINESS_ACCOUNT_REQUIRED = 654
    TOKEN_EXPIRED = 1104
    TWO_FACTOR_REQUIRED = 1201
    ACCOUNT_DISAPPROVED = 2625
    ACCOUNT_UNDER_REVIEW = 2626
    ENDPOINT_RAMPED_DOWN = 4197
