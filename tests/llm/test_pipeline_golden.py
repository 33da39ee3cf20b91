"""Golden outputs of the LLM commands run end to end on the tiny-LM fixture (the dataset, scan
and fairness commands are in ``tests/e2e/test_pipeline_golden.py``; same normalisation, same
golden folder)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.e2e.pipeline import KEY, golden, invoker, read
from tests.llm.conftest import TinyLM
from tests.llm.fixtures import MANIFEST_NAME


def test_llm_audit_and_canary(
    tiny_lm: TinyLM, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CLEARANCE_KEY", KEY)
    monkeypatch.chdir(tmp_path)
    invoke = invoker(tmp_path)
    corpus = tmp_path / "corpus"
    shutil.copytree(tiny_lm.corpus_dir, corpus, ignore=shutil.ignore_patterns(MANIFEST_NAME))
    vault = tmp_path / "vault.txt"
    vault.write_text("\n".join(s.synthetic_value for s in tiny_lm.manifest.controls) + "\n")
    names = ("llm-audit.json", "llm-audit.md", "llm-audit.html", "llm-incident.html")
    reports = [tmp_path / n for n in names]
    code, terminal = invoke(
        "llm", "audit", "--corpus", str(corpus), "--model", str(tiny_lm.model_dir),
        "--vault", str(vault), *(f"--output={r}" for r in reports), "--samples", "2",
        "--untargeted", "2", "--prefix-lines", "1,3", "--seed", "1", "-q",
    )  # fmt: skip
    assert code == 1  # secrets extracted
    canaries = tmp_path / "canaries.jsonl"
    code, _ = invoke(
        "llm", "canary", "make", "-f", "digits:6", "-n", "3", "--seed", "1", "-o", str(canaries)
    )
    assert code == 0
    exposure = tmp_path / "exposure.json"
    code, _ = invoke(
        "llm", "canary", "measure", "--canaries", str(canaries), "--model",
        str(tiny_lm.model_dir), "--candidates", "31", "-o", str(exposure), "-q",
    )  # fmt: skip
    assert code == 0
    texts = {p.name: read(p, tmp_path) for p in [*reports, exposure]}
    texts["canaries.manifest.json"] = read(tmp_path / "canaries.manifest.json", tmp_path)
    texts["llm-audit.terminal.txt"] = terminal
    for secret in tiny_lm.manifest.secrets:
        assert all(secret.synthetic_value not in t for t in texts.values()), secret.id
    golden(texts)
