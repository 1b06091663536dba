"""Safe HTML building for the HTML report: every value is escaped unless it is already Html.

Report data comes from traffic (URLs, error messages, header values), so escaping is the default
and the only way to emit markup is to build it with `el()` or wrap a literal in `Html`.
"""

from __future__ import annotations

import html
from collections.abc import Iterable

EMPTY = "-"


class Html(str):
    """A fragment that is already markup: never escaped again."""

    __slots__ = ()


def esc(value: object) -> Html:
    """A value as HTML text: Html passes through, None is `-`, everything else is escaped."""
    if isinstance(value, Html):
        return value
    if value is None or value == "":
        return Html(EMPTY)
    return Html(html.escape(str(value), quote=True))


def join(parts: Iterable[object], sep: str = "") -> Html:
    """Escape each part and join them; empty strings are left out (None shows as `-`)."""
    return Html(sep.join(esc(p) for p in parts if not (isinstance(p, str) and p == "")))


def attrs(**values: object) -> str:
    """` name="value"` pairs: `cls` is class, `_` becomes `-`, True is bare, None/False are dropped."""
    out = []
    for name, value in values.items():
        name = "class" if name == "cls" else name.rstrip("_").replace("_", "-")
        if value is None or value is False:
            continue
        out.append(f" {name}" if value is True else f' {name}="{html.escape(str(value), quote=True)}"')
    return "".join(out)


def el(tag: str, *children: object, **attributes: object) -> Html:
    """`<tag attrs>children</tag>` with every child escaped unless it is Html."""
    return Html(f"<{tag}{attrs(**attributes)}>{join(children)}</{tag}>")


def link(url: str | None, text: object = None) -> Html:
    """An outbound link; only http(s) URLs become links, anything else is plain text."""
    if not url:
        return esc(None)
    if not url.startswith(("https://", "http://")):
        return esc(text if text is not None else url)
    return el("a", text if text is not None else url, href=url, rel="noopener noreferrer")


def table(headers: list[str], rows: Iterable[list[object]], cls: str | None = None) -> Html:
    """A table with a header row; cells are escaped unless they are Html."""
    head = el("thead", el("tr", *(el("th", h, scope="col") for h in headers)))
    body = el("tbody", *(el("tr", *(el("td", esc(cell)) for cell in row)) for row in rows))
    return el("div", el("table", head, body, cls=cls), cls="table-wrap")
