"""Extraction: article text (and an optional publication date) in, an ``Extraction`` of plain records out.

``Extractor``, ``ArticleInput``, ``Extraction`` and ``ExtractionError`` are the public face. They are loaded
on first use so that importing a record type (``app.extract.records``) does not load spaCy.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from app.extract.pipeline import ArticleInput, ExtractionError, Extractor
    from app.extract.records import Extraction

__all__ = ["ArticleInput", "Extraction", "ExtractionError", "Extractor"]


def __getattr__(name: str) -> Any:
    if name == "Extraction":
        from app.extract.records import Extraction

        return Extraction
    if name in ("ArticleInput", "ExtractionError", "Extractor"):
        from app.extract import pipeline

        return getattr(pipeline, name)
    raise AttributeError(f"module 'app.extract' has no attribute {name!r}")
