"""KnownSecrets: its stamp changes with every secret learnt; its cheap pre-check never misses one."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from pinscope.masking import KnownSecrets
from pinscope.tokens import fingerprint

RUN = re.compile(r"[A-Za-z0-9._~+/-]{8,}=*")


def test_the_stamp_changes_with_each_new_secret_only() -> None:
    known, other = KnownSecrets(), KnownSecrets()
    assert known.stamp != other.stamp, "two sessions never share what clean() and render() remember"
    first = known.stamp
    known.learn(16, fingerprint("Zq8vN2rT5kLm9wXa"))
    second = known.stamp
    known.learn(16, fingerprint("Zq8vN2rT5kLm9wXa"))  # known already
    known.learn(4, fingerprint("abcd"))  # too short to be learnt
    assert first != second == known.stamp


@given(st.text(alphabet="ab=.-~ ,:/+9", max_size=60), st.lists(st.integers(8, 40), min_size=1, max_size=4))
def test_may_hold_is_true_whenever_a_run_has_a_secret_s_length(text: str, lengths: list[int]) -> None:
    known = KnownSecrets()
    for n, length in enumerate(lengths):
        known.learn(length, f"print{n}")
    expected = any(len(run) in lengths or len(run.rstrip(".-=~")) in lengths for run in RUN.findall(text))
    assert known.may_hold(text) == expected
