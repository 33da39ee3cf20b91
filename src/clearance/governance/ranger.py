"""The policy's access rules as Apache Ranger tag-based policies (``clearance access export
--format ranger``), for teams that enforce them in Ranger: one policy of the tag service per
rule (``resources: {"tag": {"values": [...]}}``; an allow rule's roles in ``policyItems``, a
deny rule's in ``denyPolicyItems``; ``*`` as the group ``public``), and per special-category
tag a policy that denies everyone (``denyPolicyItems``) except the roles an allow rule names
for that tag (``denyExceptions``): Ranger's own evaluation (a deny on any tag wins, then an
allow on any tag) then decides as ``clearance access check`` does.

Ranger knows no purpose: each policy carries its rule's purposes as ``policyLabels``
(``purpose:training``), and ``purpose`` exports only the rules that apply to one purpose, the
exact rules for a Ranger service that serves that purpose. A rule for any dataset (tags
``*``) has no tag to hang on and is not exported (returned as skipped)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from clearance._version import __version__
from clearance.audit.policy import ANY, AccessPolicy, AccessRule

DEFAULT_SERVICE = "clearance_tag"
DEFAULT_ACCESSES = ("hdfs:read", "hive:select")
PUBLIC = "public"  # Ranger's group of every user


def _item(roles: Sequence[str], accesses: Sequence[str]) -> dict[str, Any]:
    return {
        "accesses": [{"type": a, "isAllowed": True} for a in accesses],
        "users": [],
        "groups": [PUBLIC] if ANY in roles else [],
        "roles": sorted(r for r in roles if r != ANY),
        "conditions": [],
        "delegateAdmin": False,
    }


def _policy(
    name: str,
    description: str,
    tags: Sequence[str],
    labels: Sequence[str],
    *,
    service: str,
    allow: list[dict[str, Any]] | None = None,
    deny: list[dict[str, Any]] | None = None,
    deny_exceptions: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    return {
        "service": service,
        "serviceType": "tag",
        "name": name,
        "policyType": 0,
        "description": description,
        "isEnabled": True,
        "isAuditEnabled": True,
        "resources": {"tag": {"values": list(tags), "isExcludes": False, "isRecursive": False}},
        "policyItems": allow or [],
        "denyPolicyItems": deny or [],
        "allowExceptions": [],
        "denyExceptions": deny_exceptions or [],
        "policyLabels": ["clearance", *labels],
    }


def _applies_to(rule: AccessRule, purpose: str | None) -> bool:
    return purpose is None or ANY in rule.purposes or purpose in rule.purposes


def _labels(rule: AccessRule) -> list[str]:
    return [f"purpose:{p}" for p in rule.purposes]


def ranger_policies(
    access: AccessPolicy,
    *,
    service: str = DEFAULT_SERVICE,
    accesses: Sequence[str] = DEFAULT_ACCESSES,
    purpose: str | None = None,
) -> tuple[dict[str, Any], list[str]]:
    """Ranger's import JSON (``{"metaDataInfo": ..., "policies": [...]}``) and the ids of the
    rules it could not carry (tags ``*``)."""
    rules = [r for r in access.rules if _applies_to(r, purpose)]
    policies: list[dict[str, Any]] = []
    skipped: list[str] = []
    for rule in rules:
        if ANY in rule.tags:
            skipped.append(rule.id)
            continue
        item = [_item(rule.roles, accesses)]
        policies.append(
            _policy(
                f"clearance-{rule.id}",
                rule.description or f"clearance access rule {rule.id} ({rule.effect})",
                rule.tags,
                _labels(rule),
                service=service,
                allow=item if rule.effect == "allow" else None,
                deny=item if rule.effect == "deny" else None,
            )
        )
    for tag in access.special_categories:
        openers = [r for r in rules if r.effect == "allow" and tag in r.tags]
        roles = sorted({role for r in openers for role in r.roles})
        labels = sorted({label for r in openers for label in _labels(r)})
        policies.append(
            _policy(
                f"clearance-default-deny-{tag}",
                f"special category {tag}: denied unless an allow rule names it",
                [tag],
                labels,
                service=service,
                deny=[_item([ANY], accesses)],
                deny_exceptions=[_item(roles, accesses)] if roles else None,
            )
        )
    meta = {
        "Exported by": f"clearance {__version__}",
        "service": service,
        "purpose": purpose or ANY,
    }
    return {"metaDataInfo": meta, "policies": policies}, skipped
