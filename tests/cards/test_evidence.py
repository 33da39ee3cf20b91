"""Bad input to card build: the message names the file, the key path and what is expected, and
the error is an InputError (exit 3), never a crash."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from clearance.cards.build import build_card_paths, load_card
from clearance.cards.evidence import MAX_YAML_BYTES, load_evidence
from clearance.errors import InputError
from tests.cards.conftest import Evidence, complete_card, write_card


def _error(path: Path) -> str:
    with pytest.raises(InputError) as info:
        load_card(path)
    return str(info.value)


def test_unknown_key_names_file_and_key_path(tmp_path: Path) -> None:
    card = complete_card("ecoa")
    md = card["model_details"]
    assert isinstance(md, dict)
    md["nmae"] = "x"
    path = write_card(tmp_path / "card.yaml", card)
    message = _error(path)
    assert str(path) in message and "model_details.nmae: unknown key" in message


def test_unknown_top_level_section(tmp_path: Path) -> None:
    path = write_card(tmp_path / "card.yaml", {"regime": "ecoa", "limitatons": "typo"})
    assert "limitatons: unknown key" in _error(path)


@pytest.mark.parametrize(
    ("card", "expected"),
    [
        (
            {"model_details": {"owners": "Risk team"}},
            "model_details.owners: input should be a valid list",
        ),
        ({"limitations": ["a", "b"]}, "limitations: input should be a valid string"),
        ({"model_details": "x"}, "model_details: input should be a valid dictionary"),
        ({"regime": "gdpr"}, "regime: input should be 'eu-ai-act', 'sr-11-7' or 'ecoa'"),
    ],
)
def test_wrong_type_names_key_path_and_expected(
    card: dict[str, object], expected: str, tmp_path: Path
) -> None:
    path = write_card(tmp_path / "card.yaml", card)
    message = _error(path)
    assert str(path) in message and expected in message


def test_dates_and_numbers_are_text(tmp_path: Path) -> None:
    path = tmp_path / "card.yaml"
    path.write_text("model_details:\n  date: 2026-01-31\n  version: 1.2\n")
    md = load_card(path).model_details
    assert md is not None and (md.date, md.version) == ("2026-01-31", "1.2")


def test_not_a_mapping_invalid_yaml_binary(tmp_path: Path) -> None:
    path = tmp_path / "card.yaml"
    path.write_text("- a list\n")
    assert "expected a model card YAML" in _error(path)
    path.write_text("a: [unclosed\n")
    assert "not valid YAML at line" in _error(path)
    path.write_bytes(b"\xff\xfe\x00")
    assert "not UTF-8" in _error(path)


def test_huge_yaml_and_alias_bomb_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "card.yaml"
    path.write_text("limitations: " + "x" * (MAX_YAML_BYTES + 1) + "\n")
    assert "more than the" in _error(path)
    bomb = ['a: &a ["x", "x"]'] + [
        f"{c}: &{c} [*{p}, *{p}]" for p, c in zip("abcdefgh", "bcdefghi", strict=True)
    ]
    path.write_text("\n".join(bomb) + "\n")
    assert "aliases" in _error(path)


def test_missing_and_unreadable_evidence_name_the_file(evidence: Evidence, tmp_path: Path) -> None:
    card = write_card(tmp_path / "card.yaml", complete_card("ecoa"))
    missing = tmp_path / "nope.json"
    with pytest.raises(InputError, match=r"nope\.json: not found \(expected a clearance"):
        build_card_paths(card, [missing])
    with pytest.raises(InputError, match="not a regular file"):
        load_evidence(tmp_path)
    if os.geteuid() != 0:  # root reads any file
        locked = tmp_path / "locked.json"
        locked.write_bytes(evidence.fairness.read_bytes())
        locked.chmod(0)
        with pytest.raises(InputError, match="cannot read"):
            load_evidence(locked)


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("not json", "not JSON"),
        (
            '{"kind": "scan", "tool": "clearance"}',
            "not a clearance report of kind fairness or audit",
        ),
        ('{"kind": "fairness", "tool": "other"}', "not a clearance report"),
        ("[1, 2]", "not a clearance report"),
        ('{"kind": "fairness", "tool": "clearance", "version": "1"}', "data: field required"),
    ],
)
def test_evidence_that_is_not_a_clearance_report(
    content: str, expected: str, tmp_path: Path
) -> None:
    path = tmp_path / "e.json"
    path.write_text(content)
    with pytest.raises(InputError) as info:
        load_evidence(path)
    assert str(path) in str(info.value) and expected in str(info.value)


def test_two_reports_of_one_kind_are_refused(evidence: Evidence, tmp_path: Path) -> None:
    card = write_card(tmp_path / "card.yaml", complete_card("ecoa"))
    with pytest.raises(InputError, match="more than one fairness report"):
        build_card_paths(card, [evidence.fairness, evidence.fairness])


def test_evidence_read_through_the_report_model(evidence: Evidence) -> None:
    loaded = load_evidence(evidence.fairness)
    assert loaded.ref.kind == "fairness"
    assert loaded.ref.data_source[0] == json.loads(evidence.fairness.read_text())["data"]["source"]
