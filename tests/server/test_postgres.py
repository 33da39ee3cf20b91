"""The dashboard over a PostgreSQL store (the real server ``scripts/postgres`` starts): sign in,
list, open, approve through the API, the gate passes; the results pages (a query over several
commands), the trends, and the snapshot extended by an appended run; skipped without one, as the
evidence store's own PostgreSQL tests."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from clearance.evidence import new_record, open_store
from clearance.evidence.users import add_user
from clearance.server import create_app
from tests.audit.conftest import PgSchema
from tests.evidence.conftest import schema_url
from tests.server.conftest import PASSWORD, POLICY, sign_in


def test_the_dashboard_on_postgresql(pg_schema: PgSchema, tmp_path: Path) -> None:
    url = schema_url(pg_schema)
    store = open_store(url)
    data = tmp_path / "t.csv"
    data.write_text("id\n1\n")
    run = store.append(new_record("audit", inputs=[data], verdict="pass"))
    add_user(store, "dpo", "approver", password=PASSWORD)
    token = add_user(store, "bot", "viewer")
    policy = tmp_path / "clearance.yaml"
    policy.write_text(POLICY)
    with TestClient(create_app(url, policy=policy), follow_redirects=False) as c:
        csrf = sign_in(c, "dpo")
        assert run in c.get("/runs").text
        assert 'data-gate="fail"' in c.get(f"/runs/{run}").text
        body = {"run_id": run, "role": "privacy-officer", "comment": "ok"}
        answer = c.post("/api/approvals", json=body, headers={"x-csrf-token": csrf})
        assert answer.status_code == 201 and answer.json()["gate"]["passed"]
        viewer = c.get("/api/runs", headers={"Authorization": f"Bearer {token}"})
        assert viewer.json()["total"] == 2
        board = c.app.state.dashboard  # type: ignore[attr-defined]
        assert board.snapshot().verification.intact
        checked = store.append(
            new_record("card check", summary={"regime": "ecoa", "items": {"present": 1}},
                       verdict="pass")
        )  # fmt: skip
        built = store.append(new_record("card build", summary={"sections": {}}, verdict="built"))
        assert not board.snapshot().full and board.snapshot().verification.intact
        cards = c.get("/cards").text
        assert checked in cards and built in cards and run not in cards
        assert c.get(f"/cards/{checked}").status_code == 200
        assert c.get(f"/guard/{checked}").status_code == 404
        trends = c.get("/api/trends").json()
        assert trends["runs"] == 4 and trends["buckets"][-1]["runs"]["card check"] == 1
    assert open_store(url).verify().intact
