"""Python's cyclic garbage collector, held off while a batch is detected.

A batch of free text allocates tens of thousands of short-lived, acyclic objects (matches,
their tuples and lists, ``re`` match objects): reference counting frees them, and the cyclic
collector finds nothing among them, yet their allocations set it off 25 times a batch, and about
once in five batches for a full collection that walks every object of the process. Measured on
the independent benchmark (1,768 texts): about 9 ms of a 255 ms batch on average, and 27 ms in
the batch that gets the full collection (68 ms before the lexicons left the collector's sight,
:data:`clearance.detection.pii.lexicons.WordSet`). In a parallel batch that pause falls in one of
the two processes and the whole batch waits for it: wall time p90 215-240 ms against a median of
155 ms.

While paused, the objects that a batch leaves behind are collected by the first collection
after it, as Python would have done. Only our own rule pass is paused, not a model's inference
(which may make cycles of its own), and a collector the caller turned off stays off.
"""

from __future__ import annotations

import gc
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_depth = 0  # threads inside paused() now
_was_enabled = False  # the collector's state when the first of them entered


@contextmanager
def paused() -> Iterator[None]:
    """The cyclic collector off inside the block (shared by threads: back on when the last one
    leaves, and only if it was on when the first one entered)."""
    global _depth, _was_enabled
    with _lock:
        if _depth == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0 and _was_enabled:
                gc.enable()


def _after_fork_in_child() -> None:
    # a process forked while a thread of its parent was inside paused(): that thread does not
    # exist in the child, so nobody would turn the collector back on there
    global _depth, _lock
    _lock = threading.Lock()
    if _depth:
        _depth = 0
        if _was_enabled:
            gc.enable()


if hasattr(os, "register_at_fork"):  # not on Windows, which does not fork
    os.register_at_fork(after_in_child=_after_fork_in_child)


def freeze_process() -> None:
    """Moves every object alive now out of the collector's generations for good (``gc.freeze``),
    so that later collections walk only what is made afterwards. For a worker process of ours
    once its engine is built (modules, registry, compiled patterns); never for a caller's
    process, whose objects are not ours to pin."""
    gc.collect()
    gc.freeze()
