"""Which operations create, read, update, delete and list stored objects, read from the catalogue's paths.

A resource is a collection path ending in a literal segment that has a POST (create) and something
that reads what it made: a paged GET on the collection (list) or a GET on `collection/{key}` (read).
PATCH and DELETE on `collection/{key}` update and delete; PATCH on the collection is a batch update
(the ads API's shape). A GET on `.../{parent_id}/<name>` where `/<name>` is a resource lists that
resource's objects whose fields match the path's ids (the Pins of a board or of a board section).
"""

from __future__ import annotations

from dataclasses import dataclass

from pinscope.catalog import Catalog
from pinscope.requestcheck import schema_for
from pinscope.simulator.errors import BOARD_NOT_FOUND, PIN_NOT_FOUND
from pinscope.simulator.examples import example_body
from pinscope.simulator.shape import batch_item
from pinscope.simulator.store import Obj, Scope

# Not-found answers by the item's path parameter [FACTS §1: codes 40, 50, 2031]; section wording [inf].
NOT_FOUND_BY_KEY = {"board_id": BOARD_NOT_FOUND, "pin_id": PIN_NOT_FOUND,
                    "section_id": (404, 2031, "Board section not found.")}
# Ad accounts are not checked as parents: the demo and the diagnoses' cases name fixed ad account ids
# that no one created (analytics, ads, events), and those calls must keep answering [inf].
UNCHECKED_PARENTS = frozenset({"/ad_accounts"})


@dataclass(frozen=True, slots=True)
class Role:
    """What one operation does to stored objects."""

    kind: str  # create | list | batch_update | get | update | delete | child_list | linked_list
    collection: str  # the resource's collection path template, e.g. /boards/{board_id}/sections
    key: str  # the item's path parameter, e.g. section_id ("" when the resource has no item path)
    parents: tuple[str, ...]  # the collection's own path parameters, e.g. ("board_id",)
    paged: bool = True  # a list answers `bookmark` too
    fill: bool = False  # a read whose schema has fields the create's lacks: the example fills them
    ordered: bool = False  # a list with an `order` parameter (ASCENDING or DESCENDING by id) [spec]


def _segments(path: str) -> list[str]:
    return [s for s in path.split("/") if s]


def _param(segment: str) -> str | None:
    return segment[1:-1] if segment.startswith("{") else None


def parents_of(template: str) -> tuple[str, ...]:
    """The path parameters of a template, in order."""
    return tuple(p for p in map(_param, _segments(template)) if p)


def _listing(operation_id: str) -> tuple[bool, bool]:
    """(answers `items`, answers `bookmark` too) from the operation's success example."""
    body = example_body(operation_id)
    items = isinstance(body, dict) and isinstance(body.get("items"), list)
    return items and "data" not in (body["items"] or [{}])[0], items and "bookmark" in body


def _keys(operation_id: str) -> set[str]:
    body = example_body(operation_id)
    return set(body) if isinstance(body, dict) else set()


def index(catalog: Catalog) -> dict[str, Role]:
    """Roles by operation id for every resource the catalogue's paths describe."""
    routes = {(op.method, op.path): op for op in catalog.operations}
    roles: dict[str, Role] = {}
    for (method, collection), create in routes.items():
        if method != "POST" or _param(_segments(collection)[-1]) or "basic" in create.auth:
            continue
        item = next((p for (_, p) in routes if p.rsplit("/", 1)[0] == collection
                     and _param(p.rsplit("/", 1)[1])), None)
        key = _param(item.rsplit("/", 1)[1]) if item else ""
        listing = routes.get(("GET", collection))
        lists, paged = _listing(listing.operation_id) if listing is not None else (False, False)
        if not lists and ("GET", item) not in routes:
            continue
        parents = parents_of(collection)
        roles[create.operation_id] = Role("create", collection, key or "", parents)
        if lists:
            query = (schema_for(listing.operation_id) or {}).get("properties", {}).get("query", {})
            roles[listing.operation_id] = Role("list", collection, key or "", parents, paged,
                                               ordered="order" in query.get("properties", {}))
        batch = routes.get(("PATCH", collection))
        if batch is not None and batch_item(example_body(batch.operation_id)) is not None:
            roles[batch.operation_id] = Role("batch_update", collection, key or "", parents)
        for verb, kind in (("GET", "get"), ("PATCH", "update"), ("DELETE", "delete")):
            op = routes.get((verb, item)) if item else None
            if op is not None:
                fill = kind == "get" and not _keys(op.operation_id) <= _keys(create.operation_id)
                roles[op.operation_id] = Role(kind, collection, key or "", parents, fill=fill)
    listed = {r.collection: r for r in roles.values() if r.kind == "list" and not r.parents}
    for (method, path), op in routes.items():
        head, _, name = path.rpartition("/")
        target = listed.get(f"/{name}")
        if method == "GET" and target and _param(head.rsplit("/", 1)[-1]) and op.operation_id not in roles:
            roles[op.operation_id] = Role("child_list", target.collection, target.key, ())
    keyed = {r.collection: r for r in roles.values() if r.kind == "create" and r.key}
    for (method, path), op in routes.items():
        head, _, name = path.rpartition("/")
        target = keyed.get(head)
        if method == "GET" and target and not _param(name) and op.operation_id not in roles \
                and _names(op.operation_id, target.key):
            roles[op.operation_id] = Role("linked_list", target.collection, target.key, target.parents)
    return roles


def _names(operation_id: str, key: str) -> bool:
    """Whether a paged list's items name a resource's objects by their key (page_visit's `conversion_tag_id`)."""
    body = example_body(operation_id)
    items = body.get("items") if isinstance(body, dict) and "bookmark" in body else None
    return isinstance(items, list) and bool(items) and isinstance(items[0], dict) and key in items[0]


def scope(role: Role, params: dict[str, str]) -> Scope:
    """Where a role's objects live for these path parameters."""
    return role.collection, tuple(params.get(p, "") for p in role.parents)


def object_id(obj: Obj, key: str) -> str:
    """The stored object's id: its field named like the item parameter (`media_id`), else `id`."""
    value = obj.get(key) if key in obj else obj.get("id")
    return str(value) if value not in (None, "") else ""


def parent_checks(path: str, roles: dict[str, Role]) -> list[tuple[Role, str]]:
    """(resource, parameter) for each `{param}` before the last segment that names a stored object."""
    resources = {r.collection: r for r in roles.values() if r.key}
    segments = _segments(path)
    found = []
    for i, segment in enumerate(segments[:-1]):
        collection = "/" + "/".join(segments[:i])
        resource = resources.get(collection)
        if resource and resource.key == _param(segment) and collection not in UNCHECKED_PARENTS:
            found.append((resource, resource.key))
    return found


def matches(obj: Obj, params: dict[str, str]) -> bool:
    """Whether an object's fields carry the path's ids: `board_id`, or a field ending `_section_id`."""
    for name, value in params.items():
        field = name if name in obj else next((f for f in obj if f.endswith(f"_{name}")), None)
        if field is None or str(obj[field]) != value:
            return False
    return True


def query_filter(obj: Obj, query: dict[str, str], key: str) -> bool:
    """The cheap list filters: `campaign_ids=1,2` keeps the campaigns (or ad groups) with those ids [spec].

    A singular `ad_group_id=1` filters the same way. An object without that field but with a `parent_id`
    (a keyword's "parent entity ID (advertiser, campaign, ad group)" [spec]) is filtered on its parent.
    `ad_account_id` in a query names the ad account acting for the caller, never a filter [spec].
    """
    for name, value in query.items():
        field = name.removesuffix("s")
        if not name.endswith(("_ids", "_id")) or not value or name == "ad_account_id":
            continue
        if field == key:
            field = key if key in obj else "id"
        elif field not in obj and "parent_id" in obj:
            field = "parent_id"
        if field in obj and str(obj[field]) not in value.split(","):
            return False
    return True
