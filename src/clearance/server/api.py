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
    UserItem,
)
from clearance.server.results import (
    CardResult,
    FairnessResult,
    GuardResult,
    LlmResult,
    card_result,
    fairness_result,
    guard_result,
    llm_result,
)
from clearance.server.trends import Trends
from clearance.server.views import (
    FINDINGS_PAGE,
    approve,
    one_run,
    pending,
    result_entry,
    runs_page,
    users,
)

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


NOT_FOUND: dict[int | str, dict[str, object]] = {
    404: {"model": Problem, "description": "no such run of this kind"}
}


@router.get(
    "/fairness/{run_id}",
    response_model=FairnessResult,
    summary="A fairness audit's per-group metrics with their intervals, and its disparities",
    responses=NOT_FOUND,
)
def api_fairness(request: Request, run_id: str) -> FairnessResult:
    require(request, "viewer")
    return fairness_result(result_entry(dashboard(request), "fairness", run_id))


@router.get(
    "/cards/{run_id}",
    response_model=CardResult,
    summary="A model card's build (its sections) or check (its checklist, completeness)",
    responses=NOT_FOUND,
)
def api_card(request: Request, run_id: str) -> CardResult:
    require(request, "viewer")
    return card_result(result_entry(dashboard(request), "cards", run_id))


@router.get(
    "/llm/{run_id}",
    response_model=LlmResult,
    summary="An LLM leak audit: counts per secret kind, masked previews",
    responses=NOT_FOUND,
)
def api_llm(request: Request, run_id: str) -> LlmResult:
    require(request, "viewer")
    return llm_result(result_entry(dashboard(request), "llm", run_id))


@router.get(
    "/guard/{run_id}",
    response_model=GuardResult,
    summary="A guard proxy session: requests, redactions per type, blocked responses",
    responses=NOT_FOUND,
)
def api_guard(request: Request, run_id: str) -> GuardResult:
    require(request, "viewer")
    return guard_result(result_entry(dashboard(request), "guard", run_id))


@router.get(
    "/trends",
    response_model=Trends,
    summary="Runs and findings per day (per week beyond 92 days) and command",
)
def api_trends(request: Request) -> Trends:
    require(request, "viewer")
    return dashboard(request).trends()


@router.get(
    "/users",
    response_model=list[UserItem],
    summary="Dashboard users and their roles (role admin; no hash or token)",
)
def api_users(request: Request) -> list[UserItem]:
    require(request, "admin")
    return users(dashboard(request))


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
