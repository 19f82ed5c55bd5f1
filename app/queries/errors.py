"""The AppError family: what a query can tell the reader went wrong; the web layer picks the output."""

from __future__ import annotations


class AppError(Exception):
    """Something the reader should be told about; ``status`` picks the HTTP code and the page."""

    status = 500
    title = "Something went wrong"

    def __init__(self, detail: str, *, hint: str | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.hint = hint


class NotFound(AppError):
    status = 404
    title = "Not found"


class Gone(AppError):
    status = 410
    title = "Removed"


class BadInput(AppError):
    status = 422
    title = "That request could not be understood"


class Moved(Exception):
    """Not an error: the thing lives elsewhere (canonical slug, merged event) — the web layer redirects (301)."""

    def __init__(self, kind: str, ident: int | str, slug: str = "", fmt: str = "") -> None:
        super().__init__(f"{kind} {ident}")
        self.kind, self.ident, self.slug, self.fmt = kind, ident, slug, fmt
