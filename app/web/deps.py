"""Request dependencies: one session per request (only it commits or rolls back) and the shared query parameters."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Query, Request
from pydantic import AfterValidator
from sqlalchemy.orm import Session

from app.db import transaction
from app.queries.cache import adopt_version
from app.queries.timeline import TimelineFilters
from app.web.transport import DATA_VERSION


def get_session(request: Request) -> Iterator[Session]:
    with transaction(request.app.state.sessionmaker) as session:
        if request.method in ("GET", "HEAD"):  # reads only: its aggregates share one data version (app.queries.cache)
            adopt_version(session, request.scope.get(DATA_VERSION))
        yield session


SessionDep = Annotated[Session, Depends(get_session)]
# The request session, committed when the route function returns and before the response is sent
# (FastAPI's "function" scope), so a redirect's next request, or a background task, sees what it wrote.
CommittedSessionDep = Annotated[Session, Depends(get_session, scope="function")]


def no_nul(value: str | None) -> str | None:
    """A query value with a NUL character is refused (422) before it reaches a database: PostgreSQL cannot
    store or compare one, and no name, date or word holds one."""
    if value is not None and "\x00" in value:
        raise ValueError("must not contain NUL (\\x00) characters")
    return value


Text = Annotated[str | None, Query(max_length=200), AfterValidator(no_nul)]
Limit = Annotated[int, Query(ge=1, le=500)]
PageNumber = Annotated[int, Query(ge=1, le=1_000_000)]


def timeline_filters(actor: Annotated[list[Annotated[str, AfterValidator(no_nul)]] | None, Query()] = None, type: Text = None, modality: Text = None,
                     source: Text = None, since: Text = None, until: Text = None,
                     q: Text = None) -> TimelineFilters:
    """The timeline's filters, read once from the query string for the page, its exports and its feed;
    a bad value is a 422 naming its parameter (the length check here, the meaning in ``from_query``)."""
    return TimelineFilters.from_query(actor, type, modality, source, since, until, q)


TimelineFiltersDep = Annotated[TimelineFilters, Depends(timeline_filters)]
