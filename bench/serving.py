"""Real servers for the page and load benchmarks: ``dateline serve`` and Datasette on free loopback ports,
each stopped by its own pid when its block ends (logs to a file, so a full pipe never stalls a server)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
LOOPBACK = "127.0.0.1"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((LOOPBACK, 0))
        return int(probe.getsockname()[1])


class Process:
    """A server command on a free port, ready once ``ready_path`` answers 200."""

    ready_path = "/"
    name = "server"

    def __init__(self, command: list[str], env: dict[str, str], port: int) -> None:
        self.port = port
        self.base = f"http://{LOOPBACK}:{port}"
        self.data_dir = Path(tempfile.mkdtemp(prefix=f"dateline-{self.name}-"))
        self.log_path = self.data_dir / "server.log"
        self.log = self.log_path.open("w")
        self.proc = subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=self.log,
                                     text=True)

    def __enter__(self) -> Process:
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit(f"{self.name} exited: {self.log_path.read_text()[-2000:]}")
            try:
                if httpx.get(self.base + self.ready_path, timeout=30).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.3)
        self.__exit__()
        raise SystemExit(f"{self.name} did not answer {self.ready_path} within 180 s")

    def __exit__(self, *exc: object) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=30)
        self.log.close()
        worth_saying = [line for line in self.log_path.read_text().splitlines()
                        if any(w in line for w in ("died", "Traceback", "ERROR", "Error"))]
        for line in worth_saying[:10]:
            print(f"{self.name}: {line}")
        shutil.rmtree(self.data_dir, ignore_errors=True)


class Server(Process):
    """``dateline serve --workers W`` on ``database_url``."""

    ready_path = "/-/health"
    name = "dateline"

    def __init__(self, database_url: str, workers: int, extra_env: dict[str, str] | None = None) -> None:
        port = free_port()
        data_dir = tempfile.mkdtemp(prefix="dateline-data-")
        env = {**os.environ, "DATABASE_URL": database_url, "DATELINE_DATA_DIR": data_dir, **(extra_env or {})}
        env.pop("DATELINE_QUEUE_URL", None)
        super().__init__([sys.executable, "-c", "from app.cli import main; main()", "serve", "--host", LOOPBACK,
                          "--port", str(port), "--workers", str(workers)], env, port)


def datasette_binary() -> str | None:
    """The ``datasette`` beside this Python (the bench extra), on PATH, or in DATASETTE_BIN."""
    here = Path(sys.executable).parent / "datasette"
    return os.environ.get("DATASETTE_BIN") or (str(here) if here.exists() else shutil.which("datasette"))


class Datasette(Process):
    """Datasette serving the same SQLite file read-only and immutable, facet suggestions off, with a time limit
    long enough (30 s) that a slow listing is timed rather than interrupted."""

    name = "datasette"
    ready_path = "/-/versions.json"

    def __init__(self, db: Path, binary: str) -> None:
        port = free_port()
        super().__init__([binary, "serve", "-i", str(db), "--host", LOOPBACK, "--port", str(port),
                          "--setting", "suggest_facets", "off", "--setting", "default_page_size", "30",
                          "--setting", "sql_time_limit_ms", "30000"],
                         dict(os.environ), port)
        self.database = db.stem
