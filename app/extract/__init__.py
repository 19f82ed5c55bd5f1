"""Extraction: one article's text (and publication date) in, plain records out. No database, no web."""
