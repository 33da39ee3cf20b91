"""Detection settings: what every job that runs the engine lets its user choose, checked here.

``scan``, ``detect``, ``audit`` and the LLM inventory and audit build their engine from one
:class:`DetectionSettings`: which entity types (or categories) to report, the score threshold,
an optional local NER model, the worker processes and the calibration map. The values are
validated by the model, so a library caller gets the same refusal as the command line; the CLI
only turns its options into a model and names its own flag in the message
(:class:`InvalidSetting` carries the field).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from clearance.detection import calibration as calibrations
from clearance.detection.engine import Engine
from clearance.detection.ner import load_ner, ner_spec_problem
from clearance.detection.registry import Registry, default_registry
from clearance.errors import PolicyError

__all__ = ["DetectionSettings", "InvalidSetting"]


class InvalidSetting(PolicyError):
    """A detection setting that is not allowed (exit 4). ``field`` names the setting and
    ``detail`` follows it in the message (``threshold 2.0: must be between 0 and 1``), so that
    the CLI can name its option instead (``--threshold 2.0: ...``)."""

    def __init__(self, field: str, detail: str) -> None:
        self.field = field
        self.detail = detail
        super().__init__(f"{field}{detail}")


class DetectionSettings(BaseModel):
    """How to build the detection engine (:meth:`engine`); validate with :meth:`of`."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    entities: tuple[str, ...] | None = Field(
        default=None, description="entity types to report (None or empty: every type)"
    )
    categories: tuple[str, ...] | None = Field(
        default=None,
        description="detector categories to run: pii, secret, special_category (None or empty: "
        "every category)",
    )
    threshold: float = Field(default=0.0, description="drop matches scoring below this (0-1)")
    ner: str | None = Field(
        default=None, description="a local NER model: spacy:PATH_OR_NAME, hf:PATH or gliner:PATH"
    )
    workers: int | None = Field(
        default=None, ge=1, description="processes for large inputs (None: CLEARANCE_WORKERS)"
    )
    calibration: Path | Literal["bundled"] | None = Field(
        default="bundled",
        description='score map: "bundled", the path of one from `clearance calibrate`, or None '
        "for the hand-set scores",
    )

    @field_validator("entities")
    @classmethod
    def _known_entities(cls, value: tuple[str, ...] | None) -> tuple[str, ...] | None:
        if value:
            try:
                default_registry().select(entities=value)
            except ValueError as exc:
                raise ValueError(f": {exc}") from None
        return value

    @field_validator("categories")
    @classmethod
    def _known_categories(cls, value: tuple[str, ...] | None) -> tuple[str, ...] | None:
        known = sorted({d.category for d in default_registry()})
        unknown = sorted(set(value or ()) - set(known))
        if unknown:
            raise ValueError(f" {', '.join(unknown)}: expected some of {', '.join(known)}")
        return value

    @field_validator("threshold")
    @classmethod
    def _threshold_in_range(cls, value: float) -> float:
        if not 0.0 <= value <= 1.0:
            raise ValueError(f" {value}: must be between 0 and 1")
        return value

    @field_validator("ner")
    @classmethod
    def _ner_spec(cls, value: str | None) -> str | None:
        problem = None if value is None else ner_spec_problem(value)
        if problem is not None:
            raise ValueError(f" {value!r}: {problem}")
        return value

    @field_validator("calibration", mode="before")
    @classmethod
    def _calibration_path(cls, value: object) -> object:
        # any text but "bundled" names a file (a map called "bundled" is ./bundled)
        return Path(value) if isinstance(value, str) and value != "bundled" else value

    @classmethod
    def of(cls, **values: Any) -> DetectionSettings:
        """The settings, or :class:`InvalidSetting` naming the first field refused (in the
        order of the fields)."""
        try:
            return cls(**values)
        except ValidationError as exc:
            err = exc.errors()[0]
            field = str(err["loc"][0]) if err["loc"] else "settings"
            cause = (err.get("ctx") or {}).get("error")
            if isinstance(cause, ValueError):  # ours: the detail as written above
                raise InvalidSetting(field, str(cause)) from None
            raise InvalidSetting(field, f" {err.get('input')!r}: {err['msg']}") from None

    def registry(self) -> Registry:
        """The detectors of the chosen entity types and categories."""
        registry = default_registry()
        if not (self.entities or self.categories):
            return registry
        return registry.select(entities=self.entities or None, categories=self.categories or None)

    def calibration_map(self) -> calibrations.Calibration | None:
        """The chosen map, loaded (``InputError`` names a file that is not one)."""
        if self.calibration == "bundled":
            return calibrations.bundled()
        return None if self.calibration is None else calibrations.load(self.calibration)

    def engine(self) -> Engine:
        """The engine these settings describe (the NER model loads on first use)."""
        return Engine(
            registry=self.registry(),
            threshold=self.threshold,
            ner=None if self.ner is None else load_ner(self.ner, self.threshold),
            workers=self.workers,
            calibration=self.calibration_map(),
        )
