"""The access rules as Apache Ranger tag policies: the JSON shape of Ranger's tag service
policies, and the same decisions when Ranger's tag evaluation (a deny on any tag wins unless a
deny exception covers it, then an allow on any tag, else no access) reads the export."""

from __future__ import annotations

import itertools
from typing import Any

from clearance.audit.policy import policy_from_mapping
from clearance.governance.access import decide, user_roles
from clearance.governance.ranger import ranger_policies
from tests.governance.test_access import POLICY

ACCESS = "hive:select"


def _matches(item: dict[str, Any], roles: set[str]) -> bool:
    return "public" in item["groups"] or bool(roles & set(item["roles"]))


def ranger_decides(policies: list[dict[str, Any]], roles: set[str], tags: set[str]) -> str:
    """Ranger's tag-based evaluation, as its documentation describes it."""
    applicable = [p for p in policies if tags & set(p["resources"]["tag"]["values"])]
    for policy in applicable:
        denied = any(_matches(i, roles) for i in policy["denyPolicyItems"])
        excepted = any(_matches(i, roles) for i in policy["denyExceptions"])
        if denied and not excepted:
            return "deny"
    for policy in applicable:
        if any(_matches(i, roles) for i in policy["policyItems"]):
            return "allow"
    return "deny"


def test_the_export_has_ranger_tag_policy_shape() -> None:
    policy = policy_from_mapping(POLICY)
    doc, skipped = ranger_policies(policy.access, service="lake_tag", accesses=[ACCESS])
    assert skipped == ["marketing-any"]  # tags * has no Ranger tag
    names = [p["name"] for p in doc["policies"]]
    assert names == [
        "clearance-no-secrets",
        "clearance-no-pii-marketing",
        "clearance-train-audited",
        "clearance-health-research",
        "clearance-default-deny-special-category",
    ]
    first = doc["policies"][0]
    assert first["service"] == "lake_tag" and first["serviceType"] == "tag"
    assert first["resources"] == {
        "tag": {"values": ["secret"], "isExcludes": False, "isRecursive": False}
    }
    assert first["policyItems"] == []
    assert first["denyPolicyItems"] == [
        {
            "accesses": [{"type": ACCESS, "isAllowed": True}],
            "users": [],
            "groups": ["public"],
            "roles": [],
            "conditions": [],
            "delegateAdmin": False,
        }
    ]
    special = doc["policies"][-1]
    assert special["resources"]["tag"]["values"] == ["special-category"]
    assert special["denyExceptions"][0]["roles"] == ["privacy-officer"]
    assert doc["policies"][2]["policyLabels"] == ["clearance", "purpose:training"]


def test_ranger_decides_as_clearance_for_each_purpose() -> None:
    data = {**POLICY, "access": {**POLICY["access"]}}
    data["access"]["rules"] = [r for r in POLICY["access"]["rules"] if r["tags"] != ["*"]]
    policy = policy_from_mapping(data)
    vocabulary = ["audit:pass", "pii", "secret", "special-category", "unaudited"]
    checked = allowed = 0
    for purpose in ("training", "marketing", "research"):
        doc, skipped = ranger_policies(policy.access, accesses=[ACCESS], purpose=purpose)
        assert skipped == []
        for user in ("ann", "eve", "dpo"):
            held = user_roles(policy.access, policy.approvals, user)
            for n in range(1, 4):
                for tags in itertools.combinations(vocabulary, n):
                    ours = decide(
                        policy.access,
                        user=user,
                        roles=held,
                        held=held,
                        purpose=purpose,
                        dataset="d",
                        tags=set(tags),
                        audit_run=None,
                    )
                    theirs = ranger_decides(doc["policies"], set(held), set(tags))
                    assert ours.decision == theirs, (purpose, user, tags, ours.rule)
                    checked += 1
                    allowed += theirs == "allow"
    assert checked == 3 * 3 * 25 and 0 < allowed < checked
