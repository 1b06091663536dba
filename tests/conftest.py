"""Shared fixtures: an Engine over the real catalogue and rules."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "addons"))  # import pinscope from the checkout when not installed
sys.path.insert(0, str(ROOT))  # `tests.` imports

from pinscope.engine import Engine  # noqa: E402


@pytest.fixture
def engine() -> Engine:
    """A fresh engine with default settings."""
    return Engine()
