"""Shared by the corrections tests: the editor token their servers are started with."""

EDITOR_TOKEN = "editor-secret"
