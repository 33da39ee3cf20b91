"""Property tests of the JSON API against its own OpenAPI schema: schemathesis generates
requests from ``/openapi.json`` (valid ones, and ones that break the schema), hypothesis drives
them against the app over a real store with an approver's token; every answer is no server
error, a documented status, and a body that matches the schema. Without a token every API
answer is 401 (or 422 for a request the schema refuses before anyone is asked).

schemathesis's own pytest plugin does not run under pytest 9 here, so its strategies are drawn
with hypothesis's ``@given`` directly."""

from __future__ import annotations

from pathlib import Path

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clearance.evidence import open_store
from clearance.evidence.users import add_user
from clearance.server import create_app
from tests.server.conftest import World

SETTINGS = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture(scope="module")
def api(world: World, tmp_path_factory: pytest.TempPathFactory) -> tuple[FastAPI, str]:
    copy = tmp_path_factory.mktemp("props") / "evidence.db"
    copy.write_bytes(Path(world.store).read_bytes())
    token = add_user(open_store(str(copy)), "dpo", "approver")  # may approve: POST is exercised
    assert token is not None
    return create_app(str(copy), policy=world.policy), token


def _cases(app: FastAPI, mode: schemathesis.GenerationMode) -> st.SearchStrategy[schemathesis.Case]:
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert {f"{o.method.upper()} {o.path}" for o in operations} >= {
        "GET /api/runs",
        "GET /api/runs/{run_id}",
        "GET /api/controls",
        "GET /api/approvals",
        "POST /api/approvals",
        "GET /api/export/runs.jsonl",
        "GET /api/fairness/{run_id}",
        "GET /api/cards/{run_id}",
        "GET /api/llm/{run_id}",
        "GET /api/guard/{run_id}",
        "GET /api/trends",
        "GET /api/users",
        "GET /healthz",
    }
    return st.one_of([o.as_strategy(generation_mode=mode) for o in operations])


@pytest.mark.parametrize(
    "mode", [schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE]
)
def test_every_answer_conforms_to_the_schema(
    api: tuple[FastAPI, str], mode: schemathesis.GenerationMode
) -> None:
    app, token = api

    @SETTINGS
    @given(_cases(app, mode))
    def check(case: schemathesis.Case) -> None:
        case.call_and_validate(headers={"Authorization": f"Bearer {token}"})

    check()


def test_without_a_token_every_api_answer_is_401(api: tuple[FastAPI, str]) -> None:
    app, _ = api

    @SETTINGS
    @given(_cases(app, schemathesis.GenerationMode.POSITIVE))
    def check(case: schemathesis.Case) -> None:
        answer = case.call()
        if case.path.startswith("/api/"):
            assert answer.status_code == 401, (case.path, answer.status_code)
            assert answer.json() == {"detail": "sign in first"}

    check()
