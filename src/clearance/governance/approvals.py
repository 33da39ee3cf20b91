"""A sign-off of a recorded run (``clearance approve``, the dashboard's approve form): the one
place that decides whether ``user`` may approve ``run_id`` in ``role`` and what the approval
record says. Refusals are errors naming the reason; nothing is written here (the caller
appends the record)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from clearance.errors import InputError, PolicyError
from clearance.evidence.chain import Entry, Verification

MAX_COMMENT = 2000
COMMAND = "approve"
VERDICT = "approved"


def approval_summary(
    target: Entry | None,
    run_id: str,
    *,
    role: str,
    comment: str,
    user: str,
    roles: Mapping[str, Sequence[str]],
    verification: Verification,
    store: str,
    source: str = "the policy",
) -> dict[str, Any]:
    """The summary of the approval record of ``run_id`` (``target``, its entry, or None when
    the store has no such run) by ``user`` in ``role``; ``roles`` is the policy's
    ``approvals.roles`` (role -> the users who hold it), ``source`` names it in messages.
    Raises :class:`PolicyError` (empty comment, unknown role, a user without the role) or
    :class:`InputError` (a chain that does not verify, no such run, a run that is itself an
    approval)."""
    text = comment.strip()
    if not text or len(text) > MAX_COMMENT:
        raise PolicyError(f"comment: give what was reviewed (1 to {MAX_COMMENT} characters)")
    if role not in roles:
        allowed = ", ".join(sorted(roles)) or "none: add approvals.roles to the policy"
        raise PolicyError(f"role {role}: not a role of {source}; roles: {allowed}")
    if user not in roles[role]:
        raise PolicyError(f"{user} does not hold the role {role} in {source} (approvals.roles)")
    if not verification.intact:
        raise InputError(
            store, f"the evidence chain does not verify ({verification.broken}); nothing approved"
        )
    if target is None:
        raise InputError(store, f"no run {run_id} in the evidence store")
    if target.record.get("command") == COMMAND:
        raise InputError(store, f"run {run_id} is an approval, not a run to approve")
    return {
        "approves": run_id,
        "command": target.record.get("command"),
        "verdict": target.record.get("verdict"),
        "role": role,
        "comment": text,
    }
