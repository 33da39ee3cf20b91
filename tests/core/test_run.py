from __future__ import annotations

import pytest
from pydantic import BaseModel

from clearance.audit.report import AuditReport
from clearance.core.run import SkippedInput, Warnings
from clearance.fairness.report import FairnessReport
from clearance.llm.inventory_models import Inventory
from clearance.llm.report import LLMAuditReport
from clearance.scan.report import ScanReport

REPORTS = [ScanReport, AuditReport, FairnessReport, LLMAuditReport, Inventory]


@pytest.mark.parametrize("model", REPORTS, ids=lambda m: m.__name__)
def test_every_report_declares_warnings_with_the_core_type(model: type[BaseModel]) -> None:
    field = model.model_fields["warnings"]
    core = Warnings.__metadata__[0]  # type: ignore[attr-defined]
    assert field.description == core.description
    assert field.default_factory is list


@pytest.mark.parametrize(
    "model", [ScanReport, AuditReport, FairnessReport], ids=lambda m: m.__name__
)
def test_run_metadata_fields_are_the_core_ones(model: type[BaseModel]) -> None:
    fields = model.model_fields
    assert fields["tool"].default == "clearance"
    assert fields["schema_version"].default == "1"
    assert fields["version"].description == "the version of clearance that wrote the report"


def test_skipped_input_is_frozen() -> None:
    skipped = SkippedInput(path="a.csv", reason="not UTF-8")
    with pytest.raises(ValueError, match="frozen"):
        skipped.path = "b.csv"  # type: ignore[misc]
