"""Exact minimum scope sets: the smallest sets that satisfy every OR-of-AND scope requirement."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

Requirement = Sequence[frozenset[str]]  # alternatives (OR); every scope of one alternative (AND)
Open = list[list[frozenset[str]]]  # reduced requirements: minimal alternatives, cheapest first


def _reduce(requirements: Iterable[Requirement], free: frozenset[str]) -> tuple[frozenset[str], Open]:
    """Scopes every solution must hold, and the requirements still open after granting them."""
    forced: frozenset[str] = frozenset()
    open_: Open = [list(r) for r in requirements if r]  # no alternatives: nothing needed
    while True:
        reduced: set[frozenset[frozenset[str]]] = set()
        for alternatives in open_:
            left = {a - free - forced for a in alternatives}
            if frozenset() in left:
                continue  # already satisfied
            # A superset alternative is never the cheaper choice: drop it.
            reduced.add(frozenset(a for a in left if not any(b < a for b in left)))
        single = frozenset().union(*(next(iter(r)) for r in reduced if len(r) == 1))
        open_ = [sorted(r, key=lambda a: (len(a), sorted(a))) for r in reduced]
        if not single:
            return forced, sorted(open_, key=lambda r: [sorted(a) for a in r])
        forced |= single


def _lower_bound(open_: Open, chosen: frozenset[str]) -> int:
    """At least this many more scopes: the cheapest completion of the hardest open requirement."""
    return max((min(len(a - chosen) for a in r) for r in open_), default=0)


def minimum_covers(requirements: Iterable[Requirement],
                   free: frozenset[str] = frozenset()) -> list[frozenset[str]]:
    """Every smallest set S with, for each requirement, one alternative inside S | free (sorted).

    Branches only over the alternatives of the open requirement with the fewest of them, prunes by
    size, and never visits the same partial union twice: at most 2**len(scopes) states, in practice few.
    """
    forced, reqs = _reduce(requirements, free)
    best: list[int] = [len(set().union(*(r[0] for r in reqs))) if reqs else 0]  # a feasible upper bound
    found: set[frozenset[str]] = set()
    seen: set[frozenset[str]] = set()

    def search(chosen: frozenset[str]) -> None:
        if chosen in seen:
            return
        seen.add(chosen)
        open_ = [r for r in reqs if not any(a <= chosen for a in r)]
        if len(chosen) + _lower_bound(open_, chosen) > best[0]:
            return
        if not open_:
            if len(chosen) < best[0]:
                best[0] = len(chosen)
                found.clear()
            found.add(chosen)
            return
        branch = min(open_, key=len)
        for alternative in branch:
            search(chosen | alternative)

    search(frozenset())
    return sorted((forced | s for s in found), key=lambda s: sorted(s))


def satisfies(scopes: frozenset[str], requirements: Iterable[Requirement]) -> bool:
    """Whether `scopes` meets every requirement (one with no alternatives needs nothing)."""
    return all(not r or any(a <= scopes for a in r) for r in requirements)
