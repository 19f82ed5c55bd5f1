"""``/-/corrections``: the audit log (page, JSON, Atom), the corrections API and the editors' forms; ``/-/editor``.

The API takes ``Authorization: Bearer <DATELINE_EDITOR_TOKEN>``; the forms on the actor, event and quote
pages take the sign-in cookie plus their CSRF token. Both make the correction through ``app.corrections``
in the request's session, committed before the answer is sent.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from xml.sax.saxutils import escape

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from app.corrections import FieldError, correct
from app.queries.corrections import correction_row, corrections_list, newest_corrections
from app.queries.errors import AppError
from app.web import urls
from app.web.deps import CommittedSessionDep, SessionDep, Text
from app.web.editor import EditorRefused, bearer, check_form, check_token, editor_state, sign_in, sign_out
from app.web.formats import RouteFormat, page_routes, route
from app.web.page import Page
from app.web.render import base_url, json_response, render_template
from app.web.schema import CORRECTION_BODY, error_responses
from app.web.security import TokenThrottle

router = APIRouter()
MAX_FIELDS = 20


def _with_links(data: dict[str, Any]) -> dict[str, Any]:
    """The log's rows with the page of each subject (JSON readers get the links the page shows)."""
    for key in ("corrections", "not_applied"):
        data[key] = [{**row, "url": urls.correction_subject(row["subject"])} for row in data[key]]
    return data


def log_page(session: Session, after: str | None = None) -> dict[str, Any]:
    return _with_links(corrections_list(session, after))


LOG = Page("corrections.html", block=None, data=log_page, title="Corrections")


@page_routes(router, "/-/corrections", html_in_schema=False)
def corrections_log(request: Request, session: SessionDep, fmt: RouteFormat, after: Text = None) -> Response:
    """Every correction in the order it was made, with before and after, and those that no longer apply."""
    return LOG.respond(request, fmt, LOG.data(session, after))


@route(router, "/-/corrections.atom", "atom")
def corrections_atom(request: Request, session: SessionDep) -> Response:
    """The newest 50 corrections as an Atom feed."""
    base = base_url(request)
    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    entries = []
    for row in newest_corrections(session):
        link = base + urls.corrections(anchor=f"c{row['id']}")
        subject = row["subject"]
        title = f"{row['words'].capitalize()}: {subject['kind']} {subject['key']}"
        entries.append(
            f"<entry><id>{escape(link)}</id><title>{escape(title)}</title>"
            f'<link rel="alternate" type="text/html" href="{escape(link)}"/>'
            f"<updated>{row['at']:%Y-%m-%dT%H:%M:%SZ}</updated><author><name>{escape(row['by'])}</name></author>"
            f"<summary>{escape(_summary(row))}</summary></entry>")
    page = base + urls.corrections()
    body = ('<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">'
            f"<id>{escape(page)}</id><title>Dateline corrections</title><updated>{now}</updated>"
            f'<link rel="self" href="{escape(base + urls.corrections("atom"))}"/>'
            f'<link rel="alternate" type="text/html" href="{escape(page)}"/>{"".join(entries)}</feed>')
    return Response(body, media_type="application/atom+xml; charset=utf-8")


def _summary(row: dict[str, Any]) -> str:
    parts = [f"before: {row['before']}", f"after: {row['after']}"]
    if row["note"]:
        parts.insert(0, row["note"])
    if row["undone"]:
        parts.append(f"undone {row['undone']:%Y-%m-%d %H:%M} UTC")
    return " · ".join(parts)


def _refusal_json(exc: EditorRefused) -> JSONResponse:
    headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else {}
    return JSONResponse({"error": {"status": exc.status, "detail": exc.detail}}, status_code=exc.status,
                        headers=headers)


def _app_error_json(exc: AppError) -> JSONResponse:
    error: dict[str, Any] = {"status": exc.status, "title": exc.title, "detail": exc.detail}
    if isinstance(exc, FieldError):
        error["field"] = exc.field
    if exc.hint:
        error["hint"] = exc.hint
    return JSONResponse({"error": error}, status_code=exc.status)


@route(router, "/-/corrections.json", "json", methods=("POST",), status_code=201, openapi_extra=CORRECTION_BODY,
       responses=error_responses("json", 400, 401, 403, 409, 422, 429))
async def corrections_api(request: Request, session: CommittedSessionDep) -> Response:
    """Make a correction: a JSON object with 'action' and its fields ('keep', 'other', 'event', 'type', …),
    optionally 'note' and 'by'; answers 201 with the correction as the log shows it."""
    throttle: TokenThrottle = request.app.state.token_throttle
    client = "editor:" + (request.client.host if request.client else "unknown")
    try:
        if wait := throttle.retry_after(client):
            return JSONResponse({"error": {"status": 429, "detail": f"Too many wrong editor tokens from this address; "
                                                                     f"try again in {wait} s."}},
                                status_code=429, headers={"Retry-After": str(wait)})
        check_token(request.app.state.settings, bearer(request))
    except EditorRefused as exc:
        if exc.status == 403 and bearer(request):
            throttle.failed(client)
        return _refusal_json(exc)
    try:
        body = await request.json()
    except (ValueError, RecursionError):
        return JSONResponse({"error": {"status": 400, "detail": "The request body is not valid JSON."}}, status_code=400)
    if not isinstance(body, dict):
        return JSONResponse({"error": {"status": 400, "detail": "The JSON body must be an object with an 'action'."}},
                            status_code=400)
    try:
        row = correction_row(correct(session, body))
    except AppError as exc:
        return _app_error_json(exc)
    return json_response({**row, "url": urls.correction_subject(row["subject"]),
                          "log": urls.corrections(anchor=f"c{row['id']}")}, status=201)


def _next_page(value: str) -> str | None:
    """Where a form goes back to: a path of this site only (never '//host' or a URL)."""
    return value if value.startswith("/") and not value.startswith(("//", "/\\")) else None


@route(router, "/-/corrections", "html", methods=("POST",), include_in_schema=False)
async def corrections_form(request: Request, session: CommittedSessionDep) -> Response:
    """A correction from a form on an actor, event or quote page; back to that page (303) when it is made."""
    form = await request.form(max_files=0, max_fields=MAX_FIELDS)
    body = {k: str(v) for k, v in form.items() if k not in ("csrf", "next", "by")}
    back = _next_page(str(form.get("next") or ""))
    try:
        check_form(request, str(form.get("csrf") or "") or None)
        row = correct(session, {**body, "by": editor_state(request).name or ""})  # the name given at sign-in
    except EditorRefused as exc:
        return _form_error(request, exc.status, "Not allowed", exc.detail, back)
    except AppError as exc:
        return _form_error(request, exc.status, exc.title, exc.detail, back)
    if row.action == "merge_actors" and back == urls.actor(row.args["other"]):
        back = urls.actor(row.args["keep"])  # the page merged away now redirects; go to the one kept
    return RedirectResponse(back or urls.corrections(anchor=f"c{row.id}"), status_code=303)


def _form_error(request: Request, status: int, title: str, detail: str, back: str | None) -> Response:
    return render_template(request, "editor.html", {"page_title": title, "error": detail, "next": back,
                                                    "title": title}, status=status)


@route(router, "/-/editor", "html", include_in_schema=False)
def editor_page(request: Request, next: Text = None) -> Response:
    """Sign in with the editor token (once: a cookie keeps the editor signed in), or sign out."""
    return render_template(request, "editor.html", {"page_title": "Editor sign-in", "error": None,
                                                    "next": _next_page(next or ""), "title": "Editors"})


@route(router, "/-/editor", "html", methods=("POST",), include_in_schema=False)
async def editor_sign_in(request: Request) -> Response:
    form = await request.form(max_files=0, max_fields=MAX_FIELDS)
    back = _next_page(str(form.get("next") or ""))
    throttle: TokenThrottle = request.app.state.token_throttle
    client = "editor:" + (request.client.host if request.client else "unknown")
    try:
        if wait := throttle.retry_after(client):
            raise EditorRefused(429, f"Too many wrong editor tokens from this address; try again in {wait} s.")
        check_token(request.app.state.settings, str(form.get("token") or "").strip() or None)
    except EditorRefused as exc:
        if exc.status == 403 and form.get("token"):
            throttle.failed(client)
        return _form_error(request, exc.status, "Not signed in", exc.detail, back)
    name = " ".join(str(form.get("name") or "").split())[:100] or "editor"
    response = RedirectResponse(back or urls.corrections(), status_code=303)
    sign_in(request, response, name)
    return response


@route(router, "/-/editor/sign-out", "html", methods=("POST",), include_in_schema=False)
async def editor_sign_out(request: Request) -> Response:
    form = await request.form(max_files=0, max_fields=MAX_FIELDS)
    try:
        check_form(request, str(form.get("csrf") or "") or None)
    except EditorRefused as exc:
        return _form_error(request, exc.status, "Not signed out", exc.detail, None)
    response = RedirectResponse(urls.editor(), status_code=303)
    sign_out(response)
    return response

