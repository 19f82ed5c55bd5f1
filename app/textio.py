"""Read article files as text: a byte-order mark's encoding, else UTF-8, else the legacy encodings news archives use."""

from __future__ import annotations

from pathlib import Path

MAX_FILE_BYTES = 5 * 1024 * 1024

# Longest BOM first: the UTF-32 little-endian mark begins with the UTF-16 one.
BYTE_ORDER_MARKS = (
    (b"\xff\xfe\x00\x00", "utf-32"), (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"), (b"\xef\xbb\xbf", "utf-8-sig"),
)


class UnreadableInput(ValueError):
    """An input that is not an article text; the message names the reason."""


def bom_encoding(data: bytes) -> str | None:
    """The encoding a leading byte-order mark announces (Windows tools save UTF-16 with one), else None."""
    for mark, encoding in BYTE_ORDER_MARKS:
        if data.startswith(mark):
            return encoding
    return None


def has_words(text: str) -> bool:
    """Whether the text holds any letter: a run of quote marks or digits has nothing to read as an article."""
    return any(ch.isalpha() for ch in text)


def _decode_marked(data: bytes, encoding: str, name: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        label = encoding.removesuffix("-sig").upper()
        raise UnreadableInput(f"{name}: starts with a {label} byte-order mark but is not valid {label} "
                              f"(byte {exc.start:,})") from exc


def decode_bytes(data: bytes, name: str = "input") -> str:
    """Decode article bytes, refusing what is clearly binary."""
    encoding = bom_encoding(data)
    if encoding is not None and encoding != "utf-8-sig":
        text = _decode_marked(data, encoding, name)
    else:
        if b"\x00" in data[:4096]:
            raise UnreadableInput(f"{name}: binary data (NUL bytes), not a text article")
        if encoding is not None:
            data = data[3:]
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            try:
                text = data.decode("cp1252")
            except UnicodeDecodeError:
                text = data.decode("latin-1")
    if not text.strip():
        raise UnreadableInput(f"{name}: the file is empty")
    if "\x00" in text[:4096]:
        raise UnreadableInput(f"{name}: binary data (NUL characters), not a text article")
    controls = sum(1 for ch in text[:4096] if ord(ch) < 32 and ch not in "\n\r\t\f")
    if controls > 8:
        raise UnreadableInput(f"{name}: binary data ({controls} control characters), not a text article")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def decode_lines(data: bytes) -> list[str]:
    """A JSON Lines stream's lines: a UTF-16/32 file (it has a BOM) decoded whole, else UTF-8, bad bytes replaced."""
    encoding = bom_encoding(data) or "utf-8"
    return data.decode(encoding, errors="replace").splitlines()


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
