"""A per-user cache of the trained tiny-LM test fixture (:mod:`tests.llm.fixtures`).

Training the fixture model takes minutes on a CPU, so it is trained once per machine and kept
by **content key** in a per-user cache that survives fresh clones of the repository:

* location: ``$CLEARANCE_TINY_LM_CACHE`` when set (``off``: no cache, the caller builds into a
  temporary folder), else ``$XDG_CACHE_HOME/clearance/tiny-lm``, else
  ``~/.cache/clearance/tiny-lm``;
* key (:func:`tiny_lm_key`): a hash of the source of ``tests/llm/fixtures.py`` (corpus
  generator and trainer), the training configuration, the seed and the torch/transformers
  versions; changing any of them gives a new entry ``<cache>/<key>``;
* :func:`cached_build` builds an entry in a sibling folder ``<key>.partial-<pid>``, writes a
  completion marker in it and renames it into place: an entry without the marker (an
  interrupted build, a copy) is never used, it is rebuilt. A lock file ``<key>.lock``
  (``filelock``) makes concurrent processes (two pytest runs) wait for the one that builds
  instead of training the model twice; the waiting one says so.

Nothing here trains anything: the build is a callable (``tests/llm/conftest.py`` passes the
corpus generator and the trainer).
"""

from __future__ import annotations

import hashlib
import os
import shutil
from collections.abc import Callable, Mapping
from pathlib import Path

__all__ = [
    "CACHE_ENV",
    "COMPLETE_MARKER",
    "cache_dir",
    "cached_build",
    "is_complete",
    "tiny_lm_key",
]

CACHE_ENV = "CLEARANCE_TINY_LM_CACHE"
COMPLETE_MARKER = ".complete"
_WAIT_NOTICE_S = 30.0


def cache_dir(env: Mapping[str, str] | None = None) -> Path | None:
    """Where trained fixtures are kept, or ``None`` when ``CLEARANCE_TINY_LM_CACHE=off``."""
    env = os.environ if env is None else env
    setting = env.get(CACHE_ENV, "").strip()
    if setting.lower() == "off":
        return None
    if setting:
        return Path(setting).expanduser()
    xdg = env.get("XDG_CACHE_HOME", "").strip()
    # the XDG spec: a relative XDG_CACHE_HOME is invalid and ignored
    base = Path(xdg) if xdg and Path(xdg).is_absolute() else Path.home() / ".cache"
    return base / "clearance" / "tiny-lm"


def tiny_lm_key(
    seed: int = 0,
    *,
    source: bytes | None = None,
    config_json: str | None = None,
    versions: tuple[str, str] | None = None,
) -> str:
    """The content key of the fixture trained with ``seed``: 16 hex digits.

    ``source`` (default: the bytes of ``tests/llm/fixtures.py``), ``config_json`` (default:
    ``TinyLMConfig(seed=seed)`` as JSON) and ``versions`` (default: the installed torch and
    transformers versions) are parameters so that the key can be checked without them."""
    if source is None or config_json is None:
        from tests.llm import fixtures

        if source is None:
            source = Path(fixtures.__file__).read_bytes()
        if config_json is None:
            config_json = fixtures.TinyLMConfig(seed=seed).model_dump_json()
    if versions is None:
        import torch
        import transformers

        versions = (str(torch.__version__), str(transformers.__version__))
    base = hashlib.sha256(source + config_json.encode()).hexdigest()[:16]
    blob = f"{base}|{versions[0]}|{versions[1]}|{seed}"
    return hashlib.sha256(blob.encode()).hexdigest()[:16]


def is_complete(entry: Path) -> bool:
    """Whether ``entry`` is a finished build (its completion marker is there)."""
    return (entry / COMPLETE_MARKER).is_file()


def cached_build(
    root: Path,
    key: str,
    build: Callable[[Path], None],
    *,
    log: Callable[[str], None] | None = None,
) -> Path:
    """``root/key``, built by ``build(folder)`` unless a complete entry is already there.

    Only one process builds a key at a time (a lock file beside the entry); the others wait and
    then use its result. A build that raises leaves nothing behind that could be used."""
    from filelock import FileLock, Timeout

    say = log or (lambda _msg: None)
    entry = root / key
    if is_complete(entry):
        return entry
    root.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(root / f"{key}.lock"))
    waited = 0.0
    while True:
        try:
            lock.acquire(timeout=_WAIT_NOTICE_S)
            break
        except Timeout:
            waited += _WAIT_NOTICE_S
            say(f"waiting for another process building {entry} ({waited:.0f}s)")
    try:
        if is_complete(entry):  # built by the process we waited for
            return entry
        for stale in root.glob(f"{key}.partial-*"):  # left by a build that was killed
            shutil.rmtree(stale, ignore_errors=True)
        partial = root / f"{key}.partial-{os.getpid()}"
        try:
            build(partial)
            (partial / COMPLETE_MARKER).write_text(key + "\n", "utf-8")
            if entry.exists():  # incomplete: no marker
                shutil.rmtree(entry)
            partial.rename(entry)
        except BaseException:
            shutil.rmtree(partial, ignore_errors=True)
            raise
    finally:
        lock.release()
    return entry
