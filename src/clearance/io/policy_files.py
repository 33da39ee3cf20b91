"""Policy files, read the same way for every job (``clearance.yaml``, ``fairness.yaml``): YAML's
safe loader with dates left as text, and one-line :class:`PolicyError` messages naming the file,
the key path, the bad value and the keys allowed there."""

from __future__ import annotations

import typing
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from clearance.errors import PolicyError
from clearance.io.files import not_regular


class _Loader(yaml.SafeLoader):
    """YAML's safe loader, with dates left as text: ``reference_date: 2024-13-45`` is then
    refused by the policy model, naming the key, instead of failing inside YAML."""


_Loader.add_constructor(
    "tag:yaml.org,2002:timestamp",
    lambda loader, node: loader.construct_scalar(node),  # type: ignore[arg-type]
)


def _key_path(loc: tuple[int | str, ...]) -> str:
    return ".".join(str(p) for p in loc) or "(top level)"


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    """The pydantic models an annotation holds (``X | None``, ``dict[str, X]``, ``list[X]``)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [m for arg in typing.get_args(annotation) for m in _models_in(arg)]


def _allowed_keys(parent: tuple[int | str, ...], root: type[BaseModel]) -> list[str]:
    """The keys allowed under ``parent``, found by walking ``root``'s fields (dict keys and
    list positions on the way are skipped)."""
    model = root
    for part in parent:
        field = model.model_fields.get(str(part))
        if field is None:
            continue  # a dict key (a table name) or a list index: same model below
        models = _models_in(field.annotation)
        if not models:
            break
        model = models[0]
    return sorted(model.model_fields)


def _kind(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return "text"
    return "a number" if isinstance(value, int | float) else type(value).__name__


def _message(source: str, err: dict[str, Any], root: type[BaseModel]) -> str:
    where = _key_path(err["loc"])
    value = err.get("input")
    shown = repr(value) if isinstance(value, str | int | float | bool) or value is None else ""
    if isinstance(value, date):  # YAML reads 2024-01-01 as a date
        shown = value.isoformat()
    msg = err["msg"]
    if err["type"] in ("dict_type", "model_type", "model_attributes_type"):
        return f"{source}: {where}: expected a mapping of keys to values, got {_kind(value)}"
    if err["type"] == "list_type":
        return f"{source}: {where}: expected a list such as [a, b], got {_kind(value)}"
    if err["type"] == "extra_forbidden":
        allowed = ", ".join(_allowed_keys(err["loc"][:-1], root))
        return f"{source}: {where}: unknown key; allowed here: {allowed}"
    if err["type"] == "literal_error":
        expected = err.get("ctx", {}).get("expected", "")
        return f"{source}: {where}: {shown} is not allowed; allowed: {expected}"
    return f"{source}: {where}: {shown + ' ' if shown else ''}({msg})"


def validation_error(source: str, exc: ValidationError, root: type[BaseModel]) -> PolicyError:
    """The one-line PolicyError for a policy file's first validation error: the file, the key
    path, the bad value and what is allowed. Shared by every policy file (``clearance.yaml``,
    ``fairness.yaml``)."""
    return PolicyError(_message(source, dict(exc.errors()[0]), root))


def read_policy_file(path: Path) -> Any:
    """The YAML document at ``path``, or a one-line PolicyError naming the file: unreadable,
    not UTF-8, not YAML, or a value YAML itself rejects (a date such as 2024-13-45); a FIFO or
    device is refused unopened (reading it would block or never end)."""
    reason = not_regular(path)
    if reason is not None:
        raise PolicyError(f"{path}: cannot read the policy: {reason}")
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise PolicyError(f"{path}: cannot read the policy ({exc.strerror})") from None
    except UnicodeDecodeError as exc:
        raise PolicyError(
            f"{path}: not UTF-8 text (bad byte at offset {exc.start}); save the policy as UTF-8"
        ) from None
    try:
        return yaml.load(text, Loader=_Loader)  # a SafeLoader
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark is not None else "somewhere"
        raise PolicyError(f"{path}: not valid YAML ({where})") from None
    except (ValueError, OverflowError, RecursionError) as exc:  # a constructor's own error
        raise PolicyError(
            f"{path}: a value YAML cannot read ({type(exc).__name__}); write dates as "
            "YYYY-MM-DD, or quote it"
        ) from None
