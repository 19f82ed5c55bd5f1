"""Settings come from the environment, with documented defaults."""

from pathlib import Path

import pytest
from pydantic import ValidationError

from app.settings import DEFAULT_SQLITE, Settings

README = Path(__file__).resolve().parents[1] / "README.md"


def test_defaults(monkeypatch):
    for var in ("DATABASE_URL", "PORT", "DATELINE_INGEST_TOKEN", "DATELINE_SPACY_MODEL"):
        monkeypatch.delenv(var, raising=False)
    s = Settings(_env_file=None)
    assert s.database_url == DEFAULT_SQLITE
    assert s.port == 8000
    assert s.spacy_model == "en_core_web_sm"
    assert s.ingest_token is None
    assert s.is_sqlite


def test_environment_overrides(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://u:p@db:5432/dateline")
    monkeypatch.setenv("PORT", "9001")
    monkeypatch.setenv("DATELINE_INGEST_TOKEN", "s3cret")
    s = Settings(_env_file=None)
    assert s.database_url == "postgresql+psycopg://u:p@db:5432/dateline"
    assert s.port == 9001
    assert s.ingest_token == "s3cret"
    assert not s.is_sqlite


def test_bad_port_is_explained(monkeypatch):
    monkeypatch.setenv("PORT", "70000")
    with pytest.raises(ValidationError, match="PORT must be between 1 and 65535"):
        Settings(_env_file=None)


def test_every_setting_is_documented_in_the_readme():
    readme = README.read_text(encoding="utf-8")
    for name, field in Settings.model_fields.items():
        env = field.validation_alias.choices[0]
        assert f"`{env}`" in readme, f"setting {name} ({env}) is not documented in README.md"



def test_a_dotenv_spacy_model_reaches_the_extractor(tmp_path, monkeypatch):
    from app.extract import pipeline
    from app.runtime import Runtime

    asked: list[str | None] = []

    class RecordingExtractor:  # stands in for the spaCy pipeline: loads nothing
        def __init__(self, model: str | None = None, nlp: object = None) -> None:
            asked.append(model)

    monkeypatch.delenv("DATELINE_SPACY_MODEL", raising=False)
    (tmp_path / ".env").write_text("DATELINE_SPACY_MODEL=en_core_web_sm_from_dotenv\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    settings = Settings()
    assert settings.spacy_model == "en_core_web_sm_from_dotenv"

    monkeypatch.setattr(pipeline, "Extractor", RecordingExtractor)
    with Runtime(settings) as runtime:
        assert runtime.spacy_model == "en_core_web_sm_from_dotenv"
        first = runtime.extractor()
        assert runtime.extractor() is first  # built once per process
    assert asked == ["en_core_web_sm_from_dotenv"]
