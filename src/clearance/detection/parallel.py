"""Detection spread over worker processes.

The Rust gate already runs on every core, but the exact pass that follows (Python ``re`` offsets,
validators, context scoring, overlap resolution) holds the GIL and is most of the time on
free text. A large batch is therefore split into one share per worker, balanced by characters,
and each worker process runs the whole engine on its share. The workers come from joblib's loky
executor, which starts clean interpreters (no fork of a process whose Polars threads are
running), keeps them for the next batch and restarts them if one dies.

Only engines a worker can rebuild by name are sent: the built-in detectors (all or a subset, by
id) with no NER backend. Texts go to the workers and matches come back through pipes between our
own processes; nothing is written anywhere. A batch whose workers fail is detected in process.

This module only spreads the work; it knows no engine. The engine describes itself as a
:class:`WorkerEngine` and hands over the function a worker runs (``work``, a module-level
function of the engine's module, which a worker imports by name), so the engine depends on this
module and not the other way round.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from clearance.detection.match import Match
from clearance.detection.registry import Registry, default_registry
from clearance.errors import PolicyError

log = logging.getLogger(__name__)

# Below these a batch is detected in process: starting the work and moving the texts and matches
# between processes costs more than the second core saves.
MIN_PARALLEL_CHARS = 100_000
MIN_PARALLEL_TEXTS = 256
# Short values (a column of names or e-mails) spend their time in the Rust gate, which already
# uses every core: splitting them only adds the transfer (a 1M-row table scan was slower with
# two workers than without). Free text spends it in the Python pass, which two workers speed up
# (benchmarks/results/scan_table_*.json and the README have the figures).
MIN_PARALLEL_MEAN_CHARS = 64
# Starting a worker (a fresh interpreter that imports clearance and builds the registry) is
# slow: a one-off batch must be this large to win it back (as measured when the limit was set,
# in one process, on free text). Once started, workers serve every batch over MIN_PARALLEL_CHARS;
# a long-running caller starts them up front with Engine.start_workers().
COLD_START_CHARS = 4_000_000
# Idle workers exit after this many seconds; the next large batch starts them again.
_IDLE_TIMEOUT_S = 300

_started: set[int] = set()  # worker counts whose processes this process has running


@dataclass(frozen=True)
class WorkerEngine:
    """What a worker needs to rebuild an engine: the built-in detectors by id (``()``: all of
    the default registry), the threshold, the batch size and the calibration map (``"bundled"``
    for the bundled one, else its JSON, or ``None`` for hand-set scores). Hashable: a worker
    builds each engine once."""

    ids: tuple[str, ...]
    threshold: float
    batch_size: int
    calibration: str | None


# Runs in a worker: the engine ``WorkerEngine`` describes, on ``texts`` with ``context``.
Work = Callable[[WorkerEngine, list[str], str], list[list[Match]]]
# Runs in this process on its own share.
Local = Callable[[list[str]], list[list[Match]]]


def default_workers() -> int:
    """``CLEARANCE_WORKERS`` when set (1: never spawn), else the number of usable cores; a value
    that is not a whole number raises :class:`~clearance.errors.PolicyError` (exit 4)."""
    env = os.environ.get("CLEARANCE_WORKERS", "").strip()
    if env:
        try:
            return max(1, int(env))
        except ValueError:
            raise PolicyError(
                f"CLEARANCE_WORKERS must be a whole number (1: one process), got {env!r}"
            ) from None
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover (macOS, Windows)
        return max(1, os.cpu_count() or 1)


def detector_ids(registry: Registry) -> tuple[str, ...] | None:
    """How a worker rebuilds ``registry``: ``()`` for the whole default registry, the ids of a
    subset of it, or ``None`` when it holds a detector of its own (which cannot be sent)."""
    default = default_registry()
    if registry is default:
        return ()
    ids = []
    for det in registry:
        if det.id not in default or default[det.id] is not det:
            return None
        ids.append(det.id)
    return tuple(ids) if len(ids) < len(default) else ()


def should_parallelize(texts: Sequence[str], workers: int) -> bool:
    """Whether a batch is worth spreading over ``workers`` processes (the engine decides
    whether it can be sent at all)."""
    if workers <= 1 or len(texts) < MIN_PARALLEL_TEXTS:
        return False
    chars = sum(map(len, texts))
    if chars < MIN_PARALLEL_CHARS or chars < MIN_PARALLEL_MEAN_CHARS * len(texts):
        return False
    return workers in _started or chars >= COLD_START_CHARS


def start(work: Work, engine: WorkerEngine, workers: int) -> bool:
    """Starts the worker processes and builds ``engine`` in each (by running ``work`` once), so
    that the next batches are spread at once; ``False`` for one worker or when they failed."""
    if workers <= 1:
        return False
    from joblib.externals.loky import get_reusable_executor

    try:
        executor = get_reusable_executor(max_workers=workers - 1, timeout=_IDLE_TIMEOUT_S)
        args = (engine, ["warm up"], "")
        for future in [executor.submit(work, *args) for _ in range(workers - 1)]:
            future.result()
    except Exception as exc:
        log.warning("detection workers failed to start (%s)", type(exc).__name__)
        return False
    _started.add(workers)
    return True


def shares(texts: Sequence[str], n: int) -> list[list[int]]:
    """``n`` lists of text indices with about the same number of characters each (longest text
    first to the lightest share), each in input order."""
    loads = [0] * n
    out: list[list[int]] = [[] for _ in range(n)]
    for i in sorted(range(len(texts)), key=lambda i: -len(texts[i])):
        k = loads.index(min(loads))
        out[k].append(i)
        loads[k] += len(texts[i])
    return [sorted(s) for s in out if s]


def detect_parallel(
    work: Work,
    engine: WorkerEngine,
    local: Local,
    texts: Sequence[str],
    context: str,
    workers: int,
) -> list[list[Match]] | None:
    """Matches per text computed by ``workers`` processes (``work`` in each worker, ``local``
    on this process's share), or ``None`` when the workers failed (the caller then detects in
    process)."""
    from joblib.externals.loky import get_reusable_executor

    parts = shares(texts, workers)
    if len(parts) < 2:
        return None
    try:
        # this process takes the last share itself rather than wait idle for the others
        executor = get_reusable_executor(max_workers=len(parts) - 1, timeout=_IDLE_TIMEOUT_S)
        futures = [
            executor.submit(work, engine, [texts[i] for i in part], context) for part in parts[:-1]
        ]
        out: list[list[Match]] = [[] for _ in texts]
        mine = local([texts[i] for i in parts[-1]])
        for i, found in zip(parts[-1], mine, strict=True):
            out[i] = found
        for part, future in zip(parts, futures, strict=False):
            for i, found in zip(part, future.result(), strict=True):
                out[i] = found
    except Exception as exc:  # a worker killed (memory), a broken pool: fall back, say why
        log.warning("detection workers failed (%s); detecting in process", type(exc).__name__)
        _started.discard(workers)
        return None
    _started.add(workers)
    return out
