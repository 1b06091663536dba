"""Project settings: defaults for pinscope's options from `pinscope.toml` or `[tool.pinscope]` in pyproject.toml."""

from __future__ import annotations

import tomllib
from argparse import Namespace
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from pinscope.commands import CommandError
from pinscope.detectors import Settings
from pinscope.rulebook import Severity, default_rules

OWN_FILE = "pinscope.toml"  # read first: a file of its own wins over pyproject.toml, as ruff.toml does
PYPROJECT = "pyproject.toml"


class SettingsError(CommandError):
    """A project settings file pinscope cannot use; the message names the file and the key."""


class ProjectSettings(BaseModel):
    """The keys a project settings file may set; each is a default the command line overrides."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    silence: list[str] = []
    min_severity: Severity | None = None
    ratelimit_warn: float | None = Field(default=None, ge=0.0, le=1.0)
    fail_on: Literal["error", "warning"] | None = None
    reports: list[str] = []

    @field_validator("silence", "reports", mode="before")
    @classmethod
    def _one_or_many(cls, value: object) -> object:
        """A single string is a list of one (`silence = "beta-endpoint"`)."""
        return [value] if isinstance(value, str) else value


KEYS = tuple(ProjectSettings.model_fields)


def project_settings(cwd: Path) -> ProjectSettings:
    """The settings of the project in `cwd` (none: the defaults); SettingsError names a bad file or key."""
    own = cwd / OWN_FILE
    if own.is_file():
        return _validate(_read(own), OWN_FILE)
    pyproject = cwd / PYPROJECT
    if pyproject.is_file():
        table = _read(pyproject).get("tool", {})
        table = table.get("pinscope") if isinstance(table, dict) else None
        if table is not None:
            if not isinstance(table, dict):
                raise SettingsError(f"{PYPROJECT}: [tool.pinscope] must be a table")
            return _validate(table, f"{PYPROJECT} [tool.pinscope]")
    return ProjectSettings()


def _read(path: Path) -> dict:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as err:
        raise SettingsError(f"{path.name}: cannot read it: {getattr(err, 'strerror', None) or err}") from None
    except tomllib.TOMLDecodeError as err:
        raise SettingsError(f"{path.name}: not valid TOML: {err}") from None


def _validate(table: dict, source: str) -> ProjectSettings:
    """The model from one table; the first error as one line naming the file and the key."""
    try:
        settings = ProjectSettings.model_validate(table)
    except ValidationError as err:
        first = err.errors()[0]
        key = ".".join(str(part) for part in first["loc"]) or "?"
        if first["type"] == "extra_forbidden":
            raise SettingsError(f"{source}: unknown key '{key}' (valid keys: {', '.join(KEYS)})") from None
        raise SettingsError(f"{source}: {key}: {first['msg']}") from None
    unknown = sorted(set(settings.silence) - set(default_rules()))
    if unknown:  # a typo'd rule id would silence nothing, quietly
        raise SettingsError(f"{source}: silence: unknown rule id {', '.join(unknown)} "
                            "(`pinscope rules` lists them)")
    return settings


def proxy_args(settings: ProjectSettings, user_args: list[str]) -> list[str]:
    """`--set pinscope_...` for mitmweb/mitmdump, leaving out any option the user's arguments set.

    mitmproxy refuses a scalar option given twice and appends a list option given twice, so a
    setting the user also passes is dropped rather than placed before theirs.
    """
    chosen = _user_options(user_args)
    values: list[tuple[str, str]] = [("pinscope_silence", rule) for rule in settings.silence]
    if settings.min_severity is not None:
        values.append(("pinscope_min_severity", settings.min_severity.value))
    if settings.ratelimit_warn is not None:
        values.append(("pinscope_ratelimit_warn", str(settings.ratelimit_warn)))
    if settings.reports:  # the proxy writes one report; `analyze` writes them all
        values.append(("pinscope_report", settings.reports[0]))
    return [arg for name, value in values if name not in chosen for arg in ("--set", f"{name}={value}")]


def _user_options(args: list[str]) -> set[str]:
    """Option names set in mitmproxy arguments: `--set NAME=V` and `--set=NAME=V`."""
    names = set()
    for i, arg in enumerate(args):
        if arg == "--set" and i + 1 < len(args):
            names.add(args[i + 1].split("=", 1)[0])
        elif arg.startswith("--set="):
            names.add(arg[len("--set="):].split("=", 1)[0])
    return names


def with_project_defaults(args: Namespace, settings: ProjectSettings) -> Namespace:
    """A copy of `args` where each option the command line left unset takes the project's value.

    Expects `analyze`'s option names (silence, min_severity, fail_on, report); `run` shares them.
    A list option given on the command line replaces the project's list, it does not extend it.
    """
    merged = Namespace(**vars(args))
    merged.silence = list(getattr(args, "silence", None) or settings.silence)
    merged.min_severity = getattr(args, "min_severity", None) or settings.min_severity or Severity.INFO.value
    merged.fail_on = getattr(args, "fail_on", None) or settings.fail_on
    merged.report = list(getattr(args, "report", None) or settings.reports)
    if getattr(args, "ratelimit_warn", None) is None:
        merged.ratelimit_warn = Settings().ratelimit_warn if settings.ratelimit_warn is None else settings.ratelimit_warn
    return merged
