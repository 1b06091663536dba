"""What the app, not the token, may do: an app awaiting approval, restricted (beta) features [FACTS §8]."""

from __future__ import annotations

from dataclasses import replace

from pinscope.catalog import Catalog, Operation
from pinscope.simulator.errors import APP_NOT_APPROVED, RESTRICTED_FEATURE, error
from pinscope.simulator.state import App
from pinscope.simulator.wire import Reply

# Pinterest's name for the feature behind an operation, where an answer showed it [obs FACTS §8].
FEATURES = {"search_partner_pins": "pin_search"}


def feature(operation: Operation) -> str | None:
    """The restricted feature an operation belongs to; None when the catalogue does not mark it beta.

    Names not in FEATURES are the operation id with `_` for `/` [inf]: Pinterest does not list them.
    """
    if not operation.beta:
        return None
    return FEATURES.get(operation.operation_id, operation.operation_id.replace("/", "_"))


def all_features(catalog: Catalog) -> frozenset[str]:
    """Every restricted feature the catalogue's beta operations belong to."""
    return frozenset(name for op in catalog.operations if (name := feature(op)) is not None)


def with_features(apps: tuple[App, ...], features: frozenset[str]) -> tuple[App, ...]:
    """The apps, each also given `features` (e.g. to run a client that uses beta operations)."""
    return tuple(replace(app, features=app.features | features) for app in apps)


def app_refusal(app: App) -> Reply | None:
    """401 code 3 "consumer type is not supported" for every call of an app whose access is not approved."""
    return None if app.approved else error(APP_NOT_APPROVED)


def feature_refusal(app: App, operation: Operation) -> Reply | None:
    """401 code 3 naming the restricted feature when the app was not given it."""
    name = feature(operation)
    if name is None or name in app.features:
        return None
    status, code, message = RESTRICTED_FEATURE
    return error((status, code, message.format(feature=name)))
