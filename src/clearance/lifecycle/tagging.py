"""The tags (:mod:`clearance.io.tags`) of the files ``retention apply`` and ``erase`` rewrite:
the policy's purpose, what was done (the retention cut-off, the erasure) and the run's record.

The record holds every rewritten file's hash (``sha256_after``), so the tags cannot hold the
record's: as for ``redact``'s manifest, they carry the run's ``run_id`` (the record has the
same) and the record's path relative to the file; :func:`clearance.io.tags.verify_tags` checks
both. A dry run writes nothing and tags nothing.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from clearance._version import __version__
from clearance.io.tags import OutputTags, Sensitivity, run_id


@dataclass(frozen=True)
class Tagger:
    """Tags for one run's rewritten files; ``record`` None (a dry run): no tags."""

    command: str
    purpose: str
    policy_sha256: str
    record: Path | None
    run_id: str

    @classmethod
    def for_run(
        cls, command: str, purpose: str, policy_sha256: str, record: Path | None, now: datetime
    ) -> Tagger:
        run = run_id([__version__, command, policy_sha256, now.isoformat()])
        return cls(command, purpose, policy_sha256, record, run)

    def __call__(
        self, target: Path, input_sha256: str, sensitivity: Sensitivity
    ) -> OutputTags | None:
        if self.record is None:
            return None
        return OutputTags(
            purpose=self.purpose,
            run_id=self.run_id,
            manifest=Path(os.path.relpath(self.record, target.parent)).as_posix(),
            policy_sha256=self.policy_sha256,
            input_sha256=input_sha256,
            command=self.command,
            sensitivity=sensitivity,
        )


ERASED = Sensitivity(treatment="erasure")
