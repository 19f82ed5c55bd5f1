"""bench_load's clients share one page mix and one verdict per answer (bench.loadclient.Walk), and its Locust
client's figures are read back from Locust's CSV files (bench.locustrun). Nothing here starts a server or times anything."""

from __future__ import annotations

import math
from pathlib import Path

from bench.loadclient import Walk
from bench.locustrun import mix_env, mix_from_env, read_failures, read_stats

PATHS = ["/-/health", "/", "/timeline", "/actors/russia"]
STATS_HEADER = ("Type,Name,Request Count,Failure Count,Median Response Time,Average Response Time,Min Response Time,"
                "Max Response Time,Average Content Size,Requests/s,Failures/s,50%,66%,75%,80%,90%,95%,98%,99%,99.9%,"
                "99.99%,100%")


def test_a_visitor_walks_the_whole_mix_in_turn_from_its_own_offset() -> None:
    walk = Walk(PATHS, 2)
    assert [walk.next_request()[0] for _ in range(5)] == ["/timeline", "/actors/russia", "/-/health", "/", "/timeline"]


def test_a_revalidating_visitor_sends_the_tag_it_last_got_and_takes_a_304_as_success() -> None:
    walk = Walk(PATHS, 0, revalidate=True)
    path, headers = walk.next_request()
    assert headers is None
    assert walk.verdict(path, False, 200, 'W/"v1"', b"ok") == ""
    for _ in PATHS[1:]:
        walk.next_request()
    assert walk.next_request() == ("/-/health", {"if-none-match": 'W/"v1"'})
    assert walk.verdict("/-/health", True, 304, None, b"") == ""


def test_an_unasked_304_or_an_error_is_a_failure_with_its_status_and_body() -> None:
    walk = Walk(PATHS, 0)
    assert walk.verdict("/", False, 304, None, b"").startswith("HTTP 304")
    assert walk.verdict("/", False, 500, None, b"database is locked") == "HTTP 500: b'database is locked'"
    assert Walk(PATHS, 0).next_request()[1] is None  # a visitor that does not revalidate never sends a tag


def test_the_locust_processes_get_the_same_mix_through_their_environment() -> None:
    mix = mix_from_env(mix_env(PATHS, True, 500))
    assert (mix.paths, mix.revalidate, mix.budget) == (PATHS, True, 500)


def test_locusts_csv_stats_become_the_report_rows(tmp_path: Path) -> None:
    prefix = tmp_path / "load"
    Path(f"{prefix}_stats.csv").write_text("\n".join([
        STATS_HEADER,
        "GET,/-/health,120,0,12,15.2,3,80,17,40.0,0.0,12,14,16,18,25,31,40,52,80,80,80",
        "GET,/timeline,118,2,20,22.0,5,300,5100,39.3,0.7,20,22,24,25,30,45,90,120,300,300,300",
        "GET,/never,0,0,0,0,0,0,0,0.0,0.0,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A",
        ",Aggregated,238,2,15,18.6,3,300,2540,79.3,0.7,15,18,20,22,28,40,60,110,300,300,300",
    ]) + "\n")
    Path(f"{prefix}_failures.csv").write_text("Method,Name,Error,Occurrences,First Seen,Last Seen\n"
                                              "GET,/timeline,HTTP 503: b'busy',2,0,0\n")
    rows, total, rate = read_stats(prefix)
    assert (rows["/timeline"].n, rows["/timeline"].p95, rows["/timeline"].p99, rows["/timeline"].failures) == (118, 45, 120, 2)
    assert rows["/-/health"].p50 == 12 and math.isnan(rows["/never"].p50)
    assert (total.n, total.failures, total.p95, rate) == (238, 2, 40, 79.3)
    assert read_failures(prefix) == ["/timeline: HTTP 503: b'busy' (2 times)"]
