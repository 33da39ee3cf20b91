"""The cyclic collector held off while a batch is detected, and given back as it was."""

from __future__ import annotations

import gc
import os
import threading
import weakref
from collections.abc import Iterator

import pytest

from clearance.detection import collector
from clearance.detection.engine import Engine
from clearance.detection.pii import lexicons


@pytest.fixture
def collector_on() -> Iterator[None]:
    was = gc.isenabled()
    gc.enable()
    yield
    if not was:
        gc.disable()


def test_paused_turns_the_collector_off_and_back_on(collector_on: None) -> None:
    with collector.paused():
        assert not gc.isenabled()
        with collector.paused():  # nested: still off, and still off after the inner block
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()


def test_paused_gives_the_collector_back_after_an_error(collector_on: None) -> None:
    with pytest.raises(ValueError), collector.paused():
        raise ValueError("boom")
    assert gc.isenabled()


def test_a_collector_the_caller_turned_off_stays_off(collector_on: None) -> None:
    gc.disable()
    with collector.paused():
        assert not gc.isenabled()
    assert not gc.isenabled()
    Engine(workers=1).detect_batch(["Dear Mr John Smith, call 212-555-0134"])
    assert not gc.isenabled()


def test_threads_share_one_pause(collector_on: None) -> None:
    inside = threading.Event()
    leave = threading.Event()
    states: list[bool] = []

    def other() -> None:
        with collector.paused():
            inside.set()
            leave.wait(5)
            states.append(gc.isenabled())

    t = threading.Thread(target=other)
    t.start()
    inside.wait(5)
    with collector.paused():
        pass
    states.append(gc.isenabled())  # the other thread is still inside: still off
    leave.set()
    t.join(5)
    assert states == [False, False]
    assert gc.isenabled()  # the last one out turned it back on


def test_detection_leaves_the_collector_on(collector_on: None) -> None:
    found = Engine(workers=1).detect_batch(["Dear Mr John Smith, call 212-555-0134"] * 3)
    assert all(found)
    assert gc.isenabled()


def test_a_cycle_made_during_a_batch_is_collected_after_it(collector_on: None) -> None:
    class Node:
        pass

    with collector.paused():
        a, b = Node(), Node()
        a.other, b.other = b, a  # type: ignore[attr-defined]
        refs = [weakref.ref(a), weakref.ref(b)]
        del a, b
        gc.collect()  # asked for by name, a collection runs even while paused
        assert all(r() is None for r in refs)
        c, d = Node(), Node()
        c.other, d.other = d, c  # type: ignore[attr-defined]
        refs = [weakref.ref(c), weakref.ref(d)]
        del c, d
        for _ in range(10_000):  # allocations that would set a running collector off
            [[]]  # noqa: B018
        assert all(r() is not None for r in refs)  # garbage that reference counts cannot free
    gc.collect()
    assert all(r() is None for r in refs)


def test_the_lexicons_are_out_of_the_collectors_sight() -> None:
    names, places = lexicons.names(), lexicons.places()
    held = [names.first, names.last, names.any_name, names.common, places.places, places.major]
    assert all(len(words) > 100 for words in held)
    assert not any(gc.is_tracked(words) for words in held)
    assert "maria" in names.first and "lisbon" in places.places


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_a_child_forked_during_a_pause_gets_its_collector_back(collector_on: None) -> None:
    read, write = os.pipe()
    with collector.paused():
        pid = os.fork()
        if pid == 0:  # the child: the thread that paused is not here to give it back
            os.close(read)
            os.write(write, b"1" if gc.isenabled() else b"0")
            os._exit(0)
        os.close(write)
        assert not gc.isenabled()  # the parent is still inside its pause
    with os.fdopen(read, "rb") as fh:
        assert fh.read() == b"1"
    os.waitpid(pid, 0)
    assert gc.isenabled()
