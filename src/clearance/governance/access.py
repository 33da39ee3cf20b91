"""Tag-based access decisions (``clearance access check``): may this user, in these roles, use
this dataset for this purpose? The way Apache Ranger's tag policies decide, so that the same
rules exported to Ranger (:mod:`clearance.governance.ranger`) decide the same:

1. a deny rule for one of the user's roles (or ``*``), the purpose (or ``*``) and one of the
   dataset's tags (or ``*``) denies: deny wins;
2. a dataset carrying a special-category tag (``access.special_categories``) is denied unless
   an allow rule for the role and purpose names that tag itself (``*`` never opens it);
3. an allow rule for the role, the purpose and one of the dataset's tags (or ``*``) allows;
4. anything else is denied (``default``).

A user with no role in the policy, a ``--role`` the user does not hold, or an evidence chain
that does not verify (the tags of the audit cannot be trusted) is denied before any rule.

The dataset's tags come from what clearance already knows of it, never from its contents:

- its latest ``audit`` in the evidence store (the run whose inputs hold the file's SHA-256):
  ``audit:<verdict>``, a tag per category of its findings (``pii``, ``secret``,
  ``special-category``, ``quasi-identifier``...), ``sensitivity:<highest severity>``; no such
  run: ``unaudited``;
- the tags sidecar a remediation wrote (``F.clearance.json``, :mod:`clearance.io.tags`,
  checked against its manifest): ``cleared-for:<purpose>``, ``command:<command>``,
  ``treatment:<treatment>``, ``encrypted``, and ``special-category`` when a column of a
  special category was kept as it was.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from clearance.audit.policy import ANY, AccessPolicy, AccessRule, ApprovalPolicy
from clearance.core.severity import Severity
from clearance.evidence.chain import Entry
from clearance.io.tags import OutputTags, sidecar_path, verify_tags, without_sidecars

Decision = Literal["allow", "deny"]
DEFAULT = "default"
SPECIAL_DEFAULT = "default-deny-special-category"
NO_ROLE = "no-role"
ROLE_NOT_HELD = "role-not-held"
CHAIN_BROKEN = "evidence-chain-broken"


class AccessDecision(BaseModel):
    """What ``clearance access check`` answers (its ``--json``), and what it records."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    decision: Decision
    rule: str = Field(description="the rule that decided: a rule id, or default, "
                      "default-deny-special-category, no-role, role-not-held, "
                      "evidence-chain-broken")
    reason: str = Field(description="one line: why")
    user: str
    roles: list[str] = Field(description="the roles the decision considered")
    purpose: str
    dataset: str
    tags: list[str] = Field(description="the dataset's tags, sorted")
    audit_run: str | None = Field(description="the audit run the tags come from")


def user_roles(access: AccessPolicy, approvals: ApprovalPolicy, user: str) -> list[str]:
    """The user's roles: ``access.users`` and the ``approvals.roles`` that list the user."""
    held = set(access.users.get(user, []))
    held |= {role for role, users in approvals.roles.items() if user in users}
    return sorted(held)


def _hashes(files: object) -> set[str]:
    if not isinstance(files, list):
        return set()
    return {str(f["sha256"]) for f in files if isinstance(f, dict) and f.get("sha256")}


def audit_tags(entries: Sequence[Entry], hashes: set[str]) -> tuple[set[str], str | None]:
    """The tags of the latest audit whose inputs hold every one of ``hashes``."""
    audits = [
        e
        for e in entries
        if e.record.get("command") == "audit" and hashes and hashes <= _hashes(e.record.get("inputs"))
    ]
    if not audits:
        return {"unaudited"}, None
    latest = audits[-1]
    tags = {f"audit:{latest.record.get('verdict')}"}
    worst: Severity | None = None
    findings = latest.record.get("findings")
    for finding in findings if isinstance(findings, list) else []:
        if not isinstance(finding, dict):
            continue
        category = finding.get("category")
        if isinstance(category, str):
            tags.add(category.replace("_", "-"))
        try:
            severity = Severity.parse(str(finding.get("severity")))
        except ValueError:
            continue
        if worst is None or severity.rank > worst.rank:
            worst = severity
    tags.add(f"sensitivity:{worst.value if worst is not None else 'none'}")
    return tags, latest.run_id


def _special_entities() -> frozenset[str]:
    from clearance.detection.registry import default_registry

    return frozenset(d.entity for d in default_registry() if d.category == "special_category")


def sidecar_tags(tags: OutputTags) -> set[str]:
    """The access tags of a remediated file's clearance tags."""
    found = {f"cleared-for:{tags.purpose}"}
    if tags.command:
        found.add(f"command:{tags.command}")
    if tags.sensitivity is not None:
        found.add(f"treatment:{tags.sensitivity.treatment}")
    if tags.encryption is not None:
        found.add("encrypted")
    special = _special_entities()
    if any(c.entity in special and c.operator == "keep" for c in tags.columns):
        found.add("special-category")
    return found


def file_tags(path: Path) -> set[str]:
    """The access tags of ``path``'s tags sidecar (``F.clearance.json``; every output a
    remediation writes has one, Parquet too), verified against the manifest it names; none
    when there is no sidecar. A sidecar that is malformed or no longer matches its manifest
    is an :class:`~clearance.errors.InputError`."""
    if not sidecar_path(path).exists():
        return set()
    return sidecar_tags(verify_tags(path))


def _matches(values: Sequence[str], wanted: set[str] | str) -> bool:
    if ANY in values:
        return True
    if isinstance(wanted, str):
        return wanted in values
    return bool(wanted & set(values))


def _applies(rule: AccessRule, roles: set[str], purpose: str) -> bool:
    return _matches(rule.roles, roles) and _matches(rule.purposes, purpose)


def decide(
    access: AccessPolicy,
    *,
    user: str,
    roles: Sequence[str],
    held: Sequence[str],
    purpose: str,
    dataset: str,
    tags: set[str],
    audit_run: str | None,
    chain_intact: bool = True,
) -> AccessDecision:
    """The decision for ``user`` acting in ``roles`` (all of ``held`` when not narrowed)."""

    def result(decision: Decision, rule: str, reason: str) -> AccessDecision:
        return AccessDecision(
            decision=decision,
            rule=rule,
            reason=reason,
            user=user,
            roles=sorted(roles),
            purpose=purpose,
            dataset=dataset,
            tags=sorted(tags),
            audit_run=audit_run,
        )

    if not chain_intact:
        return result("deny", CHAIN_BROKEN, "the evidence chain does not verify")
    if not held:
        return result("deny", NO_ROLE, f"{user} holds no role in the policy")
    missing = [r for r in roles if r not in held]
    if missing:
        return result("deny", ROLE_NOT_HELD, f"{user} does not hold the role {missing[0]}")
    acting = set(roles)
    for rule in access.rules:
        if rule.effect == "deny" and _applies(rule, acting, purpose) and _matches(rule.tags, tags):
            return result("deny", rule.id, rule.description or f"denied by rule {rule.id}")
    for tag in sorted(tags & set(access.special_categories)):
        opened = any(
            rule.effect == "allow" and tag in rule.tags and _applies(rule, acting, purpose)
            for rule in access.rules
        )
        if not opened:
            return result(
                "deny",
                SPECIAL_DEFAULT,
                f"tagged {tag}: no rule allows it for these roles and purpose by name",
            )
    for rule in access.rules:
        if rule.effect == "allow" and _applies(rule, acting, purpose) and _matches(rule.tags, tags):
            return result("allow", rule.id, rule.description or f"allowed by rule {rule.id}")
    return result("deny", DEFAULT, "no rule allows it")


def check_access(
    access: AccessPolicy,
    approvals: ApprovalPolicy,
    entries: Sequence[Entry],
    *,
    user: str,
    role: str | None,
    purpose: str,
    dataset: Path,
    files: Sequence[Mapping[str, Any]],
    chain_intact: bool = True,
) -> AccessDecision:
    """The decision for ``user`` on ``dataset`` (``files``: its files with their hashes,
    :func:`clearance.evidence.record.hash_files`; ``role``: act in this one role only)."""
    data = set(without_sidecars([Path(str(f["path"])) for f in files]))
    files = [f for f in files if Path(str(f["path"])) in data]
    tags, audit_run = audit_tags(entries, {str(f["sha256"]) for f in files if f.get("sha256")})
    for f in files:
        tags |= file_tags(Path(str(f["path"])))
    held = user_roles(access, approvals, user)
    return decide(
        access,
        user=user,
        roles=[role] if role is not None else held,
        held=held,
        purpose=purpose,
        dataset=str(dataset),
        tags=tags,
        audit_run=audit_run,
        chain_intact=chain_intact,
    )
