"""Rule text as data: one `rules/<rule-id>.toml` per rule, validated when loaded."""

from __future__ import annotations

import json
import string
import tomllib
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import Annotated, TypeVar

from pydantic import (BaseModel, ConfigDict, Field, HttpUrl, ValidationError, field_validator,
                      model_validator)

from pinscope.paths import rules_dir

RULE_ID = r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$"


class Severity(StrEnum):
    """The closed list of severities, worst first when sorted by `rank`."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        """0 for error, 1 for warning, 2 for info."""
        return _RANKS[self]

    @property
    def marker(self) -> str:
        """The mitmproxy marker (an emoji shortcode) for a flow whose worst finding has this."""
        return _MARKERS[self]


# Keyed by the severities' values (a StrEnum member hashes and compares as its value).
_RANKS = {"error": 0, "warning": 1, "info": 2}
_MARKERS = {"error": ":no_entry:", "warning": ":warning:", "info": ":information_source:"}


Template = Annotated[str, Field(min_length=1)]


class Rule(BaseModel):
    """One rule file: what it means, how bad it is, and what to do."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: Annotated[str, Field(pattern=RULE_ID)]
    severity: Severity
    title: Annotated[str, Field(min_length=5, max_length=100)]
    summary: Annotated[str, Field(min_length=10)]  # what the rule detects, for `pinscope rules ID`
    message: dict[str, Template]  # headline templates by variant; "default" is required
    # The few words after the rule id in mitmweb's comment column (`missing {missing}`): what is
    # wrong or what to do, without the method and path the flow list already shows.
    essence: dict[str, Template]
    fix: dict[str, Template]  # fix templates by variant; "default" is required
    docs: HttpUrl
    faq: str | None = None  # the FAQ question this rule answers, when there is one
    # Named sentence parts (Phrase params: an optional part, one per offending field, per item
    # error): their wording is data too, filled like the templates; a list of them is joined by "; ".
    # A name the rule does not declare is looked up in rules/shared/phrases.toml.
    phrases: dict[str, Template] = Field(default_factory=dict)

    @field_validator("message", "essence", "fix", mode="before")
    @classmethod
    def _variants(cls, value: object) -> object:
        """A plain string is the default variant."""
        return {"default": value} if isinstance(value, str) else value

    @field_validator("phrases")
    @classmethod
    def _phrases_parse(cls, value: dict[str, str]) -> dict[str, str]:
        """Every phrase must parse as a template."""
        return _parsed(value)

    @field_validator("message", "essence", "fix")
    @classmethod
    def _has_default(cls, value: dict[str, str]) -> dict[str, str]:
        """Every template table needs a default, and every template must parse."""
        if "default" not in value:
            raise ValueError("needs a 'default' variant")
        return _parsed(value)

    @model_validator(mode="after")
    def _essence_variants_exist(self) -> Rule:
        """An essence variant must be one the message or the fix declares (a typo would be dead text)."""
        unknown = sorted(set(self.essence) - set(self.message) - set(self.fix))
        if unknown:
            raise ValueError(f"essence: variant(s) {', '.join(unknown)} not in [message] or [fix]")
        return self

    def placeholders(self) -> set[str]:
        """Every `{name}` the templates use."""
        return {
            name
            for text in (*self.message.values(), *self.essence.values(), *self.fix.values())
            for _, name, _, _ in string.Formatter().parse(text)
            if name
        }

    def phrase(self, name: str, params: dict[str, object]) -> str:
        """One named phrase (the rule's, else the shared one), filled; an undeclared name shows as
        `{name}` rather than failing."""
        template = self.phrases.get(name) or shared_phrases().get(name)
        return "{" + name + "}" if template is None else template.format_map(_Lenient(params))

    def template(self, table: str, variant: str) -> str:
        """The variant's "message", "essence" or "fix" template, else that table's default."""
        templates = self.message if table == "message" else self.essence if table == "essence" else self.fix
        return templates.get(variant) or templates["default"]

    def render(self, table: str, variant: str, params: dict[str, object]) -> str:
        """Fill a template; a missing parameter shows as `{name}` rather than failing."""
        return self.template(table, variant).format_map(_Lenient(params))


class SharedPhrases(BaseModel):
    """rules/shared/phrases.toml: the sentence parts every rule may use."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    phrases: dict[str, Template]

    @field_validator("phrases")
    @classmethod
    def _parse(cls, value: dict[str, str]) -> dict[str, str]:
        """Every phrase must parse as a template."""
        return _parsed(value)


def _parsed(templates: dict[str, str]) -> dict[str, str]:
    """The templates, once each has parsed (a broken `{` raises ValueError)."""
    for text in templates.values():
        list(string.Formatter().parse(text))
    return templates


def lenient(params: dict[str, object]) -> dict[str, object]:
    """Parameters for format_map() in which a missing name shows as `{name}` (as Rule.render() fills them)."""
    return _Lenient(params)


class _Lenient(dict):
    """format_map helper: unknown keys render as themselves."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


class RuleFileError(Exception):
    """A rule file that cannot be used; the message names the file and the reason."""


Model = TypeVar("Model", bound=BaseModel)


def load_data(path: Path, model: type[Model]) -> Model:
    """Read and validate one TOML data file; RuleFileError names the file and the reason."""
    try:
        return model.model_validate(tomllib.loads(path.read_text(encoding="utf-8")))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as err:
        raise RuleFileError(f"{path}: {err}") from None
    except ValidationError as err:
        first = err.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "file"
        raise RuleFileError(f"{path}: {where}: {first['msg']}") from None


def load_rule(path: Path) -> Rule:
    """Read and validate one rule file (its id must be its file name)."""
    rule = load_data(path, Rule)
    if rule.id != path.stem:
        raise RuleFileError(f"{path}: id {rule.id!r} does not match the file name")
    return rule


def load_rules(folder: Path | None = None) -> dict[str, Rule]:
    """Every rule in the folder by id; the first broken file raises RuleFileError."""
    folder = folder or rules_dir()
    return {rule.id: rule for rule in map(load_rule, sorted(folder.glob("*.toml")))}


@cache
def default_rules() -> dict[str, Rule]:
    """The packaged rules, loaded once per process (with the phrases they share)."""
    shared_phrases()  # a broken shared file stops start-up too, not the first finding that needs it
    return load_rules()


@cache
def shared_phrases() -> dict[str, str]:
    """The phrases every rule shares (rules/shared/phrases.toml), loaded once per process."""
    return load_data(rules_dir() / "shared" / "phrases.toml", SharedPhrases).phrases


@cache
def default_examples() -> dict[str, dict[str, object]]:
    """Rule id -> what the rule said on its first hit fixture (generated rules/examples.json)."""
    path = rules_dir() / "examples.json"
    try:
        return json.loads(path.read_text(encoding="utf-8"))["examples"]
    except (OSError, ValueError, KeyError):
        return {}  # examples only decorate `pinscope rules ID`; never fail start-up over them
