"""Link-preview cards: a 1200×630 PNG of an event's date, actors and summary, cached by content hash."""

from __future__ import annotations

import hashlib
import io
import json
import textwrap
from functools import lru_cache
from pathlib import Path
from typing import Any

from PIL import Image, ImageDraw, ImageFont

WIDTH, HEIGHT = 1200, 630
PAPER = (250, 248, 243)
INK = (28, 28, 30)
MUTED = (84, 84, 90)
ACCENT = (159, 29, 32)
FONT_DIRS = (Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/dejavu"))


@lru_cache(maxsize=16)
def _font(name: str, size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """DejaVu when installed (Debian images have it), else Pillow's own scalable default."""
    for folder in FONT_DIRS:
        path = folder / name
        if path.exists():
            return ImageFont.truetype(str(path), size)
    return ImageFont.load_default(size)


def card_fields(data: dict[str, Any]) -> dict[str, str]:
    """What the card shows, taken from an event page's data."""
    e = data["event"]
    actors = [a["name"] for a in [e.get("source_actor"), *e.get("targets", [])] if a]
    return {"date": e["date_label"], "type": e.get("type_label") or "Event", "actors": " → ".join(actors[:4]),
            "summary": e["summary"], "sources": str(e.get("source_count") or 1), "id": str(e["id"])}


def draw_card(fields: dict[str, str]) -> bytes:
    img = Image.new("RGB", (WIDTH, HEIGHT), PAPER)
    d = ImageDraw.Draw(img)
    d.rectangle((0, 0, WIDTH, 14), fill=ACCENT)
    d.text((72, 60), "DATELINE", font=_font("DejaVuSans-Bold.ttf", 30), fill=ACCENT)
    d.text((72, 120), fields["date"], font=_font("DejaVuSerif-Bold.ttf", 54), fill=INK)
    badge_font = _font("DejaVuSans-Bold.ttf", 26)
    label = fields["type"].upper()
    box = d.textbbox((0, 0), label, font=badge_font)
    bx = WIDTH - 72 - (box[2] - box[0]) - 32
    d.rounded_rectangle((bx, 126, WIDTH - 72, 126 + 50), radius=8, outline=ACCENT, width=3)
    d.text((bx + 16, 134), label, font=badge_font, fill=ACCENT)
    y = 215
    if fields["actors"]:
        for line in textwrap.wrap(fields["actors"], 52)[:2]:
            d.text((72, y), line, font=_font("DejaVuSans-Bold.ttf", 36), fill=MUTED)
            y += 48
        y += 16
    d.line((72, y, WIDTH - 72, y), fill=(210, 206, 196), width=2)
    y += 30
    summary_font = _font("DejaVuSerif.ttf", 44)
    lines = textwrap.wrap(fields["summary"], 44)
    for i, line in enumerate(lines[:5]):
        text = line + (" …" if i == 4 and len(lines) > 5 else "")
        d.text((72, y), text, font=summary_font, fill=INK)
        y += 58
    sources = int(fields["sources"])
    foot = f"Reported by {sources} source{'s' if sources != 1 else ''} · event {fields['id']}"
    d.text((72, HEIGHT - 64), foot, font=_font("DejaVuSans.ttf", 26), fill=MUTED)
    out = io.BytesIO()
    img.save(out, "PNG", optimize=True)
    return out.getvalue()


def card_png(data_dir: Path, data: dict[str, Any]) -> tuple[bytes, str]:
    """The card's PNG and its ETag; drawn once per content and kept under ``data_dir/cards``."""
    fields = card_fields(data)
    digest = hashlib.sha256(json.dumps(fields, sort_keys=True).encode()).hexdigest()[:16]
    etag = f'"{digest}"'
    path = Path(data_dir) / "cards" / f"{fields['id']}-{digest}.png"
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
