"""Real reports for the renderer conformance suite: each built by a job's library entry point
(``scan_paths``, ``audit_sources``, ``run_fairness``, ``run_mitigation``, ``run_llm_audit``) on
small data generated here, with PII and secrets planted in the inputs (``PLANTED``) that no
rendering may print, and names that are hostile HTML / Markdown.

``python -m tests.reports.pipeline_reports OUT KIND`` builds one kind's reports and writes every
format into OUT (the suite renders in subprocesses to compare bytes across hash seeds).
"""

from __future__ import annotations

import random
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from clearance.privacy import Fingerprinter

FP = Fingerprinter(b"conformance-key")
EMAIL = "planted.victim@example.org"
PHONE = "(212) 555-0187"
CARD = "4111 1111 1111 1111"
TOKEN = "ghp_8sXq2ZrT6vN1mKpL0aYwC3dE5fG7hJ9kQbRt"
STRIPE = "sk_live_Q8mZr2VtX9bLw4Kc7Hn1Pd5F"
PLANTED = (
    EMAIL,
    PHONE,
    CARD,
    TOKEN,
    STRIPE,
    "Q8mZr2VtX9bLw4Kc7Hn1Pd5F",
    "8sXq2ZrT6vN1mKpL0aYwC3dE5",
)
HOSTILE = '<b onmouseover="x">evil</b>'
KINDS = ("scan", "audit", "fairness", "mitigation", "llm", "governance")


@dataclass(frozen=True)
class Rendered:
    """One report rendered: ``name`` (kind.format[.variant]) and its text."""

    name: str
    text: str


def scan_report(root: Path) -> Any:
    from clearance.scan import scan_paths

    data = root / "scan"
    data.mkdir(parents=True)
    (data / "people.csv").write_text(
        f"id,email,phone,{HOSTILE}\n1,{EMAIL},{PHONE},{CARD}\n2,a.b@example.com,,x\n", "utf-8"
    )
    (data / "app.py").write_text(f'TOKEN = "{TOKEN}"\n', "utf-8")
    return scan_paths([data], fingerprinter=FP)


def audit_report(root: Path) -> Any:
    from clearance.audit.run import audit_sources
    from clearance.demo.ecommerce import REFERENCE_DATE, generate, write_policy

    data = root / "audit" / "data"
    generate(data, users=60, seed=3)
    (data / "planted.csv").write_text(
        f"customer_id,email,card,{HOSTILE}\n1,{EMAIL},{CARD},{TOKEN}\n2,x@example.com,,\n",
        "utf-8",
    )
    policy = write_policy(root / "audit" / "clearance.yaml")
    return audit_sources(
        [data], policy_path=policy, fingerprinter=FP, today=REFERENCE_DATE, calibration=None
    )


def _credit_csv(path: Path, rows: int = 400) -> Path:
    rng = random.Random(5)
    lines = [f"sex,age,income,email,score,approved,label,{HOSTILE}"]
    for i in range(rows):
        sex = rng.choice(["female", "male", "<i>x</i>"] if i % 40 else ["<i>x</i>"])
        age = rng.randint(19, 75)
        income = rng.randint(800, 9000)
        score = min(0.99, max(0.01, income / 9000 + rng.gauss(0, 0.15) - (sex == "female") * 0.1))
        label = int(rng.random() < score)
        email = EMAIL if i == 0 else f"user{i}@example.com"
        lines.append(f"{sex},{age},{income},{email},{score:.3f},{int(score > 0.5)},{label},x")
    path.write_text("\n".join(lines) + "\n", "utf-8")
    return path


def _fairness_policy(extra: dict[str, Any]) -> Any:
    from clearance.fairness.policy import fairness_policy_from_mapping

    base = {
        "target": "label",
        "sensitive": ["sex", "age_group"],
        "derive": {
            "age_group": {
                "source": "age",
                "bins": {
                    "edges": [0, 25, 50, 200],
                    "labels": ["<25", "25-49", "50+"],
                    "closed": "left",
                },
            }
        },
        "bootstrap": 50,
        "min_group_size": 30,
    }
    return fairness_policy_from_mapping({**base, **extra}, "conformance")


def fairness_report(root: Path) -> Any:
    from clearance.fairness.run import run_fairness

    (root / "fairness").mkdir(parents=True)
    data = _credit_csv(root / "fairness" / "credit.csv")
    policy = _fairness_policy({"prediction": "approved", "score": "score"})
    report, _ = run_fairness(data, policy)
    return report


def mitigation_report(root: Path) -> Any:
    from clearance.fairness.mitigate_run import run_mitigation

    (root / "mitigation").mkdir(parents=True)
    data = _credit_csv(root / "mitigation" / "credit.csv", rows=300)
    policy = _fairness_policy({"sensitive": ["sex"], "derive": {}, "features": ["age", "income"]})
    return run_mitigation(data, policy, seed=0)


class _EchoBackend:
    """A model that repeats the planted secret to every prompt: the audit finds it extracted."""

    name = "echo"
    supports_logprobs = False

    def generate(
        self, prompts: Sequence[str], *, max_new_tokens: int, temperature: float = 0.0,
        n: int = 1, seed: int = 0,
    ) -> list[list[Any]]:  # fmt: skip
        from clearance.llm.backend_protocol import Generation

        return [[Generation(STRIPE + '"\n') for _ in range(n)] for _ in prompts]

    def score(self, prompts: Sequence[str], continuations: Sequence[str]) -> list[float]:
        from clearance.llm.backend_protocol import NotSupportedError

        raise NotSupportedError(self.name, "no scoring")


def llm_report(root: Path) -> Any:
    from clearance.llm.audit import run_llm_audit
    from clearance.llm.audit_settings import LlmAuditSettings
    from clearance.llm.inventory import build_inventory

    corpus = root / "llm" / "corpus"
    corpus.mkdir(parents=True)
    (corpus / "settings.py").write_text(
        f'# billing: prod key\nBILLING_STRIPE_API_KEY = "{STRIPE}"\nGH = "{TOKEN}"\n', "utf-8"
    )
    inv, plain = build_inventory([corpus], fingerprinter=FP, categories=["secret"])
    settings = LlmAuditSettings(n_samples=1, untargeted=2, max_occurrences=1)
    return run_llm_audit(_EchoBackend(), inv, plain, settings, fingerprinter=FP)


def governance_report(root: Path) -> Any:
    """From a chain of fixed records (a store's run ids and times differ on every run; the
    suite compares bytes across processes), with hostile input names."""
    from clearance.evidence.chain import GENESIS, Entry, entry_hash, verify_chain
    from clearance.governance.status import governance_report as build_report

    def record(n: int, command: str, verdict: str, findings: list[Any]) -> dict[str, Any]:
        return {
            "run_id": f"00000000-0000-4000-8000-{n:012d}",
            "command": command,
            "verdict": verdict,
            "created_at": f"2026-01-0{n}T00:00:00.000000Z",
            "user": HOSTILE,
            "inputs": [{"path": f"data/{HOSTILE}.csv", "sha256": "0" * 64}],
            "outputs": [],
            "summary": None,
            "findings": findings,
        }

    masked = {"rule": "email", "category": "pii", "preview": "p***@***", "controls": ["EUAIA-10"]}
    records = [
        record(1, "audit", "fail", [masked]),
        record(2, "fairness", "pass", []),
        record(3, f"card check {HOSTILE}", "fail", []),
        {
            **record(4, "risk set", "recorded", []),
            "summary": {
                "id": HOSTILE,
                "finding": HOSTILE,
                "likelihood": "high",
                "impact": "low",
                "owner": HOSTILE,
                "status": "open",
                "due": "2026-02-01",
                "controls": ["EUAIA-10"],
                "run": None,
            },
        },
    ]
    entries, prev = [], GENESIS
    for seq, rec in enumerate(records, start=1):
        digest = entry_hash(seq, prev, rec)
        entries.append(Entry(seq, prev, digest, rec))
        prev = digest
    return build_report(entries, verify_chain(entries), "eu-ai-act", f"{HOSTILE}.db")


BUILDERS = {
    "scan": scan_report,
    "audit": audit_report,
    "fairness": fairness_report,
    "mitigation": mitigation_report,
    "llm": llm_report,
    "governance": governance_report,
}


def build(kind: str, root: Path) -> Any:
    return BUILDERS[kind](root)


# what the incident report says it was generated at, and of which corpus
INCIDENT = {"generated_at": "2026-01-01 00:00 UTC", "corpus": ["corpus"]}


def render_all(kind: str, report: Any) -> list[Rendered]:
    """``report`` in every format its kind has (and the LLM audit's incident report)."""
    from clearance.reports.registry import formats, render

    out = []
    for fmt in formats(kind):
        options = INCIDENT if (kind, fmt) == ("llm", "markdown") else {}
        out.append(Rendered(f"{kind}.{fmt}", render(report, fmt, **options)))
    if kind == "llm":
        for fmt in formats("llm-incident"):
            text = render(report, fmt, kind="llm-incident", **INCIDENT)
            out.append(Rendered(f"llm-incident.{fmt}", text))
    return out


def main(argv: Sequence[str]) -> None:
    import os
    import tempfile

    out, kinds = Path(argv[0]).resolve(), argv[1:]
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        cwd = os.getcwd()
        os.chdir(tmp)  # relative input paths: the bytes do not depend on the folder
        try:
            for kind in kinds:
                for r in render_all(kind, build(kind, Path("."))):
                    (out / r.name).write_text(r.text, "utf-8")
        finally:
            os.chdir(cwd)


if __name__ == "__main__":
    main(sys.argv[1:])
