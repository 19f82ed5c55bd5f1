# ruff: noqa: F811  (pytest fixtures imported from support.browser are parameters here)
"""Lighthouse 12 (pinned in tools/web-checks), mobile preset, on the pages a reader opens first: at least 95 in
performance, accessibility, best practices and SEO on every one. Reports go to test-artifacts/lighthouse/."""

from __future__ import annotations

import json
import os
import subprocess

import httpx
import pytest
from support.browser import CHROMIUM, ROOT, live_server  # noqa: F401  (fixtures)
from support.webchecks import require_lighthouse

pytestmark = [pytest.mark.browser, pytest.mark.slow]
REPORTS = ROOT / "test-artifacts" / "lighthouse"
THRESHOLD = 0.95


def test_lighthouse_scores_at_least_95_on_every_reader_page(live_server):
    command = require_lighthouse()
    base = live_server.url
    home = httpx.get(base + "/index.json").json()
    event, actor = home["recent_events"][0], home["active_actors"][0]
    paths = ["/", "/timeline", "/quotes", f"/events/{event['id']}-{event['slug']}", f"/actors/{actor['slug']}",
             f"/articles/{home['articles'][0]['id']}"]
    for path in paths:  # warm the server's caches: Lighthouse measures the page, not a first query
        assert httpx.get(base + path, timeout=60).status_code == 200, path
    run = subprocess.run([*command, str(REPORTS), *(base + p for p in paths)], capture_output=True, text=True,
                         timeout=600, check=False, env={**os.environ, "CHROME_PATH": CHROMIUM})
    assert run.returncode == 0, run.stderr[-3000:]
    results = json.loads(run.stdout)
    summary = {p: results[base + p].get("scores") or results[base + p] for p in paths}
    (REPORTS / "scores.json").write_text(json.dumps(summary, indent=1), encoding="utf-8")
    low = {p: {"scores": r["scores"], "failing": r["failing"]} if "scores" in r else r
           for p, r in ((p, results[base + p]) for p in paths)
           if "scores" not in r or min(r["scores"].values()) < THRESHOLD}
    assert set(summary) == set(paths) and all(len(s) == 4 for s in summary.values()), summary
    assert not low, json.dumps(low, indent=1)
