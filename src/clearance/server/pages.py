"""The dashboard's HTML pages, rendered on the server (Jinja2, every value escaped; the reports'
stylesheet inline, nothing loaded from anywhere else). A page that needs a signed-in user
answers 401 with the sign-in form; one that needs a higher role answers 403."""

from __future__ import annotations

import json
import secrets
from typing import Annotated, Any, get_args
from urllib.parse import urlencode

from fastapi import APIRouter, Form, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from clearance.core.controls import FrameworkSlug
from clearance.evidence.users import sign_in
from clearance.server.auth import (
    SESSION_COOKIE,
    Caller,
    check_csrf,
    dashboard,
    require,
    sessions,
)
from clearance.server.models import RunDetail
from clearance.server.render import render
from clearance.server.results import kind_of
from clearance.server.views import FINDINGS_PAGE, approve, held_roles, one_run, pending, runs_page

router = APIRouter(include_in_schema=False)
LOGIN_CSRF_COOKIE = "clearance_login_csrf"
PAGE = 50
FRAMEWORKS: tuple[str, ...] = get_args(FrameworkSlug)
STATUS_BADGE = {"covered": "pass", "open_findings": "fail", "no_evidence": "skipped"}


def secure(request: Request) -> bool:
    forced: bool | None = request.app.state.secure_cookies
    return forced if forced is not None else request.url.scheme == "https"


def login_page(request: Request, status: int = 200, message: str = "") -> HTMLResponse:
    """The sign-in form with a fresh double-submit CSRF token (cookie and field)."""
    token = secrets.token_urlsafe(32)
    target = (
        request.url.path if request.method == "GET" and request.url.path != "/login" else "/runs"
    )
    response = render(
        request,
        "login.html",
        {"title": "Sign in", "login_csrf": token, "message": message, "next": safe_next(target)},
        status=status,
    )
    response.set_cookie(
        LOGIN_CSRF_COOKIE,
        token,
        httponly=True,
        samesite="strict",
        secure=secure(request),
        path="/login",
    )
    return response


def safe_next(target: str) -> str:
    """A local path to go to after signing in; anything else (another host, a scheme, a
    protocol-relative URL) is the runs page."""
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/runs"
    return target


@router.get("/login")
def get_login(request: Request) -> Response:
    return login_page(request)


@router.post("/login")
def post_login(
    request: Request,
    username: Annotated[str, Form(max_length=100)] = "",
    password: Annotated[str, Form(max_length=1024)] = "",
    csrf: Annotated[str, Form(max_length=100)] = "",
    next: Annotated[str, Form(max_length=500)] = "/runs",
) -> Response:
    cookie = request.cookies.get(LOGIN_CSRF_COOKIE)
    if not cookie or not secrets.compare_digest(cookie, csrf):
        return login_page(request, 403, "The form expired; sign in again.")
    limiter = request.app.state.rate_limit
    keys = (f"ip:{request.client.host if request.client else '?'}", f"user:{username.lower()}")
    wait = limiter.blocked(*keys)
    if wait > 0:
        response = login_page(request, 429, "Too many failed sign-ins; try again later.")
        response.headers["Retry-After"] = str(int(wait) + 1)
        return response
    user = sign_in(dashboard(request).store(), username, password)
    if user is None:
        limiter.failed(*keys)
        return login_page(request, 401, "Wrong user name or password.")
    limiter.succeeded(keys[1])
    sid = sessions(request).open(user.name)
    signed_in = RedirectResponse(safe_next(next), status_code=303)
    signed_in.set_cookie(
        SESSION_COOKIE, sid, httponly=True, samesite="strict", secure=secure(request), path="/"
    )
    signed_in.delete_cookie(LOGIN_CSRF_COOKIE, path="/login")
    return signed_in


@router.post("/logout")
def post_logout(request: Request, csrf: Annotated[str, Form(max_length=100)] = "") -> Response:
    found = require(request, "viewer")
    check_csrf(found, csrf)
    sessions(request).close(request.cookies.get(SESSION_COOKIE))
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/")
def home(request: Request) -> Response:
    return RedirectResponse("/runs", status_code=303)


def page_context(found: Caller, title: str, **more: Any) -> dict[str, Any]:
    return {
        "title": title,
        "user": found.user,
        "csrf": found.session.csrf if found.session else "",
        **more,
    }


@router.get("/runs")
def runs(
    request: Request,
    page: Annotated[int, Query(ge=1, le=10**7)] = 1,
    command: Annotated[str, Query(max_length=200)] = "",
    verdict: Annotated[str, Query(max_length=40)] = "",
) -> Response:
    found = require(request, "viewer")
    board = dashboard(request)
    listed = runs_page(board, (page - 1) * PAGE, PAGE, command or None, verdict or None)

    def link(n: int) -> str:
        query = {k: v for k, v in {"command": command, "verdict": verdict}.items() if v}
        return "/runs?" + urlencode({**query, "page": n})

    return render(
        request,
        "runs.html",
        page_context(
            found,
            "Runs",
            page=listed,
            command=command,
            verdict=verdict,
            commands=board.store().distinct("command"),
            verdicts=board.store().distinct("verdict"),
            prev_url=link(page - 1) if page > 1 else None,
            next_url=link(page + 1) if page * PAGE < listed.total else None,
        ),
    )


def _run_page(
    request: Request, found: Caller, run: RunDetail, message: str = "", status: int = 200
) -> Response:
    board = dashboard(request)
    offset = run.findings_offset
    return render(
        request,
        "run.html",
        page_context(
            found,
            f"Run {run.run_id}",
            run=run,
            summary=json.dumps(run.summary, indent=2, ensure_ascii=False, sort_keys=True),
            can_approve=found.user.may("approver") and run.command != "approve",
            results=kind_of(run.command),
            roles=held_roles(board, found.user),
            policy=board.approvals.source,
            message=message,
            findings_prev=max(0, offset - FINDINGS_PAGE) if offset > 0 else None,
            findings_next=offset + FINDINGS_PAGE
            if offset + FINDINGS_PAGE < run.findings_total
            else None,
        ),
        status=status,
    )


@router.get("/runs/{run_id}")
def run_page(
    request: Request, run_id: str, findings_offset: Annotated[int, Query(ge=0, le=10**9)] = 0
) -> Response:
    found = require(request, "viewer")
    return _run_page(request, found, one_run(dashboard(request), run_id, findings_offset))


@router.post("/runs/{run_id}/approve")
def approve_form(
    request: Request,
    run_id: str,
    role: Annotated[str, Form(max_length=100)] = "",
    comment: Annotated[str, Form(max_length=2000)] = "",
    csrf: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    found = require(request, "approver")
    check_csrf(found, csrf)
    board = dashboard(request)
    try:
        approve(board, found.user, run_id, role, comment)
    except HTTPException as exc:
        if exc.status_code == 404:
            raise
        return _run_page(request, found, one_run(board, run_id), str(exc.detail), exc.status_code)
    return RedirectResponse(f"/runs/{run_id}#gate", status_code=303)


@router.get("/controls")
def controls(
    request: Request, framework: Annotated[str, Query(max_length=40)] = "nist-ai-rmf"
) -> Response:
    found = require(request, "viewer")
    if framework not in FRAMEWORKS:
        raise HTTPException(404, "no such framework")
    report = dashboard(request).report(framework)  # type: ignore[arg-type]
    return render(
        request,
        "controls.html",
        page_context(
            found,
            f"Controls: {report.framework_name}",
            report=report,
            frameworks=FRAMEWORKS,
            status_badge=STATUS_BADGE,
        ),
    )


def _gate_rows(
    request: Request, found: Caller, title: str, page: int, every: bool, intro: str, empty: str
) -> Response:
    rows = pending(dashboard(request), every=every)
    base = "/gates" if every else "/approvals"
    start = (page - 1) * PAGE
    return render(
        request,
        "gates.html",
        page_context(
            found,
            title,
            rows=rows[start : start + PAGE],
            intro=f"{intro} {len(rows)} in all.",
            empty=empty,
            prev_url=f"{base}?page={page - 1}" if page > 1 else None,
            next_url=f"{base}?page={page + 1}" if start + PAGE < len(rows) else None,
        ),
    )


@router.get("/gates")
def gates(request: Request, page: Annotated[int, Query(ge=1, le=10**7)] = 1) -> Response:
    found = require(request, "viewer")
    return _gate_rows(
        request,
        found,
        "Gates",
        page,
        True,
        "The latest audit of each set of files and the gate it decides "
        "(training: clearance audit; deployment: fairness, llm audit).",
        "No gated run recorded yet.",
    )


@router.get("/approvals")
def approvals(request: Request, page: Annotated[int, Query(ge=1, le=10**7)] = 1) -> Response:
    found = require(request, "viewer")
    return _gate_rows(
        request,
        found,
        "Approvals pending",
        page,
        False,
        "Gated runs that still miss a pass or an approval: open one to approve it.",
        "Nothing waits for an approval.",
    )
