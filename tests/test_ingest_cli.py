"""The ingest commands' exit status and messages, on inputs that need no model (failures and an empty database)."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from app.cli import cli


def test_stats_on_a_fresh_database_prints_zero_counts_as_json(env):
    result = CliRunner().invoke(cli, ["stats", "--format", "json"])
    assert result.exit_code == 0, result.output
    numbers = json.loads(result.stdout)
    assert {k: numbers[k] for k in ("articles", "actors", "events", "quotes")} == \
        {"articles": 0, "actors": 0, "events": 0, "quotes": 0}
    assert CliRunner().invoke(cli, ["stats", "--format", "xml"]).exit_code == 2


def test_ingest_names_each_bad_input_and_exits_1(env):
    (env / "empty.txt").write_bytes(b"")
    (env / "bad.jsonl").write_text('{"id": "x", "text": ""}\nnot json\n', encoding="utf-8")
    result = CliRunner().invoke(cli, ["ingest", str(env / "empty.txt"), str(env / "bad.jsonl"),
                                      str(env / "nope.html"), "ftp://example.org/a", "--summary-json"])
    assert result.exit_code == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 5
    assert any("ftp://example.org/a: only http:// and https:// URLs can be fetched" in e for e in errors)
    assert any("empty.txt: the file is empty" in e for e in errors)
    assert any("bad.jsonl:1 (id x): 'text' is missing or empty" in e for e in errors)
    assert any("bad.jsonl:2: invalid JSON" in e for e in errors)
    assert any("nope.html: no such file or folder" in e for e in errors)
    assert json.loads(result.stdout.splitlines()[-1])["failed"] == 5


def test_jsonl_from_stdin_reports_malformed_lines(env):
    result = CliRunner().invoke(cli, ["ingest", "--jsonl", "-"], input="{oops\n\n[1, 2]\n")
    assert result.exit_code == 1
    assert "error: stdin:1: invalid JSON" in result.stderr and "error: stdin:3: expected a JSON object" in result.stderr
    assert "0 stored" in result.stderr and "2 failed" in result.stderr


def test_ingest_without_inputs_explains_usage(env):
    result = CliRunner().invoke(cli, ["ingest"])
    assert result.exit_code == 2 and "--jsonl -" in result.stderr


def test_watch_names_a_broken_feed_and_exits_1(env):
    from support.local_site import LocalSite

    with LocalSite() as site:
        result = CliRunner().invoke(cli, ["watch", site.base + "/broken-feed.xml", site.base + "/gone", "--once"])
    assert result.exit_code == 1
    assert "broken-feed.xml: not a readable feed" in result.stderr and "/gone: HTTP 404" in result.stderr


def test_ingest_extracts_with_the_model_named_in_dotenv(env, monkeypatch):
    from app.extract import parallel
    from app.extract.pipeline import ExtractionError

    asked: list[str | None] = []

    class RecordingExtractor:  # loads nothing; remembers the model it was asked for
        def __init__(self, model=None, nlp=None):
            asked.append(model)

        def extract_many(self, items, batch_size=32):
            return iter([ExtractionError(f"{item.id}: not extracted in this test") for item in items])

    (env / ".env").write_text("DATELINE_SPACY_MODEL=model_from_dotenv\n", encoding="utf-8")
    (env / "story.txt").write_text("Officials met in Geneva on Monday to resume the talks.", encoding="utf-8")
    monkeypatch.chdir(env)
    monkeypatch.delenv("DATELINE_SPACY_MODEL", raising=False)
    monkeypatch.setattr(parallel, "Extractor", RecordingExtractor)
    result = CliRunner().invoke(cli, ["ingest", "story.txt", "--processes", "1"])
    assert result.exit_code == 1 and "story.txt: not extracted in this test" in result.stderr
    assert asked == ["model_from_dotenv"]
