"""Reads shared by the pages and the JSON API: a page of runs, one run with its gate, the
pending approvals, and an approval given through the dashboard (the governance library decides
it, the evidence store appends it)."""

from __future__ import annotations

import re
from typing import Literal

from fastapi import HTTPException

from clearance.errors import InputError, PolicyError
from clearance.evidence.chain import Entry
from clearance.evidence.record import new_record
from clearance.evidence.users import User, accounts
from clearance.governance.approvals import COMMAND, VERDICT, approval_summary
from clearance.server.models import (
    MAX_PAGE,
    ApprovalCreated,
    PendingApproval,
    RunDetail,
    RunPage,
    UserItem,
    gate_status,
    run_detail,
    run_item,
)
from clearance.server.results import COMMANDS, Kind
from clearance.server.state import Dashboard

RUN_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
FINDINGS_PAGE = 100


def runs_page(
    board: Dashboard,
    offset: int,
    limit: int,
    command: str | tuple[str, ...] | None,
    verdict: str | None,
) -> RunPage:
    limit = max(1, min(limit, MAX_PAGE))
    store = board.store()
    total = store.count(command=command or None, verdict=verdict or None)
    lines = store.lines(
        offset=offset, limit=limit, command=command or None, verdict=verdict or None
    )
    return RunPage(total=total, offset=offset, limit=limit, runs=[run_item(x) for x in lines])


def result_entry(board: Dashboard, kind: Kind, run_id: str) -> Entry:
    """The run ``run_id`` when it is one of ``kind``'s commands; else 404."""
    entry = board.store().entry(run_id) if RUN_ID.fullmatch(run_id) else None
    if entry is None or entry.record.get("command") not in COMMANDS[kind]:
        raise HTTPException(404, "no such run")
    return entry


def results_page(board: Dashboard, kind: Kind, offset: int, limit: int) -> RunPage:
    """A page of ``kind``'s runs (its commands), newest first."""
    return runs_page(board, offset, limit, COMMANDS[kind], None)


def one_run(board: Dashboard, run_id: str, findings_offset: int = 0) -> RunDetail:
    """404 for an id that is not one (a path, markup) or not in the store."""
    entry = board.store().entry(run_id) if RUN_ID.fullmatch(run_id) else None
    if entry is None:
        raise HTTPException(404, "no such run")
    return run_detail(entry, board.gate(entry), offset=max(0, findings_offset), limit=FINDINGS_PAGE)


def pending(board: Dashboard, *, every: bool = False) -> list[PendingApproval]:
    """The gated runs whose gate misses something (``every``: all gated runs)."""
    found: list[PendingApproval] = []
    for entry, result in board.gated() if every else board.pending():
        gate = gate_status(result)
        assert gate is not None
        found.append(
            PendingApproval(
                run_id=entry.run_id,
                command=str(entry.record.get("command", "")),
                verdict=str(entry.record.get("verdict", "")),
                created_at=str(entry.record.get("created_at", "")),
                gate=gate,
            )
        )
    return found


def held_roles(board: Dashboard, user: User) -> list[str]:
    """The policy's approval roles ``user`` holds (by name, as ``clearance approve`` checks)."""
    return sorted(r for r, users in board.approvals.roles.items() if user.name in users)


def approve(board: Dashboard, user: User, run_id: str, role: str, comment: str) -> ApprovalCreated:
    """Records ``user``'s approval of ``run_id`` in ``role``; the governance library's refusal
    is answered 403 (a role the policy does not give the user), 404 (no such run) or 409 (a
    chain that does not verify, an approval of an approval); nothing is written."""
    store = board.store()
    snap = board.snapshot()
    target = store.entry(run_id) if RUN_ID.fullmatch(run_id) else None
    try:
        summary = approval_summary(
            target,
            run_id,
            role=role,
            comment=comment,
            user=user.name,
            roles=board.approvals.roles,
            verification=snap.verification,
            store=store.shown,
            source=board.approvals.source,
        )
    except PolicyError as exc:
        raise HTTPException(403, str(exc)) from None
    except InputError as exc:
        raise HTTPException(404 if target is None else 409, exc.reason) from None
    policy = board.policy if board.policy is not None and board.policy.is_file() else None
    record = new_record(COMMAND, summary=summary, verdict=VERDICT, policy=policy, user=user.name)
    approval_id = store.append(record)
    assert target is not None
    return ApprovalCreated(
        approval_run_id=approval_id,
        approves=run_id,
        role=role,
        gate=gate_status(board.gate(target)),
    )


def _methods(password: bool, token: bool) -> list[Literal["password", "token"]]:
    found: list[Literal["password", "token"]] = []
    if password:
        found.append("password")
    if token:
        found.append("token")
    return found


def users(board: Dashboard) -> list[UserItem]:
    """Every dashboard user: name, role, how they sign in (never the hash or token)."""
    return [
        UserItem(
            name=a.name,
            role=a.role,
            created_at=a.created_at,
            signs_in_with=_methods(a.password, a.token),
        )
        for a in accounts(board.store())
    ]
