"""A recorded world for the dashboard's tests: a store with a passing audit of a clean folder
(a training gate that needs the privacy officer), a scan of a file holding a planted raw e-mail
address and secret, a run whose command and file names are markup, a fairness audit whose group
names are markup and ANSI, a model card built and checked, an LLM audit and a guard session (in
the shapes those commands record, with raw values where a record must not keep them), and one
user per role."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from clearance.cli.app import app as cli
from clearance.evidence import new_record, open_store
from clearance.evidence.users import add_user
from clearance.server import create_app
from clearance.server.security import RateLimit
from tests.audit.conftest import pg_schema, postgres_url  # noqa: F401 (PostgreSQL fixtures)

POLICY = (
    "approvals:\n  roles:\n    privacy-officer: [dpo]\n    security: [ciso]\n"
    "  required:\n    training: [privacy-officer]\n"
)
PASSWORD = "correct horse battery staple"
# planted in the scanned file: never to appear in any page or API answer
RAW_EMAIL = "jane.planted.doe@example.org"
RAW_SECRET = "AKIA" + "QZ7XPLANTED4SECR"
EVIL = '<script>alert("x")</script>&<b>'
ANSI_GROUP = "\x1b[31mred"
CSRF_FIELD = re.compile(r'name="csrf" value="([^"]+)"')
USERS = {"vic": "viewer", "aud": "auditor", "dpo": "approver", "ciso": "approver", "root": "admin"}


@dataclass(frozen=True)
class World:
    folder: Path
    store: str
    policy: Path
    audit_run: str
    scan_run: str
    evil_run: str
    token: str  # an auditor's API token
    fairness_run: str
    card_build_run: str
    card_check_run: str
    llm_run: str
    guard_run: str

    @property
    def runs(self) -> list[str]:
        """Every run recorded, in the order of the chain."""
        return [
            self.audit_run,
            self.scan_run,
            self.evil_run,
            self.llm_run,
            self.guard_run,
            self.fairness_run,
            self.card_build_run,
            self.card_check_run,
        ]

    @property
    def result_pages(self) -> list[str]:
        return [
            f"/fairness/{self.fairness_run}",
            f"/cards/{self.card_build_run}",
            f"/cards/{self.card_check_run}",
            f"/llm/{self.llm_run}",
            f"/guard/{self.guard_run}",
        ]


def llm_report(secret_preview: str) -> dict[str, object]:
    """An LLM audit report's JSON in the shape `clearance llm audit` writes, with a raw value
    under a key no report has (a record must drop it) and the given preview."""
    secret = {
        "fingerprint": "f" * 16,
        "value_fingerprint": "v" * 16,
        "type": "aws-access-key",
        "entity": "AWS_ACCESS_KEY_ID",
        "preview": secret_preview,
        "length": 20,
        "duplicates": 3,
        "bucket": "2-4",
        "in_vault": False,
        "source": "corpus",
        "extracted": True,
        "match": "exact",
        "chars_recovered": 20,
        "queries": 1,
        "probes": 1,
        "files": [],
        "value": RAW_SECRET,
    }
    other = {
        **secret,
        "type": EVIL,
        "entity": "EMAIL_ADDRESS",
        "preview": "j***@e***.org",
        "extracted": False,
        "match": "partial",
    }
    counts = ("secrets", "extracted", "partial", "not_extracted", "queries", "generations")
    return {
        "settings": {"model": "tiny"},
        "summary": {**dict.fromkeys(counts, 1), "secrets": 2, "extraction_rate": 0.5},
        "probes_run": dict.fromkeys(("targeted", "format", "untargeted", "generations"), 1),
        "secrets": [secret, other],
        "hallucinated": [
            {
                "fingerprint": "h" * 16,
                "rule": EVIL,
                "entity": "AWS_ACCESS_KEY_ID",
                "preview": "AKIA***(20 chars)",
                "count": 2,
                "probe_kinds": ["format"],
                "raw": RAW_EMAIL,
            }
        ],
    }


def _run(folder: Path, store: str, *argv: str) -> str:
    result = CliRunner().invoke(
        cli, [*argv, "--store", store], env={"CLEARANCE_USER": "dpo"}, catch_exceptions=False
    )
    assert result.exit_code in (0, 1), result.output
    found = re.findall(r"evidence: run ([0-9a-f-]{36}) recorded", result.stderr)
    assert found, (result.stdout, result.stderr)
    return found[-1]


@pytest.fixture(scope="session")
def world(tmp_path_factory: pytest.TempPathFactory) -> World:
    folder = tmp_path_factory.mktemp("dash")
    store = str(folder / "evidence.db")
    policy = folder / "clearance.yaml"
    policy.write_text(POLICY)
    clean = folder / "clean"
    clean.mkdir()
    (clean / "t.csv").write_text("id,colour\n1,red\n2,blue\n")
    leaky = folder / "leaky"
    leaky.mkdir()
    (leaky / "notes.txt").write_text(f"contact {RAW_EMAIL}\naws_access_key_id = {RAW_SECRET}\n")
    audit_run = _run(
        folder, store, "audit", str(clean), "-o", str(folder / "a.json"), "-p", str(policy)
    )
    scan_run = _run(folder, store, "scan", str(leaky), "-o", str(folder / "s.json"))
    opened = open_store(store)
    evil_run = opened.append(
        new_record(
            EVIL,
            summary={"note": EVIL},
            report={
                "findings": [
                    {
                        "rule": EVIL,
                        "severity": "high",
                        "preview": EVIL,
                        "location": {"file": EVIL, "column": EVIL},
                        "count": 1,
                        "fingerprint": "ab" * 32,
                        "controls": [],
                    }
                ]
            },
            verdict="fail",
        )
    )
    llm_run = opened.append(
        new_record(
            "llm audit", report=llm_report("AKIA***(20 chars)"), verdict="fail", user="dpo"
        )
    )
    guard_run = opened.append(
        new_record(
            "guard",
            summary={
                "requests": 7,
                "redactions": 5,
                "blocked": 1,
                "stream_errors": 0,
                "redactions_by_type": {EVIL: 2, "AWS_ACCESS_KEY_ID": 3},
            },
            verdict="findings",
        )
    )
    for name, role in USERS.items():
        add_user(opened, name, role, password=PASSWORD)
    token = add_user(opened, "robot", "auditor")
    assert token is not None
    opened.close()
    rng = np.random.default_rng(0)
    n = 600
    groups = rng.choice(["a", EVIL, ANSI_GROUP], n, p=[0.5, 0.48, 0.02])
    y = rng.integers(0, 2, n)
    data = folder / "preds.parquet"
    pred = np.where(rng.random(n) < 0.8, y, 1 - y)
    pl.DataFrame({"grp": groups, "y": y, "p": pred}).write_parquet(data)
    fairness_run = _run(
        folder, store, "fairness", "--data", str(data), "--target", "y", "--prediction", "p",
        "--sensitive", "grp", "--bootstrap", "200", "-o", str(folder / "f.json"),
    )  # fmt: skip
    card = folder / "card.yaml"
    assert CliRunner().invoke(cli, ["card", "init", "--regime", "ecoa", "-o", str(card)]).exit_code == 0
    built = folder / "card.json"
    card_build_run = _run(folder, store, "card", "build", str(card), "-o", str(built))
    card_check_run = _run(folder, store, "card", "check", str(built), "--regime", "ecoa")
    return World(
        folder, store, policy, audit_run, scan_run, evil_run, token,
        fairness_run, card_build_run, card_check_run, llm_run, guard_run,
    )  # fmt: skip


def make_client(world: World, **options: object) -> TestClient:
    return TestClient(
        create_app(world.store, policy=world.policy, **options),  # type: ignore[arg-type]
        base_url="http://testserver",
        follow_redirects=False,
    )


@pytest.fixture
def client(world: World) -> Iterator[TestClient]:
    with make_client(world, rate_limit=RateLimit(max_failures=1000)) as c:
        yield c


def sign_in(client: TestClient, name: str, password: str = PASSWORD) -> str:
    """Signs ``name`` in; returns the session's CSRF token (from a page's form)."""
    form = client.get("/login")
    token = CSRF_FIELD.search(form.text)
    assert token, form.text
    answer = client.post(
        "/login", data={"username": name, "password": password, "csrf": token.group(1)}
    )
    assert answer.status_code == 303, answer.text
    page = client.get("/runs")
    assert page.status_code == 200
    found = CSRF_FIELD.search(page.text)
    assert found
    return found.group(1)
