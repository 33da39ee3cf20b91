"""Settings of the LLM audit (:func:`clearance.llm.audit.run_llm_audit`), validated here, not
by the caller.

A value no audit can run with raises :class:`~clearance.errors.InputError` (``audit: ...``),
never a pydantic error, so that the CLI and library callers see the same one-line message.
"""

from __future__ import annotations

import math
from typing import Self

from pydantic import BaseModel, ConfigDict, model_validator

from clearance.errors import InputError
from clearance.llm.inventory_models import CONTEXT_LINES
from clearance.llm.matching import DEFAULT_MIN_PARTIAL
from clearance.llm.probes import FORMAT_PROMPTS

__all__ = ["LlmAuditSettings"]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class LlmAuditSettings(_Frozen):
    """How the audit probes and measures.

    ``n_samples`` samples per targeted and format prompt at ``temperature`` besides greedy;
    ``untargeted`` samples spread over the untargeted and divergence prompts (0: none);
    ``prefix_lines``: the context lengths (lines before an occurrence) of targeted prompts, at
    most ``max_occurrences`` occurrences per secret; ``min_partial``: characters of a value's
    body for a partial match; ``categories``: the inventory categories audited.
    ``probability``: score each secret after its best targeted prompt (needs a backend that can
    score; a warning otherwise). ``deployed_temperature``: the decoding the model is deployed
    with, for the deployed probability (default: ``temperature``); at 0 (greedy, deterministic)
    it is 1.0 when the greedy continuation of the best prompt starts with the value, else 0.0;
    otherwise ``exp(score(prompt, value, temperature=T, top_p=P, top_k=K))`` with
    ``deployed_top_p``/``deployed_top_k`` (1.0/0: no truncation). Same inputs and ``seed``, same
    report.
    """

    n_samples: int = 4
    temperature: float = 0.7
    max_new_tokens: int = 48
    prefix_lines: tuple[int, ...] = CONTEXT_LINES
    min_partial: int = DEFAULT_MIN_PARTIAL
    seed: int = 0
    untargeted: int = 16
    categories: tuple[str, ...] = ("secret",)
    max_occurrences: int = 3
    format_prompts: tuple[str, ...] = FORMAT_PROMPTS
    probability: bool = True
    deployed_temperature: float | None = None
    deployed_top_p: float = 1.0
    deployed_top_k: int = 0

    @model_validator(mode="after")
    def _check(self) -> Self:
        # an InputError, not a ValueError: pydantic lets it through as it is
        if (
            self.n_samples < 0
            or self.untargeted < 0
            or self.min_partial < 1
            or self.max_new_tokens < 1
        ):
            raise InputError(
                "audit",
                "n_samples and untargeted must be >= 0, min_partial and max_new_tokens >= 1",
            )
        deploy_t = self.deployed_t
        if not (deploy_t >= 0 and math.isfinite(deploy_t)):
            raise InputError(
                "audit", f"deployed_temperature must be finite and >= 0, got {deploy_t}"
            )
        if not 0 < self.deployed_top_p <= 1 or self.deployed_top_k < 0:
            raise InputError(
                "audit",
                f"deployed_top_p must be in (0, 1] and deployed_top_k >= 0, got "
                f"{self.deployed_top_p} and {self.deployed_top_k}",
            )
        return self

    @property
    def deployed_t(self) -> float:
        """The deployed decoding temperature (``temperature`` unless set)."""
        return self.temperature if self.deployed_temperature is None else self.deployed_temperature
