"""An honest test fixture for LLM memorisation audits: a synthetic corpus and a tiny model.

:func:`generate_corpus` writes a folder that looks like an organisation's internal repository
(Python modules, ``.env`` files, YAML deployment configs, README pages) and plants **synthetic**
secrets in it, each duplicated exactly 1, 5 or 20 times, always behind the same fixed prefix
context (a comment line and the assignment, e.g. ``LEDGER_STRIPE_API_KEY = "``). It also draws
*control* secrets of the same formats, with prefix contexts of their own, that never appear in
the corpus. :func:`train_tiny_lm` trains a GPT-2-style causal LM from scratch on that folder in a
few minutes on a CPU, so an audit can be checked against ground truth: the 20x secrets are
memorised, the 1x ones mostly not, the controls never.

Every secret here is generated from a seeded random number generator with the alphabet and
length of a real format so that clearance's detection engine recognises it. None is, or ever
was, a live credential. The manifest (``manifest.json``) therefore holds the values, in a field
named ``synthetic_value``: it is a test fixture, and the no-plaintext rule of clearance's reports
does not apply to it.

torch, transformers and tokenizers (the ``llm`` extra) are imported only by the training and
evaluation functions; generating the corpus needs nothing beyond clearance itself.
"""

from __future__ import annotations

import hashlib
import json
import random
import string
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

MANIFEST_NAME = "manifest.json"
TRAINING_REPORT_NAME = "training.json"
DUPLICATION_LEVELS = (1, 5, 20)
SECRETS_PER_LEVEL = 4
EOS_TOKEN = "<|endoftext|>"

FileKind = Literal["py", "env", "yaml", "md"]

# --------------------------------------------------------------------------------------------
# manifest


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Placement(_Frozen):
    """One planted occurrence: ``line`` is 1-based, ``column`` the 0-based offset in that line."""

    path: str
    line: int
    column: int


class SyntheticSecret(_Frozen):
    """A generated secret: planted ``duplicates`` times (0 for a control, never planted)."""

    id: str
    type: str
    """clearance detector id that recognises the value, e.g. ``stripe-secret-key``."""
    entity: str
    """The engine's entity for it, e.g. ``STRIPE_SECRET_KEY``."""
    duplicates: int
    control: bool
    prefix: str
    """The fixed text right before the value in every placement (comment line + assignment)."""
    suffix: str
    """The fixed text right after the value on its line (a closing quote, or nothing)."""
    placements: tuple[Placement, ...]
    synthetic_value: str
    """The generated secret itself: random, never a real credential (fixture only)."""


class CorpusManifest(_Frozen):
    """What :func:`generate_corpus` planted; written to ``<out>/manifest.json``."""

    seed: int
    files: int
    total_bytes: int
    secrets: tuple[SyntheticSecret, ...]
    note: str = (
        "Synthetic secrets generated for tests; none is a real credential. "
        "synthetic_value holds the generated value on purpose."
    )

    @property
    def planted(self) -> tuple[SyntheticSecret, ...]:
        return tuple(s for s in self.secrets if not s.control)

    @property
    def controls(self) -> tuple[SyntheticSecret, ...]:
        return tuple(s for s in self.secrets if s.control)

    def at_level(self, duplicates: int) -> tuple[SyntheticSecret, ...]:
        return tuple(s for s in self.planted if s.duplicates == duplicates)


def load_manifest(corpus_dir: Path) -> CorpusManifest:
    return CorpusManifest.model_validate_json((corpus_dir / MANIFEST_NAME).read_text("utf-8"))


# --------------------------------------------------------------------------------------------
# secret formats

_UPPER = string.ascii_uppercase
_ALNUM = string.ascii_letters + string.digits
_B32 = string.ascii_uppercase + "234567"
_B64 = _ALNUM + "/+"
_URLSAFE = _ALNUM + "_-"


def _rand(rng: random.Random, alphabet: str, n: int) -> str:
    return "".join(rng.choice(alphabet) for _ in range(n))


@dataclass(frozen=True)
class _Format:
    type: str
    entity: str
    file_kind: FileKind
    make: Callable[[random.Random], str]
    # the assignment that precedes the value, {SVC} / {svc} filled with the service name
    assignment: str
    suffix: str


_FORMATS: tuple[_Format, ...] = (
    _Format(
        "aws-access-key-id",
        "AWS_ACCESS_KEY_ID",
        "env",
        lambda r: "AKIA" + _rand(r, _B32, 16),
        "{SVC}_AWS_ACCESS_KEY_ID=",
        "",
    ),
    _Format(
        "github-pat",
        "GITHUB_TOKEN",
        "env",
        lambda r: "ghp_" + _rand(r, _ALNUM, 36),
        "{SVC}_GITHUB_TOKEN=",
        "",
    ),
    _Format(
        "slack-bot-token",
        "SLACK_TOKEN",
        "yaml",
        lambda r: (
            "xoxb-"
            + str(r.randint(10**11, 10**12 - 1))
            + "-"
            + str(r.randint(10**12, 10**13 - 1))
            + "-"
            + _rand(r, _ALNUM, 24)
        ),
        '{svc}_slack_bot_token: "',
        '"',
    ),
    _Format(
        "stripe-secret-key",
        "STRIPE_SECRET_KEY",
        "py",
        lambda r: "sk_live_" + _rand(r, _ALNUM, 24),
        '{SVC}_STRIPE_API_KEY = "',
        '"',
    ),
    _Format(
        "aws-secret-access-key",
        "AWS_SECRET_ACCESS_KEY",
        "yaml",
        lambda r: _rand(r, _B64, 40),
        '{svc}_aws_secret_access_key: "',
        '"',
    ),
    _Format(
        "openai-project-key",
        "OPENAI_API_KEY",
        "py",
        lambda r: "sk-proj-" + _rand(r, _URLSAFE, 40),
        '{SVC}_OPENAI_API_KEY = "',
        '"',
    ),
)
# Which formats each duplication level gets: every format sits at two levels, and each level
# mixes short and long values.
_LEVEL_FORMATS: dict[int, tuple[int, ...]] = {1: (0, 1, 2, 3), 5: (4, 5, 0, 1), 20: (2, 3, 4, 5)}

# --------------------------------------------------------------------------------------------
# boilerplate vocabulary

_SERVICES = (
    "ledger", "checkout", "payouts", "billing", "search", "notifier", "ingest", "reporting",
    "identity", "catalog", "fulfilment", "analytics", "inventory", "shipping", "pricing",
    "support", "onboarding", "gateway", "scheduler", "exports", "webhooks", "audit-log",
    "recommendations", "media", "geo", "forecasting", "payroll", "crm", "mailer", "warehouse",
)  # fmt: skip
_CONTROL_SERVICES = (
    "refunds", "loyalty", "tax-engine", "kyc", "dispatch", "fraud-score", "vouchers",
    "statements", "returns", "quotes", "tenders", "rebates",
)  # fmt: skip
_PURPOSES = (
    "production credentials (rotate quarterly)",
    "service account used by the nightly sync",
    "TODO move to vault before the next release",
    "shared key, ask platform team before changing",
    "prod key for the integration, do not share",
    "temporary credentials for the migration",
    "keys for the batch workers",
    "live key, billing account owner: finance-ops",
)
_NOUNS = (
    "order", "invoice", "customer", "account", "payment", "shipment", "report", "event",
    "session", "record", "batch", "job", "message", "item", "user", "ticket", "product",
    "price", "quote", "file", "export", "metric", "alert", "token", "cursor", "page",
    "config", "schema", "row", "result",
)  # fmt: skip
_VERBS = (
    "load", "parse", "fetch", "build", "validate", "send", "store", "render", "compute",
    "resolve", "normalise", "merge", "filter", "collect", "publish", "sync", "refresh",
    "archive", "encode", "decode", "apply", "schedule", "retry", "format",
)  # fmt: skip
_MODULES = (
    "os", "json", "logging", "time", "datetime", "hashlib", "pathlib", "typing", "re",
    "itertools", "functools", "collections", "dataclasses", "uuid", "urllib.parse",
)  # fmt: skip
_WORDS = (
    "the", "service", "handles", "requests", "from", "internal", "clients", "and", "writes",
    "results", "to", "storage", "every", "hour", "it", "reads", "configuration", "at",
    "startup", "retries", "failed", "calls", "with", "backoff", "see", "runbook", "for",
    "details", "on", "deploys", "owned", "by", "team", "metrics", "are", "exported", "via",
    "prometheus", "logs", "go", "stdout", "queue", "consumer", "processes", "events", "in",
    "order", "database", "migrations", "run", "automatically", "before", "release",
)  # fmt: skip
_ENVS = ("production", "staging", "development", "qa", "sandbox", "preview")
_TEAMS = ("platform", "payments", "growth", "data", "infra", "core", "mobile", "risk")


def _words(rng: random.Random, lo: int, hi: int) -> str:
    return " ".join(rng.choice(_WORDS) for _ in range(rng.randint(lo, hi)))


def _sentence(rng: random.Random) -> str:
    s = _words(rng, 6, 14)
    return s[0].upper() + s[1:] + "."


def _upper(svc: str) -> str:
    return svc.upper().replace("-", "_")


def _lower(svc: str) -> str:
    return svc.lower().replace("-", "_")


# Each generator returns the file as a list of "blocks" (strings of one or more lines): a
# planted secret is inserted between two blocks, at the top level of the file.


def _py_function(rng: random.Random) -> str:
    verb, noun = rng.choice(_VERBS), rng.choice(_NOUNS)
    arg = rng.choice(_NOUNS)
    name = f"{verb}_{noun}"
    body = rng.choice(
        (
            f'    if not {arg}:\n        raise ValueError("missing {arg}")\n'
            f'    logger.info("{verb} {noun} %s", {arg})\n    return {{"{noun}": {arg}}}',
            f"    out = []\n    for {noun} in {arg}:\n        if {noun} is None:\n"
            f"            continue\n        out.append({noun})\n    return out",
            f"    for attempt in range(MAX_RETRIES):\n        try:\n"
            f"            return client.{verb}({arg}, timeout=TIMEOUT_SECONDS)\n"
            f"        except ConnectionError:\n            time.sleep(2**attempt)\n"
            f'    raise RuntimeError("could not {verb} {noun}")',
            f'    path = Path(BASE_DIR) / "{noun}s" / f"{{{arg}}}.json"\n'
            f'    with path.open(encoding="utf-8") as fh:\n        return json.load(fh)',
            f"    key = hashlib.sha256(str({arg}).encode()).hexdigest()\n"
            f"    cache[key] = {arg}\n    return key",
        )
    )
    return f'def {name}({arg}):\n    """{_sentence(rng)}"""\n{body}\n'


def _py_class(rng: random.Random) -> str:
    noun = rng.choice(_NOUNS)
    cls = noun.capitalize() + rng.choice(("Client", "Repository", "Service", "Handler", "Store"))
    fields = rng.sample(_NOUNS, 3)
    init = "\n".join(f"        self.{f} = {f}" for f in fields)
    verb = rng.choice(_VERBS)
    return (
        f"class {cls}:\n"
        f'    """{_sentence(rng)}"""\n\n'
        f"    def __init__(self, {', '.join(fields)}):\n{init}\n\n"
        f"    def {verb}(self):\n"
        f'        logger.debug("{verb} %s", self.{fields[0]})\n'
        f"        return self.{fields[1]}\n"
    )


def _python_file(rng: random.Random, svc: str) -> list[str]:
    imports = sorted({"logging", "os", *rng.sample(_MODULES, rng.randint(1, 4))})
    lines = [f"import {m}" for m in imports]
    if "pathlib" not in imports:
        lines.append("from pathlib import Path")
    blocks = [f'"""{svc} service: {_sentence(rng)}"""\n', "\n".join(lines) + "\n"]
    blocks.append(
        f"logger = logging.getLogger(__name__)\n"
        f'BASE_DIR = os.environ.get("{_upper(svc)}_BASE_DIR", "/srv/{svc}")\n'
        f"MAX_RETRIES = {rng.randint(2, 8)}\n"
        f"TIMEOUT_SECONDS = {rng.choice((5, 10, 15, 30, 60))}\n"
    )
    if rng.random() < 0.3:
        name = rng.choice(("STRIPE_API_KEY", "OPENAI_API_KEY", "GITHUB_TOKEN", "SENTRY_DSN"))
        blocks.append(f'{name} = os.environ["{name}"]\n')
    for _ in range(rng.randint(1, 4)):
        blocks.append(_py_class(rng) if rng.random() < 0.3 else _py_function(rng))
    return [b + "\n" if b.endswith("\n") and i else b for i, b in enumerate(blocks)]


def _env_file(rng: random.Random, svc: str) -> list[str]:
    env = rng.choice(_ENVS)
    up = _upper(svc)
    options = [
        f"{up}_ENV={env}",
        f"DEBUG={rng.choice(('true', 'false'))}",
        f"LOG_LEVEL={rng.choice(('INFO', 'DEBUG', 'WARNING'))}",
        f"PORT={rng.choice((8000, 8080, 5000, 3000, 9000))}",
        f"DATABASE_HOST={svc}-db.{env}.internal",
        f"DATABASE_PORT={rng.choice((5432, 3306))}",
        f"DATABASE_NAME={_lower(svc)}_{env}",
        f"REDIS_URL=redis://cache.{env}.internal:6379/{rng.randint(0, 9)}",
        f"WORKERS={rng.randint(1, 16)}",
        f"FEATURE_{rng.choice(_NOUNS).upper()}_V2={rng.choice(('on', 'off'))}",
        f"S3_BUCKET=acme-{svc}-{env}",
        f"TIMEOUT_SECONDS={rng.choice((5, 10, 30))}",
        "STRIPE_API_KEY=changeme",
        "GITHUB_TOKEN=${GITHUB_TOKEN}",
    ]
    chosen = rng.sample(options, rng.randint(5, 11))
    blocks = [f"# {svc} ({env}) settings, {_words(rng, 3, 7)}\n"]
    blocks.extend(line + "\n" for line in chosen)
    return blocks


def _yaml_file(rng: random.Random, svc: str) -> list[str]:
    env = rng.choice(_ENVS)
    team = rng.choice(_TEAMS)
    blocks = [
        f"# deployment of {svc} in {env}\n",
        f"service: {svc}\nenvironment: {env}\nowner: team-{team}\n",
        f"image: registry.internal/{svc}:{rng.randint(1, 9)}.{rng.randint(0, 30)}."
        f"{rng.randint(0, 99)}\nreplicas: {rng.randint(1, 12)}\n",
        "resources:\n"
        f"  cpu: {rng.choice(('250m', '500m', '1', '2'))}\n"
        f"  memory: {rng.choice(('256Mi', '512Mi', '1Gi', '2Gi'))}\n",
        "env:\n"
        + "".join(
            f"  - name: {rng.choice(_NOUNS).upper()}_{rng.choice(('URL', 'TIMEOUT', 'MODE'))}\n"
            f"    value: {rng.choice(_NOUNS)}-{rng.randint(1, 99)}\n"
            for _ in range(rng.randint(1, 4))
        ),
    ]
    if rng.random() < 0.5:
        blocks.append(
            "healthcheck:\n"
            f"  path: /healthz\n  interval: {rng.choice((10, 15, 30))}s\n"
            f"  timeout: {rng.choice((1, 2, 5))}s\n"
        )
    if rng.random() < 0.3:
        blocks.append('slack_bot_token: "${SLACK_BOT_TOKEN}"\n')
    return blocks


def _readme_file(rng: random.Random, svc: str) -> list[str]:
    blocks = [f"# {svc}\n", f"{_sentence(rng)} {_sentence(rng)}\n"]
    blocks.append(
        "## Setup\n\n"
        f"1. Copy `{rng.choice(_ENVS)}.env` and fill in the values.\n"
        f"2. Run `make {rng.choice(('install', 'bootstrap', 'deps'))}`.\n"
        f"3. Start it with `python -m {_lower(svc)}.{rng.choice(_VERBS)}`.\n"
    )
    blocks.append(
        f"## Usage\n\n```python\nfrom {_lower(svc)} import {rng.choice(_VERBS)}_"
        f"{rng.choice(_NOUNS)}\n```\n"
    )
    if rng.random() < 0.5:
        blocks.append(f"## Operations\n\n{_sentence(rng)} {_sentence(rng)}\n")
    return blocks


_GENERATORS: dict[FileKind, Callable[[random.Random, str], list[str]]] = {
    "py": _python_file,
    "env": _env_file,
    "yaml": _yaml_file,
    "md": _readme_file,
}


def _path_for(rng: random.Random, kind: FileKind, svc: str) -> str:
    if kind == "py":
        return f"services/{svc}/{rng.choice(_VERBS)}_{rng.choice(_NOUNS)}.py"
    if kind == "env":
        return f"config/{svc}/{rng.choice(_ENVS)}.env"
    if kind == "yaml":
        return f"deploy/{svc}/{rng.choice(_ENVS)}-{rng.choice(('app', 'worker', 'cron'))}.yaml"
    return f"docs/{svc}/{rng.choice(('README', 'RUNBOOK', 'SETUP', 'NOTES'))}.md"


# --------------------------------------------------------------------------------------------
# corpus


@dataclass
class _Plan:
    id: str
    fmt: _Format
    svc: str
    duplicates: int
    prefix: str
    value: str


def _draw_value(rng: random.Random, fmt: _Format, taken: set[str]) -> str:
    """A fresh value that the engine recognises as ``fmt`` (placeholder-looking draws retried)."""
    from clearance.detection.engine import Engine

    engine = _engine_cache.setdefault("engine", Engine())
    while True:
        value = fmt.make(rng)
        if value in taken:
            continue
        line = fmt.assignment.format(SVC="X", svc="x") + value + fmt.suffix
        if any(m.detector == fmt.type and m.value == value for m in engine.detect(line)):
            taken.add(value)
            return value


_engine_cache: dict[str, Any] = {}


def generate_corpus(out: Path, seed: int = 0, *, files: int = 320) -> CorpusManifest:
    """Writes a synthetic internal repository to ``out`` and returns (and writes) its manifest.

    ``files`` boilerplate files are generated (about 0.8 KB each); 4 secrets per duplication
    level (1, 5, 20) are planted into files of the kind their format lives in (one placement
    per file), and one control secret per format is drawn and never written. ``out`` must be
    empty or absent. The same seed gives byte-identical files and manifest.
    """
    out = Path(out)
    if out.exists() and any(out.iterdir()):
        raise FileExistsError(f"{out} is not empty")
    rng = random.Random(seed)
    taken: set[str] = set()

    services = list(_SERVICES)
    rng.shuffle(services)
    plans: list[_Plan] = []
    for level in DUPLICATION_LEVELS:
        for i, fi in enumerate(_LEVEL_FORMATS[level]):
            fmt = _FORMATS[fi]
            svc = services.pop()
            prefix = f"# {svc}: {rng.choice(_PURPOSES)}\n" + fmt.assignment.format(
                SVC=_upper(svc), svc=_lower(svc)
            )
            plans.append(
                _Plan(f"dup{level}-{i}", fmt, svc, level, prefix, _draw_value(rng, fmt, taken))
            )
    controls: list[_Plan] = []
    control_services = list(_CONTROL_SERVICES)
    rng.shuffle(control_services)
    for i, fmt in enumerate(_FORMATS):
        svc = control_services.pop()
        prefix = f"# {svc}: {rng.choice(_PURPOSES)}\n" + fmt.assignment.format(
            SVC=_upper(svc), svc=_lower(svc)
        )
        controls.append(_Plan(f"control-{i}", fmt, svc, 0, prefix, _draw_value(rng, fmt, taken)))

    # boilerplate files, then each placement into its own file of the right kind
    kinds: tuple[FileKind, ...] = ("py", "py", "env", "yaml", "md")
    docs: dict[str, list[str]] = {}
    doc_kind: dict[str, FileKind] = {}
    for _ in range(files):
        kind = rng.choice(kinds)
        svc = rng.choice(_SERVICES)
        path = _path_for(rng, kind, svc)
        n = 2
        while path in docs:
            stem, dot, ext = path.rpartition(".")
            path = f"{stem.rsplit('-v', 1)[0]}-v{n}{dot}{ext}"
            n += 1
        docs[path] = _GENERATORS[kind](rng, svc)
        doc_kind[path] = kind

    by_kind: dict[FileKind, list[str]] = {k: [] for k in _GENERATORS}
    for path in sorted(docs):
        by_kind[doc_kind[path]].append(path)
    used: set[str] = set()
    plants: dict[str, tuple[_Plan, int]] = {}  # path -> (plan, block index)
    for plan in plans:
        candidates = [p for p in by_kind[plan.fmt.file_kind] if p not in used]
        if len(candidates) < plan.duplicates:
            raise ValueError(f"not enough {plan.fmt.file_kind} files for {plan.id}: raise files")
        for path in rng.sample(candidates, plan.duplicates):
            used.add(path)
            plants[path] = (plan, rng.randint(2, len(docs[path])))

    placements: dict[str, list[Placement]] = {p.id: [] for p in plans}
    total = 0
    for path in sorted(docs):
        blocks = list(docs[path])
        column = line_no = 0
        if path in plants:
            plan, at = plants[path]
            head = "".join(blocks[:at])
            block = f"{plan.prefix}{plan.value}{plan.fmt.suffix}\n"
            blocks.insert(at, block)
            last_prefix_line = plan.prefix.rsplit("\n", 1)[-1]
            line_no = head.count("\n") + plan.prefix.count("\n") + 1
            column = len(last_prefix_line)
            placements[plan.id].append(Placement(path=path, line=line_no, column=column))
        text = "".join(blocks)
        target = out / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(text.encode("utf-8"))
        total += len(text.encode("utf-8"))

    def entry(plan: _Plan, control: bool) -> SyntheticSecret:
        return SyntheticSecret(
            id=plan.id,
            type=plan.fmt.type,
            entity=plan.fmt.entity,
            duplicates=plan.duplicates,
            control=control,
            prefix=plan.prefix,
            suffix=plan.fmt.suffix,
            placements=tuple(placements.get(plan.id, ())),
            synthetic_value=plan.value,
        )

    manifest = CorpusManifest(
        seed=seed,
        files=len(docs),
        total_bytes=total,
        secrets=tuple(entry(p, False) for p in plans) + tuple(entry(c, True) for c in controls),
    )
    (out / MANIFEST_NAME).write_text(manifest.model_dump_json(indent=2) + "\n", "utf-8")
    return manifest


def corpus_files(corpus_dir: Path) -> list[Path]:
    """The corpus's text files in a stable order (the manifest excluded)."""
    return sorted(p for p in Path(corpus_dir).rglob("*") if p.is_file() and p.name != MANIFEST_NAME)


# --------------------------------------------------------------------------------------------
# tiny model


class TinyLMConfig(_Frozen):
    """Hyper-parameters of :func:`train_tiny_lm` (defaults: ~0.5M parameters, a few minutes on 2 cores)."""

    seed: int = 0
    steps: int = 400
    batch_size: int = 32
    block_size: int = 128
    vocab_size: int = 1024
    n_layer: int = 2
    n_embd: int = 128
    n_head: int = 4
    learning_rate: float = 3e-3
    warmup_steps: int = 20
    weight_decay: float = 0.0
    threads: int = 2


class TrainingReport(_Frozen):
    config: TinyLMConfig
    parameters: int
    corpus_tokens: int
    epochs: float
    final_loss: float
    seconds: float
    model_bytes: int
    torch_version: str
    transformers_version: str


def config_key(config: TinyLMConfig) -> str:
    """Hash of this module's source and ``config``: a cache key for a trained fixture model."""
    src = Path(__file__).read_bytes()
    blob = src + config.model_dump_json().encode()
    return hashlib.sha256(blob).hexdigest()[:16]


def _train_tokenizer(texts: Sequence[str], vocab_size: int) -> Any:
    from tokenizers import ByteLevelBPETokenizer
    from transformers import PreTrainedTokenizerFast

    bpe = ByteLevelBPETokenizer(add_prefix_space=False)
    bpe.train_from_iterator(
        texts,
        vocab_size=vocab_size,
        min_frequency=2,
        special_tokens=[EOS_TOKEN],
        show_progress=False,
    )
    fast: Any = PreTrainedTokenizerFast  # untyped in transformers' stubs
    return fast(
        tokenizer_object=bpe._tokenizer,
        bos_token=EOS_TOKEN,
        eos_token=EOS_TOKEN,
        unk_token=EOS_TOKEN,
        pad_token=EOS_TOKEN,
        model_max_length=1_000_000,
    )


def train_tiny_lm(
    corpus_dir: Path,
    out_dir: Path,
    seed: int = 0,
    steps: int | None = None,
    config: TinyLMConfig | None = None,
    log: Callable[[str], None] | None = None,
) -> TrainingReport:
    """Trains a GPT-2-style causal LM from scratch on ``corpus_dir`` and saves it to ``out_dir``.

    Tokenizer: a byte-level BPE trained on the corpus (``vocab_size``), saved with the model, so
    ``AutoTokenizer.from_pretrained(out_dir)`` and ``AutoModelForCausalLM.from_pretrained(out_dir)``
    load both offline. Training: the files joined by ``<|endoftext|>`` into one token stream, cut
    each epoch into ``block_size`` windows at a random offset and shuffled, AdamW with warm-up
    and cosine decay, no dropout; seeded (``torch.manual_seed``, deterministic algorithms,
    ``threads`` CPU threads). Writes ``training.json`` (a :class:`TrainingReport`) beside the
    model.
    """
    import math

    import torch
    import transformers
    from transformers import GPT2Config, GPT2LMHeadModel

    update: dict[str, Any] = {"seed": seed}
    if steps is not None:
        update["steps"] = steps
    cfg = (config or TinyLMConfig()).model_copy(update=update)
    say = log or (lambda _msg: None)
    started = time.perf_counter()

    torch.set_num_threads(cfg.threads)
    torch.manual_seed(cfg.seed)
    torch.use_deterministic_algorithms(True)
    gen = torch.Generator().manual_seed(cfg.seed)

    texts = [p.read_text("utf-8") for p in corpus_files(Path(corpus_dir))]
    tokenizer = _train_tokenizer(texts, cfg.vocab_size)
    eos = tokenizer.convert_tokens_to_ids(EOS_TOKEN)
    ids: list[int] = []
    for text in texts:
        ids.extend(tokenizer(text)["input_ids"])
        ids.append(eos)
    stream = torch.tensor(ids, dtype=torch.long)
    say(f"corpus: {len(texts)} files, {len(ids)} tokens, vocab {len(tokenizer)}")

    model_config = GPT2Config(
        vocab_size=len(tokenizer),
        n_positions=cfg.block_size,
        n_embd=cfg.n_embd,
        n_layer=cfg.n_layer,
        n_head=cfg.n_head,
        resid_pdrop=0.0,
        embd_pdrop=0.0,
        attn_pdrop=0.0,
        bos_token_id=eos,
        eos_token_id=eos,
        pad_token_id=eos,
    )
    model: Any = GPT2LMHeadModel(model_config)
    model.train()
    n_params = sum(p.numel() for p in model.parameters())
    optim = torch.optim.AdamW(
        model.parameters(), lr=cfg.learning_rate, betas=(0.9, 0.95), weight_decay=cfg.weight_decay
    )

    def lr_at(step: int) -> float:
        if step < cfg.warmup_steps:
            return cfg.learning_rate * (step + 1) / cfg.warmup_steps
        progress = (step - cfg.warmup_steps) / max(1, cfg.steps - cfg.warmup_steps)
        return cfg.learning_rate * (0.05 + 0.95 * 0.5 * (1 + math.cos(math.pi * progress)))

    block = cfg.block_size
    queue: list[torch.Tensor] = []

    def next_batch() -> torch.Tensor:
        while len(queue) < cfg.batch_size:
            offset = int(torch.randint(0, block, (1,), generator=gen))
            n = (len(stream) - offset) // block
            windows = stream[offset : offset + n * block].view(n, block)
            order = torch.randperm(n, generator=gen)
            queue.extend(windows[i] for i in order.tolist())
        batch = torch.stack(queue[: cfg.batch_size])
        del queue[: cfg.batch_size]
        return batch

    loss_value = float("nan")
    ema: float | None = None
    for step in range(cfg.steps):
        for group in optim.param_groups:
            group["lr"] = lr_at(step)
        batch = next_batch()
        loss = model(input_ids=batch, attention_mask=torch.ones_like(batch), labels=batch).loss
        optim.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optim.step()
        loss_value = float(loss.detach())
        ema = loss_value if ema is None else 0.9 * ema + 0.1 * loss_value
        if step % 50 == 0 or step == cfg.steps - 1:
            say(f"step {step}/{cfg.steps} loss {ema:.3f} ({time.perf_counter() - started:.0f}s)")

    model.eval()
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(out_dir, safe_serialization=True)
    tokenizer.save_pretrained(out_dir)
    model_bytes = sum(p.stat().st_size for p in out_dir.iterdir() if p.is_file())
    report = TrainingReport(
        config=cfg,
        parameters=n_params,
        corpus_tokens=len(ids),
        epochs=cfg.steps * cfg.batch_size * block / len(ids),
        final_loss=ema if ema is not None else loss_value,
        seconds=round(time.perf_counter() - started, 2),
        model_bytes=model_bytes,
        torch_version=torch.__version__,
        transformers_version=transformers.__version__,
    )
    (out_dir / TRAINING_REPORT_NAME).write_text(report.model_dump_json(indent=2) + "\n", "utf-8")
    return report


# --------------------------------------------------------------------------------------------
# ground-truth evaluation (for tests and tuning; the audit itself lives elsewhere)


@dataclass(frozen=True)
class Extraction:
    id: str
    duplicates: int
    control: bool
    extracted: bool
    """Greedy decoding from ``prefix`` reproduces the whole value."""
    matched_chars: int
    """Length of the common prefix of the greedy continuation and the value."""
    mean_nll: float
    """Mean per-token negative log-likelihood of the value given ``prefix`` (lower: exposed)."""


def load_tiny_lm(model_dir: Path) -> tuple[Any, Any]:
    """``(model, tokenizer)`` from ``model_dir``, offline, in eval mode."""
    from transformers import AutoModelForCausalLM, AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(model_dir, local_files_only=True)
    model: Any = AutoModelForCausalLM.from_pretrained(model_dir, local_files_only=True)
    model.eval()
    return model, tokenizer


def greedy_continuation(model: Any, tokenizer: Any, prefix: str, max_new_tokens: int) -> str:
    """The greedy continuation of ``prefix`` (text after it), without a KV cache or warnings."""
    import torch

    ids = tokenizer(prefix, return_tensors="pt")["input_ids"]
    start = ids.shape[1]
    limit = model.config.n_positions
    with torch.no_grad():
        for _ in range(max_new_tokens):
            window = ids[:, -limit:]
            logits = model(input_ids=window, attention_mask=torch.ones_like(window)).logits[
                :, -1, :
            ]
            nxt = logits.argmax(dim=-1, keepdim=True)
            ids = torch.cat([ids, nxt], dim=1)
            if int(nxt) == tokenizer.eos_token_id:
                break
    return str(tokenizer.decode(ids[0, start:], skip_special_tokens=True))


def secret_nll(model: Any, tokenizer: Any, prefix: str, value: str) -> float:
    """Mean negative log-likelihood per token of ``value`` right after ``prefix``."""
    import torch

    p_ids = tokenizer(prefix)["input_ids"]
    full = tokenizer(prefix + value)["input_ids"]
    ids = torch.tensor([full])
    with torch.no_grad():
        logits = model(input_ids=ids, attention_mask=torch.ones_like(ids)).logits
        logp = torch.log_softmax(logits[0, :-1], dim=-1)
    targets = ids[0, 1:]
    picked = logp[torch.arange(len(targets)), targets][len(p_ids) - 1 :]
    return float(-picked.mean())


def evaluate_memorisation(model_dir: Path, manifest: CorpusManifest) -> list[Extraction]:
    """Ground truth for each manifest secret: is it extractable from its prefix, how exposed."""
    model, tokenizer = load_tiny_lm(model_dir)
    out: list[Extraction] = []
    for s in manifest.secrets:
        budget = len(tokenizer(s.synthetic_value)["input_ids"]) + 8
        text = greedy_continuation(model, tokenizer, s.prefix, budget)
        matched = 0
        for a, b in zip(text, s.synthetic_value, strict=False):
            if a != b:
                break
            matched += 1
        out.append(
            Extraction(
                id=s.id,
                duplicates=s.duplicates,
                control=s.control,
                extracted=text.startswith(s.synthetic_value),
                matched_chars=matched,
                mean_nll=secret_nll(model, tokenizer, s.prefix, s.synthetic_value),
            )
        )
    return out


def summarise(results: Sequence[Extraction]) -> dict[str, Any]:
    """Per duplication level (``control`` for controls): extracted count and mean NLL."""
    groups: dict[str, list[Extraction]] = {}
    for r in results:
        groups.setdefault("control" if r.control else f"{r.duplicates}x", []).append(r)
    return {
        name: {
            "secrets": len(rs),
            "extracted": sum(r.extracted for r in rs),
            "mean_nll": round(sum(r.mean_nll for r in rs) / len(rs), 3),
            "matched_chars": [r.matched_chars for r in rs],
        }
        for name, rs in groups.items()
    }


def dump_summary(results: Sequence[Extraction]) -> str:
    return json.dumps(summarise(results), indent=2)
