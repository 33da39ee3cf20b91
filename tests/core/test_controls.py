"""The control catalogue: the shipped data file validates, its ids are the ones reports carried
before it moved to a file, and a catalogue that is inconsistent is refused."""

from __future__ import annotations

from typing import Any, get_args

import pytest
import yaml
from pydantic import ValidationError

from clearance.core.controls import CONTROLS, Catalogue, catalogue, controls_for, describe
from clearance.core.findings import FindingCategory


def test_every_finding_category_has_controls_in_the_catalogue() -> None:
    for category in get_args(FindingCategory):
        ids = controls_for(category)
        assert ids, category
        assert all(i in CONTROLS for i in ids)


def test_the_ids_and_descriptions_reports_carry_are_kept() -> None:
    # what audit reports printed before the catalogue became a data file (golden reports)
    assert describe("GDPR-5.1.c") == "GDPR Art. 5(1)(c): Data minimisation"
    assert (
        describe("EUAIA-26.6") == "EU AI Act Art. 26(6): Automatically generated logs (deployers)"
    )
    assert describe("NIST-MEASURE-2.10") == (
        "NIST AI RMF MEASURE 2.10: Privacy risk of the AI system is examined and documented"
    )
    assert controls_for("secret") == ["GDPR-5.1.f", "GDPR-32", "NIST-MEASURE-2.7", "ISO42001-A.7.2"]
    order = list(CONTROLS)
    kept = ["GDPR-5.1.b", "GDPR-35", "EUAIA-10", "EUAIA-19", "NIST-MEASURE-2.7", "ISO42001-A.7.2"]
    assert [order.index(i) for i in kept] == sorted(order.index(i) for i in kept)


def test_the_frameworks_the_issue_names_are_there() -> None:
    for wanted in (
        *(f"GDPR-{a}" for a in ("5.1.a", "6", "7", "9", "17", "22", "25", "30", "32", "35")),
        *(f"EUAIA-{a}" for a in ("9", "10", "11", "12", "13", "14", "15", "17")),
        "EUAIA-ANNEX-III.5.b",
        "EUAIA-ANNEX-IV",
        "NIST-MEASURE-2.11",
        "NIST-MANAGE-4.3",
        "ISO42001-A.5.2",
        "ISO42001-A.8.5",
        "REGB-1002.6",
    ):
        assert wanted in CONTROLS, wanted
    nist = [c for c in CONTROLS.values() if c.framework == "nist-ai-rmf" and c.kind == "control"]
    assert all(c.parent is not None and CONTROLS[c.parent].kind == "category" for c in nist)


def _raw() -> dict[str, Any]:
    return catalogue().model_dump(mode="json")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["controls"].append(dict(d["controls"][0])), "duplicate control id"),
        (lambda d: d["controls"][0].update(parent="NOPE-1"), "parent NOPE-1"),
        (lambda d: d["categories"]["pii"].append("GDPR-999"), "unknown control(s) GDPR-999"),
        (lambda d: d["controls"][0].update(framework="sox"), "framework"),
        (lambda d: d["controls"][0].update(title=""), "title"),
        (lambda d: d.update(extra=1), "extra"),
    ],
)
def test_an_inconsistent_catalogue_is_refused(change: Any, message: str) -> None:
    raw = _raw()
    change(raw)
    with pytest.raises(ValidationError, match=message.replace("(", r"\(").replace(")", r"\)")):
        Catalogue.model_validate(yaml.safe_load(yaml.safe_dump(raw)))
