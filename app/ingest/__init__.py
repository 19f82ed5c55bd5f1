"""Ingestion: read sources (files, HTML, JSON Lines, URLs, feeds), drop duplicates, extract, store once.

``readers`` know nothing of NLP; ``runner`` ties dedup, the extraction pool and the store together.
"""
