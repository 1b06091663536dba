"""The one place a mitmproxy flow becomes plain data: the Exchange detectors read.

`model.py` is the Exchange itself (no mitmproxy types); `request.py` reads requests cheaply (the
pre-check that lets other traffic pass at once) and `headers.py` its headers; `decode.py` decodes
bodies within a cap on their decoded size and `body.py` says why one was not read; `build.py` turns
a flow into an Exchange, reducing secrets to Credentials (prefix + fingerprint) before anything else
sees them, and `answer.py` adds the answer's part.
"""

from pinscope.exchange.build import from_flow, request_key, unchanged
from pinscope.exchange.decode import Decoded, decode_body
from pinscope.exchange.headers import HeaderView
from pinscope.exchange.model import API_HOSTS, Environment, Exchange, TokenGrant
from pinscope.untrusted import MAX_HEADERS
from pinscope.exchange.request import (CONTROL_HOST, IMAGE_PROXY_AGENT, MAX_PARSE_BYTES, REDACTED_HEADERS,
                                       authority_host, candidate, is_plumbing, might_leak, pretty_host,
                                       read_headers)

__all__ = ["API_HOSTS", "CONTROL_HOST", "IMAGE_PROXY_AGENT", "MAX_PARSE_BYTES", "REDACTED_HEADERS", "Decoded",
           "Environment", "Exchange", "HeaderView", "MAX_HEADERS", "TokenGrant", "authority_host", "candidate", "decode_body", "from_flow",
           "is_plumbing", "might_leak", "pretty_host", "read_headers", "request_key", "unchanged"]
