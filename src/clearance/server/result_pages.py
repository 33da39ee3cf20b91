"""The results pages: a job's runs (fairness audits, model cards, LLM audits, guard sessions)
and one run's results with their charts, the trends over time, and the users (admins only).
Every page reads the store a page at a time or one record (the trends: the verified snapshot)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from clearance.server.auth import dashboard, require
from clearance.server.charts import attributes, fairness_charts, ordered, trend_chart
from clearance.server.pages import PAGE, page_context
from clearance.server.render import render
from clearance.server.results import (
    COMMANDS,
    Kind,
    card_result,
    fairness_result,
    guard_result,
    llm_result,
)
from clearance.server.views import result_entry, results_page, users

router = APIRouter(include_in_schema=False)
TITLES: dict[Kind, tuple[str, str]] = {
    "fairness": (
        "Fairness audits",
        "Runs of clearance fairness: open one for its groups' rates with their confidence "
        "intervals.",
    ),
    "cards": (
        "Model cards",
        "Runs of clearance card build (the card's sections) and card check (its completeness "
        "against a regime).",
    ),
    "llm": ("LLM audits", "Runs of clearance llm audit: secrets per kind, masked previews."),
    "guard": (
        "Guard incidents",
        "Sessions of the clearance guard proxy: requests, redactions per type, blocked "
        "responses.",
    ),
}


def _list(request: Request, kind: Kind, page: int) -> Response:
    found = require(request, "viewer")
    listed = results_page(dashboard(request), kind, (page - 1) * PAGE, PAGE)
    title, intro = TITLES[kind]
    return render(
        request,
        "results.html",
        page_context(
            found,
            title,
            intro=intro,
            kind=kind,
            commands=COMMANDS[kind],
            page=listed,
            prev_url=f"/{kind}?page={page - 1}" if page > 1 else None,
            next_url=f"/{kind}?page={page + 1}" if page * PAGE < listed.total else None,
        ),
    )


PageNo = Annotated[int, Query(ge=1, le=10**7)]


@router.get("/fairness")
def fairness_runs(request: Request, page: PageNo = 1) -> Response:
    return _list(request, "fairness", page)


@router.get("/cards")
def card_runs(request: Request, page: PageNo = 1) -> Response:
    return _list(request, "cards", page)


@router.get("/llm")
def llm_runs(request: Request, page: PageNo = 1) -> Response:
    return _list(request, "llm", page)


@router.get("/guard")
def guard_runs(request: Request, page: PageNo = 1) -> Response:
    return _list(request, "guard", page)


@router.get("/fairness/{run_id}")
def fairness_run(request: Request, run_id: str) -> Response:
    found = require(request, "viewer")
    result = fairness_result(result_entry(dashboard(request), "fairness", run_id))
    refs = {d.attribute: d for d in result.disparities}
    sections: list[dict[str, Any]] = []
    for attribute in attributes(result.by_group, result.disparities):
        d = refs.get(attribute)
        ref = d.reference if d else None
        groups = ordered(result.by_group, attribute, ref)
        sections.append(
            {
                "attribute": attribute,
                "disparity": d,
                "groups": groups,
                "reference": ref,
                "charts": fairness_charts(groups, attribute, ref),
            }
        )
    return render(
        request,
        "fairness.html",
        page_context(found, f"Fairness audit {result.run_id}", result=result, sections=sections),
    )


@router.get("/cards/{run_id}")
def card_run(request: Request, run_id: str) -> Response:
    found = require(request, "viewer")
    result = card_result(result_entry(dashboard(request), "cards", run_id))
    return render(
        request, "card.html", page_context(found, f"Model card {result.run_id}", result=result)
    )


@router.get("/llm/{run_id}")
def llm_run(request: Request, run_id: str) -> Response:
    found = require(request, "viewer")
    result = llm_result(result_entry(dashboard(request), "llm", run_id))
    return render(
        request, "llm.html", page_context(found, f"LLM audit {result.run_id}", result=result)
    )


@router.get("/guard/{run_id}")
def guard_run(request: Request, run_id: str) -> Response:
    found = require(request, "viewer")
    result = guard_result(result_entry(dashboard(request), "guard", run_id))
    return render(
        request, "guard.html", page_context(found, f"Guard session {result.run_id}", result=result)
    )


@router.get("/trends")
def trends_page(request: Request) -> Response:
    found = require(request, "viewer")
    data = dashboard(request).trends()
    return render(
        request,
        "trends.html",
        page_context(
            found,
            "Trends",
            trends=data,
            runs_chart=trend_chart(data, "runs"),
            findings_chart=trend_chart(data, "findings"),
        ),
    )


@router.get("/users")
def users_page(request: Request) -> Response:
    found = require(request, "admin")
    return render(
        request, "users.html", page_context(found, "Users", users=users(dashboard(request)))
    )
