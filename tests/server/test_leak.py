"""No page and no API answer ever shows what the audited file held: a raw e-mail address and an
AWS key planted in it, scanned and recorded, are fetched back through every page and endpoint,
for every role; neither value, nor a password, nor an API token, appears."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.server.conftest import PASSWORD, RAW_EMAIL, RAW_SECRET, USERS, World, sign_in


def _every_answer(client: TestClient, world: World) -> list[str]:
    runs = [world.audit_run, world.scan_run, world.evil_run, world.llm_run, world.guard_run]
    paths = [
        "/login",
        "/runs",
        "/runs?command=scan",
        "/controls",
        *(f"/controls?framework={f}" for f in ("iso-42001", "eu-ai-act", "gdpr")),
        "/gates",
        "/approvals",
        *(f"/runs/{r}" for r in runs),
        "/fairness",
        "/cards",
        "/llm",
        "/guard",
        "/trends",
        "/users",
        *world.result_pages,
        *(f"/api{p}" for p in world.result_pages),
        "/api/trends",
        "/api/users",
        "/api/runs",
        *(f"/api/runs/{r}" for r in runs),
        "/api/controls",
        "/api/approvals",
        "/api/export/runs.jsonl",
        "/openapi.json",
        "/healthz",
    ]
    answers = []
    for path in paths:
        answer = client.get(path)
        answers.append(answer.text + "\n".join(f"{k}: {v}" for k, v in answer.headers.items()))
    return answers


def test_no_answer_shows_a_planted_value(client: TestClient, world: World) -> None:
    scanned = client.get(
        f"/api/runs/{world.scan_run}", headers={"Authorization": f"Bearer {world.token}"}
    )
    entities = {f["entity"] for f in scanned.json()["findings"]}
    assert {"EMAIL_ADDRESS", "AWS_ACCESS_KEY_ID"} <= entities  # the planted values were found
    seen = _every_answer(client, world)  # nobody signed in
    for name in USERS:
        client.cookies.clear()
        sign_in(client, name)
        seen.extend(_every_answer(client, world))
    client.cookies.clear()
    seen.extend(
        _every_answer(
            TestClient(client.app, headers={"Authorization": f"Bearer {world.token}"}), world
        )
    )
    text = "\n".join(seen)
    assert "AKIA" in RAW_SECRET and len(seen) > 100
    for planted in (RAW_EMAIL, RAW_SECRET, RAW_SECRET[4:], "jane.planted", PASSWORD, world.token):
        assert planted not in text, planted
