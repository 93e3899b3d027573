"""The server's detector pool: one borrower per object, and waiting threads served in arrival order."""

from __future__ import annotations

import threading
import time

import pytest

from facedemo.server.pool import FairPool


def _wait_until(condition, seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.001)


def test_waiting_threads_get_the_object_in_the_order_they_asked():
    pool, order = FairPool(["detector"]), []

    def borrow(i):
        with pool.borrowed() as item:
            order.append((i, item))

    threads = []
    with pool.borrowed():
        for i in range(6):  # each starts waiting only once the one before it waits
            threads.append(threading.Thread(target=borrow, args=(i,)))
            threads[-1].start()
            _wait_until(lambda i=i: pool.waiting == i + 1)
    for thread in threads:
        thread.join(10)
    assert order == [(i, "detector") for i in range(6)]


def test_no_object_is_lent_to_two_threads_at_once():
    pool, lock = FairPool(["a", "b"]), threading.Lock()
    holders, most = {"a": 0, "b": 0}, {"a": 0, "b": 0}

    def work():
        for _ in range(200):
            with pool.borrowed() as item:
                with lock:
                    holders[item] += 1
                    most[item] = max(most[item], holders[item])
                time.sleep(0)
                with lock:
                    holders[item] -= 1

    threads = [threading.Thread(target=work) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert most == {"a": 1, "b": 1} and holders == {"a": 0, "b": 0}


def test_a_block_that_raises_gives_the_object_back():
    pool = FairPool(["only"])
    with pytest.raises(ValueError), pool.borrowed():
        raise ValueError("the detector failed")
    with pool.borrowed() as item:
        assert item == "only"
