from __future__ import annotations

import os
from pathlib import Path

import pytest
from pydantic import BaseModel, ConfigDict, ValidationError

from clearance.errors import PolicyError
from clearance.io.policy_files import read_policy_file, validation_error


class _Inner(BaseModel):
    model_config = ConfigDict(extra="forbid")
    days: int = 1
    mode: str = "a"


class _Root(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = ""
    tables: dict[str, _Inner] = {}


def test_dates_stay_text(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text("when: 2024-13-45\nok: 2024-01-31\n")
    assert read_policy_file(path) == {"when": "2024-13-45", "ok": "2024-01-31"}


@pytest.mark.parametrize(
    ("content", "reason"),
    [(b"a: [1, 2\n", "not valid YAML (line"), (b"a: \xff\n", "not UTF-8 text")],
)
def test_bad_files_are_one_line_policy_errors(tmp_path: Path, content: bytes, reason: str) -> None:
    path = tmp_path / "p.yaml"
    path.write_bytes(content)
    with pytest.raises(PolicyError) as info:
        read_policy_file(path)
    assert str(info.value).startswith(f"{path}: ") and reason in str(info.value)
    assert "\n" not in str(info.value)


def test_a_fifo_is_refused_unopened(tmp_path: Path) -> None:
    fifo = tmp_path / "p.yaml"
    os.mkfifo(fifo)
    with pytest.raises(PolicyError, match="cannot read the policy"):
        read_policy_file(fifo)


def test_unknown_nested_key_names_the_path_and_the_allowed_keys() -> None:
    with pytest.raises(ValidationError) as info:
        _Root.model_validate({"tables": {"users": {"dayz": 3}}})
    message = str(validation_error("p.yaml", info.value, _Root))
    assert message == "p.yaml: tables.users.dayz: unknown key; allowed here: days, mode"
