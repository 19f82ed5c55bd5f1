"""Read article files as text: UTF-8 first, then the legacy encodings news archives still use."""

from __future__ import annotations

from pathlib import Path

MAX_FILE_BYTES = 5 * 1024 * 1024


class UnreadableInput(ValueError):
    """An input that is not an article text; the message names the reason."""


def decode_bytes(data: bytes, name: str = "input") -> str:
    """Decode article bytes, refusing what is clearly binary."""
    if not data.strip():
        raise UnreadableInput(f"{name}: the file is empty")
    if b"\x00" in data[:4096]:
        raise UnreadableInput(f"{name}: binary data (NUL bytes), not a text article")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            text = data.decode("latin-1")
    controls = sum(1 for ch in text[:4096] if ord(ch) < 32 and ch not in "\n\r\t\f")
    if controls > 8:
        raise UnreadableInput(f"{name}: binary data ({controls} control characters), not a text article")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def read_text_file(path: Path, limit: int = MAX_FILE_BYTES) -> str:
    """The file's text, or ``UnreadableInput`` saying what is wrong with it."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise UnreadableInput(f"{path}: cannot read ({exc.strerror or exc})") from exc
    if size > limit:
        raise UnreadableInput(f"{path}: {size:,} bytes is over the {limit:,}-byte limit for one article")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UnreadableInput(f"{path}: cannot read ({exc.strerror or exc})") from exc
    return decode_bytes(data, str(path))
