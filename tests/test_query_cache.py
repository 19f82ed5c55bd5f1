"""The aggregate cache recomputes single-flight: one caller recomputes, concurrent ones never pile onto it."""

from __future__ import annotations

import threading

import pytest

from app.queries import cache


@pytest.fixture()
def version(monkeypatch):
    """The data version as a mutable cell, so a test can 'ingest' without writing rows."""
    cell = {"v": (1,)}
    monkeypatch.setattr(cache, "data_version", lambda session: cell["v"])
    cache.clear()
    yield cell
    cache.clear()


def test_a_new_data_version_is_recomputed_by_the_next_request(session, version):
    assert cache.cached(session, "k", lambda: "first") == "first"
    assert cache.cached(session, "k", lambda: "unused") == "first"
    version["v"] = (2,)
    assert cache.cached(session, "k", lambda: "second") == "second"


def test_concurrent_requests_serve_the_previous_value_while_one_recomputes(session, version):
    cache.cached(session, "k", lambda: "old")
    version["v"] = (2,)
    started, release = threading.Event(), threading.Event()

    def slow() -> str:
        started.set()
        release.wait(10)
        return "new"

    results: list[str] = []
    worker = threading.Thread(target=lambda: results.append(cache.cached(session, "k", slow)))
    worker.start()
    assert started.wait(10)
    calls: list[int] = []
    assert cache.cached(session, "k", lambda: calls.append(1) or "again") == "old"
    assert calls == []  # the recomputation in flight was not repeated
    release.set()
    worker.join(10)
    assert results == ["new"]
    assert cache.cached(session, "k", lambda: "unused") == "new"


def test_with_nothing_cached_yet_concurrent_requests_wait_for_one_computation(session, version):
    started, release = threading.Event(), threading.Event()
    calls: list[int] = []

    def slow() -> str:
        calls.append(1)
        started.set()
        release.wait(10)
        return "value"

    results: list[str] = []
    threads = [threading.Thread(target=lambda: results.append(cache.cached(session, "k", slow))) for _ in range(3)]
    threads[0].start()
    assert started.wait(10)
    for thread in threads[1:]:
        thread.start()
    release.set()
    for thread in threads:
        thread.join(10)
    assert results == ["value"] * 3
    assert calls == [1]
