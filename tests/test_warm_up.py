"""A web process warms the default pages' cached aggregates at start (app.queries.warm, Runtime.warm_up)."""

from __future__ import annotations

from app.queries import cache
from app.queries.warm import warm_up
from app.runtime import Runtime
from app.settings import Settings


def cached_keys() -> set[object]:
    return {key for _, key in cache._entries}


def test_warm_up_computes_the_default_pages_aggregates(ids, session_factory):
    done = warm_up(session_factory, budget_s=60, min_events=0)
    assert done[:5] == ["home", "timeline", "actors", "quotes", "map"]
    assert any(name.startswith("actor ") for name in done)  # the busiest actors' pages too
    assert done[-1].startswith("timeline of ")  # and the busiest one's timeline
    keys = cached_keys()
    assert "home-counts" in keys and ("actor-ranking", "", "") in keys
    assert any(isinstance(k, tuple) and k[0] == "map" for k in keys)
    assert any(isinstance(k, tuple) and k[0] == "activity" for k in keys)


def test_warm_up_skips_a_small_database_and_stops_at_its_budget(ids, session_factory):
    assert warm_up(session_factory, budget_s=60, min_events=10**9) == []
    assert cached_keys() <= {("dated-events", None)}  # the size check's own sum, no page's aggregate
    assert warm_up(session_factory, budget_s=-1, min_events=0) == []  # no step starts past the budget


def test_runtime_warm_up_runs_in_a_thread_and_survives_an_unmigrated_database(tmp_path):
    with Runtime(Settings(database_url=f"sqlite:///{tmp_path / 'empty.db'}", data_dir=tmp_path)) as runtime:
        thread = runtime.warm_up(wait_s=30)
        assert not thread.is_alive()  # done (nothing to warm, no tables) within the wait


def test_after_warm_up_start_up_objects_are_out_of_the_collectors_sight(tmp_path):
    """A full collection in a web process at a million events walked ~400 MB of start-up objects (150-180 ms
    pauses, the 500-row exports' p95); warm-up freezes them, and closing the runtime gives them back."""
    import gc

    from app import migrate

    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    migrate.upgrade(url)
    runtime = Runtime(Settings(database_url=url, data_dir=tmp_path))
    try:
        assert not runtime.warm_up(wait_s=30).is_alive()
        assert runtime.froze_startup and gc.get_freeze_count() > 0
    finally:
        runtime.close()
    assert gc.get_freeze_count() == 0
