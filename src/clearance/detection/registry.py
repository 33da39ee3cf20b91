"""The one registry of detectors: sorted by id, duplicate ids refused, nothing registered by import
side effect. ``default_registry()`` assembles the built-in PII, secret and special-category
detectors explicitly."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import lru_cache

from clearance.detection.detector import Detector


class Registry:
    def __init__(self, detectors: Iterable[Detector]) -> None:
        by_id: dict[str, Detector] = {}
        for det in detectors:
            if det.id in by_id:
                raise ValueError(f"duplicate detector id {det.id!r}")
            by_id[det.id] = det
        self._by_id = dict(sorted(by_id.items()))

    def __iter__(self) -> Iterator[Detector]:
        return iter(self._by_id.values())

    def __len__(self) -> int:
        return len(self._by_id)

    def __getitem__(self, detector_id: str) -> Detector:
        return self._by_id[detector_id]

    def __contains__(self, detector_id: object) -> bool:
        return detector_id in self._by_id

    @property
    def entities(self) -> list[str]:
        return sorted({d.entity for d in self})

    def select(
        self,
        entities: Iterable[str] | None = None,
        categories: Iterable[str] | None = None,
    ) -> Registry:
        """A sub-registry limited to some entity types and/or categories."""
        ents = {e.upper() for e in entities} if entities else None
        cats = set(categories) if categories else None
        unknown = (ents or set()) - set(self.entities)
        if unknown:
            raise ValueError(
                f"unknown entity type(s) {', '.join(sorted(unknown))}; "
                f"known: {', '.join(self.entities)}"
            )
        return Registry(
            d
            for d in self
            if (ents is None or d.entity in ents) and (cats is None or d.category in cats)
        )


@lru_cache(maxsize=1)
def default_registry() -> Registry:
    from clearance.detection.pii import PII_DETECTORS
    from clearance.detection.secrets import SECRET_DETECTORS
    from clearance.detection.special import SPECIAL_DETECTORS

    return Registry([*PII_DETECTORS, *SECRET_DETECTORS, *SPECIAL_DETECTORS])
