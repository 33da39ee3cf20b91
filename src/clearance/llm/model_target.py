"""The model an LLM audit probes (:func:`clearance.llm.audit.run_llm_audit_paths`): a local
folder or an OpenAI-compatible endpoint, validated here (no import of the detection stack, so
that :mod:`clearance.llm.backends` stays light).
"""

from __future__ import annotations

from pathlib import Path
from typing import Self

from pydantic import BaseModel, ConfigDict, model_validator

from clearance.errors import InputError

__all__ = ["EndpointModel", "LocalModel", "ModelTarget"]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class LocalModel(_Frozen):
    """A local model folder (transformers), or a folder holding ``gguf_file``."""

    path: Path
    gguf_file: str | None = None


class EndpointModel(_Frozen):
    """A model behind an OpenAI-compatible endpoint (``url``: http:// or https://).

    ``request_timeout``: seconds one request may take in full; ``deadline_s``: seconds the whole
    audit may spend on the endpoint (``None``: no limit)."""

    url: str
    model: str
    request_timeout: float = 60.0
    deadline_s: float | None = None

    @model_validator(mode="after")
    def _check(self) -> Self:
        if not self.url.startswith(("http://", "https://")):
            raise InputError("endpoint", "the URL must start with http:// or https://")
        if not self.model:
            raise InputError("endpoint", "the model name is empty")
        return self


ModelTarget = LocalModel | EndpointModel
"""The model an audit probes."""
