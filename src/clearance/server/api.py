"""The JSON API under ``/api/`` (schema at ``/openapi.json``): runs, one run, control coverage,
pending approvals, an approval, and the whole chain streamed as an evidence bundle (JSON lines
that ``clearance evidence verify`` checks)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import APIRouter, Header, Query, Request
from fastapi.responses import StreamingResponse

from clearance.core.controls import FrameworkSlug
from clearance.evidence.bundle import bundle_lines
from clearance.governance.report import GovernanceReport
from clearance.server.auth import CSRF_HEADER, check_csrf, dashboard, require
from clearance.server.models import (
    MAX_PAGE,
    ApprovalCreated,
    ApprovalRequest,
    PendingApproval,
    Problem,
    RunDetail,
    RunPage,
)
from clearance.server.views import FINDINGS_PAGE, approve, one_run, pending, runs_page

ERRORS: dict[int | str, dict[str, object]] = {
    401: {"model": Problem, "description": "not signed in (no or a wrong token)"},
    403: {"model": Problem, "description": "the caller's role may not do this"},
    503: {"model": Problem, "description": "the evidence store cannot be used"},
}

router = APIRouter(prefix="/api", responses=ERRORS)
Command = Annotated[str | None, Query(max_length=200, description="only runs of this command")]
Verdict = Annotated[str | None, Query(max_length=40, description="only runs with this verdict")]


@router.get("/runs", response_model=RunPage, summary="A page of runs, newest first")
def api_runs(
    request: Request,
    offset: Annotated[int, Query(ge=0, le=10**9)] = 0,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 50,
    command: Command = None,
    verdict: Verdict = None,
) -> RunPage:
    require(request, "viewer")
    return runs_page(dashboard(request), offset, limit, command, verdict)


@router.get(
    "/runs/{run_id}",
    response_model=RunDetail,
    summary="One run: files, summary, a page of its findings, its gate",
    responses={404: {"model": Problem, "description": "no such run"}},
)
def api_run(
    request: Request,
    run_id: str,
    findings_offset: Annotated[int, Query(ge=0, le=10**9)] = 0,
) -> RunDetail:
    require(request, "viewer")
    return one_run(dashboard(request), run_id, findings_offset)


@router.get("/controls", response_model=GovernanceReport, summary="Control coverage")
def api_controls(request: Request, framework: FrameworkSlug = "nist-ai-rmf") -> GovernanceReport:
    require(request, "viewer")
    return dashboard(request).report(framework)


@router.get(
    "/approvals", response_model=list[PendingApproval], summary="Runs whose gate misses something"
)
def api_pending(request: Request) -> list[PendingApproval]:
    require(request, "viewer")
    return pending(dashboard(request))


@router.post(
    "/approvals",
    response_model=ApprovalCreated,
    status_code=201,
    summary="Approve a run (role approver or admin; the policy must give the user the role: "
    "else 403)",
    responses={
        400: {"model": Problem, "description": "a body that cannot be parsed"},
        404: {"model": Problem, "description": "no such run"},
        409: {"model": Problem, "description": "the chain does not verify, or not approvable"},
    },
)
def api_approve(
    request: Request,
    body: ApprovalRequest,
    x_csrf_token: Annotated[str | None, Header(alias=CSRF_HEADER)] = None,
) -> ApprovalCreated:
    found = require(request, "approver")
    check_csrf(found, x_csrf_token)
    return approve(dashboard(request), found.user, body.run_id, body.role, body.comment)


@router.get(
    "/export/runs.jsonl",
    summary="Every run as an evidence bundle (JSON lines, streamed; role auditor or above)",
    response_class=StreamingResponse,
    responses={200: {"content": {"application/x-ndjson": {}}}},
)
def api_export(request: Request) -> StreamingResponse:
    require(request, "auditor")
    store = dashboard(request).store()
    count, _ = store.head()
    checkpoint = next((c for c in reversed(store.checkpoints()) if c.seq <= count), None)

    def lines() -> Iterator[bytes]:
        for line in bundle_lines(store.iter_entries(count), count, checkpoint):
            yield line.encode("utf-8")

    return StreamingResponse(
        lines(),
        media_type="application/x-ndjson",
        headers={"Content-Disposition": 'attachment; filename="evidence-bundle.jsonl"'},
    )


__all__ = ["FINDINGS_PAGE", "router"]
