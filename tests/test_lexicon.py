"""The one lexicon reader: a header row is required, a bad row names its file and line, and a word list
declares its classes so a mistyped class fails on load instead of silently matching nothing."""

from __future__ import annotations

import pytest

from app.extract.lexicon import LexiconError, read_tsv, word_set


def write(tmp_path, text: str):
    path = tmp_path / "words.tsv"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_word_list_reads_its_classes_lower_cased_and_skips_comments(tmp_path):
    path = write(tmp_path, "# speech verbs\nword\tclass\nSay\tspeech\ntell\tspeech\nthink\tcognition\n")
    assert word_set(path, classes=("speech", "cognition")) == {"speech": frozenset({"say", "tell"}),
                                                                "cognition": frozenset({"think"})}


def test_a_mistyped_class_fails_on_load_naming_the_file(tmp_path):
    path = write(tmp_path, "word\tclass\nsay\tspeach\n")
    with pytest.raises(LexiconError, match=r"words\.tsv: classes \['speach'\], expected \['speech'\]"):
        word_set(path, classes=("speech",))


def test_a_missing_header_or_an_empty_cell_names_the_line(tmp_path):
    with pytest.raises(LexiconError, match=r"words\.tsv:1: the header must be word \| class"):
        word_set(write(tmp_path, "say\tspeech\n"))
    with pytest.raises(LexiconError, match=r"words\.tsv:3: the 'class' column is empty"):
        list(read_tsv(write(tmp_path, "word\tclass\nsay\tspeech\ntell\n"), ("word", "class"), required=("class",)))
