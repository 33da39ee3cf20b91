"""The canary exposure report (``clearance llm canary measure``) and its library entry point.

:func:`measure_canary_file` reads the canary records written by ``canary make``, loads the model,
measures each canary's exposure (:func:`clearance.llm.exposure.measure_exposures`) and returns a
:class:`CanaryExposureReport`: ids, formats, numbers and keyed fingerprints, never a canary
value.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Literal

from clearance.core.model import FrozenModel
from clearance.llm.canary import read_canaries
from clearance.llm.exposure import Exposure, measure_exposures
from clearance.privacy import Fingerprinter

__all__ = ["EXPOSURE_METHOD", "CanaryExposureReport", "ExposureRow", "measure_canary_file"]

EXPOSURE_METHOD = (
    "exposure = log2|R| - log2 rank (Carlini et al. 2019); exposure_rank: "
    "rank among `candidates` uniform references, log2(c+1) - log2(rank); "
    "exposure_extrapolated: -log2 of the skew-normal lower tail of the references' "
    "log-perplexities, clipped to [0, log2|R|]"
)


class ExposureRow(Exposure):
    """One canary's exposure (:class:`clearance.llm.exposure.Exposure`'s fields, floats rounded
    to 4 places), then its keyed fingerprint."""

    fingerprint: str


class CanaryExposureReport(FrozenModel):
    """The exposure of every canary of a file against one model."""

    kind: Literal["clearance-canary-exposure"] = "clearance-canary-exposure"
    model: str
    candidates: int
    seed: int
    method: str = EXPOSURE_METHOD
    canaries: list[ExposureRow]

    def to_json(self) -> str:
        """The report as written by ``canary measure`` (indented JSON, one final newline)."""
        return json.dumps(self.model_dump(mode="json"), indent=2) + "\n"


def measure_canary_file(
    canaries_path: Path,
    model: str,
    *,
    fingerprinter: Fingerprinter,
    candidates: int = 1000,
    seed: int = 0,
    device: str = "cpu",
    batch_size: int = 8,
    progress: Callable[[int, int], None] | None = None,
) -> CanaryExposureReport:
    """The exposure of each canary of ``canaries_path`` in ``model``: a local folder,
    ``hf:PATH[#FILE.gguf]`` or ``openai:URL#MODEL`` (:func:`~clearance.llm.backends.load_backend`;
    ``device`` and ``batch_size`` apply to local models). ``fingerprinter`` must hold the key
    the canaries' manifest was written with, so that the fingerprints join."""
    from clearance.llm import backends

    canaries = read_canaries(canaries_path)
    spec = model if model.startswith(("hf:", "openai:")) else f"hf:{model}"
    options = {"device": device, "batch_size": batch_size} if spec.startswith("hf:") else {}
    backend = backends.load_backend(spec, **options)
    exposures = measure_exposures(
        backend, canaries, candidates=candidates, seed=seed, progress=progress
    )
    rows = [
        ExposureRow(**e.to_dict(), fingerprint=c.fingerprint(fingerprinter))
        for c, e in zip(canaries, exposures, strict=True)
    ]
    return CanaryExposureReport(model=backend.name, candidates=candidates, seed=seed, canaries=rows)
