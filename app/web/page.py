"""A page is declared once — template, htmx block, data, title — and every answer it gives follows that declaration."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from fastapi import Request
from fastapi.responses import Response

from app.web.formats import Format
from app.web.render import json_response, render_template, see_other, template_blocks, wants_fragment

PageData = dict[str, Any]


class PageDeclarationError(LookupError):
    """A page names an htmx block its template does not define (raised on import, not on a request)."""


@dataclass(frozen=True)
class Page:
    """``block`` is what htmx swaps in; a page without one answers htmx with the full page."""

    template: str
    block: str | None
    data: Callable[..., PageData]
    title: str | Callable[[Mapping[str, Any]], str]
    meta: Callable[[Mapping[str, Any]], dict[str, Any]] | None = None  # app.web.share: description, card, URL

    def __post_init__(self) -> None:
        blocks = template_blocks(self.template)
        if self.block is not None and self.block not in blocks:
            raise PageDeclarationError(f"page {self.template} declares htmx block {self.block!r}, but the template "
                                       f"only defines {', '.join(blocks) or 'no blocks'}")

    def title_for(self, data: Mapping[str, Any]) -> str:
        return self.title if isinstance(self.title, str) else self.title(data)

    def sends_block(self, request: Request, fmt: Format) -> bool:
        """Whether this request gets the block alone: an htmx swap (not a history restore) of an HTML page."""
        return fmt == "html" and self.block is not None and wants_fragment(request)

    def respond(self, request: Request, fmt: Format, data: PageData) -> Response:
        """JSON for the JSON twin, the block for an htmx swap, else the whole page."""
        if fmt == "json":
            return json_response(data)
        block = self.block if self.sends_block(request, fmt) else None
        meta = self.meta(data) if self.meta is not None and block is None else None
        return render_template(request, self.template, {**data, "page_title": self.title_for(data), "page_meta": meta},
                               block=block)

    def redirects_to_canonical(self, request: Request, fmt: Format) -> bool:
        """Whether an untidy URL is answered with a 303 to its clean form: yes for a page load; JSON and htmx swaps
        are answered where they asked (a swap is told the clean URL to push instead)."""
        return fmt == "html" and not self.sends_block(request, fmt)

    def respond_at(self, request: Request, fmt: Format, data: PageData, canonical: str | None) -> Response:
        """The page for a URL that may have a cleaner form: a 303 there, or for htmx the block plus the URL to push."""
        if canonical is None or fmt != "html":
            return self.respond(request, fmt, data)
        if self.redirects_to_canonical(request, fmt):
            return see_other(canonical)
        response = self.respond(request, fmt, data)
        response.headers["HX-Push-Url"] = canonical
        return response
