"""Dateline: news articles in, a browsable record of actors, dates, quotes and events out."""

__version__ = "0.1.0"
