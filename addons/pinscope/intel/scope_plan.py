"""A least-privilege scope plan for the operations a session called, and how each token fits it."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import NamedTuple
from urllib.parse import quote

from pinscope.catalog import Catalog, Operation
from pinscope.intel.cover import minimum_covers
from pinscope.session import Session

AUTHORIZE_URL = "https://www.pinterest.com/oauth/"  # FACTS §4
APP_ID_PLACEHOLDER = "YOUR_APP_ID"
REDIRECT_URI_PLACEHOLDER = "YOUR_REDIRECT_URI"


@dataclass(frozen=True)
class CalledOperation:
    """One operation the session called, and how often."""

    operation: Operation
    requests: int


@dataclass(frozen=True)
class TokenFit:
    """One token's granted scopes against the plan: what it lacks, what it holds needlessly."""

    label: str
    fingerprint: str
    granted: frozenset[str]
    missing: tuple[frozenset[str], ...]  # every smallest addition, recommended first; () when none needed
    excessive: frozenset[str]  # held, but unused by the smallest ways of making the calls (after `lacks`)

    @property
    def lacks(self) -> frozenset[str]:
        """The first smallest addition (empty when the token can make every call)."""
        return self.missing[0] if self.missing else frozenset()


@dataclass(frozen=True)
class ScopePlan:
    """The scopes this session's calls need, at least privilege."""

    operations: tuple[CalledOperation, ...]
    minimal_sets: tuple[frozenset[str], ...]  # every smallest satisfying set, least privilege first
    tokens: tuple[TokenFit, ...]
    app_id: str | None
    redirect_uri: str | None
    unknown_operations: tuple[str, ...] = ()  # labels the catalogue no longer knows

    @property
    def scopes(self) -> frozenset[str]:
        """The recommended set: the first smallest one (fewest secret, then write scopes)."""
        return self.minimal_sets[0] if self.minimal_sets else frozenset()

    @property
    def tied(self) -> bool:
        """Whether several different sets are equally small."""
        return len(self.minimal_sets) > 1

    @property
    def authorization_url(self) -> str | None:
        """The OAuth authorize URL asking for the planned scopes (None when no call needs one)."""
        if not self.scopes:
            return None
        return authorization_url(self.scopes, self.app_id, self.redirect_uri)


def privilege_order(scopes: frozenset[str]) -> tuple[int, int, list[str]]:
    """Sort key among equally small sets: fewer `*_secret`, then fewer write scopes, then by name."""
    return (sum(s.endswith("_secret") for s in scopes),
            sum(":write" in s for s in scopes), sorted(scopes))


def authorization_url(scopes: frozenset[str], app_id: str | None, redirect_uri: str | None) -> str:
    """`https://www.pinterest.com/oauth/?client_id=…&redirect_uri=…&response_type=code&scope=a,b`."""
    client = quote(app_id, safe="") if app_id else APP_ID_PLACEHOLDER
    redirect = quote(redirect_uri, safe="") if redirect_uri else REDIRECT_URI_PLACEHOLDER
    scope = quote(",".join(sorted(scopes)), safe=",:")
    return f"{AUTHORIZE_URL}?client_id={client}&redirect_uri={redirect}&response_type=code&scope={scope}"


def _excessive(granted: frozenset[str], added: frozenset[str], operations: list[Operation]) -> frozenset[str]:
    """Granted scopes that no smallest way of making the calls with `granted | added` uses."""
    usable = granted | added
    within = [tuple(a for a in op.scope_sets if a <= usable) for op in operations if op.scope_sets]
    return granted - frozenset().union(*minimum_covers(within))


def fit_token(label: str, fingerprint: str, granted: frozenset[str], operations: list[Operation],
              app_operations: list[Operation] | None = None) -> TokenFit:
    """What `granted` lacks for its own `operations`, and which of its scopes no call needs.

    Excessive is measured against `app_operations` (default: `operations`), every call of the session:
    whether the app may stop asking for a scope depends on all its calls, not on one token's.
    """
    everything = operations if app_operations is None else app_operations
    additions = minimum_covers((op.scope_sets for op in operations), free=granted)
    excess = {added: _excessive(granted, added, everything) for added in additions}
    # Among equally small additions, recommend the one that puts most of the grant to use.
    ranked = sorted(additions, key=lambda added: (len(excess[added]), privilege_order(added)))
    missing = tuple(a for a in ranked if a)
    return TokenFit(label, fingerprint, granted, missing, excess[ranked[0]])


class TokenGrant(NamedTuple):
    """A token with a known grant, and the operations it called (None: all the plan's calls)."""

    label: str
    fingerprint: str
    granted: frozenset[str]
    operations: tuple[Operation, ...] | None = None


def plan_operations(called: list[CalledOperation], grants: list[TokenGrant],
                    app_id: str | None = None, redirect_uri: str | None = None,
                    unknown: tuple[str, ...] = ()) -> ScopePlan:
    """The plan for these calls; each token is fitted against the calls it made itself."""
    operations = [c.operation for c in called]
    minimal = minimum_covers(op.scope_sets for op in operations)
    minimal.sort(key=privilege_order)
    fits = tuple(fit_token(g.label, g.fingerprint, g.granted,
                           operations if g.operations is None else list(g.operations), operations)
                 for g in grants)
    return ScopePlan(tuple(called), tuple(minimal), fits, app_id, redirect_uri, unknown)


def _most_seen(counts: Counter[str]) -> str | None:
    """The most frequent value (ties: the first in name order), or None."""
    return min(counts, key=lambda v: (-counts[v], v)) if counts else None


def plan_scopes(session: Session, catalog: Catalog) -> ScopePlan:
    """The scope plan for everything `session` called, against `catalog`."""
    called: list[CalledOperation] = []
    unknown: list[str] = []
    for label, stats in sorted(session.operations.items()):
        method, _, template = label.partition(" ")
        op = catalog.find(method, template)
        if op is None:
            unknown.append(label)
        else:
            called.append(CalledOperation(op, stats.requests))
    # A token lacks only what its own calls needed: another token's calls say nothing about it.
    grants = [TokenGrant(t.credential.label, t.credential.fingerprint, t.scopes,
                         tuple(catalog.by_id[i] for i in sorted(t.operations) if i in catalog.by_id))
              for t in sorted(session.tokens.values(), key=lambda t: t.credential.label)
              if t.scopes is not None and t.credential.kind == "access"]
    return plan_operations(called, grants, _most_seen(session.app_ids), _most_seen(session.redirect_uris),
                           tuple(unknown))
