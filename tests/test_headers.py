"""HeaderView reads what read_headers() reads, name by name, for any header fields."""

from __future__ import annotations

from hypothesis import given, strategies as st
from mitmproxy import http

from pinscope.exchange import read_headers
from pinscope.exchange.headers import READ_AT_ONCE, HeaderView

NAMES = st.sampled_from([n.decode().title().encode() for n in READ_AT_ONCE] + [b"X-Other", b"cookie", b"Accept",
                                                                                 b"AUTHORIZATION", b"H\xc3\xb6st"])
VALUES = st.binary(max_size=40) | st.sampled_from([b"Bearer pina_AMA0123456789abcdefghij", b"api.pinterest.com"])
FIELDS = st.lists(st.tuples(NAMES, VALUES), max_size=12).map(tuple)
ASKED = st.sampled_from(sorted({n.decode() for n in READ_AT_ONCE} | {"x-other", "cookie", "accept", "missing"}))


@given(FIELDS, ASKED)
def test_every_name_reads_as_read_headers_reads_it(fields: tuple, name: str) -> None:
    expected, authorization = read_headers(http.Headers(fields))
    view = HeaderView(fields)
    assert view.get(name) == expected.get(name)  # before anything is decoded in full
    assert view.authorization == authorization
    assert (name in view) == (name in expected)
    assert dict(view) == expected and len(view) == len(expected)


def test_a_copy_is_independent_and_authorization_is_never_a_value() -> None:
    view = HeaderView(((b"Authorization", b"Bearer pina_AMA0123456789abcdefghij"), (b"Host", b"api.pinterest.com")))
    twin = view.copy()
    twin["x-pinscope-silence"] = "rate-limit-low"
    assert view.get("x-pinscope-silence") is None and twin["x-pinscope-silence"] == "rate-limit-low"
    assert view["authorization"] == "[redacted]" and "pina_" not in repr(view)


@given(FIELDS, st.lists(st.tuples(ASKED, st.none() | st.text(max_size=8)), max_size=4), ASKED)
def test_names_set_or_deleted_read_as_a_dict_would(fields: tuple, changes: list, name: str) -> None:
    view, expected = HeaderView(fields), read_headers(http.Headers(fields))[0]
    for changed, value in changes:  # None: delete it
        if value is None:
            if changed in expected:
                del view[changed], expected[changed]
        else:
            view[changed] = expected[changed] = value
    assert view.get(name) == expected.get(name) and dict(view) == expected
