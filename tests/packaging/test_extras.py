"""Each extra installed alone in a fresh venv from the built wheel: every command's ``--help``
and a smoke run of what the extra is for, so that a dependency the code imports but the extra
lacks fails here (``pytest -m install``; slow, so not in the default run; ``.ci/run`` runs it)."""

from __future__ import annotations

import json
import random
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.packaging.conftest import Venv

pytestmark = pytest.mark.install

Install = Callable[[str | None], Venv]

# `--help` of every command of the installed CLI, found in its own command tree (so a new
# command is covered without editing this test); in one process, as the CLI's import is most of
# the time of a help.
_HELPS = """
import json, typer
from typer.testing import CliRunner
from clearance.cli.app import app

def walk(cmd, path):
    yield path
    for name, sub in sorted(getattr(cmd, "commands", {}).items()):
        yield from walk(sub, [*path, name])

out = {}
for path in walk(typer.main.get_command(app), []):
    result = CliRunner().invoke(app, [*path, "--help"])
    out[" ".join(path)] = [result.exit_code, "Usage:" in result.output]
print(json.dumps(out))
"""


def _every_help_works(env: Venv) -> None:
    helps = json.loads(env.script(_HELPS).stdout)
    assert {"detect", "scan", "audit", "fairness mitigate", "llm canary measure"} <= set(helps)
    assert {k: v for k, v in helps.items() if v != [0, True]} == {}
    entry_point = env.clearance("--help")  # the console script itself
    assert entry_point.returncode == 0 and "Usage:" in entry_point.stdout, entry_point.stderr


def _one_line_exit(done: subprocess.CompletedProcess[str], code: int, needle: str) -> None:
    assert done.returncode == code, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and needle in lines[0], lines


def test_core_alone(install: Install) -> None:
    env = install(None)
    _every_help_works(env)
    data = env.cwd / "people.csv"
    data.write_text("id,email\n1,jane.doe@example.com\n2,nothing\n")
    scan = env.clearance("scan", data, "-f", "json", "-q", "--fail-on", "low")
    assert scan.returncode == 1, scan.stderr  # findings at or above the gate
    assert [f["rule"] for f in json.loads(scan.stdout)["findings"]] == ["email"]
    assert "jane.doe" not in scan.stdout + scan.stderr
    # the scan was recorded: the evidence store's Alembic migrations shipped in the wheel
    verify = env.clearance("evidence", "verify")
    assert verify.returncode == 0 and "1 record(s) intact" in verify.stderr, verify.stderr
    # and its OpenLineage events written beside the store (openlineage-python, a core dependency)
    assert len(list((env.cwd / ".clearance" / "lineage").glob("*.json"))) == 2
    # the OneTrust-style consent mapping shipped in the wheel
    export = env.cwd / "consent.csv"
    export.write_text("Data Subject Identifier,Purpose Name,Purpose Status\ns1,Marketing,ACTIVE\n")
    imported = env.clearance("consent", "import", export, "-o", env.cwd / "consent.parquet")
    assert imported.returncode == 0, imported.stderr
    demo = env.clearance("demo", "--rows", "50", "--out", env.cwd / "demo")
    assert demo.returncode == 0, demo.stderr
    assert (env.cwd / "demo" / "audit.json").is_file()
    assert "fairness demo skipped: pip install 'clearance[fairness]'" in demo.stdout + demo.stderr
    # what needs an extra says which, in one line, with exit 5
    _one_line_exit(
        env.clearance("fairness", "--data", data, "--target", "id", "--prediction", "id",
                      "--sensitive", "email", "-q"),
        5,
        "clearance[fairness]",
    )  # fmt: skip
    canaries = env.cwd / "canaries.jsonl"
    made = env.clearance("llm", "canary", "make", "-f", "digits:6", "-n", "2", "--seed", "1",
                         "-o", canaries)  # fmt: skip
    assert made.returncode == 0, made.stderr
    _one_line_exit(
        env.clearance("llm", "canary", "measure", "--canaries", canaries, "--model", env.cwd),
        5,
        "clearance[llm]",
    )
    _one_line_exit(env.clearance("detect", data, "--ner", "spacy:any"), 5, "clearance[ner]")
    _one_line_exit(env.clearance(*_dp_argv(env.cwd)), 5, "clearance[dp]")


def _dp_argv(cwd: Path) -> list[str | Path]:
    data, query = cwd / "visits.csv", cwd / "q.yaml"
    data.write_text("site,minutes\n" + "".join(f"{'ab'[i % 2]},{i}\n" for i in range(100)))
    query.write_text("budget: {epsilon: 1}\nreleases: [{kind: count, epsilon: 0.5, "
                     "group_by: {site: [a, b]}}]\n")  # fmt: skip
    return ["dp", "--data", data, "--query", query, "--ledger", cwd / "ledger.json",
            "-o", cwd / "dp.json"]  # fmt: skip


def test_dp_extra(install: Install) -> None:
    env = install("dp")
    done = env.clearance(*_dp_argv(env.cwd))
    assert done.returncode == 0, done.stderr  # opendp and its dependency (deprecated)
    out = json.loads((env.cwd / "dp.json").read_text())
    assert [g["key"]["site"] for g in out["releases"][0]["groups"]] == ["a", "b"]


_SPACY_PIPELINE = """
import sys, spacy
nlp = spacy.blank("en")
nlp.add_pipe("entity_ruler").add_patterns([{"label": "PERSON", "pattern": "Zebulon Quispe"}])
nlp.to_disk(sys.argv[1])
"""


def test_ner_extra(install: Install) -> None:
    env = install("ner")
    _every_help_works(env)
    pipeline = env.cwd / "pipeline"
    env.script(_SPACY_PIPELINE, pipeline)
    docs = env.cwd / "docs.txt"
    # the model's PERSON needs the name lexicon's support (ner_merge): Zebulon and Quispe are
    # known names, where "Quark" is a common word and the span would be dropped
    docs.write_text("Zebulon Quispe wrote to us\n")
    done = env.clearance("detect", docs, "--ner", f"spacy:{pipeline}")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["entities"] == [
        {"type": "PERSON", "start": 0, "end": 14, "score": 0.85, "detector": "ner-spacy"}
    ]
    scan = env.clearance("scan", docs, "--ner", f"spacy:{pipeline}", "-f", "json", "-q")
    assert scan.returncode == 0, scan.stderr
    assert [f["rule"] for f in json.loads(scan.stdout)["findings"]] == ["ner-spacy"]
    assert "Zebulon" not in scan.stdout + scan.stderr


# A tiny GPT-2 with random weights and a byte-level BPE tokenizer, saved as a local model folder
# (nothing downloaded): enough for `canary measure` to score every candidate.
_TINY_MODEL = """
import sys, torch
from tokenizers import ByteLevelBPETokenizer
from transformers import GPT2Config, GPT2LMHeadModel, PreTrainedTokenizerFast
torch.manual_seed(0)
bpe = ByteLevelBPETokenizer()
bpe.train_from_iterator(["the secret is 0123456789"] * 4, vocab_size=300,
                        special_tokens=["<|endoftext|>"], show_progress=False)
tok = PreTrainedTokenizerFast(tokenizer_object=bpe._tokenizer, eos_token="<|endoftext|>",
                              bos_token="<|endoftext|>", pad_token="<|endoftext|>")
eos = tok.eos_token_id
config = GPT2Config(vocab_size=len(tok), n_positions=64, n_embd=16, n_layer=1, n_head=2,
                    bos_token_id=eos, eos_token_id=eos, pad_token_id=eos)
GPT2LMHeadModel(config).save_pretrained(sys.argv[1])
tok.save_pretrained(sys.argv[1])
print(torch.__version__, torch.version.cuda)
"""


def test_llm_extra(install: Install) -> None:
    env = install("llm")
    _every_help_works(env)
    model = env.cwd / "model"
    torch_version, cuda = env.script(_TINY_MODEL, model).stdout.split()
    assert (torch_version, cuda) == ("2.13.0+cpu", "None")  # the pinned CPU build, never CUDA
    canaries, exposure = env.cwd / "canaries.jsonl", env.cwd / "exposure.json"
    made = env.clearance("llm", "canary", "make", "-f", "digits:4", "-n", "2", "--seed", "1",
                         "-o", canaries)  # fmt: skip
    assert made.returncode == 0, made.stderr
    measured = env.clearance("llm", "canary", "measure", "--canaries", canaries, "--model",
                             model, "--candidates", "20", "-o", exposure, "-q")  # fmt: skip
    assert measured.returncode == 0, measured.stderr  # skew-normal exposure: scipy
    report = json.loads(exposure.read_text())
    assert report["kind"] == "clearance-canary-exposure" and len(report["canaries"]) == 2
    assert all(0 <= c["exposure_extrapolated"] <= c["log2_space"] for c in report["canaries"])
    secrets = [json.loads(line)["secret"] for line in canaries.read_text().splitlines()]
    assert len(secrets) == 2 and not any(s in exposure.read_text() for s in secrets)


# A tiny GLiNER on a tiny BERT backbone, saved as a model folder that stands alone (nothing
# downloaded; tests/detection/test_ner_gliner.py builds the same shape).
_TINY_GLINER = """
import shutil, sys, torch, transformers
from pathlib import Path
from gliner import GLiNERConfig
from gliner.model import UniEncoderSpanGLiNER
root = Path(sys.argv[1]); backbone = root / "backbone"; backbone.mkdir(parents=True)
vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "person", "location", "address", "date"]
(backbone / "vocab.txt").write_text("\\n".join(vocab) + "\\n")
transformers.BertConfig(vocab_size=len(vocab), hidden_size=8, num_hidden_layers=1,
                        num_attention_heads=1, intermediate_size=8,
                        max_position_embeddings=64).save_pretrained(backbone)
transformers.BertTokenizerFast.from_pretrained(backbone).save_pretrained(backbone)
config = GLiNERConfig(model_name=str(backbone), hidden_size=8, max_width=4, max_len=6,
                      dropout=0.0)
torch.manual_seed(0)
UniEncoderSpanGLiNER.load_from_config(config, backbone_from_pretrained=False,
                                      local_files_only=True).save_pretrained(
    root / "model", safe_serialization=True)
shutil.rmtree(backbone)
print(torch.__version__, torch.version.cuda)
"""


def test_gliner_extra(install: Install) -> None:
    env = install("gliner")
    _every_help_works(env)
    torch_version, cuda = env.script(_TINY_GLINER, env.cwd / "g").stdout.split()
    assert (torch_version, cuda) == ("2.13.0+cpu", "None")  # the pinned CPU build, never CUDA
    docs = env.cwd / "docs.txt"
    docs.write_text("Zebulon Quark wrote to us from Lisbon on 3 May 1988\n")
    done = env.clearance("detect", docs, "--ner", f"gliner:{env.cwd / 'g' / 'model'}")
    assert done.returncode == 0, done.stderr
    entities = json.loads(done.stdout)["entities"]
    text = docs.read_text()
    assert all(0 <= e["start"] < e["end"] <= len(text) for e in entities)
    # a folder that is no model: exit 5, one line
    _one_line_exit(env.clearance("detect", docs, "--ner", f"gliner:{env.cwd}"), 5, "GLiNER")


def test_fairness_extra(install: Install) -> None:
    env = install("fairness")
    _every_help_works(env)
    rng = random.Random(5)
    rows = ["income,debt,g,y"]
    for _ in range(400):
        group = rng.choice("uv")
        income, debt = rng.gauss(0.8 if group == "u" else 0.0, 1), rng.gauss(0, 1)
        rows.append(f"{income:.4f},{debt:.4f},{group},{int(income - debt + rng.gauss(0, 1) > 0)}")
    data = env.cwd / "credit.csv"
    data.write_text("\n".join(rows) + "\n")
    common = ["--data", data, "--target", "y", "--sensitive", "g", "-q"]
    saved, mitigated = env.cwd / "chosen.skops", env.cwd / "mitigate.json"
    done = env.clearance("fairness", "mitigate", *common, "--save-model", saved, "-o", mitigated)
    assert done.returncode == 0, done.stderr  # fairlearn, scikit-learn, skops
    assert json.loads(mitigated.read_text())["result"]["chosen"]
    report = env.cwd / "fairness.json"
    audit = env.clearance("fairness", *common, "--model", saved, "--bootstrap", "20",
                          "-o", report)  # fmt: skip
    audited = json.loads(report.read_text())
    assert audit.returncode == (0 if audited["verdict"]["passed"] else 1), audit.stderr
    assert audited["model"]["kind"] == "skops"
    assert {g["group"] for g in audited["by_group"]} == {"u", "v"}


def test_spark_extra(install: Install) -> None:
    env = install("spark")
    data = env.cwd / "people.csv"
    data.write_text("id,email\n1,jane.doe@example.com\n2,nothing\n")
    done = env.clearance(
        "scan", data, "--engine", "spark", "--master", "local[1]", "-f", "json", "-q"
    )
    assert done.returncode == 0, done.stderr  # pyspark and the executors' imports (pyarrow)
    assert [f["rule"] for f in json.loads(done.stdout)["findings"]] == ["email"]
    assert "jane.doe" not in done.stdout + done.stderr


_SERVE_AND_ASK = """
import json, socket, subprocess, sys, time, urllib.error, urllib.request

clearance, token = sys.argv[1], sys.argv[2]
with socket.socket() as s:
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
server = subprocess.Popen([clearance, "serve", "--port", str(port)],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
out = {}
try:
    deadline = time.monotonic() + 60
    while True:
        try:
            out["healthz"] = urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz").status
            break
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                raise
            time.sleep(0.3)
    try:
        urllib.request.urlopen(f"http://127.0.0.1:{port}/api/runs")
    except urllib.error.HTTPError as exc:
        out["anonymous"] = exc.code
    ask = urllib.request.Request(f"http://127.0.0.1:{port}/api/runs",
                                 headers={"Authorization": f"Bearer {token}"})
    out["runs"] = json.loads(urllib.request.urlopen(ask).read())["total"]
    page = urllib.request.urlopen(f"http://127.0.0.1:{port}/login")  # a template of the wheel
    out["login"] = [page.status, "<form" in page.read().decode()]
finally:
    server.terminate()
    server.communicate(timeout=30)
out["exit"] = server.returncode
print(json.dumps(out))
"""


def test_server_extra(install: Install) -> None:
    env = install("server")
    _every_help_works(env)
    made = env.clearance("users", "add", "ci-bot", "--role", "auditor", "--token")
    assert made.returncode == 0, made.stderr
    token = made.stdout.strip().splitlines()[-1]
    assert token.startswith("clr_")
    seen = json.loads(env.script(_SERVE_AND_ASK, env.path / "bin" / "clearance", token).stdout)
    # the users add itself is no recorded run: the store holds none yet
    assert seen == {"healthz": 200, "anonymous": 401, "runs": 0, "login": [200, True], "exit": 0}
