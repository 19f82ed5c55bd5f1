"""Helpers shared by several test modules (fixtures, local servers, corpora); never collected as tests."""
