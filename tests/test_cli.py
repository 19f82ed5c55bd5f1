"""The dateline command: help, migrations and clear errors on bad input."""

import json

import pytest
from typer.testing import CliRunner

from app.cli import cli

runner = CliRunner()


def test_help_lists_every_command_with_a_description():
    result = runner.invoke(cli, ["--help"])
    assert result.exit_code == 0
    for command in cli.registered_commands:
        assert command.name in result.output and command.help
    for group in cli.registered_groups:
        assert group.name in result.output and group.help


def test_db_upgrade_and_check_on_a_fresh_sqlite_file(tmp_path, monkeypatch):
    from app.settings import get_settings

    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'fresh.db'}")
    get_settings.cache_clear()
    try:
        up = runner.invoke(cli, ["db", "upgrade"])
        assert up.exit_code == 0, up.output
        assert "database at revision" in up.output
        check = runner.invoke(cli, ["db", "check"])
        assert check.exit_code == 0 and "no drift" in check.output
    finally:
        get_settings.cache_clear()


def test_extract_refuses_empty_and_binary_files(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_text("   \n")
    binary = tmp_path / "photo.txt"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00")
    result = runner.invoke(cli, ["extract", str(empty), str(binary)])
    assert result.exit_code == 1
    assert "empty.txt: the file is empty" in result.stderr
    assert "photo.txt: binary data" in result.stderr


def test_extract_jsonl_names_a_file_it_cannot_read(tmp_path):
    result = runner.invoke(cli, ["extract", "--jsonl", str(tmp_path / "missing.jsonl")])
    assert result.exit_code == 1
    assert "missing.jsonl: cannot read (No such file or directory)" in result.stderr
    assert "Traceback" not in result.output + result.stderr


def test_extract_rejects_a_malformed_published_date(tmp_path):
    f = tmp_path / "a.txt"
    f.write_text("Officials met on Monday.")
    result = runner.invoke(cli, ["extract", "--published", "17/12/2021", str(f)])
    assert result.exit_code == 2
    assert "is not a YYYY-MM-DD date" in result.stderr


@pytest.mark.slow
def test_extract_jsonl_reports_bad_lines_and_goes_on():
    lines = "\n".join([
        json.dumps({"id": "good", "text": "NATO leaders met in Brussels on Tuesday.", "published": "2021-12-14"}),
        "{not json",
        json.dumps({"id": "empty", "text": ""}),
        json.dumps({"id": "date", "text": "Hello.", "published": "yesterday"}),
    ])
    result = runner.invoke(cli, ["extract", "--jsonl", "-"], input=lines + "\n")
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r.get("id") for r in records] == ["good", None, "empty", "date"]
    assert records[0]["published"] == "2021-12-14" and "error" not in records[0]
    assert "invalid JSON" in records[1]["error"]
    assert "'text' is missing or empty" in records[2]["error"]
    assert "not a YYYY-MM-DD date" in records[3]["error"]


def test_every_command_is_documented_in_the_readme():
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    for command in cli.registered_commands:
        assert f"`dateline {command.name}" in readme, f"dateline {command.name} is missing from README.md"
    for group in cli.registered_groups:
        for sub in group.typer_instance.registered_commands:
            assert f"`dateline {group.name} {sub.name}" in readme, f"dateline {group.name} {sub.name} missing"


def test_extract_loads_the_model_named_in_dotenv(tmp_path, monkeypatch):
    from types import SimpleNamespace

    from app.extract import pipeline
    from app.settings import get_settings

    asked: list[str | None] = []

    class RecordingExtractor:  # loads nothing; remembers the model it was asked for
        def __init__(self, model=None, nlp=None):
            asked.append(model)

        def extract(self, text, published=None, *, id="", title=None):
            return SimpleNamespace(to_dict=lambda: {"id": id})

    (tmp_path / ".env").write_text("DATELINE_SPACY_MODEL=model_from_dotenv\n", encoding="utf-8")
    (tmp_path / "a.txt").write_text("Officials met on Monday.", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DATELINE_SPACY_MODEL", raising=False)
    monkeypatch.setattr(pipeline, "Extractor", RecordingExtractor)
    get_settings.cache_clear()
    try:
        result = runner.invoke(cli, ["extract", "a.txt"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    assert asked == ["model_from_dotenv"] and json.loads(result.stdout) == {"id": "a.txt"}
