"""``rules`` and ``calibrate`` refuse what they cannot use, naming it, instead of doing nothing."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from clearance.cli.app import app

runner = CliRunner()


def test_rules_unknown_category_exits_4_naming_the_allowed(tmp_path: Path) -> None:
    result = runner.invoke(app, ["rules", "--category", "bogus"])
    assert result.exit_code == 4
    assert "pii, secret, special_category" in result.stderr
    assert runner.invoke(app, ["rules", "--category", "secret"]).exit_code == 0


def test_calibrate_unknown_entity_type_names_the_line(tmp_path: Path) -> None:
    labelled = tmp_path / "labels.jsonl"
    good = {
        "text": "mail jane@example.com",
        "spans": [{"type": "EMAIL_ADDRESS", "start": 5, "end": 21}],
    }
    bad = {"text": "mail jane@example.com", "spans": [{"type": "EMIAL", "start": 5, "end": 21}]}
    labelled.write_text(json.dumps(good) + "\n" + json.dumps(bad) + "\n")
    out = tmp_path / "cal.json"
    result = runner.invoke(app, ["calibrate", str(labelled), "-o", str(out)])
    assert result.exit_code == 3
    assert f"{labelled}:2: unknown entity type 'EMIAL'" in result.stderr
    assert not out.exists()
