"""The approval decision shared by ``clearance approve`` and the dashboard."""

from __future__ import annotations

import pytest

from clearance.errors import InputError, PolicyError
from clearance.evidence.chain import GENESIS, ChainBreak, Entry, Verification
from clearance.governance.approvals import approval_summary

ROLES = {"privacy-officer": ["dpo"]}
OK = Verification(1, GENESIS, None)
RUN = Entry(1, GENESIS, "h", {"run_id": "r1", "command": "audit", "verdict": "pass"})


def _approve(target: Entry | None = RUN, **changes: object) -> dict[str, object]:
    args: dict[str, object] = {
        "role": "privacy-officer",
        "comment": " checked ",
        "user": "dpo",
        "roles": ROLES,
        "verification": OK,
        "store": "s.db",
    }
    args.update(changes)
    return approval_summary(target, "r1", **args)  # type: ignore[arg-type]


def test_an_allowed_approval_says_what_it_approves() -> None:
    assert _approve() == {
        "approves": "r1",
        "command": "audit",
        "verdict": "pass",
        "role": "privacy-officer",
        "comment": "checked",
    }


@pytest.mark.parametrize(
    ("changes", "error", "says"),
    [
        ({"comment": "  "}, PolicyError, "comment:"),
        ({"role": "security"}, PolicyError, "role security: not a role of the policy"),
        ({"user": "eve"}, PolicyError, "eve does not hold the role privacy-officer"),
        (
            {"verification": Verification(1, GENESIS, ChainBreak(1, "r1", "altered"))},
            InputError,
            "does not verify",
        ),
    ],
)
def test_refusals(changes: dict[str, object], error: type[Exception], says: str) -> None:
    with pytest.raises(error, match=says):
        _approve(**changes)


def test_a_missing_run_and_an_approval_are_not_approvable() -> None:
    with pytest.raises(InputError, match="no run r1"):
        _approve(None)
    approval = Entry(2, "h", "h2", {"run_id": "r1", "command": "approve"})
    with pytest.raises(InputError, match="is an approval"):
        _approve(approval)
