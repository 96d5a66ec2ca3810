"""Threads and memory: the GIL is released during runs, threads with their own sessions give
the bytes of one thread, one session used by two threads at once refuses, and 10,000 runs do
not grow the process."""

import threading

import numpy as np
import pytest

import dnz
from conftest import built_in_backends


def rss_bytes():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * 4096


@pytest.fixture(scope="module")
def digits():
    clean = np.zeros((64, 28, 28), np.uint8)
    clean[:, 6:22, 12:16] = 255  # a "1"
    return dnz.add_noise(clean, 0.7, seed=5)


def test_threads_with_their_own_sessions_give_one_threads_bytes(digits):
    for backend in built_in_backends():
        expected = dnz.Session(backend=backend).run(digits)
        results = [None] * 4

        def work(i):
            session = dnz.Session(backend=backend)
            results[i] = np.concatenate([session.run(digits[j : j + 7]) for j in range(0, len(digits), 7)])

        threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        for r in results:
            np.testing.assert_array_equal(r, expected)


def test_the_gil_is_released_while_running(digits):
    session = dnz.Session(backend="ref")
    many = np.repeat(digits, 2, axis=0)  # ref: over a second of work in one call
    done = threading.Event()
    worker = threading.Thread(target=lambda: (session.run(many), done.set()))
    ticks = 0
    worker.start()
    while not done.is_set():
        ticks += 1  # runs only while the worker does not hold the GIL
        done.wait(0.001)
    worker.join()
    assert ticks > 50


def test_one_session_on_two_threads_is_refused_not_corrupted(digits):
    session = dnz.Session(backend="ref")
    expected = session.run(digits)
    many = np.repeat(digits, 2, axis=0)
    results, busy, close_refused, done = [], 0, 0, threading.Event()

    def long_run():
        results.append(session.run(many))
        done.set()

    worker = threading.Thread(target=long_run)
    worker.start()
    while not done.is_set():
        try:
            np.testing.assert_array_equal(session.run(digits[0]), expected[0])
        except dnz.SessionBusyError as e:
            assert "another thread" in str(e)
            busy += 1
            try:
                session.close()  # not while it runs
            except dnz.SessionBusyError:
                close_refused += 1
    worker.join()
    assert busy > 0 and close_refused > 0
    np.testing.assert_array_equal(results[0], np.repeat(expected, 2, axis=0))


def test_ten_thousand_runs_do_not_grow_the_process(digits):
    session = dnz.Session()
    x = digits[0]
    out = np.empty_like(x)
    for _ in range(1000):  # warm up: arena pages, oneDNN's lazy set-up, numpy's caches
        session.run(x)
    before = rss_bytes()
    for i in range(10000):
        session.run(x)
        session.run(x, out=out)
        if i % 10 == 0:
            try:
                session.run(np.zeros((3, 3), np.uint8))
            except dnz.InputError:
                pass
    grown = rss_bytes() - before
    assert grown < 512 * 1024, f"RSS grew by {grown} bytes over 10,000 runs"
