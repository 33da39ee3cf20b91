"""The LLM memorisation audit report (JSON) and the incident report (Markdown).

Everything here is safe to write to disk and share: secrets are identified by keyed
fingerprints and masked previews, targeted prompts by the fingerprint of their prefix plus the
file and line it came from. No model output, secret value or corpus text is ever stored; the
only prompt text kept is that of public format/untargeted prompts.

Exit code of ``clearance llm audit``: 0 when no secret was extracted (exact match), 1 when at
least one was (:func:`exit_code`), 3-6 for the usual errors.
"""

from __future__ import annotations

from clearance.core.model import FrozenModel
from clearance.core.run import Warnings
from clearance.llm.matching import MatchKind
from clearance.llm.probes import ProbeKind

SCHEMA_VERSION = "1"
EXIT_EXTRACTED = 1
BUCKET_ORDER = ("0", "1", "2-4", "5-19", "20+")


class SecretFile(FrozenModel):
    path: str
    line: int


class PromptRef(FrozenModel):
    """Which prompt extracted (or came closest to extracting) a secret, without its text."""

    kind: ProbeKind
    fingerprint: str
    """``llm-context`` fingerprint of the prefix for a targeted prompt (joins with the
    inventory's ``locations[].contexts[].fingerprint``), ``llm-prompt`` fingerprint otherwise."""
    path: str | None = None
    line: int | None = None
    lines: int | None = None
    text: str | None = None
    """Only for public (format / untargeted) prompts."""
    trimmed: bool = False
    """The prompt was cut on the left to fit the model's context window."""
    decoding: str = "greedy"
    """``greedy`` or ``sample@T``."""


class NProbability(FrozenModel):
    n: int
    p: float
    """Probability that at least one of ``n`` samples emits the value: ``1-(1-p)^n``."""


class DeployedProbability(FrozenModel):
    """Probability of emitting the whole value right after the best targeted prompt under the
    deployed decoding: sampling at ``temperature`` (softmax of logits / temperature), truncated
    at each token to the ``top_k`` most likely (0: no limit) and then to the nucleus of mass
    ``top_p`` (1: none), or, at ``temperature`` 0, greedy decoding, which is deterministic: ``p``
    is 1.0 when the greedy continuation starts with the value, else 0.0."""

    temperature: float
    top_p: float = 1.0
    top_k: int = 0
    p: float
    at_n: list[NProbability]
    """The ``(n, p)`` extraction probability: at least one of ``n`` generations emits it."""


class ExtractionProbability(FrozenModel):
    """Probability of emitting the whole value right after the best targeted prompt, under the
    model's distribution (temperature 1, no truncation), from the backend's ``score``;
    ``deployed``: the same under the deployed decoding, when it could be computed."""

    logprob: float
    p: float
    at_n: list[NProbability]
    deployed: DeployedProbability | None = None


class SecretResult(FrozenModel):
    fingerprint: str
    value_fingerprint: str
    type: str
    """The rule that found it (detector id, or ``vault``)."""
    entity: str
    preview: str
    length: int
    duplicates: int
    bucket: str
    in_vault: bool
    source: str
    extracted: bool
    """An output contained the whole value (``match == "exact"``)."""
    match: MatchKind
    chars_recovered: int
    queries: int
    """Generations until the first exact match (targeted ones first), or all that could have
    produced it when it was not extracted."""
    probes: int
    """Targeted prompts built for it."""
    best_prompt: PromptRef | None = None
    probability: ExtractionProbability | None = None
    files: list[SecretFile]
    files_truncated: bool = False


class DuplicationBucket(FrozenModel):
    bucket: str
    secrets: int
    extracted: int
    partial: int
    rate: float


class Hallucinated(FrozenModel):
    """A secret-shaped output that matches no inventory value: likely invented by the model."""

    fingerprint: str
    rule: str
    entity: str
    preview: str
    count: int
    probe_kinds: list[ProbeKind]


class RotationEntry(FrozenModel):
    rank: int
    fingerprint: str
    type: str
    entity: str
    preview: str
    duplicates: int
    extracted: bool
    match: MatchKind
    extractability: float
    """1 when extracted; otherwise the larger of the share of characters recovered and the
    single-sample extraction probability."""
    score: float
    """``extractability * max(1, duplicates)``: the ranking key."""
    in_vault: bool


class Candidate(FrozenModel):
    """An untargeted generation, ranked by how memorised it looks (text not kept)."""

    rank: int
    kind: ProbeKind
    prompt: str
    fingerprint: str
    perplexity: float | None
    zlib_ratio: float | None
    """log(perplexity) / zlib entropy per character: low means fluent yet incompressible."""
    reference_ratio: float | None
    """log(perplexity) / log(reference perplexity): low means this model is unusually sure."""
    secret_shaped: bool
    matched: str | None
    """The inventory fingerprint it reproduces (exactly or partially), if any."""


class Summary(FrozenModel):
    secrets: int
    extracted: int
    partial: int
    not_extracted: int
    extraction_rate: float
    partial_rate: float
    queries: int
    generations: int
    hallucinated: int


class ProbesRun(FrozenModel):
    targeted: int
    format: int
    untargeted: int
    divergence: int
    generations: int


class Settings(FrozenModel):
    model: str
    reference: str | None
    n_samples: int
    temperature: float
    deployed_temperature: float | None = None
    """The decoding temperature the deployed probability assumes (0: greedy)."""
    deployed_top_p: float = 1.0
    deployed_top_k: int = 0
    max_new_tokens: int
    prefix_lines: list[int]
    min_partial: int
    seed: int
    untargeted: int
    categories: list[str]

    @property
    def deployed_decoding(self) -> str:
        """The deployed decoding in words, as the reports print it."""
        t = self.temperature if self.deployed_temperature is None else self.deployed_temperature
        return describe_decoding(t, self.deployed_top_p, self.deployed_top_k)


def describe_decoding(temperature: float, top_p: float = 1.0, top_k: int = 0) -> str:
    """``"greedy"`` or ``"temperature 0.8, top-k 40, top-p 0.95"``."""
    if temperature == 0:
        return "greedy"
    parts = [f"temperature {temperature:g}"]
    if top_k:
        parts.append(f"top-k {top_k}")
    if top_p < 1:
        parts.append(f"top-p {top_p:g}")
    return ", ".join(parts)


def probability_text(p: ExtractionProbability | DeployedProbability | None) -> str:
    """``"P(1) / P(100)"``: at least one of 1 and of 100 generations emits the value."""
    if p is None:
        return ""
    at = {a.n: a.p for a in p.at_n}
    return f"{at.get(1, p.p):.2g} / {at.get(100, 0.0):.2g}"


def deployed_probability(x: SecretResult) -> DeployedProbability | None:
    return x.probability.deployed if x.probability is not None else None


class LLMAuditReport(FrozenModel):
    schema_version: str = SCHEMA_VERSION
    settings: Settings
    summary: Summary
    probes_run: ProbesRun
    secrets: list[SecretResult]
    extraction_by_duplication: list[DuplicationBucket]
    hallucinated: list[Hallucinated]
    rotation: list[RotationEntry]
    candidates: list[Candidate]
    warnings: Warnings

    def to_json(self) -> str:
        return self.model_dump_json(indent=2) + "\n"


def exit_code(report: LLMAuditReport) -> int:
    """1 (``EXIT_EXTRACTED``) when any secret was extracted, else 0."""
    return EXIT_EXTRACTED if report.summary.extracted else 0
