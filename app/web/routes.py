"""Routes of the foundation: the health probe and the list of stored articles."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.templating import Jinja2Templates
from sqlalchemy import func, select

from app.db import database_status
from app.models import Article, Source
from app.web.app import TEMPLATES_DIR
from app.web.deps import SessionDep

templates = Jinja2Templates(directory=str(TEMPLATES_DIR))


def article_list(session, limit: int = 200) -> dict:
    rows = session.execute(
        select(Article.id, Article.title, Article.published, Source.name)
        .outerjoin(Source, Source.id == Article.source_id)
        .order_by(Article.published.desc().nulls_last(), Article.id.desc())
        .limit(limit)
    ).all()
    total = session.scalar(select(func.count()).select_from(Article)) or 0
    return {
        "total": total,
        "articles": [
            {"id": r.id, "title": r.title or f"Article {r.id}",
             "published": r.published.isoformat() if r.published else None, "source": r.name}
            for r in rows
        ],
    }


def install(app: FastAPI) -> None:
    @app.get("/-/health", include_in_schema=False)
    def health(request: Request) -> JSONResponse:
        status = database_status(request.app.state.engine)
        code = 200 if status["ok"] else 503
        return JSONResponse({"status": "ok" if status["ok"] else "unavailable", "database": status}, status_code=code)

    @app.get("/", response_class=HTMLResponse)
    def index(request: Request, session: SessionDep):
        return templates.TemplateResponse(request, "index.html", article_list(session))

    @app.get("/index.json")
    def index_json(session: SessionDep) -> dict:
        return article_list(session)
