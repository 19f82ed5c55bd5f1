"""Link-preview cards: 1200×630 PNGs of an event, a quote, an actor, a timeline view and the front page,
drawn from page data with one layout and cached by content hash."""

from __future__ import annotations

import hashlib
import io
import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from PIL import Image, ImageDraw, ImageFont

from app.queries.common import actors_in_words

WIDTH, HEIGHT = 1200, 630
MARGIN = 72
PAPER = (250, 248, 243)
INK = (28, 28, 30)
MUTED = (84, 84, 90)
ACCENT = (159, 29, 32)
RULE = (210, 206, 196)
FONT_DIRS = (Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/dejavu"))
Font = ImageFont.FreeTypeFont | ImageFont.ImageFont
Fields = dict[str, str]  # key, heading, badge, byline, body, foot


@lru_cache(maxsize=16)
def _font(name: str, size: int) -> Font:
    """DejaVu when installed (Debian images have it), else Pillow's own scalable default."""
    for folder in FONT_DIRS:
        path = folder / name
        if path.exists():
            return ImageFont.truetype(str(path), size)
    return ImageFont.load_default(size)


def sentence_start(text: str) -> str:
    """'the United States and Russia' → 'The United States and Russia' (a line on its own starts capitalised)."""
    return text[:1].upper() + text[1:]


def _byline(*parts: str | None) -> str:
    return " · ".join(p for p in parts if p)


def event_fields(data: dict[str, Any]) -> Fields:
    """An event page's card: its date, type, 'Russia and the United States · Baonghean.vn', the summary."""
    e = data["event"]
    sources = int(e.get("source_count") or 1)
    who = sentence_start(actors_in_words([e.get("source_actor"), *e.get("targets", [])][:4]))
    return {"key": f"event-{e['id']}", "heading": e["date_label"], "badge": e.get("type_label") or "Event",
            "byline": _byline(who, (e.get("article") or {}).get("source")), "body": e["summary"],
            "foot": f"Reported by {sources} source{'s' if sources != 1 else ''} · event {e['id']}"}


def quote_fields(data: dict[str, Any]) -> Fields:
    """A quote permalink's card: the speaker, the words, when and in which outlet."""
    q = data["quote"]
    speaker = q["speaker"]["name"] if q.get("speaker") else (q.get("speaker_text") or "Unattributed")
    outlets = sorted({a["source"] for a in data.get("articles", []) if a.get("source")})
    return {"key": f"quote-{q['id']}", "heading": sentence_start(speaker), "badge": "Quote",
            "byline": _byline(q.get("date_label"), ", ".join(outlets[:3])), "body": f"“{q['text']}”",
            "foot": f"Quote {q['id']}" + (f" · carried by {q['source_count']} outlets" if q["source_count"] > 1 else "")}


def actor_fields(data: dict[str, Any]) -> Fields:
    """An actor page's card: the name, kind, titles or other names, and how often it appears."""
    a, n = data["actor"], data["counts"]
    names = ", ".join(a.get("titles", [])[:2]) or (("Also called " + ", ".join(a["aliases"][:3])) if a["aliases"] else "")
    latest = data.get("latest")
    body = (f"Takes part in {n['events']:,} event{'s' if n['events'] != 1 else ''} and is quoted "
            f"{n['quotes']:,} time{'s' if n['quotes'] != 1 else ''}." + (f" Latest: {latest}" if latest else ""))
    return {"key": f"actor-{a['slug']}", "heading": a["name"], "badge": a["kind"], "byline": names, "body": body,
            "foot": f"Actor · {a['slug']}"}


def timeline_fields(data: dict[str, Any]) -> Fields:
    """A (filtered) timeline's card: what it is filtered by, how many events over which dates, the newest ones."""
    span = data.get("span") or ""
    newest = "; ".join(e["summary"] for e in data["newest"][:3])
    digest = hashlib.sha256(json.dumps(data["filters"], sort_keys=True, default=str).encode()).hexdigest()[:12]
    return {"key": f"timeline-{digest}", "heading": "Timeline", "badge": data.get("badge") or "Events",
            "byline": data["description"],
            "body": f"{data['total']:,} event{'s' if data['total'] != 1 else ''}{', ' + span if span else ''}."
                    + (f" Newest: {newest}" if newest else ""), "foot": "Events by date, each with its evidence"}


def home_fields(data: dict[str, Any]) -> Fields:
    """The front page's card: the corpus in numbers and the newest events."""
    c = data["counts"]
    newest = "; ".join(e["summary"] for e in data["recent_events"][:3])
    return {"key": "home", "heading": "What happened lately", "badge": "Front page",
            "byline": f"{c['events']:,} events · {c['actors']:,} actors · {c['quotes']:,} quotes · "
                      f"{c['articles']:,} articles",
            "body": newest or "No events yet.", "foot": "News events, actors, dates and quotes, with their evidence"}


def _wrap(d: ImageDraw.ImageDraw, text: str, font: Font, width: float, lines: int) -> list[str]:
    """``text`` in at most ``lines`` lines that fit ``width`` pixels, the last ending in '…' when cut."""
    out: list[str] = []
    words = text.split()
    while words and len(out) < lines:
        line = words.pop(0)
        while words and d.textlength(line + " " + words[0], font=font) <= width:
            line += " " + words.pop(0)
        out.append(line)
    if words and out:
        last = out[-1]
        while last and d.textlength(last + " …", font=font) > width:
            last = last.rsplit(" ", 1)[0] if " " in last else last[:-1]
        out[-1] = last + " …"
    return out


def draw_card(fields: Fields) -> bytes:
    img = Image.new("RGB", (WIDTH, HEIGHT), PAPER)
    d = ImageDraw.Draw(img)
    d.rectangle((0, 0, WIDTH, 14), fill=ACCENT)
    d.text((MARGIN, 60), "DATELINE", font=_font("DejaVuSans-Bold.ttf", 30), fill=ACCENT)
    badge_font = _font("DejaVuSans-Bold.ttf", 26)
    label = fields["badge"].upper()
    box = d.textbbox((0, 0), label, font=badge_font)
    bx = WIDTH - MARGIN - (box[2] - box[0]) - 32
    d.rounded_rectangle((bx, 126, WIDTH - MARGIN, 126 + 50), radius=8, outline=ACCENT, width=3)
    d.text((bx + 16, 134), label, font=badge_font, fill=ACCENT)
    y = 118
    heading_font = _font("DejaVuSerif-Bold.ttf", 54)
    for line in _wrap(d, fields["heading"], heading_font, bx - MARGIN - 24, 2):
        d.text((MARGIN, y), line, font=heading_font, fill=INK)
        y += 66
    y += 18
    byline_font = _font("DejaVuSans-Bold.ttf", 34)
    for line in _wrap(d, fields["byline"], byline_font, WIDTH - 2 * MARGIN, 2):
        d.text((MARGIN, y), line, font=byline_font, fill=MUTED)
        y += 46
    y += 14
    d.line((MARGIN, y, WIDTH - MARGIN, y), fill=RULE, width=2)
    y += 28
    body_font = _font("DejaVuSerif.ttf", 42)
    room = max(1, (HEIGHT - 96 - y) // 56)
    for line in _wrap(d, fields["body"], body_font, WIDTH - 2 * MARGIN, room):
        d.text((MARGIN, y), line, font=body_font, fill=INK)
        y += 56
    d.text((MARGIN, HEIGHT - 64), fields["foot"], font=_font("DejaVuSans.ttf", 26), fill=MUTED)
    out = io.BytesIO()
    img.save(out, "PNG", optimize=True)
    return out.getvalue()


def card_png(data_dir: Path, fields: Fields) -> tuple[bytes, str]:
    """The card's PNG and its ETag; drawn once per content and kept under ``data_dir/cards``."""
    digest = hashlib.sha256(json.dumps(fields, sort_keys=True).encode()).hexdigest()[:16]
    etag = f'"{digest}"'
    path = Path(data_dir) / "cards" / f"{fields['key']}-{digest}.png"
    if path.exists():
        return path.read_bytes(), etag
    png = draw_card(fields)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_bytes(png)
        tmp.replace(path)
    except OSError:  # a read-only data folder still gets cards, just not cached
        pass
    return png, etag
