"""Shared by the browser and axe tests: a live uvicorn on a random port over the stored sample corpus.

Not a test module of its own; it holds the server and browser helpers so each is started once per run.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from functools import lru_cache
from pathlib import Path

import httpx
import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"


def require_chromium() -> None:
    """Skip when Chromium is missing, unless DATELINE_REQUIRE_BROWSER=1 (CI), where that is a failure."""
    if Path(CHROMIUM).exists():
        return
    message = f"{CHROMIUM} is not installed (apt-get install chromium)"
    if os.environ.get("DATELINE_REQUIRE_BROWSER") == "1":
        pytest.fail(message + " but DATELINE_REQUIRE_BROWSER=1", pytrace=False)
    pytest.skip(message)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@lru_cache(maxsize=1)
def sample_database(folder: str, extractor: object) -> str:
    """A migrated SQLite file holding the sample articles, stored by the real extractor (once per run)."""
    from app import migrate
    from app.db import make_engine, make_sessionmaker
    from app.samples import load_samples

    url = f"sqlite:///{folder}/live.db"
    migrate.upgrade(url, "head")
    engine = make_engine(url)
    try:
        load_samples(make_sessionmaker(engine), extractor)  # type: ignore[arg-type]
    finally:
        engine.dispose()
    return url


class LiveServer:
    """uvicorn in a subprocess; ``url`` is its origin."""

    def __init__(self, database_url: str, data_dir: str) -> None:
        self.port = free_port()
        self.database_url = database_url
        self.url = f"http://127.0.0.1:{self.port}"
        env = {**os.environ, "DATABASE_URL": database_url, "DATELINE_DATA_DIR": data_dir}
        self.log = open(Path(data_dir) / "server.log", "wb")  # noqa: SIM115  (kept open for the server)
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "app.web.asgi:app", "--host", "127.0.0.1", "--port", str(self.port),
             "--log-level", "warning"], cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the server exited: see {self.log.name}")
            try:
                if httpx.get(self.url + "/-/health", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError("the server did not answer /-/health within 30 s")

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.log.close()


_shared: dict[str, object] = {}  # one server and one browser for every module that imports these fixtures


@pytest.fixture(scope="session")
def live_server(request, tmp_path_factory, extractor):
    if "server" not in _shared:
        folder = tmp_path_factory.mktemp("live")
        server = LiveServer(sample_database(str(folder), extractor), str(folder))
        _shared["server"] = server
        request.config.add_cleanup(server.stop)
    return _shared["server"]


@pytest.fixture(scope="session")
def chromium(request):
    require_chromium()
    if "browser" not in _shared:
        from playwright.sync_api import sync_playwright

        playwright = sync_playwright().start()
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        _shared["browser"] = browser

        def close() -> None:
            browser.close()
            playwright.stop()

        request.config.add_cleanup(close)
    return _shared["browser"]


def watched_page(chromium):
    """A fresh desktop-sized page that records console errors and page errors; fails, when closed, if any
    occurred (a generator: ``yield from`` it in a fixture)."""
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    problems: list[str] = []
    pg.on("console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
    pg.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    pg.problems = problems  # type: ignore[attr-defined]
    yield pg
    context.close()
    assert not problems, problems


@pytest.fixture()
def page(chromium, live_server):
    """A fresh page that records console errors and failed requests; the test fails if any occurred."""
    yield from watched_page(chromium)


def screenshot(pg, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    pg.screenshot(path=str(path), full_page=True, caret="initial")  # hiding the caret leaves style="" (CSP)
    return path
