"""Every exit code the README's table documents, driven through the CLI: a row of the table that
no command produces, or a command that answers a documented error with another code, fails here.

The table (README "Exit codes"): 0 success; 1 a result (findings at or above the gate, a failed
verdict, a secret extracted); 2 usage; 3 input (unreadable or skipped input, an output path that
cannot be written); 4 configuration or policy; 5 backend or model unavailable; 6 database or
service unreachable; 70 internal error; 130 interrupted.
"""

from __future__ import annotations

import re
import socket
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from typer.testing import CliRunner

from clearance.cli.app import app
from clearance.evidence import new_record, open_store

runner = CliRunner()


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
    return port


def _raise(exc: BaseException) -> Callable[..., object]:
    def boom(*args: object, **kwargs: object) -> object:
        raise exc

    return boom


@dataclass
class Case:
    code: int
    argv: Callable[[Path], list[str]]
    patch: Callable[[pytest.MonkeyPatch], None] = field(default=lambda mp: None)


def _data(tmp: Path) -> Path:
    path = tmp / "users.csv"
    path.write_text("id,email\n1,jane.doe@example.com\n2,john@example.org\n")
    return path


def _clean(tmp: Path) -> Path:
    path = tmp / "clean.csv"
    path.write_text("id,colour\n1,red\n2,blue\n")
    return path


def _bad_policy(tmp: Path) -> Path:
    path = tmp / "bad.yaml"
    path.write_text("purpose: training\nk: many\n")
    return path


def _dp_over_budget(tmp: Path) -> list[str]:
    query = tmp / "q.yaml"
    query.write_text("budget: {epsilon: 0.5}\nreleases: [{kind: count, epsilon: 1}]\n")
    ledger, out = str(tmp / "ledger.json"), str(tmp / "out.json")
    return ["dp", "--data", str(_clean(tmp)), "--query", str(query), "--ledger", ledger, "-o", out]


def _broken_chain(tmp: Path) -> list[str]:
    store = open_store(str(tmp / "ev.db"))
    for _ in range(2):
        store.append(new_record("scan", verdict="clean"))
    store.close()
    with sqlite3.connect(tmp / "ev.db") as db:
        db.execute("UPDATE clearance_evidence_runs SET verdict = 'x', payload = payload || ' '")
    return ["evidence", "verify", "--store", str(tmp / "ev.db")]


def _corrupt_store(tmp: Path) -> list[str]:
    (tmp / "ev.db").write_bytes(b"not sqlite" * 100)
    return ["scan", str(_data(tmp)), "-q", "--store", str(tmp / "ev.db")]


def _no_key(mp: pytest.MonkeyPatch) -> None:
    # No CLEARANCE_KEY and a working directory where .clearance/ cannot be created.
    mp.delenv("CLEARANCE_KEY")
    Path(".clearance").write_text("a file where the key folder should be\n")


def _no_spacy(mp: pytest.MonkeyPatch) -> None:
    mp.setitem(__import__("sys").modules, "spacy", None)  # the extra is not installed


def _card_with_gaps(tmp: Path) -> list[str]:
    from clearance.cards import build_card_paths, init_card

    source = tmp / "card.yaml"
    source.write_text(init_card("ecoa"))
    card = tmp / "card.json"
    card.write_text(build_card_paths(source, []).model_dump_json())
    return ["card", "check", str(card), "--regime", "ecoa"]


def _card_unknown_key(tmp: Path) -> list[str]:
    source = tmp / "card.yaml"
    source.write_text("limitatons: typo\n")
    return ["card", "build", str(source), "-o", str(tmp / "card.json")]


CASES: dict[str, Case] = {
    "0 clean scan": Case(0, lambda t: ["scan", str(_clean(t)), "-q"]),
    "1 findings at --fail-on": Case(1, lambda t: ["scan", str(_data(t)), "--fail-on", "low"]),
    "1 card check finds gaps": Case(1, _card_with_gaps),
    "1 evidence chain broken": Case(1, _broken_chain),
    "3 evidence store not a database": Case(3, _corrupt_store),
    "6 evidence store unreachable": Case(
        6,
        lambda t: [
            "scan",
            str(_data(t)),
            "-q",
            "--store",
            f"postgresql://u@127.0.0.1:{_closed_port()}/e",
        ],
    ),
    "3 card YAML with an unknown key": Case(3, _card_unknown_key),
    "2 unknown option": Case(2, lambda t: ["scan", str(_data(t)), "--no-such-option"]),
    "2 missing argument": Case(2, lambda t: ["detect"]),
    "3 missing input file": Case(3, lambda t: ["detect", str(t / "missing.txt")]),
    "3 skipped input": Case(3, lambda t: ["scan", str(_clean(t)), str(t / "missing.csv")]),
    "3 output is a folder": Case(3, lambda t: ["scan", str(_data(t)), "-o", str(t), "-q"]),
    "3 output under a missing folder": Case(
        3, lambda t: ["scan", str(_data(t)), "-o", str(t / "nope" / "r.json"), "-q"]
    ),
    "3 demo folder is a file": Case(3, lambda t: ["demo", "--out", str(_clean(t))]),
    "4 bad --format": Case(4, lambda t: ["scan", str(_data(t)), "--format", "pdf"]),
    "4 bad policy": Case(4, lambda t: ["audit", str(_data(t)), "-p", str(_bad_policy(t)), "-q"]),
    "4 no key and no writable key folder": Case(
        4, lambda t: ["scan", str(_data(t)), "-q"], _no_key
    ),
    "5 --ner extra missing": Case(
        5, lambda t: ["scan", str(_data(t)), "--ner", "spacy:/nonexistent", "-q"], _no_spacy
    ),
    "5 --ner model not found": Case(
        5, lambda t: ["detect", str(_data(t)), "--ner", "hf:/nonexistent/model"]
    ),
    "6 database port closed": Case(
        6, lambda t: ["audit", "--db", f"postgresql://auditor@127.0.0.1:{_closed_port()}/shop"]
    ),
    "4 dp release over the budget": Case(4, _dp_over_budget),
    "4 bad canary format": Case(
        4, lambda t: ["llm", "canary", "make", "-f", "bogus:3", "-o", str(t / "c.jsonl")]
    ),
    "5 llm model not found": Case(
        5,
        lambda t: [
            "llm",
            "audit",
            "--corpus",
            str(_clean(t)),
            "--model",
            str(t / "no-model"),
            "-o",
            str(t / "r.json"),
        ],
    ),
    "6 missing SQLite file": Case(6, lambda t: ["audit", "--db", f"sqlite:///{t / 'none.db'}"]),
    "70 internal error": Case(
        70,
        lambda t: ["scan", str(_data(t)), "-q"],
        lambda mp: mp.setattr("clearance.cli.app.scan_paths", _raise(RuntimeError("boom"))),
    ),
    "130 interrupted": Case(
        130,
        lambda t: ["scan", str(_data(t)), "-q"],
        lambda mp: mp.setattr("clearance.cli.app.scan_paths", _raise(KeyboardInterrupt())),
    ),
}


def _run(case: Case, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    case.patch(monkeypatch)
    result = runner.invoke(app, case.argv(tmp_path))
    assert result.exit_code == case.code, result.output
    if case.code >= 2:
        # Said on stderr (an error in one line, usage errors in click's block), never a traceback.
        assert "Traceback" not in result.output
        assert re.search(r"^(error:|usage:|skipped )", result.output, re.M | re.I), result.output


@pytest.mark.parametrize("name", list(CASES))
def test_documented_exit_code(name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _run(CASES[name], tmp_path, monkeypatch)


def test_readme_table_lists_exactly_these_codes() -> None:
    readme = Path(__file__).resolve().parents[2] / "README.md"
    section = readme.read_text().split("### Exit codes", 1)[1].split("\n#", 1)[0]
    documented = {int(m) for m in re.findall(r"^\| (\d+) \|", section, re.M)}
    # 141 (stdout closed by its reader) needs a real pipe: tests/cli/test_common.py
    # test_a_closed_stdout_is_not_an_internal_error drives it through a subprocess.
    tested = {c.code for c in CASES.values()} | {141}
    assert documented == tested
