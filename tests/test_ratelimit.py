"""ratelimit.py: Pinterest's multi-policy X-RateLimit-* headers, the integer form, and garbage."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pinscope.ratelimit import (MAX_DIGITS, MAX_POLICIES, MAX_VALUE, RateLimitPolicy, parse_limit,
                                parse_ratelimit)


def headers(limit: str | None = None, remaining: str | None = None, reset: str | None = None) -> dict[str, str]:
    """Lower-cased rate-limit headers, leaving out the ones given as None."""
    raw = {"x-ratelimit-limit": limit, "x-ratelimit-remaining": remaining, "x-ratelimit-reset": reset}
    return {k: v for k, v in raw.items() if v is not None}


def test_multi_policy_form_as_pinterest_sends_it() -> None:
    policy = parse_ratelimit(headers("100, 100;w=1, 1000;w=60", "99", "1"))
    assert policy == RateLimitPolicy(100, ((100, 1), (1000, 60)), 99, 1.0)
    assert policy.describe() == "100/1s, 1000/60s"
    assert policy.binding_window == 1


def test_category_window_binding() -> None:
    policy = parse_ratelimit(headers("1000, 100;w=1, 1000;w=60", "3", "42"))
    assert (policy.limit, policy.binding_window, policy.remaining, policy.reset_seconds) == (1000, 60, 3, 42.0)


def test_plain_integer_form() -> None:
    policy = parse_ratelimit(headers("1000", "10", "30"))
    assert policy == RateLimitPolicy(1000, (), 10, 30.0)
    assert policy.describe() == "1000" and policy.binding_window is None


def test_windows_only_take_the_smallest_quota_as_limit() -> None:
    assert parse_limit("1000;w=60, 100;w=1") == (100, ((1000, 60), (100, 1)))


def test_no_headers_is_none_and_partial_headers_are_kept() -> None:
    assert parse_ratelimit({}) is None
    assert parse_ratelimit({"content-type": "application/json"}) is None
    policy = parse_ratelimit(headers(remaining="7"))
    assert policy == RateLimitPolicy(None, (), 7, None) and policy.describe() == "unknown"


@pytest.mark.parametrize(("limit", "expected"), [
    ("", (None, ())),
    ("abc", (None, ())),
    ("-5", (None, ())),
    ("1e9", (None, ())),
    (";;;,,,", (None, ())),
    ("100;w=abc", (100, ())),
    ("100;W=60", (100, ((100, 60),))),
    ("100 ; w = 60", (100, ((100, 60),))),
    ("٣", (None, ())),  # a non-ASCII digit is not a quota
    ("99999999999", (MAX_VALUE, ())),
])
def test_limit_garbage_is_tolerated(limit: str, expected: tuple) -> None:
    assert parse_limit(limit) == expected


@pytest.mark.parametrize(("reset", "expected"), [
    ("1.5", 1.5), ("0", 0.0), (" 42 ", 42.0), ("999999999999", float(MAX_VALUE)),
    # Everything float() would also accept is refused: no server writes seconds so.
    ("nan", None), ("NaN", None), ("inf", None), ("Infinity", None), ("-1", None), ("+1", None),
    ("1e12", None), ("1e400", None), ("1_000", None), ("٣", None), ("0x10", None), ("soon", None),
    ("", None),
    ("9" * (MAX_DIGITS + 1), None), ("1." + "5" * (MAX_DIGITS + 1), None),
])
def test_reset_is_delta_seconds_or_none(reset: str, expected: float | None) -> None:
    assert parse_ratelimit(headers(reset=reset)).reset_seconds == expected


@pytest.mark.parametrize("value", ["1" * 400, "9" * 100_000, str(10**400), "-" + "9" * 50, "1e400", "inf",
                                   "nan"])
def test_huge_or_non_finite_counts_are_refused_before_int(value: str) -> None:
    policy = parse_ratelimit(headers(limit=value, remaining=value, reset=value))
    assert policy == RateLimitPolicy(None, (), None, None)
    assert parse_limit(f"{value};w={value}, 100;w=1") == (100, ((100, 1),))


def test_a_huge_header_is_split_only_as_far_as_it_is_read() -> None:
    limit, windows = parse_limit(",".join(["100;w=1"] * 200_000))
    assert limit == 100 and len(windows) == MAX_POLICIES


def test_duplicated_headers_use_the_first_value() -> None:
    policy = parse_ratelimit(headers("100", "5, 7", "2, 9"))
    assert (policy.remaining, policy.reset_seconds) == (5, 2.0)


def test_many_items_are_capped() -> None:
    limit, windows = parse_limit(", ".join(f"{i};w={i}" for i in range(1, 1000)))
    assert len(windows) == 16 and limit == 1


@given(st.text(max_size=100), st.text(max_size=30), st.text(max_size=30))
def test_never_crashes(limit: str, remaining: str, reset: str) -> None:
    policy = parse_ratelimit(headers(limit, remaining, reset))
    assert policy is not None
    policy.describe()
    assert policy.remaining is None or 0 <= policy.remaining <= MAX_VALUE
    assert policy.reset_seconds is None or 0 <= policy.reset_seconds <= MAX_VALUE
