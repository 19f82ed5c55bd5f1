"""A tiny local news site (pages, a dead link, a slow page, a redirect, feeds) for the ingest tests."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Self

SAMPLES = Path(__file__).resolve().parents[2] / "samples"


def wikinews(n: int) -> dict:
    lines = (SAMPLES / "wikinews-airlines.jsonl").read_text(encoding="utf-8").splitlines()
    return json.loads(lines[n])


def article_html(title: str, body: str) -> str:
    paragraphs = "".join(f"<p>{p}</p>" for p in body.split("\n") if p.strip())
    return (f"<!DOCTYPE html><html><head><title>{title} | Example News</title>"
            f'<meta name="author" content="Jane Reporter"><meta property="og:site_name" content="Example News">'
            f'<meta property="article:published_time" content="2008-03-01"></head><body>'
            f"<nav><a href='/'>Home</a> <a href='/world'>World</a></nav><article><h1>{title}</h1>{paragraphs}</article>"
            f"<footer>Copyright Example News</footer></body></html>")


def rss(base: str, links: list[str]) -> str:
    items = "".join(
        f"<item><title>Entry {n}</title><link>{base}{link}</link><guid>{base}{link}</guid>"
        f"<pubDate>Sat, 01 Mar 2008 10:00:00 GMT</pubDate></item>" for n, link in enumerate(links))
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>Test feed</title>{items}</channel></rss>'


class LocalSite:
    """A tiny news site on 127.0.0.1 with good pages, a dead one, a slow one, a redirect and feeds."""

    def __init__(self) -> None:
        first, second = wikinews(0), wikinews(1)
        self.pages: dict[str, tuple[int, str, bytes]] = {
            "/news/first.html": (200, "text/html; charset=utf-8", article_html(first["title"], first["text"]).encode()),
            "/news/second.html": (200, "text/html; charset=utf-8", article_html(second["title"], second["text"]).encode()),
            "/plain.txt": (200, "text/plain", wikinews(2)["text"].encode()),
            "/empty.html": (200, "text/html", b"<html><body><nav>Home</nav></body></html>"),
            "/image.png": (200, "image/png", b"\x89PNG\r\n\x1a\n" + bytes(200)),
            "/broken-feed.xml": (200, "application/rss+xml", b"<rss><channel><item><title>unclosed"),
        }
        self.user_agents: list[str] = []
        self.hits: dict[str, int] = {}
        site = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                site.user_agents.append(self.headers.get("User-Agent", ""))
                path = self.path.split("?")[0]
                site.hits[path] = site.hits.get(path, 0) + 1
                if path == "/slow":
                    time.sleep(3)
                if path == "/moved":
                    self.send_response(301)
                    self.send_header("Location", "/news/first.html")
                    self.end_headers()
                    return
                if path == "/feed.xml":
                    body = rss(site.base, ["/news/first.html", "/news/second.html"]).encode()
                    status, ctype = 200, "application/rss+xml"
                elif path in site.pages:
                    status, ctype, body = site.pages[path]
                else:
                    status, ctype, body = 404, "text/plain", b"not here"
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> Self:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
