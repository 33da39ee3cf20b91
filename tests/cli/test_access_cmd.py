"""clearance access check|export through the CLI: exit 0 allow, 1 deny, the decision recorded
in the evidence store with the rule that decided; hostile input (an unknown user, a dataset
never audited, a tags sidecar with markup or control characters, a FIFO, no policy) answered
with a decision or one line and the documented exit code."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from clearance.cli.app import app
from clearance.io.outputs import write_outputs
from clearance.io.tags import OutputTags, sidecar_path, tagged_outputs
from tests.cli._evidence import recorded

runner = CliRunner()
POLICY = """\
access:
  users:
    ann: [data-scientist]
    eve: [marketing]
  rules:
    - {id: no-secrets, effect: deny, roles: ["*"], tags: [secret]}
    - id: train-audited
      effect: allow
      roles: [data-scientist]
      tags: [audit:pass, audit:fail, cleared-for:model-training]
      purposes: [training]
      description: data scientists train on audited data
"""


@pytest.fixture
def data(tmp_path: Path) -> Path:
    Path("clearance.yaml").write_text(POLICY)
    path = tmp_path / "users.csv"
    path.write_text("id,city\n1,Lyon\n2,Nice\n")
    return path


def _check(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["access", "check", *args])
    return result.exit_code, result.stdout, result.stderr


def test_allow_after_an_audit_is_recorded_with_its_rule(data: Path) -> None:
    audit = runner.invoke(app, ["audit", str(data), "-o", "audit.json", "-q"])
    assert audit.exit_code in (0, 1), audit.output
    code, out, _ = _check("--user", "ann", "--dataset", str(data), "--purpose", "training", "--json")
    assert code == 0, out
    decision = json.loads(out)
    assert decision["decision"] == "allow" and decision["rule"] == "train-audited"
    assert decision["reason"] == "data scientists train on audited data"
    assert decision["audit_run"] == recorded()[0]["run_id"]
    last = recorded()[-1]
    assert last["command"] == "access check" and last["verdict"] == "allow"
    assert last["summary"] == decision
    assert last["inputs"] == [
        {"path": str(data), "sha256": hashlib.sha256(data.read_bytes()).hexdigest()}
    ]


def test_a_dataset_never_audited_is_denied(data: Path) -> None:
    code, out, err = _check("--user", "ann", "--dataset", str(data), "--purpose", "training")
    assert code == 1
    assert out == "deny: rule default: no rule allows it\n"
    [entry] = recorded()
    assert entry["verdict"] == "deny" and entry["summary"]["tags"] == ["unaudited"]
    assert "evidence: run" in err


def test_an_unknown_user_is_denied_and_recorded(data: Path) -> None:
    code, out, _ = _check("--user", "mallory", "--dataset", str(data), "--purpose", "training")
    assert (code, out) == (1, "deny: rule no-role: mallory holds no role in the policy\n")
    assert recorded()[-1]["summary"]["rule"] == "no-role"


def test_the_user_defaults_to_clearance_user(
    data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CLEARANCE_USER", "eve")
    code, _, _ = _check("--dataset", str(data), "--purpose", "training", "--json", "-q")
    assert code == 1
    assert recorded()[-1]["summary"]["user"] == "eve"


def _tagged(folder: Path, purpose: str) -> Path:
    report = folder / "manifest.json"
    report.write_text("{}\n")
    out = folder / "clean.csv"
    tags = OutputTags(
        purpose=purpose,
        run_id="0" * 32,
        manifest="manifest.json",
        policy_sha256=None,
        input_sha256="0" * 64,
        manifest_sha256=hashlib.sha256(b"{}\n").hexdigest(),
    )
    write_outputs(tagged_outputs(out, "id\n1\n", tags))
    return out


def test_a_cleared_file_is_allowed_by_its_tags(data: Path, tmp_path: Path) -> None:
    out = _tagged(tmp_path, "model-training")
    code, stdout, _ = _check("--user", "ann", "--dataset", str(out), "--purpose", "training")
    assert code == 0, stdout
    assert recorded()[-1]["summary"]["tags"] == ["cleared-for:model-training", "unaudited"]


def test_tags_with_markup_and_control_characters_are_shown_inert(
    data: Path, tmp_path: Path
) -> None:
    out = _tagged(tmp_path, "<script>alert(1)</script>\x1b[2J\u202e")
    code, stdout, stderr = _check(
        "--user", "ann", "--dataset", str(out), "--purpose", "training", "--json"
    )
    assert code == 1  # no rule names such a tag
    assert "\x1b" not in stdout + stderr and "\u202e" not in stdout + stderr
    decision = json.loads(stdout)
    assert "cleared-for:<script>alert(1)</script>\x1b[2J\u202e" in decision["tags"]
    code, stdout, _ = _check("--user", "ann", "--dataset", str(out), "--purpose", "training")
    assert code == 1 and "\x1b" not in stdout


def test_a_malformed_or_stale_sidecar_is_an_input_error(data: Path, tmp_path: Path) -> None:
    out = _tagged(tmp_path, "model-training")
    (tmp_path / "manifest.json").write_text("{} \n")
    code, _, err = _check("--user", "ann", "--dataset", str(out), "--purpose", "training")
    assert code == 3
    assert err.startswith("error: ") and "differs from the report" in err
    sidecar_path(out).write_text('<script>{"purpose": 1}')
    code, _, err = _check("--user", "ann", "--dataset", str(out), "--purpose", "training")
    assert code == 3 and "holds no valid clearance tags" in err
    assert recorded() == []  # nothing recorded


def test_bad_invocations(data: Path, tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    code, _, err = _check("--user", "ann", "--dataset", str(fifo), "--purpose", "training")
    assert code == 3 and "FIFO" in err
    code, _, err = _check("--user", "ann", "--dataset", "missing.csv", "--purpose", "training")
    assert code == 3
    code, _, err = _check(
        "--user", "ann", "--dataset", str(data), "--purpose", "training", "--policy", "none.yaml"
    )
    assert code == 3 and "none.yaml" in err
    code, _, err = _check("--user", " ", "--dataset", str(data), "--purpose", "training")
    assert code == 4
    Path("bad.yaml").write_text(
        "access:\n  rules:\n    - {id: r, effect: allow, roles: [ghost], tags: [pii]}\n"
    )
    code, _, err = _check(
        "--user", "ann", "--dataset", str(data), "--purpose", "x", "--policy", "bad.yaml"
    )
    assert code == 4 and "ghost is held by no user" in err
    assert recorded() == []


def test_export_writes_ranger_policies(data: Path) -> None:
    result = runner.invoke(app, ["access", "export", "-o", "ranger.json", "--access", "hdfs:read"])
    assert result.exit_code == 0, result.output
    doc = json.loads(Path("ranger.json").read_text())
    assert [p["name"] for p in doc["policies"]] == [
        "clearance-no-secrets",
        "clearance-train-audited",
        "clearance-default-deny-special-category",
    ]
    assert {a["type"] for p in doc["policies"] for i in p["policyItems"] for a in i["accesses"]} == {
        "hdfs:read"
    }
    again = runner.invoke(app, ["access", "export", "-o", "-"])
    assert again.exit_code == 0
    assert json.loads(again.stdout)["policies"][0]["name"] == "clearance-no-secrets"
    bad = runner.invoke(app, ["access", "export", "-o", "r.json", "--format", "xml"])
    assert bad.exit_code == 4 and not Path("r.json").exists()
