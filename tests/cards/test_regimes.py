"""The regimes' checklists: the shipped catalogue is valid, and a broken one is refused."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from clearance.cards.models import REGIMES
from clearance.cards.regimes import Catalogue, catalogue, is_card_path


def test_shipped_catalogue_covers_every_regime() -> None:
    cat = catalogue()
    assert set(cat.regimes) == set(REGIMES)
    ids = [i.id for i in cat.regimes["sr-11-7"].items]
    # SR 11-7's documentation elements
    for element in (
        "purpose",
        "design",
        "theory",
        "limitations",
        "data",
        "testing",
        "ongoing-monitoring",
    ):
        assert element in ids
    ecoa = {i.id: i for i in cat.regimes["ecoa"].items}
    assert ecoa["adverse-action-reasons"].evidence == "fairness.reasons"
    assert ecoa["protected-class-testing"].evidence == "fairness"
    refs = " ".join(i.reference for i in cat.regimes["eu-ai-act"].items)
    assert "Annex IV" in refs and "Art. 13" in refs


def test_paths_are_card_fields() -> None:
    assert is_card_path("model_details.owners") and is_card_path("limitations")
    assert not is_card_path("model_details.nope") and not is_card_path("regime")


def test_a_checklist_naming_an_unknown_section_is_refused() -> None:
    data = catalogue().model_dump()
    data["regimes"]["ecoa"]["items"][0]["sections"] = ["limitations", "nonsense.path"]
    with pytest.raises(ValidationError, match="unknown sections"):
        Catalogue.model_validate(data)
    data = catalogue().model_dump()
    data["sections"]["nonsense"] = {"prompt": "x"}
    with pytest.raises(ValidationError, match="not a field of the card"):
        Catalogue.model_validate(data)
