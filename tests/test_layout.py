"""The scraped-text layout is read without moving a character offset."""

import pytest

from app.extract.article import nlp_text, read_layout
from app.textio import UnreadableInput, decode_bytes


def test_seed_layout(seed_text):
    layout = read_layout(seed_text)
    assert layout.title == "Russia staged failed US-NATO talks to create an excuse to invade Ukraine"
    assert layout.source == "Baonghean.vn"
    s, e = layout.source_span
    assert seed_text[s:e] == "Baonghean.vn"
    captions = [seed_text[s:e] for s, e in layout.captions]
    assert captions[0] == "Russian President Vladimir Putin."
    assert captions[1].endswith("on December 14, 2021.")
    assert [seed_text[s:e] for s, e in layout.credits] == ["Photo: AP", "Photo: AP"]


def test_model_text_keeps_offsets_and_hides_furniture(seed_text):
    layout = read_layout(seed_text)
    clean = nlp_text(seed_text, layout)
    assert len(clean) == len(seed_text)
    assert "![]()" not in clean and "Photo: AP" not in clean and "(Baonghean.vn)" not in clean
    assert clean.count("\n") == seed_text.count("\n")
    i = seed_text.index("Jake Sullivan")
    assert clean[i:i + 13] == "Jake Sullivan"


def test_title_blank_line_body_layout():
    text = "Storm closes ports along the coast\n\nAuthorities closed three ports on Monday as the storm approached."
    layout = read_layout(text)
    assert layout.title == "Storm closes ports along the coast"
    assert layout.source is None
    assert nlp_text(text, layout) == text


def test_body_only_text_has_no_title():
    text = "Authorities closed three ports on Monday as the storm approached. Ships were told to stay at sea."
    assert read_layout(text).title is None


def test_wire_dateline_with_place():
    text = "Talks resume\nGENEVA (Reuters) - Negotiators met again on Tuesday."
    layout = read_layout(text)
    assert layout.source == "Reuters"
    assert nlp_text(text, layout).split("\n")[1].lstrip().startswith("Negotiators")


def test_latin1_bytes_are_read():
    assert decode_bytes("Caf\xe9 owners in M\xfcnster".encode("latin-1")) == "Café owners in Münster"


def test_binary_and_empty_inputs_are_refused():
    with pytest.raises(UnreadableInput, match="binary"):
        decode_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    with pytest.raises(UnreadableInput, match="empty"):
        decode_bytes(b"  \n ")
