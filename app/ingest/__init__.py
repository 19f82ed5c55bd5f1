"""Ingestion: read sources (files, HTML, JSON Lines, URLs, feeds), drop duplicates, extract, store once.

``sources`` maps every kind of input to candidates, ``readers`` read one file or page (no NLP), and
``runner`` ties dedup, the extraction pool and the store together.
"""
