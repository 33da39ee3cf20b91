"""card check: a complete card passes every regime; each item a card leaves out (or blank, or
without its evidence) is named with the section to fill; evidence changed or gone after the
build makes the numbers taken from it stale."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from clearance.cards.build import build_card_paths
from clearance.cards.check import check_card_path
from clearance.cards.models import REGIMES, Regime
from clearance.cards.regimes import catalogue
from clearance.cards.render import render_to
from tests.cards.conftest import Evidence, complete_card, write_card


def _build(tmp: Path, card: dict[str, object], evidence: list[Path]) -> Path:
    built = build_card_paths(write_card(tmp / "card.yaml", card), evidence)
    out = tmp / "card.json"
    out.write_text(render_to(built, out), "utf-8")
    return out


def _all(evidence: Evidence, tmp: Path) -> list[Path]:
    """Copies of the evidence (the staleness tests change them)."""
    out = []
    for src in (evidence.fairness, evidence.audit):
        dst = tmp / src.name
        dst.write_bytes(src.read_bytes())
        out.append(dst)
    return out


@pytest.mark.parametrize("regime", REGIMES)
def test_a_complete_card_passes(regime: Regime, evidence: Evidence, tmp_path: Path) -> None:
    card = _build(tmp_path, complete_card(regime), _all(evidence, tmp_path))
    report = check_card_path(card, regime)
    assert report.passed, [i for i in report.items if i.status != "present"]
    assert report.counts["present"] == len(catalogue().regimes[regime].items)
    assert all(e.status == "current" for e in report.evidence)


def _without(card: dict[str, object], path: str, blank: bool) -> dict[str, object]:
    card = copy.deepcopy(card)
    head, _, tail = path.partition(".")
    target: dict[str, object] = card
    if tail:
        section = card[head]
        assert isinstance(section, dict)
        target, head = section, tail
    if blank:
        target[head] = [] if path == "model_details.owners" else "  "
    else:
        del target[head]
    return card


def _cases() -> list[tuple[Regime, str]]:
    return [(regime, item.id) for regime in REGIMES for item in catalogue().regimes[regime].items]


@pytest.mark.parametrize(("regime", "item_id"), _cases())
def test_each_missing_item_is_named(
    regime: Regime, item_id: str, evidence: Evidence, tmp_path: Path
) -> None:
    item = next(i for i in catalogue().regimes[regime].items if i.id == item_id)
    section = item.sections[0]
    files = _all(evidence, tmp_path)
    for blank, status in ((False, "missing"), (True, "empty")):
        card = _build(tmp_path, _without(complete_card(regime), section, blank), files)
        report = check_card_path(card, regime)
        assert not report.passed
        result = next(i for i in report.items if i.id == item_id)
        assert result.status == status
        assert section in result.fill
        # only items naming that section are affected
        for other in report.items:
            spec = next(i for i in catalogue().regimes[regime].items if i.id == other.id)
            if section not in spec.sections:
                assert other.status == "present", other


def test_missing_evidence_is_named(evidence: Evidence, tmp_path: Path) -> None:
    fairness, _ = _all(evidence, tmp_path)
    report = check_card_path(_build(tmp_path, complete_card("sr-11-7"), [fairness]), "sr-11-7")
    data = next(i for i in report.items if i.id == "data")
    assert data.status == "missing"
    assert any("audit report" in f for f in data.fill)
    assert next(i for i in report.items if i.id == "testing").status == "present"


def test_stale_evidence_names_its_numbers(evidence: Evidence, tmp_path: Path) -> None:
    fairness, audit = _all(evidence, tmp_path)
    card = _build(tmp_path, complete_card("ecoa"), [fairness, audit])
    assert check_card_path(card, "ecoa").passed
    data = json.loads(fairness.read_text())
    data["by_group"][0]["selection_rate"] = 0.5
    fairness.write_text(json.dumps(data))
    report = check_card_path(card, "ecoa")
    assert not report.passed
    status = next(e for e in report.evidence if e.kind == "fairness")
    assert status.status == "changed" and status.sha256_now != status.sha256_recorded
    assert any("by_group[0].selection_rate" in n for n in status.stale_numbers)
    stale = [i for i in report.items if i.status == "stale"]
    assert {i.id for i in stale} == {"adverse-action-reasons", "protected-class-testing"}
    # the audit is untouched: current
    assert next(e for e in report.evidence if e.kind == "audit").status == "current"
    fairness.unlink()
    gone = next(e for e in check_card_path(card, "ecoa").evidence if e.kind == "fairness")
    assert gone.status == "gone" and gone.sha256_now is None and gone.stale_numbers


def test_a_number_edited_in_the_card_is_stale(evidence: Evidence, tmp_path: Path) -> None:
    files = _all(evidence, tmp_path)
    card = _build(tmp_path, complete_card("ecoa"), files)
    data = json.loads(card.read_text())
    data["quantitative_analysis"]["performance_metrics"][0]["value"] = 0.99
    card.write_text(json.dumps(data))
    report = check_card_path(card, "ecoa")
    assert not report.passed
    status = next(e for e in report.evidence if e.kind == "fairness")
    assert status.status == "changed" and len(status.stale_numbers) == 1


def test_relative_evidence_is_found_beside_the_card(
    evidence: Evidence, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _all(evidence, tmp_path)
    monkeypatch.chdir(tmp_path)
    card = _build(tmp_path, complete_card("ecoa"), [Path("fairness.json"), Path("audit.json")])
    monkeypatch.chdir(evidence.root.parent)
    assert check_card_path(card, "ecoa").passed


def test_check_run_from_the_cards_folder_finds_its_evidence(
    evidence: Evidence, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "out" / "model"
    folder.mkdir(parents=True)
    for src in (evidence.fairness, evidence.audit):
        (folder / src.name).write_bytes(src.read_bytes())
    monkeypatch.chdir(tmp_path)
    given = [Path("out/model/fairness.json"), Path("out/model/audit.json")]
    _build(folder, complete_card("ecoa"), given)
    monkeypatch.chdir(folder)
    assert check_card_path(Path("card.json"), "ecoa").passed
    # a different file of that name is not the evidence: its hash differs
    (folder / "fairness.json").write_text("{}")
    assert not check_card_path(Path("card.json"), "ecoa").passed
