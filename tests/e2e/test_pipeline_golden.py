"""Golden outputs of the real pipeline: every command run end to end on seeded data, every report
format written, the text normalised (temporary paths, version, clock) and compared with
``tests/e2e/golden/``.

The renderer goldens (``tests/reports/golden``) pin hand-built reports; these pin what the
commands actually produce, so a refactor of readers, detectors, checks, report models or
renderers that changes one byte of any output fails here. ``CLEARANCE_UPDATE_GOLDEN=1`` rewrites
them (the test then reports skipped); review the diff before committing it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests._data import german_workspace
from tests.e2e.pipeline import KEY, PLANTED, Invoke, golden, invoker, read

TEXT = {".json", ".md", ".html", ".yaml", ".csv"}


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("pipeline")


@pytest.fixture(autouse=True)
def _key(monkeypatch: pytest.MonkeyPatch, root: Path) -> Iterator[None]:
    monkeypatch.setenv("CLEARANCE_KEY", KEY)
    monkeypatch.chdir(root)
    yield


@pytest.fixture
def invoke(root: Path) -> Invoke:
    return invoker(root)


def _plant(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "people.csv").write_text(
        "name,email,card,ssn,iban,phone\n"
        f"{PLANTED['name']},{PLANTED['email']},{PLANTED['card']},{PLANTED['ssn']},"
        f'{PLANTED["iban"]},"{PLANTED["phone"]}"\n'
        "Ana Silva,ana.silva@example.org,5500 0000 0000 0004,219-09-9999,"
        'DE89370400440532013000,"+1 202 555 0143"\n'
    )
    (folder / "notes.txt").write_text(
        f"Ticket from {PLANTED['name']}: SSN {PLANTED['ssn']}, key {PLANTED['aws']}\n"
        f"export GITHUB_TOKEN={PLANTED['github']}\n"
    )
    (folder / "docs.jsonl").write_text(
        json.dumps({"id": 1, "text": f"mail {PLANTED['email']}"}) + "\n"
    )
    return folder


def _no_planted(*texts: str) -> None:
    for text in texts:
        for kind, value in PLANTED.items():
            assert value not in text, f"{kind} leaked"


def test_scan_and_detect(invoke: Invoke, root: Path) -> None:
    data = _plant(root / "scan")
    out = root / "scan-out"
    out.mkdir()
    for fmt, suffix in (("json", "json"), ("sarif", "sarif"), ("markdown", "md")):
        code, _ = invoke("scan", str(data), "-f", fmt, "-o", str(out / f"r.{suffix}"), "-q")
        assert code == 0
    code, terminal = invoke("scan", str(data), "-f", "terminal", "--fail-on", "high")
    assert code == 1
    code, detected = invoke("detect", str(data / "notes.txt"))
    assert code == 0
    code, jsonl = invoke("detect", str(data / "docs.jsonl"))
    assert code == 0
    texts = {f"scan.{s}": read(out / f"r.{s}", root) for s in ("json", "sarif", "md")}
    texts |= {"scan.terminal.txt": terminal, "detect.txt.jsonl": detected}
    texts["detect.jsonl.jsonl"] = jsonl
    _no_planted(*texts.values())
    golden(texts)


def test_demo_init_and_audit(invoke: Invoke, root: Path) -> None:
    demo = root / "demo"
    code, _ = invoke("demo", "--out", str(demo), "--rows", "60", "--seed", "7")
    assert code in (0, 1)
    data = demo / "data"
    outputs = sorted(p for p in demo.rglob("*") if p.suffix in TEXT and data not in p.parents)
    assert {p.suffix for p in outputs} >= {".md", ".html", ".yaml", ".csv"}
    texts = {
        "demo." + p.relative_to(demo).as_posix().replace("/", "."): read(p, root) for p in outputs
    }
    # the model card names its evidence by hash: fairness.json's bytes hold the version
    evidence = hashlib.sha256((demo / "fairness" / "fairness.json").read_bytes()).hexdigest()
    texts = {
        name: text.replace(evidence, "SHA256-OF-fairness.json") for name, text in texts.items()
    }
    policy = root / "audit-policy.yaml"
    code, _ = invoke("init", str(data), "--out", str(policy))
    assert code == 0
    texts["init.yaml"] = read(policy, root)
    # retention is measured against the policy's date, never the day the test runs
    pinned = policy.read_text().replace(
        "# reference_date: 2026-01-31", "reference_date: 2026-01-31"
    )
    assert pinned != policy.read_text()
    policy.write_text(pinned)
    out = root / "audit-out"
    out.mkdir()
    reports = [out / f"audit.{s}" for s in ("json", "md", "html")]
    code, _ = invoke(
        "audit", str(data), "-p", str(policy), *(f"--output={r}" for r in reports), "-q"
    )
    assert code in (0, 1)
    texts |= {r.name: read(r, root) for r in reports}
    golden(texts)


@pytest.fixture(scope="module")
def german(root: Path) -> tuple[Path, Path, Path]:
    folder = root / "german"
    folder.mkdir()
    return german_workspace(folder)


def test_fairness_and_mitigate(invoke: Invoke, root: Path, german: tuple[Path, Path, Path]) -> None:
    data, model, policy = german
    out = root / "fairness-out"
    out.mkdir()
    reports = [out / f"fairness.{s}" for s in ("json", "md", "html")]
    reasons = out / "reasons.csv"
    code, _ = invoke(
        "fairness", "--data", str(data), "--model", str(model), "--policy", str(policy),
        "--bootstrap", "200", "--seed", "3", *(f"--output={r}" for r in reports),
        "--reasons-out", str(reasons), "-q",
    )  # fmt: skip
    assert code in (0, 1)
    mitigated = [out / f"mitigate.{s}" for s in ("json", "md", "html")]
    code, _ = invoke(
        "fairness", "mitigate", "--data", str(data), "--policy", str(policy),
        "--sensitive", "sex", "--seed", "3", *(f"--output={r}" for r in mitigated), "-q",
    )  # fmt: skip
    assert code in (0, 1)
    golden({p.name: read(p, root) for p in [*reports, reasons, *mitigated]})


def test_llm_inventory(invoke: Invoke, root: Path) -> None:
    corpus = root / "corpus"
    corpus.mkdir()
    (corpus / "settings.py").write_text(
        f'AWS_ACCESS_KEY_ID = "{PLANTED["aws"]}"\nGITHUB = "{PLANTED["github"]}"\n'
        f"# owner: {PLANTED['email']}\n"
    )
    (corpus / "chat.jsonl").write_text(json.dumps({"text": f"my ssn is {PLANTED['ssn']}"}) + "\n")
    vault = root / "vault.txt"
    vault.write_text(PLANTED["aws"] + "\n")
    out = root / "inventory.json"
    code, _ = invoke("llm", "inventory", str(corpus), "--vault", str(vault), "-o", str(out), "-q")
    assert code in (0, 1)
    text = read(out, root)
    _no_planted(text)
    golden({"inventory.json": text})


def test_rules(invoke: Invoke) -> None:
    code, text = invoke("rules")
    assert code == 0
    golden({"rules.txt": text})
