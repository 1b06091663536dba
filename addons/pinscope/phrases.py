"""Phrases for facts other modules keep as data: a body left unread, the scopes an operation needs.

The words are in the rule files (rules/body-not-read.toml, rules/shared/phrases.toml); these build
the Phrase a detector hands over, and `spoken()` words one for text outside a finding (a HAR note).
"""

from __future__ import annotations

from collections.abc import Sequence

from pinscope.catalog import Operation, per_operation
from pinscope.exchange.decode import Unread
from pinscope.findings import Phrase
from pinscope.rulebook import Rule

MIB = 1 << 20


def unread(why: Unread) -> Phrase:
    """`response body: decodes to more than 1 MiB (gzip)`: which body (Exchange.unread), and why."""
    return Phrase("unread", {"body": Phrase(why.body), "reason": reason(why)})


def reason(why: Unread) -> Phrase:
    """`decodes to more than 1 MiB (gzip)`: why a body was not read."""
    return Phrase(why.reason, {"coding": why.coding, "most": why.number,
                               "size": None if why.number is None else size(why.number)})


def size(size_bytes: int) -> Phrase:
    """`1 MiB` for a whole number of MiB, else a byte count."""
    if size_bytes and size_bytes % MIB == 0:
        return Phrase("mib", {"mib": size_bytes // MIB})
    return Phrase("bytes", {"bytes": size_bytes})


@per_operation
def scope_sets(op: Operation) -> Phrase | str:
    """`boards:read AND pins:read`: the scopes of a set (sorted) all needed, any one set enough."""
    alternatives: list[Phrase | str] = [_joined("all_scopes", sorted(s)) for s in op.scope_sets]
    return _joined("any_scopes", alternatives) if alternatives else Phrase("no_scopes")


def _joined(name: str, items: Sequence[Phrase | str]) -> Phrase | str:
    """The one item, or the `name` phrase of the first and the others joined the same way."""
    first, *rest = items
    return Phrase(name, {"first": first, "rest": _joined(name, rest)}) if rest else first


def spoken(phrase: Phrase, rule: Rule) -> str:
    """A phrase in the rule's words, outside a finding; its params are pinscope's own data."""
    return rule.phrase(phrase.name, {key: spoken(value, rule) if isinstance(value, Phrase) else value
                                     for key, value in phrase.params.items()})
