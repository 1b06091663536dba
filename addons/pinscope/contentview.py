"""The "Pinterest" contentview: a flow's findings and call context above its pretty-printed body."""

from __future__ import annotations

import json
import textwrap
from typing import Any
from urllib.parse import parse_qsl

from mitmproxy import contentviews
from mitmproxy.contentviews import Contentview, Metadata

from pinscope.annotate import CONTEXT_KEY, FINDINGS_KEY
from pinscope.redact import is_secret_name
from pinscope.report.plan import accepts_text
from pinscope.tokens import mask, parse_authorization
from pinscope.masking import KnownSecrets, mask_secrets
from pinscope.untrusted import MAX_HEADER_CHARS, strip_controls

# Columns of the findings header: mitmweb's detail pane shows about 85 at 13 px in a 1600 px window,
# so folding at 80 leaves no line to scroll sideways (tests/e2e/test_browser_mitmweb.py measures it).
WIDTH = 80
PRIORITY = 3.0  # above json (1) and graphql (2): chosen automatically for Pinterest API flows


class PinterestContentview(Contentview):
    """Findings (rule, severity, message, fix, docs), operation, scopes, category, token, then the body."""

    syntax_highlight = "yaml"  # the header is YAML-like and YAML highlighting covers JSON

    def prettify(self, data: bytes, metadata: Metadata) -> str:
        """Render the flow's pinscope annotations, then the body with secrets masked."""
        flow_meta = metadata.flow.metadata if metadata.flow is not None else {}
        lines = _findings_lines(flow_meta.get(FINDINGS_KEY) or [])
        lines += _context_lines(flow_meta.get(CONTEXT_KEY) or {})
        body = _body(data, metadata.content_type, _flow_secrets(metadata))
        lines += ["", *(folded for line in body.splitlines() for folded in _folded(line))]
        return "\n".join(lines)

    def render_priority(self, data: bytes, metadata: Metadata) -> float:
        """High for Pinterest API calls (healthy ones too) and flows with findings; never for others."""
        flow = metadata.flow
        if flow is not None and (flow.metadata.get(FINDINGS_KEY) or flow.metadata.get(CONTEXT_KEY)):
            return PRIORITY
        return -1


def register() -> None:
    """Add the view to mitmproxy's registry; a repeated load replaces it by name."""
    contentviews.add(PinterestContentview())


def _findings_lines(findings: list[dict[str, Any]]) -> list[str]:
    if not findings:
        return ["pinscope: no findings"]
    lines = [f"pinscope findings ({len(findings)}):"]
    for item in sorted(findings, key=_rank):  # worst first, as in the comment
        lines.append(f"- rule: {item.get('rule')}")
        for key in ("severity", "title", "message", "fix", "docs"):
            lines += _wrapped(f"  {key}: ", str(item.get(key)))
    return lines


def _rank(item: dict[str, Any]) -> int:
    """0 for error, 1 for warning, 2 for info (and anything unreadable last)."""
    return {"error": 0, "warning": 1, "info": 2}.get(str(item.get("severity")), 3)


def _wrapped(head: str, text: str, indent: str = "    ") -> list[str]:
    """Long messages and fixes folded at WIDTH so mitmweb's pane needs no sideways scrolling; a word
    longer than a line (a docs URL) is cut after a `/` where it can be, else at the width."""
    lines = textwrap.wrap(text, WIDTH, initial_indent=head, subsequent_indent=indent,
                          break_long_words=False, break_on_hyphens=False) or [head.rstrip()]
    out: list[str] = []
    for line in lines:
        while len(line) > WIDTH:
            cut = line.rfind("/", len(indent) + 1, WIDTH) + 1 or WIDTH
            out.append(line[:cut])
            line = indent + line[cut:]
        out.append(line)
    return out


def _folded(line: str) -> list[str]:
    """A body line longer than WIDTH (a long JSON string) folded, continuing 4 columns further in:
    this view is for reading; the JSON and raw views keep the body as sent."""
    if len(line) <= WIDTH:
        return [line]
    indent = line[:len(line) - len(line.lstrip(" "))]
    return _wrapped(indent, line.strip(), indent + "    ")


def _context_lines(context: dict[str, Any]) -> list[str]:
    scope_sets = context.get("scopes")
    sandbox = context.get("sandbox")
    return [
        *_wrapped("operation: ", context.get("operation") or "not a known Pinterest API operation"),
        *_wrapped("required scopes: ", "unknown" if scope_sets is None else accepts_text(scope_sets)),
        f"rate-limit category: {context.get('category') or 'unknown'}",
        f"sandbox: {'unknown' if sandbox is None else 'available' if sandbox else 'not available'}",
        *_wrapped("token: ", context.get("token") or "none"),
    ]


def _flow_secrets(metadata: Metadata) -> KnownSecrets:
    """The flow's own credential, so a body that echoes it (an error message) shows its label."""
    known = KnownSecrets()
    request = getattr(metadata.flow, "request", None)
    if request is not None:
        for value in request.headers.get_all("authorization")[:4]:
            credential = parse_authorization(value[:MAX_HEADER_CHARS])
            if credential is not None:
                known.learn(credential.length, credential.fingerprint)
    return known


def _body(data: bytes, content_type: str | None, known: KnownSecrets | None = None) -> str:
    """The body pretty-printed: JSON indented, forms one field a line, secrets masked."""
    if not data:
        return "(no body)"
    try:
        return json.dumps(_masked(json.loads(data), known), indent=2, ensure_ascii=False)
    except (ValueError, RecursionError):
        pass
    text = data.decode("utf-8", "replace")
    if "x-www-form-urlencoded" in (content_type or "").lower():  # `; charset=utf-8` may follow
        pairs = parse_qsl(text, keep_blank_values=True)
        return "\n".join(f"{_masked_value('', k, known)}: {_masked_value(k, v, known)}" for k, v in pairs)
    if "\ufffd" in text[:1024]:
        return f"({len(data)} bytes of {content_type or 'binary data'}; choose another view to see them)"
    return "\n".join(strip_controls(mask_secrets(line, known)) for line in text.splitlines())


def _masked(value: Any, known: KnownSecrets | None, key: str = "") -> Any:
    """JSON with secret fields and token-shaped strings replaced by their labels."""
    if isinstance(value, dict):
        return {_masked_value("", str(k), known): _masked(v, known, str(k)) for k, v in value.items()}
    if isinstance(value, list):
        return [_masked(v, known, key) for v in value]
    if isinstance(value, str):
        return _masked_value(key, value, known)
    return value


def _masked_value(key: str, value: str, known: KnownSecrets | None = None) -> str:
    if value and is_secret_name(key):
        return mask(value)
    return strip_controls(mask_secrets(value, known))  # tokens, and `?code=…` in a redirect URL
