"""The dashboard's snapshot of the chain follows the store: records appended since are read and
verified alone (and the result is what a full verification says); a store whose verified part
changed is read and verified whole again; the gates the appended runs cannot change are kept."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from clearance.evidence import new_record, open_store
from clearance.evidence.chain import entry_hash
from clearance.server.state import Dashboard
from tests.server.conftest import World


def _copy(world: World, tmp_path: Path) -> Path:
    store = tmp_path / "evidence.db"
    store.write_bytes(Path(world.store).read_bytes())
    return store


def test_appended_runs_are_verified_alone_and_as_the_whole_chain(
    world: World, tmp_path: Path
) -> None:
    store = _copy(world, tmp_path)
    board = Dashboard(str(store), world.policy)
    first = board.snapshot()
    assert first.full and first.verification.intact
    opened = open_store(str(store))
    added = [opened.append(new_record("scan", verdict="clean")) for _ in range(2)]
    second = board.snapshot()
    assert not second.full and second.verification == opened.verify()
    assert [e.run_id for e in second.entries[-2:]] == added
    assert second.head == opened.head() and len(second.entries) == len(first.entries) + 2
    assert board.snapshot() is second  # nothing appended: the same snapshot
    assert sum(sum(b.runs.values()) for b in board.trends().buckets) == len(second.entries)
    board.close()


def test_a_changed_verified_part_is_verified_whole_again(world: World, tmp_path: Path) -> None:
    store = _copy(world, tmp_path)
    board = Dashboard(str(store), world.policy)
    first = board.snapshot()
    seq = first.head[0]
    # the last verified record rewritten with a hash that fits it (a forger's edit)
    with sqlite3.connect(store) as db:
        prev, payload = db.execute(
            "SELECT prev_hash, payload FROM clearance_evidence_runs WHERE seq = ?", (seq,)
        ).fetchone()
        record = {**json.loads(payload), "verdict": "pass"}
        db.execute(
            "UPDATE clearance_evidence_runs SET payload = ?, verdict = 'pass', hash = ? "
            "WHERE seq = ?",
            (json.dumps(record, sort_keys=True), entry_hash(seq, prev, record), seq),
        )
    opened = open_store(str(store))
    opened.append(new_record("scan", verdict="clean"))
    second = board.snapshot()
    assert second.full and second.verification == opened.verify()
    # an appended record that does not verify is named, on the incremental path too
    third_id = opened.append(new_record("scan", verdict="clean"))
    with sqlite3.connect(store) as db:
        db.execute(
            "UPDATE clearance_evidence_runs SET payload = replace(payload, 'clean', 'CLEAN') "
            "WHERE run_id = ?",
            (third_id,),
        )
    third = board.snapshot()
    assert not third.full and third.verification.broken is not None
    assert third.verification == opened.verify() and third.verification.broken.run_id == third_id
    board.close()


def test_gates_the_appended_runs_cannot_change_are_kept(world: World, tmp_path: Path) -> None:
    from clearance.governance.approvals import COMMAND, VERDICT

    store = _copy(world, tmp_path)
    board = Dashboard(str(store), world.policy)
    gated = {e.run_id: r for e, r in board.gated()}
    assert not gated[world.audit_run].passed
    key = f"training:{world.audit_run}"
    opened = open_store(str(store))
    opened.append(new_record("scan", verdict="clean"))  # changes no gate
    kept = {e.run_id: r for e, r in board.gated()}
    assert not board.snapshot().full and kept == gated
    assert board.snapshot().gates[key] is gated[world.audit_run]  # carried, not decided again
    summary = {"approves": world.audit_run, "role": "privacy-officer", "comment": "ok"}
    opened.append(new_record(COMMAND, summary=summary, verdict=VERDICT, user="dpo"))
    after = {e.run_id: r for e, r in board.gated()}
    assert after[world.audit_run].passed  # the approval decided it again
    # what a dashboard that reads the whole chain decides
    fresh = Dashboard(str(store), world.policy)
    assert {e.run_id: r for e, r in fresh.gated()} == after
    fresh.close()
    board.close()
