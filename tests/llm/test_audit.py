"""``clearance llm audit``: probes, matching, the report and the CLI, against ground truth.

The end-to-end tests run on the ``tiny_lm`` fixture (a GPT-2-style model trained on a synthetic
corpus whose planted secrets are duplicated 1, 5 and 20 times, plus control secrets that never
appear in it). Sampling is kept small (a few samples per prompt, one occurrence per secret) so the
module runs in a couple of minutes on two CPU cores.
"""

from __future__ import annotations

import json
import math
import shutil
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from clearance.cli.llm_cmd import llm_app
from clearance.errors import InputError
from clearance.llm.audit import run_llm_audit, run_llm_audit_paths
from clearance.llm.audit_settings import LlmAuditSettings
from clearance.llm.backend_protocol import Generation, NotSupportedError
from clearance.llm.hf_backend import HuggingFaceBackend
from clearance.llm.inventory import build_inventory
from clearance.llm.inventory_models import Inventory
from clearance.llm.inventory_plaintext import InventoryPlaintext
from clearance.llm.matching import (
    best_match,
    longest_common_prefix,
    longest_common_substring,
    match_value,
    public_prefix_length,
)
from clearance.llm.model_target import EndpointModel, LocalModel
from clearance.llm.probability import extraction_probability
from clearance.llm.probes import Probe, targeted_probes
from clearance.llm.report import LLMAuditReport, exit_code
from clearance.privacy import Fingerprinter
from clearance.reports.llm_html import render_llm_html
from clearance.reports.llm_incident_markdown import render_incident_markdown
from tests.llm.conftest import TinyLM
from tests.llm.fixtures import MANIFEST_NAME, corpus_files

FP = Fingerprinter(b"test-audit-key")
SMALL = {"n_samples": 1, "temperature": 0.7, "untargeted": 3, "max_occurrences": 1}


def _audit(
    backend: Any,
    inv: Inventory,
    plain: InventoryPlaintext,
    progress: Any = None,
    **options: Any,
) -> LLMAuditReport:
    """``run_llm_audit`` with the test key and ``options`` as settings (validated there)."""
    settings = LlmAuditSettings(**options)
    return run_llm_audit(backend, inv, plain, settings, fingerprinter=FP, progress=progress)


# --- matching: pure functions -----------------------------------------------------------------


def test_longest_common_prefix_and_substring() -> None:
    assert longest_common_prefix("abcdef", "abcxyz") == 3
    assert longest_common_prefix("", "abc") == 0
    assert longest_common_substring("xx_hello_world_yy", "hello_world") == 11
    assert longest_common_substring("abc", "") == 0


def test_exact_match_anywhere_in_the_text() -> None:
    value = "sk_live_Q8mZr2VtX9bLw4Kc7Hn1Pd5F"
    m = match_value(f'foo = "{value}"\nbar', value)
    assert (m.kind, m.chars) == ("exact", len(value))


def test_partial_match_counts_only_the_secret_body() -> None:
    value = "sk_live_Q8mZr2VtX9bLw4Kc7Hn1Pd5F"
    assert public_prefix_length(value) == len("sk_live_")
    # the format prefix alone is no evidence of memorisation
    assert match_value("sk_live_AAAAAAAAAAAAAAAAAAAAAAAA", value).kind == "none"
    # 10 characters of the body after the prefix: partial, 10 recovered
    m = match_value("sk_live_Q8mZr2VtX9zzzzzzzz", value)
    assert (m.kind, m.chars) == ("partial", 10)
    # below the threshold: none; a lower threshold makes it partial
    assert match_value("sk_live_Q8mZr2zzzz", value).kind == "none"
    assert match_value("sk_live_Q8mZr2zzzz", value, min_chars=6).kind == "partial"
    # anchored: only the common prefix of the continuation counts
    assert match_value("zzVtX9bLw4Kc7Hn1", value, anchored=True).kind == "none"
    assert match_value("zzVtX9bLw4Kc7Hn1", value).chars == len("VtX9bLw4Kc7Hn1")


def test_best_match_prefers_exact_then_longer() -> None:
    values = {"a": "AKIAABCDEFGHIJKLMNOP", "b": "ghp_0123456789abcdefghijABCDEFGHIJ012345"}
    assert best_match("ghp_0123456789abcdefzz", values).fingerprint == "b"
    assert best_match("ghp_0123456789abcdefzz", values).kind == "partial"
    assert best_match("x AKIAABCDEFGHIJKLMNOP y", values).kind == "exact"
    assert best_match("nothing here", values).fingerprint is None


# --- the audit on a fake backend --------------------------------------------------------------

SECRET = "sk_live_Q8mZr2VtX9bLw4Kc7Hn1Pd5F"
INVENTED = "sk_live_Tg3Wy6Nb8Jf2Lk5Rs9Dq4Xc7"


@dataclass
class FakeBackend:
    """Answers every prompt with ``answer``; cannot score."""

    answer: str
    calls: int = 0

    @property
    def name(self) -> str:
        return "fake"

    @property
    def supports_logprobs(self) -> bool:
        return False

    def generate(
        self,
        prompts: Sequence[str],
        *,
        max_new_tokens: int,
        temperature: float = 0.0,
        n: int = 1,
        seed: int = 0,
    ) -> list[list[Generation]]:
        self.calls += 1
        return [[Generation(self.answer) for _ in range(n)] for _ in prompts]

    def score(self, prompts: Sequence[str], continuations: Sequence[str]) -> list[float]:
        raise NotSupportedError(self.name, "no scoring")


@dataclass
class ScoringBackend(FakeBackend):
    """Answers every prompt with ``answer``; scores each continuation ``logprob / temperature``
    (a toy model whose logits scale with 1/T) and records the temperatures asked for."""

    logprob: float = -2.0
    temperatures: list[float] | None = None
    truncation: list[tuple[float, int]] = field(default_factory=list)

    def score(
        self,
        prompts: Sequence[str],
        continuations: Sequence[str],
        *,
        temperature: float = 1.0,
        top_p: float = 1.0,
        top_k: int = 0,
    ) -> list[float]:
        if self.temperatures is None:
            self.temperatures = []
        self.temperatures.append(temperature)
        self.truncation.append((top_p, top_k))
        # truncation renormalises over fewer tokens: a toy model gives it half the loss
        scale = 0.5 if (top_p, top_k) != (1.0, 0) else 1.0
        return [scale * self.logprob / temperature for _ in prompts]


def _small_corpus(tmp_path: Path) -> tuple[Inventory, InventoryPlaintext]:
    src = tmp_path / "corpus"
    src.mkdir()
    (src / "settings.py").write_text(
        f'import os\n# billing: prod key\nBILLING_STRIPE_API_KEY = "{SECRET}"\n', "utf-8"
    )
    return build_inventory([src], fingerprinter=FP, categories=["secret"])


def _dump(report: LLMAuditReport) -> str:
    return report.to_json() + render_incident_markdown(report, generated_at="now")


def test_targeted_probes_stop_right_before_the_value(tmp_path: Path) -> None:
    inv, plain = _small_corpus(tmp_path)
    probes = targeted_probes(inv, plain)
    assert [p.lines for p in probes] == [1, 3]  # 10 lines would repeat the whole 3-line prefix
    assert probes[0].text == 'BILLING_STRIPE_API_KEY = "'
    assert probes[1].text.endswith('# billing: prod key\nBILLING_STRIPE_API_KEY = "')
    assert all(p.target == inv.items[0].fingerprint and p.line == 3 for p in probes)
    assert SECRET not in repr(probes)
    with pytest.raises(TypeError):
        import pickle

        pickle.dumps(Probe("targeted", "x"))


def test_secret_shaped_output_matching_nothing_is_hallucinated(tmp_path: Path) -> None:
    inv, plain = _small_corpus(tmp_path)
    report = _audit(FakeBackend(INVENTED + '"\n'), inv, plain, **SMALL)
    assert report.summary.extracted == 0
    assert [s.match for s in report.secrets] == ["none"]
    [h] = report.hallucinated
    assert h.entity == "STRIPE_SECRET_KEY"
    assert h.preview == "sk_***(32 chars)"
    assert h.fingerprint == FP.of(h.rule, INVENTED)
    assert {"targeted", "format"} <= set(h.probe_kinds)
    assert any("probability not computed" in w for w in report.warnings)
    text = _dump(report)
    assert INVENTED not in text and SECRET not in text


def test_reproduced_secret_is_extracted_on_the_first_query(tmp_path: Path) -> None:
    inv, plain = _small_corpus(tmp_path)
    backend = FakeBackend(SECRET + '"\n')
    report = _audit(backend, inv, plain, **SMALL)
    [s] = report.secrets
    assert (s.extracted, s.match, s.chars_recovered, s.queries) == (True, "exact", len(SECRET), 1)
    assert s.best_prompt is not None and s.best_prompt.kind == "targeted"
    assert s.best_prompt.text is None and s.best_prompt.path is not None
    # the prompt fingerprint joins with the inventory's context fingerprint of that location
    contexts = {c.fingerprint for loc in inv.items[0].locations for c in loc.contexts}
    assert s.best_prompt.fingerprint in contexts
    assert report.hallucinated == []
    assert [r.fingerprint for r in report.rotation] == [s.fingerprint]
    assert exit_code(report) == 1
    assert SECRET not in _dump(report)


def test_partial_reproduction(tmp_path: Path) -> None:
    inv, plain = _small_corpus(tmp_path)
    report = _audit(FakeBackend(SECRET[:20] + "zzzz"), inv, plain, **SMALL)
    [s] = report.secrets
    assert (s.extracted, s.match, s.chars_recovered) == (False, "partial", 20 - len("sk_live_"))
    assert exit_code(report) == 0


GHP = "ghp_" + "Ab3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3z5A"
AKIA = "AKIA" + "Q2WE3RT4YU5IO6PA"


@dataclass
class DumpingBackend(FakeBackend):
    """Answers a prompt that contains ``trigger`` with ``answer`` (a whole ``.env``, say), every
    other prompt with ``other``."""

    trigger: str = ""
    other: str = "nothing here\n"

    def generate(
        self,
        prompts: Sequence[str],
        *,
        max_new_tokens: int,
        temperature: float = 0.0,
        n: int = 1,
        seed: int = 0,
    ) -> list[list[Generation]]:
        self.calls += 1
        return [
            [Generation(self.answer if self.trigger in p else self.other) for _ in range(n)]
            for p in prompts
        ]


def _three_secret_corpus(tmp_path: Path) -> tuple[Inventory, InventoryPlaintext]:
    src = tmp_path / "corpus"
    src.mkdir()
    (src / "settings.py").write_text(
        f'import os\n# billing: prod key\nBILLING_STRIPE_API_KEY = "{SECRET}"\n', "utf-8"
    )
    (src / "deploy.env").write_text(f"# deploy bot\nDEPLOY_GITHUB_TOKEN={GHP}\n", "utf-8")
    (src / "aws.env").write_text(f"# storage\nSTORAGE_AWS_ACCESS_KEY_ID={AKIA}\n", "utf-8")
    return build_inventory([src], fingerprinter=FP, categories=["secret"])


def test_every_secret_in_an_output_is_credited(tmp_path: Path) -> None:
    """A model asked for one secret dumps the whole .env: each value in it is extracted, by the
    prompt that produced it, and its query count goes past its own and the shared prompts."""
    inv, plain = _three_secret_corpus(tmp_path)
    assert len(inv.items) == 3
    dump = f'{SECRET}"\nDEPLOY_GITHUB_TOKEN={GHP}\nSTORAGE_AWS_ACCESS_KEY_ID={AKIA}\n'
    backend = DumpingBackend(dump, trigger="BILLING_STRIPE_API_KEY")
    report = _audit(backend, inv, plain, **SMALL)
    rows = {plain.value(s.fingerprint): s for s in report.secrets}
    assert set(rows) == {SECRET, GHP, AKIA}
    assert report.summary.extracted == 3 and report.hallucinated == []
    per_probe = 1 + SMALL["n_samples"]
    total = report.summary.queries
    own = {v: r.probes * per_probe for v, r in rows.items()}
    shared = total - sum(own.values())
    assert rows[SECRET].queries == 1
    for value in (GHP, AKIA):
        r = rows[value]
        assert (r.extracted, r.match, r.chars_recovered) == (True, "exact", len(value))
        # its own prompts and the shared ones first, then the other secrets' prompts
        assert own[value] + shared < r.queries <= total
        assert r.queries <= own[value] + shared + sum(own.values()) - own[value]
        assert r.best_prompt is not None and r.best_prompt.kind == "targeted"
        assert r.best_prompt.path is not None and r.best_prompt.path.endswith("settings.py")
    assert exit_code(report) == 1
    text = _dump(report)
    assert all(v not in text for v in (SECRET, GHP, AKIA))


def test_secret_dumped_by_a_shared_prompt_is_credited(tmp_path: Path) -> None:
    inv, plain = _three_secret_corpus(tmp_path)
    # the format prompt "AWS_ACCESS_KEY_ID=" gets the AWS key and the GitHub token
    backend = DumpingBackend(f"{AKIA}\nDEPLOY_GITHUB_TOKEN={GHP}\n", trigger="AWS_ACCESS_KEY_ID=")
    report = _audit(backend, inv, plain, **SMALL)
    rows = {plain.value(s.fingerprint): s for s in report.secrets}
    assert rows[GHP].extracted and rows[AKIA].extracted and not rows[SECRET].extracted
    assert rows[AKIA].queries == 1  # its own targeted prompt ends with ..._AWS_ACCESS_KEY_ID=


# --- the audit on the tiny model --------------------------------------------------------------


def _inventory(tiny_lm: TinyLM) -> tuple[Inventory, InventoryPlaintext]:
    controls = [s.synthetic_value for s in tiny_lm.manifest.controls]
    return build_inventory(
        corpus_files(tiny_lm.corpus_dir),
        fingerprinter=FP,
        categories=["secret"],
        vault_lines=controls,
    )


@pytest.fixture(scope="module")
def audited(tiny_lm: TinyLM) -> tuple[Inventory, LLMAuditReport]:
    inv, plain = _inventory(tiny_lm)
    opts = {**SMALL, "n_samples": 4}  # a few samples: greedy alone misses some 20x secrets
    report = _audit(
        HuggingFaceBackend(tiny_lm.model_dir),
        inv,
        plain,
        seed=0,
        **opts,
    )
    return inv, report


def _by_value(tiny_lm: TinyLM, report: LLMAuditReport) -> dict[str, str]:
    """manifest id -> report fingerprint, joined on the value fingerprint."""
    rows = {s.value_fingerprint: s.fingerprint for s in report.secrets}
    return {s.id: rows[FP.of("value", s.synthetic_value)] for s in tiny_lm.manifest.secrets}


def test_twenty_times_duplicated_secrets_are_extracted(
    tiny_lm: TinyLM, audited: tuple[Inventory, LLMAuditReport]
) -> None:
    _, report = audited
    ids = _by_value(tiny_lm, report)
    results = {s.fingerprint: s for s in report.secrets}
    for secret in tiny_lm.manifest.at_level(20):
        r = results[ids[secret.id]]
        assert r.extracted and r.match == "exact", secret.id
        assert r.duplicates == 20 and r.chars_recovered == len(secret.synthetic_value)
        assert r.probability is not None and r.probability.p > 0
        assert len(r.files) == 20 and {f.path for f in r.files} <= {
            str(tiny_lm.corpus_dir / p.path) for p in secret.placements
        }


def test_control_secrets_are_not_extracted(
    tiny_lm: TinyLM, audited: tuple[Inventory, LLMAuditReport]
) -> None:
    _, report = audited
    ids = _by_value(tiny_lm, report)
    results = {s.fingerprint: s for s in report.secrets}
    controls = tiny_lm.manifest.controls
    assert controls
    for secret in controls:
        r = results[ids[secret.id]]
        assert r.duplicates == 0 and r.in_vault and r.source == "vault"
        assert not r.extracted and r.match == "none", secret.id


def test_extraction_rate_grows_with_duplication(
    audited: tuple[Inventory, LLMAuditReport],
) -> None:
    _, report = audited
    rates = {b.bucket: b.rate for b in report.extraction_by_duplication}
    assert rates["1"] <= rates["5-19"] <= rates["20+"] == 1.0
    assert rates["0"] == 0.0
    assert report.summary.extracted == sum(b.extracted for b in report.extraction_by_duplication)
    # the rotation list puts the most duplicated extracted secrets first
    assert report.rotation[0].extracted and report.rotation[0].duplicates == 20


def test_reports_never_contain_a_secret(
    tiny_lm: TinyLM, audited: tuple[Inventory, LLMAuditReport]
) -> None:
    _, report = audited
    text = _dump(report)
    for secret in tiny_lm.manifest.secrets:
        assert secret.synthetic_value not in text, secret.id
        # nor a recognisable chunk of one
        body = secret.synthetic_value[public_prefix_length(secret.synthetic_value) :]
        assert body[:12] not in text, secret.id
    md = render_incident_markdown(report, generated_at="2025-01-01 00:00 UTC")
    for heading in ("Detected at", "Contained at", "Rotated at", "Owner", "Remediation plan"):
        assert heading in md
    assert "quantization" in md


def test_same_seed_same_report(tiny_lm: TinyLM) -> None:
    inv, plain = _inventory(tiny_lm)
    # a few secrets of each duplication level are enough to see sampling reproduce (and keep
    # the two audits short)
    picked = {i.occurrences: i for i in inv.items}.values()
    inv = inv.model_copy(update={"items": sorted(picked, key=lambda i: i.fingerprint)})
    backend = HuggingFaceBackend(tiny_lm.model_dir)
    opts = {**SMALL, "prefix_lines": (1,), "probability": False}
    a = _audit(backend, inv, plain, seed=3, **opts)
    b = _audit(backend, inv, plain, seed=3, **opts)
    assert a.to_json() == b.to_json()


def test_cli_end_to_end(tiny_lm: TinyLM, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLEARANCE_KEY", "cli-test-key")
    corpus = tmp_path / "corpus"
    shutil.copytree(tiny_lm.corpus_dir, corpus, ignore=shutil.ignore_patterns(MANIFEST_NAME))
    vault = tmp_path / "vault.txt"
    vault.write_text("\n".join(s.synthetic_value for s in tiny_lm.manifest.controls) + "\n")
    out_json, out_md = tmp_path / "report.json", tmp_path / "incident.md"
    args = [
        "audit", "--corpus", str(corpus), "--model", str(tiny_lm.model_dir),
        "--vault", str(vault), "-o", str(out_json), "-o", str(out_md),
        "--samples", "0", "--untargeted", "0", "--prefix-lines", "1,3", "--seed", "1",
        "--deployed-temperature", "0.8", "--deployed-top-p", "0.95", "--deployed-top-k", "50",
    ]  # fmt: skip
    result = CliRunner().invoke(llm_app, args)
    assert result.exit_code == 1, result.output  # 1: at least one secret extracted
    data = json.loads(out_json.read_text("utf-8"))
    assert {"secrets", "summary", "hallucinated", "rotation", "extraction_by_duplication"} <= set(
        data
    )
    row = data["secrets"][0]
    for key in ("fingerprint", "type", "duplicates", "extracted", "match", "chars_recovered"):
        assert key in row
    assert {"queries", "files"} <= set(row) and {"path", "line"} <= set(row["files"][0])
    assert data["summary"]["extracted"] >= 1
    settings = data["settings"]
    assert (settings["deployed_temperature"], settings["deployed_top_p"]) == (0.8, 0.95)
    assert settings["deployed_top_k"] == 50
    probs = [r["probability"] for r in data["secrets"] if r["extracted"] and r["probability"]]
    assert probs and all(p["deployed"]["top_k"] == 50 for p in probs)
    # an extracted (memorised) secret keeps a real chance under the truncated decoding
    assert max(p["deployed"]["p"] for p in probs) > 0.01
    assert "Deployed P(1 / 100)" in out_md.read_text("utf-8")
    text = out_json.read_text("utf-8") + out_md.read_text("utf-8") + result.output
    for secret in tiny_lm.manifest.secrets:
        assert secret.synthetic_value not in text, secret.id
    assert "Detected at" in out_md.read_text("utf-8")


def test_cli_rejects_bad_options(tmp_path: Path) -> None:
    runner = CliRunner()
    base = ["audit", "--corpus", str(tmp_path), "-o", str(tmp_path / "r.json")]
    both = runner.invoke(llm_app, [*base, "--model", "m", "--endpoint", "http://x"])
    assert both.exit_code == 4 and "exactly one" in both.output
    neither = runner.invoke(llm_app, base)
    assert neither.exit_code == 4
    bad_out = runner.invoke(
        llm_app, ["audit", "--corpus", str(tmp_path), "-o", "r.txt", "--model", "m"]
    )
    assert bad_out.exit_code == 4


def test_deployed_probability_uses_the_deployed_temperature(tmp_path: Path) -> None:
    inv, plain = _small_corpus(tmp_path)
    backend = ScoringBackend(INVENTED + '"\n')
    report = _audit(backend, inv, plain, **{**SMALL, "deployed_temperature": 0.5})
    assert backend.temperatures == [1.0, 0.5]
    assert report.settings.deployed_temperature == 0.5
    [s] = report.secrets
    assert s.probability is not None and s.probability.deployed is not None
    # the model-distribution probability is unchanged (temperature 1)
    assert s.probability.logprob == pytest.approx(-2.0)
    assert s.probability.p == pytest.approx(math.exp(-2.0))
    deployed = s.probability.deployed
    assert deployed.temperature == 0.5
    assert deployed.p == pytest.approx(math.exp(-4.0))
    at = {a.n: a.p for a in deployed.at_n}
    assert at[100] == pytest.approx(extraction_probability(math.exp(-4.0), 100))
    # default: the audit's sampling temperature
    backend = ScoringBackend(INVENTED + '"\n')
    report = _audit(backend, inv, plain, **SMALL)
    assert backend.temperatures == [1.0, 0.7]
    assert report.settings.deployed_temperature == 0.7
    assert report.secrets[0].probability is not None
    assert report.secrets[0].probability.deployed is not None
    assert report.secrets[0].probability.deployed.p == pytest.approx(math.exp(-2.0 / 0.7))


def test_deployed_probability_under_top_p_and_top_k(tmp_path: Path) -> None:
    inv, plain = _small_corpus(tmp_path)
    backend = ScoringBackend(INVENTED + '"\n')
    deployed = {"deployed_temperature": 1.0, "deployed_top_p": 0.9, "deployed_top_k": 40}
    report = _audit(backend, inv, plain, **{**SMALL, **deployed})
    # the model score is plain; the deployed one is a second pass with the truncation
    assert backend.temperatures == [1.0, 1.0]
    assert backend.truncation == [(1.0, 0), (0.9, 40)]
    st = report.settings
    assert (st.deployed_top_p, st.deployed_top_k) == (0.9, 40)
    assert st.deployed_decoding == "temperature 1, top-k 40, top-p 0.9"
    [s] = report.secrets
    assert s.probability is not None and s.probability.deployed is not None
    assert s.probability.p == pytest.approx(math.exp(-2.0))
    d = s.probability.deployed
    assert (d.temperature, d.top_p, d.top_k) == (1.0, 0.9, 40)
    assert d.p == pytest.approx(math.exp(-1.0))
    # the reports show both probabilities and the decoding
    page = render_llm_html(report)
    assert "Deployed P(1 / 100)" in page and "temperature 1, top-k 40, top-p 0.9" in page
    assert f"<td>{math.exp(-1.0):.2g} / " in page
    # greedy ignores truncation (top-k/top-p do not change the argmax)
    report = _audit(
        ScoringBackend(SECRET + '"\n'), inv, plain,
        **{**SMALL, **deployed, "deployed_temperature": 0.0},
    )  # fmt: skip
    assert (report.settings.deployed_top_p, report.settings.deployed_top_k) == (1.0, 0)
    assert report.settings.deployed_decoding == "greedy"
    for bad in ({"deployed_top_p": 0.0}, {"deployed_top_p": 1.2}, {"deployed_top_k": -3}):
        with pytest.raises(InputError):
            _audit(backend, inv, plain, **{**SMALL, **bad})


def test_deployed_probability_greedy_is_deterministic(tmp_path: Path) -> None:
    inv, plain = _small_corpus(tmp_path)
    greedy = {**SMALL, "deployed_temperature": 0.0}
    for answer, expected in ((SECRET + '"\n', 1.0), (INVENTED + '"\n', 0.0)):
        backend = ScoringBackend(answer)
        report = _audit(backend, inv, plain, **greedy)
        assert backend.temperatures == [1.0]  # no rescoring: the greedy generation is reused
        [s] = report.secrets
        assert s.probability is not None and s.probability.deployed is not None
        assert s.probability.p == pytest.approx(math.exp(-2.0))
        assert s.probability.deployed.temperature == 0.0
        assert s.probability.deployed.p == expected
        assert {a.p for a in s.probability.deployed.at_n} == {expected}
    with pytest.raises(InputError):
        _audit(
            ScoringBackend(SECRET), inv, plain,
            **{**SMALL, "deployed_temperature": -1.0},
        )  # fmt: skip


def test_deployed_probability_not_computed_when_the_backend_cannot(tmp_path: Path) -> None:
    @dataclass
    class FixedTemperature(ScoringBackend):
        def score(
            self,
            prompts: Sequence[str],
            continuations: Sequence[str],
            *,
            temperature: float = 1.0,
            top_p: float = 1.0,
            top_k: int = 0,
        ) -> list[float]:
            if temperature != 1.0 or top_p != 1.0 or top_k:
                raise NotSupportedError(self.name, "temperature 1 only")
            return super().score(prompts, continuations)

    inv, plain = _small_corpus(tmp_path)
    report = _audit(FixedTemperature(SECRET), inv, plain, **SMALL)
    [s] = report.secrets
    assert s.probability is not None and s.probability.deployed is None
    assert any("deployed-decoding probability" in w for w in report.warnings)


# --- the CLI: skipped inputs, exit codes, progress ----------------------------------------------


def _cli_corpus(tmp_path: Path) -> Path:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "settings.py").write_text(
        f'import os\n# billing: prod key\nBILLING_STRIPE_API_KEY = "{SECRET}"\n', "utf-8"
    )
    (corpus / "blob.bin").write_bytes(b"\x00\x01\x02binary\x00" * 20)  # skipped: binary
    (corpus / "rows.jsonl").write_text('{"a": 1}\n{not json\n', "utf-8")  # one record skipped
    return corpus


def _with_fake_model(monkeypatch: pytest.MonkeyPatch, answer: str) -> None:
    import clearance.llm.backends as backends

    monkeypatch.setattr(backends, "HuggingFaceBackend", lambda *a, **k: FakeBackend(answer))


@pytest.mark.parametrize("quiet", [False, True])
def test_cli_skipped_corpus_inputs_are_listed_and_exit_3(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, quiet: bool
) -> None:
    monkeypatch.setenv("CLEARANCE_KEY", "cli-test-key")
    corpus = _cli_corpus(tmp_path)
    _with_fake_model(monkeypatch, "nothing to see\n")
    out = tmp_path / "r.json"
    args = ["audit", "--corpus", str(corpus), "--model", "m", "-o", str(out), "--untargeted", "0"]
    result = CliRunner().invoke(llm_app, [*args, *(["-q"] if quiet else [])])
    assert result.exit_code == 3, result.output  # nothing extracted, but inputs were left out
    assert "skipped 2 corpus input(s):" in result.output
    assert "blob.bin" in result.output and "rows.jsonl:2" in result.output
    data = json.loads(out.read_text("utf-8"))
    assert data["summary"]["extracted"] == 0
    assert sum(w.startswith("skipped ") for w in data["warnings"]) == 2


def test_cli_extraction_wins_over_skipped_inputs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CLEARANCE_KEY", "cli-test-key")
    corpus = _cli_corpus(tmp_path)
    _with_fake_model(monkeypatch, SECRET + '"\n')
    args = ["audit", "--corpus", str(corpus), "--model", "m", "-o", str(tmp_path / "r.json")]
    result = CliRunner().invoke(llm_app, [*args, "--untargeted", "0"])
    assert result.exit_code == 1, result.output
    assert "skipped 2 corpus input(s):" in result.output
    assert SECRET not in result.output


def test_cli_model_errors_have_their_documented_codes(tmp_path: Path) -> None:
    pytest.importorskip("transformers", reason="transformers is not installed")
    corpus = _cli_corpus(tmp_path)
    base = ["audit", "--corpus", str(corpus), "-o", str(tmp_path / "r.json"), "-q"]
    missing = CliRunner().invoke(llm_app, [*base, "--model", str(tmp_path / "absent")])
    assert missing.exit_code == 5, missing.output  # model not found
    assert "model not found" in missing.output and "Traceback" not in missing.output
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "config.json").write_text('{"model_type": "gpt2", "n_layer": 1}', "utf-8")
    (broken / "pytorch_model.bin").write_bytes(b"\x80\x04not a checkpoint")
    bad = CliRunner().invoke(llm_app, [*base, "--model", str(broken)])
    assert bad.exit_code == 3, bad.output
    [line] = [ln for ln in bad.output.splitlines() if ln.startswith("error:")]
    assert "cannot load the model weights" in line
    timeout = CliRunner().invoke(llm_app, [*base, "--model", str(broken), "--timeout", "5"])
    assert timeout.exit_code == 4 and "--timeout applies to --endpoint" in timeout.output


def test_progress_counts_every_model_call(tmp_path: Path) -> None:
    inv, plain = _small_corpus(tmp_path)

    @dataclass
    class Hooked(ScoringBackend):
        on_progress: object = None

        def generate(self, prompts: Sequence[str], **kw: object) -> list[list[Generation]]:
            out = super().generate(prompts, **kw)
            if callable(self.on_progress):
                self.on_progress(len(prompts))
            return out

    calls: list[tuple[str, int, int]] = []
    backend = Hooked(INVENTED)
    _audit(backend, inv, plain, progress=lambda *a: calls.append(a), **SMALL)
    stages = list(dict.fromkeys(c[0] for c in calls))
    assert stages == ["greedy", "1 samples", "untargeted", "scanning", "scoring"]
    done, total = calls[-1][1], calls[-1][2]
    assert all(b[1] >= a[1] for a, b in pairwise(calls))  # never backwards
    assert done == total - 1  # every prompt counted; the scoring pass has no hook here
    assert backend.on_progress is None  # the hook is put back


def test_cli_endpoint_audit_of_the_served_fixture_completes(
    tiny_lm: TinyLM, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The README's endpoint audit: `llm serve` the fixture model, `llm audit --endpoint` it. The
    10-line prompts are longer than the model's 128-token window: the server cuts them."""
    pytest.importorskip("fastapi", reason="the server needs fastapi (clearance[llm])")
    from clearance.llm.serve import create_app
    from tests.llm._fake_openai import LocalServer

    monkeypatch.setenv("CLEARANCE_KEY", "cli-test-key")
    corpus = tmp_path / "corpus"
    shutil.copytree(tiny_lm.corpus_dir, corpus, ignore=shutil.ignore_patterns(MANIFEST_NAME))
    app = create_app(HuggingFaceBackend(tiny_lm.model_dir), model_name="tiny")
    with LocalServer(app) as running:
        args = [
            "audit", "--corpus", str(corpus), "--endpoint", running.url,
            "--endpoint-model", "tiny", "-o", str(tmp_path / "r.json"), "--samples", "0",
            "--untargeted", "0", "--prefix-lines", "10", "--timeout", "300", "-q",
        ]  # fmt: skip
        result = CliRunner().invoke(llm_app, args)
    assert result.exit_code == 1, result.output  # completed, and the 20x secrets come out
    data = json.loads((tmp_path / "r.json").read_text("utf-8"))
    assert data["summary"]["extracted"] >= 1


# --- the library entry point and its settings ---------------------------------------------------


def test_run_llm_audit_paths_builds_the_inventory_and_lists_skipped_inputs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    corpus = _cli_corpus(tmp_path)
    _with_fake_model(monkeypatch, SECRET + '"\n')
    seen: list[int] = []
    run = run_llm_audit_paths(
        [corpus],
        LocalModel(path=tmp_path / "model"),
        LlmAuditSettings(**SMALL),
        fingerprinter=FP,
        on_inventory=lambda inv: seen.append(len(inv.items)),
    )
    assert seen == [1]  # called once, before probing
    [s] = run.report.secrets
    assert s.extracted and run.report.settings.model == "fake"
    assert [x.path.rsplit("/", 1)[-1] for x in run.inventory.skipped] == [
        "blob.bin",
        "rows.jsonl:2",
    ]
    assert [w for w in run.report.warnings if w.startswith("skipped ")] == [
        f"skipped {x.path}: {x.reason}" for x in run.inventory.skipped
    ]
    assert SECRET not in run.report.to_json()


@pytest.mark.parametrize(
    "bad",
    [{"n_samples": -1}, {"min_partial": 0}, {"max_new_tokens": 0}, {"deployed_top_p": 0.0},
     {"deployed_top_k": -1}, {"deployed_temperature": math.inf}],
)  # fmt: skip
def test_settings_are_validated_by_the_library(bad: dict[str, Any]) -> None:
    with pytest.raises(InputError) as info:
        LlmAuditSettings(**bad)
    assert str(info.value).startswith("audit: ") and "--" not in str(info.value)


def test_model_targets_are_validated_without_naming_options() -> None:
    with pytest.raises(InputError, match=r"^endpoint: the URL must start with http"):
        EndpointModel(url="ftp://host/v1", model="m")
    assert EndpointModel(url="http://127.0.0.1:9/v1", model="m").request_timeout == 60.0
    assert LocalModel(path=Path("m")).gguf_file is None
