"""Quotes: who said what, direct and indirect, attributed to a speaker and dated.

``dateline_quotes_v1`` (factory.py) fills ``doc._.dl_quotes`` with ``records.Quote``. Quotation marks
are read in marks.py, candidates are found in candidates.py, speakers are found and resolved to actors
in attribution.py (gender evidence in gender.py), and the cue word lists live in data/ (lexicon.py).
"""

from __future__ import annotations

from app.extract.quotes.factory import QuoteFinder, extract_quotes
from app.extract.quotes.settings import QuoteSettings

__all__ = ["QuoteFinder", "QuoteSettings", "extract_quotes"]
