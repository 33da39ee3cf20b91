"""Tag-based access decisions: deny wins, special categories denied unless named by an allow,
anything unallowed denied; tags from the latest matching audit and from a verified tags
sidecar; users without a role, roles not held and a broken chain denied before any rule."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest

from clearance.audit.policy import AccessPolicy, ApprovalPolicy, policy_from_mapping
from clearance.errors import InputError, PolicyError
from clearance.evidence.chain import GENESIS, Entry, entry_hash
from clearance.governance.access import (
    audit_tags,
    check_access,
    decide,
    file_tags,
    user_roles,
)
from clearance.io.outputs import write_outputs
from clearance.io.tags import ColumnTag, OutputTags, Sensitivity, sidecar_path, tagged_outputs

POLICY: dict[str, Any] = {
    "approvals": {"roles": {"privacy-officer": ["dpo"]}},
    "access": {
        "users": {"ann": ["data-scientist"], "eve": ["marketing"], "dpo": ["data-scientist"]},
        "rules": [
            {"id": "no-secrets", "effect": "deny", "roles": ["*"], "tags": ["secret"]},
            {
                "id": "no-pii-marketing",
                "effect": "deny",
                "roles": ["marketing"],
                "tags": ["pii"],
                "purposes": ["marketing"],
            },
            {
                "id": "train-audited",
                "effect": "allow",
                "roles": ["data-scientist"],
                "tags": ["audit:pass", "pii"],
                "purposes": ["training"],
            },
            {
                "id": "health-research",
                "effect": "allow",
                "roles": ["privacy-officer"],
                "tags": ["special-category"],
                "purposes": ["research"],
            },
            {"id": "marketing-any", "effect": "allow", "roles": ["marketing"], "tags": ["*"]},
        ],
    },
}


def _access() -> tuple[AccessPolicy, ApprovalPolicy]:
    policy = policy_from_mapping(POLICY)
    return policy.access, policy.approvals


def _decide(user: str, purpose: str, *tags: str, role: str | None = None) -> tuple[str, str]:
    access, approvals = _access()
    held = user_roles(access, approvals, user)
    decision = decide(
        access,
        user=user,
        roles=[role] if role else held,
        held=held,
        purpose=purpose,
        dataset="d.csv",
        tags=set(tags),
        audit_run=None,
    )
    return decision.decision, decision.rule


@pytest.mark.parametrize(
    ("user", "purpose", "tags", "expected"),
    [
        ("ann", "training", ["audit:pass"], ("allow", "train-audited")),
        ("ann", "training", ["audit:pass", "secret"], ("deny", "no-secrets")),  # deny wins
        ("ann", "analytics", ["audit:pass"], ("deny", "default")),  # not for this purpose
        ("ann", "training", ["unaudited"], ("deny", "default")),
        ("eve", "marketing", ["pii"], ("deny", "no-pii-marketing")),
        ("eve", "marketing", ["audit:pass"], ("allow", "marketing-any")),
        # * never opens a special category
        ("eve", "marketing", ["special-category"], ("deny", "default-deny-special-category")),
        ("ann", "training", ["pii", "special-category"], ("deny", "default-deny-special-category")),
        ("dpo", "research", ["special-category"], ("allow", "health-research")),
        ("dpo", "training", ["special-category"], ("deny", "default-deny-special-category")),
        ("mallory", "training", ["audit:pass"], ("deny", "no-role")),
    ],
)
def test_decisions(user: str, purpose: str, tags: list[str], expected: tuple[str, str]) -> None:
    assert _decide(user, purpose, *tags) == expected


def test_roles_come_from_access_users_and_approvals() -> None:
    access, approvals = _access()
    assert user_roles(access, approvals, "dpo") == ["data-scientist", "privacy-officer"]
    assert user_roles(access, approvals, "nobody") == []


def test_a_role_narrows_and_must_be_held() -> None:
    # acting only as data-scientist, dpo cannot open the special category
    assert _decide("dpo", "research", "special-category", role="data-scientist") == (
        "deny",
        "default-deny-special-category",
    )
    assert _decide("ann", "training", "audit:pass", role="privacy-officer") == (
        "deny",
        "role-not-held",
    )


def test_a_broken_chain_denies_before_any_rule() -> None:
    access, _ = _access()
    decision = decide(
        access,
        user="ann",
        roles=["data-scientist"],
        held=["data-scientist"],
        purpose="training",
        dataset="d.csv",
        tags={"audit:pass"},
        audit_run="r1",
        chain_intact=False,
    )
    assert (decision.decision, decision.rule) == ("deny", "evidence-chain-broken")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda a: a["rules"][0].update(roles=["data-scientsit"]), "held by no user"),
        (lambda a: a["rules"][0].update(tags=["<script>alert(1)</script>"]), "tags.0"),
        (lambda a: a["rules"][1].update(id="no-secrets"), "used twice"),
        (lambda a: a["rules"][0].update(effect="maybe"), "effect"),
        (lambda a: a["rules"][0].update(roles=[]), "roles"),
        (lambda a: a.update(groups={}), "groups"),
    ],
)
def test_a_bad_access_policy_is_refused_naming_the_key(change: Any, message: str) -> None:
    import copy

    data = copy.deepcopy(POLICY)
    change(data["access"])
    with pytest.raises(PolicyError, match=message):
        policy_from_mapping(data, "clearance.yaml")


def _chain(*records: dict[str, Any]) -> list[Entry]:
    entries, prev = [], GENESIS
    for seq, record in enumerate(records, start=1):
        digest = entry_hash(seq, prev, record)
        entries.append(Entry(seq, prev, digest, record))
        prev = digest
    return entries


def _audit(run_id: str, verdict: str, hashes: list[str], *findings: tuple[str, str]) -> Any:
    return {
        "run_id": run_id,
        "command": "audit",
        "verdict": verdict,
        "inputs": [{"path": f"f{h}", "sha256": h} for h in hashes],
        "findings": [
            {"category": c, "severity": s, "preview": "ma****"} for c, s in findings
        ],
    }


def test_tags_come_from_the_latest_audit_of_the_files() -> None:
    entries = _chain(
        _audit("r1", "pass", ["a", "b"]),
        _audit("r2", "fail", ["a", "b", "c"], ("pii", "medium"), ("special_category", "high")),
        _audit("r3", "fail", ["a"], ("secret", "critical")),  # not every file
    )
    tags, run = audit_tags(entries, {"a", "b"})
    assert run == "r2"
    assert tags == {"audit:fail", "pii", "special-category", "sensitivity:high"}
    assert audit_tags(entries, {"z"}) == ({"unaudited"}, None)
    assert audit_tags(entries, set()) == ({"unaudited"}, None)
    clean, _ = audit_tags(_chain(_audit("r1", "pass", ["a"])), {"a"})
    assert clean == {"audit:pass", "sensitivity:none"}


def _tagged(tmp_path: Path, purpose: str = "model-training", **more: Any) -> Path:
    report = tmp_path / "report.json"
    report.write_text("{}\n")
    out = tmp_path / "clean.csv"
    tags = OutputTags(
        purpose=purpose,
        run_id="0" * 32,
        manifest="report.json",
        policy_sha256=None,
        input_sha256="0" * 64,
        manifest_sha256=hashlib.sha256(b"{}\n").hexdigest(),
        **more,
    )
    write_outputs(tagged_outputs(out, "a\n1\n", tags))
    return out


def test_tags_of_a_remediated_file(tmp_path: Path) -> None:
    out = _tagged(
        tmp_path,
        command="anonymize",
        sensitivity=Sensitivity(treatment="k-anonymity", k=5),
        columns=[ColumnTag(name="diagnosis", kind="entity", entity="HEALTH_DATA", operator="keep")],
    )
    assert file_tags(out) == {
        "cleared-for:model-training",
        "command:anonymize",
        "treatment:k-anonymity",
        "special-category",
    }
    assert file_tags(tmp_path / "report.json") == set()  # no sidecar: no tags


def test_a_sidecar_that_no_longer_matches_or_is_malformed_is_an_input_error(
    tmp_path: Path,
) -> None:
    out = _tagged(tmp_path)
    (tmp_path / "report.json").write_text("{} \n")
    with pytest.raises(InputError, match="differs from the report"):
        file_tags(out)
    sidecar_path(out).write_text("<script>alert(1)</script>")
    with pytest.raises(InputError, match="holds no valid clearance tags"):
        file_tags(out)


def test_check_access_reads_the_audit_and_the_sidecar(tmp_path: Path) -> None:
    out = _tagged(tmp_path)
    digest = hashlib.sha256(out.read_bytes()).hexdigest()
    access, approvals = _access()
    files = [
        {"path": str(out), "sha256": digest},
        {"path": str(sidecar_path(out)), "sha256": "s"},  # the sidecar is not the data
    ]
    entries = _chain(_audit("r1", "pass", [digest]))
    decision = check_access(
        access,
        approvals,
        entries,
        user="ann",
        role=None,
        purpose="training",
        dataset=out,
        files=files,
    )
    assert (decision.decision, decision.rule, decision.audit_run) == ("allow", "train-audited", "r1")
    assert decision.tags == [
        "audit:pass",
        "cleared-for:model-training",
        "sensitivity:none",
    ]
