"""The results pages and their API: a fairness audit's groups with intervals and its charts
(inline SVG, every label escaped), a model card's sections and checklist, an LLM audit's secrets
per kind (masked previews only), a guard session's incidents, the trends over time, and the
users page (admins only). Each answers 401 to nobody, 404 to a run of another command, and
never passes on a raw value a record holds where it should not."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from clearance.evidence import new_record, open_store
from clearance.evidence.details import details_of
from clearance.server.results import WITHHELD, masked
from tests.server.conftest import (
    ANSI_GROUP,
    EVIL,
    PASSWORD,
    RAW_EMAIL,
    RAW_SECRET,
    World,
    llm_report,
    make_client,
    sign_in,
)

LISTS = ["/fairness", "/cards", "/llm", "/guard", "/trends"]


def _api(world: World, path: str) -> dict[str, object]:
    with make_client(world) as c:
        answer = c.get(path, headers={"Authorization": f"Bearer {world.token}"})
    assert answer.status_code == 200, (path, answer.text)
    found: dict[str, object] = answer.json()
    return found


@pytest.mark.parametrize(
    "path",
    [*LISTS, "/users", "/fairness/x", "/api/trends", "/api/users", "/api/fairness/x",
     "/api/cards/x", "/api/llm/x", "/api/guard/x"],
)  # fmt: skip
def test_nobody_signed_in_gets_401(client: TestClient, path: str) -> None:
    answer = client.get(path)
    assert answer.status_code == 401
    assert "Sign in" in answer.text or answer.json() == {"detail": "sign in first"}


def test_every_results_page_answers_a_viewer(client: TestClient, world: World) -> None:
    sign_in(client, "vic")
    for path in [*LISTS, *world.result_pages]:
        answer = client.get(path)
        assert answer.status_code == 200, (path, answer.text)
        assert "<script>" not in answer.text  # a page runs no script, data's included
    listed = client.get("/fairness").text
    assert f"/fairness/{world.fairness_run}" in listed and world.scan_run not in listed
    cards = client.get("/cards").text
    assert world.card_build_run in cards and world.card_check_run in cards
    run = client.get(f"/runs/{world.fairness_run}").text
    assert f'href="/fairness/{world.fairness_run}"' in run


def test_a_run_of_another_command_is_404(client: TestClient, world: World) -> None:
    sign_in(client, "vic")
    for path in (f"/fairness/{world.scan_run}", f"/llm/{world.fairness_run}",
                 f"/cards/{world.guard_run}", f"/guard/{world.llm_run}", "/fairness/..%2fetc",
                 f"/api/fairness/{world.audit_run}", "/api/llm/nope"):  # fmt: skip
        assert client.get(path).status_code == 404, path


def test_the_fairness_page_charts_each_groups_rate_with_its_interval(
    client: TestClient, world: World
) -> None:
    sign_in(client, "vic")
    page = client.get(f"/fairness/{world.fairness_run}").text
    charts = re.findall(r"<svg[^>]*class=\"chart\".*?</svg>", page, re.S)
    assert len(charts) >= 2  # selection rate and TPR at least
    assert "Selection rate of grp by group" in page
    assert page.count('class="err"') >= 2  # the intervals' whiskers
    # the group names from data: escaped in the table, the charts and their titles
    assert EVIL not in page and "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    assert "\x1b" not in page and "\\x1b[31mred" in page
    result = _api(world, f"/api/fairness/{world.fairness_run}")
    assert result["recorded"] is True and result["passed"] in (True, False)
    groups = {g["group"]: g for g in result["by_group"]}  # type: ignore[attr-defined, index]
    assert set(groups) == {"a", EVIL, ANSI_GROUP}
    assert groups["a"]["sufficient"] and not groups[ANSI_GROUP]["sufficient"]
    ci = groups["a"]["ci"]["selection_rate"]
    assert ci["low"] <= groups["a"]["selection_rate"] <= ci["high"]
    assert result["disparities"][0]["reference"] in groups  # type: ignore[index]


def test_a_fairness_run_recorded_without_groups_says_so(world: World, tmp_path: Path) -> None:
    store = tmp_path / "old.db"
    store.write_bytes(Path(world.store).read_bytes())
    opened = open_store(str(store))
    old = opened.append(new_record("fairness", summary={"passed": True, "reasons": []},
                                   verdict="pass"))  # fmt: skip
    opened.close()
    with make_client(replace(world, store=str(store))) as c:
        sign_in(c, "vic")
        page = c.get(f"/fairness/{old}")
        assert page.status_code == 200 and "holds no per-group metrics" in page.text
        assert "<svg" not in page.text


def test_the_card_pages_show_sections_and_completeness(client: TestClient, world: World) -> None:
    sign_in(client, "vic")
    check = client.get(f"/cards/{world.card_check_run}").text
    assert "INCOMPLETE" in check and "protected-class-testing" in check
    built = client.get(f"/cards/{world.card_build_run}").text
    assert "model_details.name" in built and "intended_use.primary_uses" in built
    result = _api(world, f"/api/cards/{world.card_check_run}")
    assert result["regime"] == "ecoa" and result["verdict"] == "fail"
    statuses = {i["status"] for i in result["checklist"]}  # type: ignore[attr-defined]
    assert statuses - {"present"} and sum(result["counts"].values()) == len(  # type: ignore[attr-defined]
        result["checklist"]  # type: ignore[arg-type]
    )


def test_the_llm_page_counts_secrets_per_kind_and_masks_them(
    client: TestClient, world: World
) -> None:
    sign_in(client, "vic")
    page = client.get(f"/llm/{world.llm_run}").text
    assert "AKIA***(20 chars)" in page and "j***@e***.org" in page
    assert RAW_SECRET not in page and RAW_EMAIL not in page and EVIL not in page
    result = _api(world, f"/api/llm/{world.llm_run}")
    kinds = {k["type"]: k for k in result["by_kind"]}  # type: ignore[attr-defined]
    assert kinds["aws-access-key"]["extracted"] == 1 and kinds[EVIL]["partial"] == 1
    assert result["summary"]["secrets"] == 2  # type: ignore[index]
    # the record itself dropped what no report holds (a raw value under an unknown key)
    entry = open_store(world.store, create=False).entry(world.llm_run)
    assert entry is not None and RAW_SECRET not in str(entry.record)


def test_an_unmasked_preview_in_a_record_is_withheld(world: World, tmp_path: Path) -> None:
    store = tmp_path / "raw.db"
    store.write_bytes(Path(world.store).read_bytes())
    opened = open_store(str(store))
    raw = opened.append(new_record("llm audit", report=llm_report(RAW_SECRET), verdict="fail"))
    opened.close()
    with make_client(replace(world, store=str(store))) as c:
        sign_in(c, "vic")
        page = c.get(f"/llm/{raw}")
        api = c.get(f"/api/llm/{raw}")
    assert page.status_code == api.status_code == 200
    for text in (page.text, api.text):
        assert RAW_SECRET not in text and RAW_SECRET[4:] not in text and WITHHELD in text
    assert masked("AKIA***(20 chars)") == "AKIA***(20 chars)" and masked(None) == WITHHELD


def test_the_guard_page_shows_redactions_per_type(client: TestClient, world: World) -> None:
    sign_in(client, "vic")
    page = client.get(f"/guard/{world.guard_run}").text
    assert "AWS_ACCESS_KEY_ID" in page and EVIL not in page and "&lt;script&gt;" in page
    result = _api(world, f"/api/guard/{world.guard_run}")
    assert result["counts"] == {"requests": 7, "redactions": 5, "blocked": 1, "stream_errors": 0}
    assert result["redactions_by_type"] == {EVIL: 2, "AWS_ACCESS_KEY_ID": 3}


def test_trends_count_runs_and_findings_per_day(client: TestClient, world: World) -> None:
    sign_in(client, "vic")
    page = client.get("/trends").text
    assert "Runs per day" in page and page.count("<svg") == 2
    assert EVIL not in page and "&lt;script&gt;" in page  # the markup command, escaped
    result = _api(world, "/api/trends")
    assert result["unit"] == "day"
    buckets = result["buckets"]
    assert isinstance(buckets, list) and buckets
    runs = sum(sum(b["runs"].values()) for b in buckets)
    with make_client(world) as c:
        total = c.get("/api/runs", headers={"Authorization": f"Bearer {world.token}"}).json()
    assert runs == result["runs"] == total["total"]
    scan = [b["findings"].get("scan", 0) for b in buckets]
    assert sum(scan) >= 2  # the planted e-mail address and key


def test_trends_bucket_by_week_over_a_long_span() -> None:
    from clearance.evidence.chain import Entry
    from clearance.server.trends import trends

    def entry(seq: int, day: str, command: str, findings: int) -> Entry:
        record = {"command": command, "created_at": f"{day}T10:00:00.000000Z",
                  "findings": [{}] * findings}  # fmt: skip
        return Entry(seq, "", "", record)

    listed = [entry(1, "2026-01-05", "scan", 2), entry(2, "2026-01-07", "audit", 1),
              entry(3, "2026-06-01", "scan", 0), entry(4, "not a date", "scan", 9)]  # fmt: skip
    found = trends(listed)
    assert found.unit == "week" and found.undated == 1
    assert found.buckets[0].start == "2026-01-05"  # a Monday
    assert found.buckets[0].runs == {"audit": 1, "scan": 1}
    assert found.buckets[0].findings == {"audit": 1, "scan": 2}
    assert found.buckets[-1].start == "2026-06-01" and found.runs == 3
    assert trends([]).buckets == []


def test_users_page_is_for_admins_only_and_shows_no_secret(
    client: TestClient, world: World
) -> None:
    for name in ("vic", "aud", "dpo"):
        client.cookies.clear()
        sign_in(client, name)
        assert client.get("/users").status_code == 403
        assert client.get("/api/users").status_code == 403
        assert 'href="/users"' not in client.get("/runs").text
    with make_client(world) as c:
        bearer = {"Authorization": f"Bearer {world.token}"}  # an auditor's token
        assert c.get("/api/users", headers=bearer).status_code == 403
    client.cookies.clear()
    sign_in(client, "root")
    page = client.get("/users")
    assert page.status_code == 200 and 'href="/users"' in page.text
    listed = client.get("/api/users").json()
    by_name = {u["name"]: u for u in listed}
    assert by_name["robot"]["signs_in_with"] == ["token"]
    assert by_name["vic"] == {**by_name["vic"], "role": "viewer", "signs_in_with": ["password"]}
    for text in (page.text, str(listed)):
        assert PASSWORD not in text and world.token not in text
        assert "argon2" not in text


def test_details_keep_only_named_fields() -> None:
    assert details_of({"kind": "audit", "findings": []}) is None
    kept = details_of(llm_report("AKIA***(20 chars)"))
    assert kept is not None and kept["kind"] == "llm-audit" and kept["secrets_total"] == 2
    assert RAW_SECRET not in str(kept) and RAW_EMAIL not in str(kept)
    assert set(kept["secrets"][0]) == {"type", "entity", "preview", "length", "duplicates",
                                       "extracted", "match"}  # fmt: skip


def test_names_from_a_card_or_guard_record_are_escaped(world: World, tmp_path: Path) -> None:
    store = tmp_path / "hostile.db"
    store.write_bytes(Path(world.store).read_bytes())
    opened = open_store(str(store))
    card = opened.append(
        new_record(
            "card build",
            summary={
                "model": EVIL,
                "regime": ANSI_GROUP,
                "sections": {EVIL: "present"},
                "checklist": "not a list",
                "items": {EVIL: "many"},
            },
            verdict="built",
        )
    )
    guard = opened.append(
        new_record("guard", summary={"redactions_by_type": [EVIL], "requests": "x"}, verdict="x")
    )
    opened.close()
    with make_client(replace(world, store=str(store))) as c:
        sign_in(c, "vic")
        for path in (f"/cards/{card}", f"/guard/{guard}"):
            answer = c.get(path)
            assert answer.status_code == 200, (path, answer.text)
            assert "<script>" not in answer.text and "\x1b" not in answer.text
        assert "&lt;script&gt;" in c.get(f"/cards/{card}").text
        api = c.get(f"/api/cards/{card}")  # JSON: the names as they are, as data
        assert api.headers["content-type"] == "application/json"
        assert api.json()["counts"] == {EVIL: 0} and api.json()["checklist"] == []
        assert c.get(f"/api/guard/{guard}").json()["counts"]["requests"] == 0
