"""The per-user cache of the tiny-LM fixture, checked with a fake build (nothing is trained)."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from tests.llm import fixtures
from tests.llm.fixture_cache import (
    COMPLETE_MARKER,
    cache_dir,
    cached_build,
    is_complete,
    tiny_lm_key,
)


def test_cache_dir_is_per_user_and_survives_fresh_clones(tmp_path: Path) -> None:
    home = Path.home()
    assert cache_dir({}) == home / ".cache" / "clearance" / "tiny-lm"
    assert cache_dir({"XDG_CACHE_HOME": str(tmp_path)}) == tmp_path / "clearance" / "tiny-lm"
    # the XDG spec ignores a relative XDG_CACHE_HOME
    assert cache_dir({"XDG_CACHE_HOME": "rel"}) == home / ".cache" / "clearance" / "tiny-lm"
    assert cache_dir({"CLEARANCE_TINY_LM_CACHE": str(tmp_path / "c"), "XDG_CACHE_HOME": "/x"}) == (
        tmp_path / "c"
    )
    assert cache_dir({"CLEARANCE_TINY_LM_CACHE": "off"}) is None
    assert cache_dir({"CLEARANCE_TINY_LM_CACHE": "OFF"}) is None
    # never inside the repository: a fresh clone must find it
    repo = Path(__file__).resolve().parents[2]
    assert repo not in (cache_dir({}) or repo).parents


def test_key_changes_with_every_input() -> None:
    src, cfg, vers = b"def train(): ...", '{"steps": 400}', ("2.13.0", "4.57.0")
    base = tiny_lm_key(0, source=src, config_json=cfg, versions=vers)
    assert len(base) == 16 and int(base, 16) >= 0
    assert tiny_lm_key(0, source=src, config_json=cfg, versions=vers) == base
    changed = {
        tiny_lm_key(0, source=src + b"\n# edit", config_json=cfg, versions=vers),
        tiny_lm_key(0, source=src, config_json='{"steps": 401}', versions=vers),
        tiny_lm_key(0, source=src, config_json=cfg, versions=("2.14.0", "4.57.0")),
        tiny_lm_key(0, source=src, config_json=cfg, versions=("2.13.0", "4.58.0")),
        tiny_lm_key(1, source=src, config_json=cfg, versions=vers),
    }
    assert base not in changed and len(changed) == 5


def test_default_key_hashes_the_fixture_source_and_config() -> None:
    vers = ("t", "x")
    real = tiny_lm_key(0, versions=vers)
    source = Path(fixtures.__file__).read_bytes()
    config = fixtures.TinyLMConfig(seed=0).model_dump_json()
    assert real == tiny_lm_key(0, source=source, config_json=config, versions=vers)
    assert real != tiny_lm_key(0, source=source + b" ", config_json=config, versions=vers)
    steps = fixtures.TinyLMConfig(seed=0, steps=1).model_dump_json()
    assert real != tiny_lm_key(0, source=source, config_json=steps, versions=vers)


class CountingBuild:
    def __init__(self, delay: float = 0.0, fail: bool = False) -> None:
        self.calls = 0
        self.delay = delay
        self.fail = fail
        self.lock = threading.Lock()

    def __call__(self, root: Path) -> None:
        with self.lock:
            self.calls += 1
        root.mkdir(parents=True)
        (root / "model.bin").write_text("weights", "utf-8")
        time.sleep(self.delay)
        if self.fail:
            raise RuntimeError("interrupted")
        (root / "training.json").write_text("{}", "utf-8")


def test_built_once_then_reused(tmp_path: Path) -> None:
    build = CountingBuild()
    first = cached_build(tmp_path, "k1", build)
    assert first == tmp_path / "k1" and is_complete(first)
    assert (first / "training.json").is_file()
    assert cached_build(tmp_path, "k1", build) == first
    assert build.calls == 1
    assert cached_build(tmp_path, "k2", build) == tmp_path / "k2"  # another key, another build
    assert build.calls == 2
    assert not list(tmp_path.glob("*.partial-*"))


def test_partial_build_is_never_used(tmp_path: Path) -> None:
    failing = CountingBuild(fail=True)
    with pytest.raises(RuntimeError):
        cached_build(tmp_path, "k", failing)
    assert not (tmp_path / "k").exists()
    assert not list(tmp_path.glob("k.partial-*"))
    # leftovers of a killed build (a partial folder, an entry without its marker): rebuilt
    (tmp_path / "k.partial-99999").mkdir()
    (tmp_path / "k.partial-99999" / "model.bin").write_text("half", "utf-8")
    (tmp_path / "k").mkdir()
    (tmp_path / "k" / "model.bin").write_text("half", "utf-8")
    build = CountingBuild()
    entry = cached_build(tmp_path, "k", build)
    assert build.calls == 1
    assert (entry / "training.json").is_file()
    assert (entry / COMPLETE_MARKER).read_text("utf-8").strip() == "k"
    assert not list(tmp_path.glob("k.partial-*"))


def test_concurrent_builders_build_once(tmp_path: Path) -> None:
    build = CountingBuild(delay=0.5)
    results: list[Path] = []
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            results.append(cached_build(tmp_path, "k", build))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert not errors
    assert build.calls == 1
    assert results == [tmp_path / "k"] * 4


def test_a_waiting_builder_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.llm import fixture_cache

    monkeypatch.setattr(fixture_cache, "_WAIT_NOTICE_S", 0.1)
    from filelock import FileLock

    holder = FileLock(str(tmp_path / "k.lock"))
    holder.acquire()
    messages: list[str] = []
    done = threading.Event()

    def worker() -> None:
        cached_build(tmp_path, "k", CountingBuild(), log=messages.append)
        done.set()

    t = threading.Thread(target=worker)
    t.start()
    time.sleep(0.5)
    assert not done.is_set()  # the lock holds it back
    holder.release()
    t.join(timeout=10)
    assert done.is_set()
    assert any("waiting for another process" in m for m in messages)
