"""Where pinscope's data files live, in a source checkout and in an installed wheel."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

# In a checkout the rule data is the top-level rules/ folder; a wheel installs it as pinscope/rules.
_CHECKOUT_RULES = Path(__file__).resolve().parent.parent.parent / "rules"


def rules_dir() -> Path:
    """The folder holding `<rule-id>.toml` files and `endpoints.json`."""
    if (_CHECKOUT_RULES / "endpoints.json").is_file():
        return _CHECKOUT_RULES
    return Path(str(resources.files("pinscope") / "rules"))
