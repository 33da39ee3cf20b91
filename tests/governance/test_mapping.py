"""Every rule, check and command the code can emit or record maps to controls, and every mapped
control is in the catalogue: a new detector category, audit check or recorded command without an
entry in governance/mapping.yaml (or core/controls.yaml) fails here."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any, get_args

import pytest
import yaml
from pydantic import ValidationError

import clearance.cli
from clearance.audit.checks import CHECKS
from clearance.core.controls import CONTROLS, controls_for
from clearance.core.findings import FindingCategory
from clearance.detection.registry import default_registry
from clearance.governance.mapping import Mapping, mapping


def recorded_commands() -> set[str]:
    """The command names the CLI passes to record_run (its second argument), read from the
    source so that a new command cannot be forgotten."""
    found: set[str] = set()
    for path in Path(clearance.cli.__file__).parent.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "record_run"
                and len(node.args) >= 2
            ):
                name = node.args[1]
                assert isinstance(name, ast.Constant) and isinstance(name.value, str), path
                found.add(name.value)
    return found


def test_every_recorded_command_maps_to_controls() -> None:
    commands = recorded_commands()
    assert {"scan", "audit", "fairness", "anonymize", "erase", "guard", "card check"} <= commands
    assert commands <= set(mapping().commands), commands - set(mapping().commands)
    for command in commands:
        assert mapping().for_command(command), command


def test_every_audit_check_maps_to_controls() -> None:
    assert {c.id for c in CHECKS} == set(mapping().audit_checks)


def test_every_detector_category_and_finding_category_maps_to_controls() -> None:
    categories = {d.category for d in default_registry()}
    assert categories <= set(get_args(FindingCategory))
    for category in get_args(FindingCategory):
        assert controls_for(category), category


def test_every_mapped_control_is_a_control_of_the_catalogue() -> None:
    tables = [*mapping().commands.values(), *mapping().audit_checks.values()]
    for ids in tables:
        assert all(i in CONTROLS and CONTROLS[i].kind == "control" for i in ids)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["commands"]["scan"].append("GDPR-999"), "unknown control"),
        (lambda d: d["audit_checks"]["consent"].append("NIST-MEASURE"), "not a control"),
    ],
)
def test_a_mapping_to_an_unknown_control_is_refused(change: Any, message: str) -> None:
    raw = mapping().model_dump(mode="json")
    change(raw)
    with pytest.raises(ValidationError, match=message):
        Mapping.model_validate(yaml.safe_load(yaml.safe_dump(raw)))


def test_audit_maps_to_its_checks_controls() -> None:
    audit = set(mapping().for_command("audit"))
    for ids in mapping().audit_checks.values():
        assert set(ids) <= audit
    assert mapping().for_command("no such command") == []
