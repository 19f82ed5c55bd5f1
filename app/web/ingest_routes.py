"""``/-/ingest`` (token-protected: paste text, upload files, give URLs or feeds → a job) and ``/-/jobs/{id}``.

The route never commits: the job is created with a flush, the request's session dependency commits it,
and only then (a response background task) is it enqueued, so a worker never looks for a job that is
not yet durable (see ``_submit``).
"""

from __future__ import annotations

import hmac
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import BackgroundTasks, Depends, FastAPI, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.datastructures import UploadFile as StarletteUpload

from app.ingest.sources import RawInput, feed_inputs, pasted_input, text_inputs, upload_inputs, url_inputs
from app.jobs.service import create_job, job_progress
from app.queries.common import parse_id
from app.runtime import Runtime
from app.settings import Settings
from app.textio import MAX_FILE_BYTES
from app.web.deps import CommittedSessionDep, SessionDep
from app.web.formats import route
from app.web.render import render_template, wants_fragment
from app.web.schema import INGEST_BODY, error_responses
from app.web.security import TokenThrottle
from app.web.transport import BodyTooLarge, body_too_large_hint

MAX_ITEMS = 2000
MAX_PASTE_CHARS = 1_000_000



class IngestRefused(Exception):
    """A request /-/ingest will not take: status, one-line reason, and how to fix it."""

    def __init__(self, status: int, detail: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.headers = headers or {}


class WrongToken(IngestRefused):
    """A token was given and it is not the server's: counted against the client (see ``TokenThrottle``)."""


def get_enqueuer(request: Request) -> Callable[[int], None]:
    """How a new job reaches a worker: the configured queue, plus the embedded worker when there is no Redis."""
    runtime: Runtime = request.app.state.runtime
    return runtime.enqueue_job


EnqueueDep = Annotated[Callable[[int], None], Depends(get_enqueuer)]


def check_token(settings: Settings, given: str | None) -> None:
    expected = settings.ingest_token
    if not expected:
        raise IngestRefused(403, "Ingestion over the web is switched off: the server has no DATELINE_INGEST_TOKEN set.")
    if not given:
        raise IngestRefused(401, "An ingest token is required: send it as the form field 'token' or as "
                                 "'Authorization: Bearer <token>'.")
    if not hmac.compare_digest(given.encode(), expected.encode()):
        raise WrongToken(403, "The ingest token is wrong.")


def _lines(value: Any) -> list[str]:
    return [line.strip() for line in str(value or "").splitlines() if line.strip()]


async def _upload_inputs(upload: StarletteUpload) -> list[RawInput]:
    """An uploaded file as job inputs; one byte past the limit is read, so an oversize file is refused."""
    return upload_inputs(upload.filename, await upload.read(MAX_FILE_BYTES + 1))


def _str_list(body: dict[str, Any], key: str) -> list[str]:
    """A JSON field that must be a list of strings; anything else is refused with what was wrong."""
    value = body.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise IngestRefused(422, f"'{key}' must be a list of strings, like [\"...\"], not {type(value).__name__}.")
    for n, item in enumerate(value, 1):
        if not isinstance(item, str):
            raise IngestRefused(422, f"'{key}' must be a list of strings; item {n} is {type(item).__name__}.")
    return value


async def read_ingest_form(request: Request, settings: Settings | None = None) -> tuple[str | None, list[RawInput]]:
    """(token, inputs) from a multipart/urlencoded form or a JSON body.

    With ``settings`` the token is checked before any input is decoded: a caller without it costs no work.
    """
    header = request.headers.get("authorization", "")
    token = (header[7:].strip() or None) if header.lower().startswith("bearer ") else None
    if settings is not None and token:
        check_token(settings, token)
    try:
        return await _read_inputs(request, settings, token)
    except BodyTooLarge as exc:
        raise IngestRefused(413, f"{exc.detail} {body_too_large_hint(exc.limit)}") from None


async def _read_inputs(request: Request, settings: Settings | None,
                       token: str | None) -> tuple[str | None, list[RawInput]]:
    inputs: list[RawInput] = []
    if request.headers.get("content-type", "").startswith("application/json"):
        try:
            body = await request.json()
        except RecursionError:
            raise IngestRefused(400, "The JSON body is nested too deeply to read; send an object of "
                                     "'texts', 'urls' or 'feeds' lists.") from None
        except ValueError:
            raise IngestRefused(400, "The request body is not valid JSON.") from None
        if not isinstance(body, dict):
            raise IngestRefused(400, "The JSON body must be an object with 'texts', 'urls' or 'feeds'.")
        if body.get("token") is not None and not isinstance(body["token"], str):
            raise IngestRefused(422, f"'token' must be a string, not {type(body['token']).__name__}.")
        token = token or body.get("token")
        if settings is not None:
            check_token(settings, token)
        if body.get("text") is not None and not isinstance(body["text"], str):
            raise IngestRefused(422, f"'text' must be a string, not {type(body['text']).__name__}.")
        texts = _str_list(body, "texts") or ([body["text"]] if body.get("text") else [])
        inputs += text_inputs(texts) + url_inputs(_str_list(body, "urls")) + feed_inputs(_str_list(body, "feeds"))
        return token, inputs
    try:
        form = await request.form(max_files=200, max_fields=50)
    except BodyTooLarge:
        raise
    except Exception as exc:
        raise IngestRefused(400, f"The form could not be read ({type(exc).__name__}).") from None
    token = token or (str(form.get("token") or "").strip() or None)
    if settings is not None:
        check_token(settings, token)  # before any upload is read and decoded
    pasted = str(form.get("text") or "")
    if len(pasted) > MAX_PASTE_CHARS:
        raise IngestRefused(413, f"The pasted text is over {MAX_PASTE_CHARS:,} characters; upload it as a file.")
    inputs += pasted_input(pasted) + url_inputs(_lines(form.get("urls")))
    inputs += feed_inputs(_lines(form.get("feed")) + _lines(form.get("feeds")))
    for upload in form.getlist("files"):
        if isinstance(upload, StarletteUpload) and (upload.filename or upload.size):
            inputs += await _upload_inputs(upload)
    return token, inputs


def _refusal(request: Request, exc: IngestRefused, as_json: bool) -> Response:
    headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else {}
    headers.update(exc.headers)
    if as_json:
        return JSONResponse({"error": {"status": exc.status, "detail": exc.detail}}, status_code=exc.status,
                            headers=headers)
    response = render_template(request, "ingest.html", _form_context(request, error=exc.detail), status=exc.status)
    response.headers.update(headers)
    return response


def _form_context(request: Request, error: str | None = None) -> dict[str, Any]:
    settings: Settings = request.app.state.settings
    return {"page_title": "Add articles", "enabled": bool(settings.ingest_token), "error": error,
            "max_bytes": MAX_FILE_BYTES, "max_body": settings.max_body_bytes}


def install(app: FastAPI) -> None:
    """The ingest form and API and the job pages, each registered with its format (errors answer in it)."""

    @route(app.router, "/-/ingest", "html", include_in_schema=False)
    def ingest_form(request: Request) -> Response:
        return render_template(request, "ingest.html", _form_context(request))

    async def _submit(request: Request, session: Session, enqueue: Callable[[int], None],
                      background: BackgroundTasks, as_json: bool) -> Response:
        """Create the job (flush only) and enqueue it after commit, as a response background task.

        The job must be durable before a worker can look for it. ``session`` is function-scoped, so it is
        committed as this function returns, before the response is sent and before background tasks run;
        if the commit fails the request fails and nothing is enqueued. A job whose enqueue is lost (the
        queue down) stays queued in the database and is re-queued when a worker starts.
        """
        throttle: TokenThrottle = request.app.state.token_throttle
        client = request.client.host if request.client else "unknown"
        try:
            wait = throttle.retry_after(client)
            if wait:
                raise IngestRefused(429, f"Too many wrong ingest tokens from this address; try again in {wait} s.",
                                    {"Retry-After": str(wait)})
            token, inputs = await read_ingest_form(request, request.app.state.settings)
            check_token(request.app.state.settings, token)
            if not inputs:
                raise IngestRefused(400, "Nothing to ingest: paste text, give URLs or a feed, or upload files.")
            if len(inputs) > MAX_ITEMS:
                raise IngestRefused(413, f"{len(inputs):,} inputs is more than the {MAX_ITEMS:,} one job takes; "
                                         "split them, or use `dateline ingest` on the server.")
        except IngestRefused as exc:
            if isinstance(exc, WrongToken):
                throttle.failed(client)
            return _refusal(request, exc, as_json)
        job = create_job(session, inputs, origin="web")
        background.add_task(enqueue, job.id)
        location = f"/-/jobs/{job.id}"
        if as_json:
            return JSONResponse({"job": job.id, "inputs": len(inputs), "url": location,
                                 "progress": f"{location}.json"}, status_code=202, headers={"Location": location})
        return RedirectResponse(location, status_code=303)

    @route(app.router, "/-/ingest", "html", methods=("POST",), include_in_schema=False)
    async def ingest_submit(request: Request, session: CommittedSessionDep, enqueue: EnqueueDep,
                            background: BackgroundTasks) -> Response:
        return await _submit(request, session, enqueue, background, as_json=False)

    @route(app.router, "/-/ingest.json", "json", methods=("POST",), status_code=202, openapi_extra=INGEST_BODY,
           responses=error_responses("json", 400, 401, 403, 413, 422, 429))
    async def ingest_submit_json(request: Request, session: CommittedSessionDep, enqueue: EnqueueDep,
                                 background: BackgroundTasks) -> Response:
        """Create an ingestion job; answers 202 with the job's progress URL."""
        return await _submit(request, session, enqueue, background, as_json=True)

    @route(app.router, "/-/jobs/{job_id}.json", "json", responses=error_responses("json", 404, 422))
    def job_json(job_id: str, session: SessionDep) -> Response:
        """An ingestion job's progress and each input's outcome."""
        ident = parse_id(job_id)
        data = job_progress(session, ident) if ident is not None else None
        if data is None:
            return JSONResponse({"error": {"status": 404, "detail": f"There is no job {job_id[:40]}."}},
                                status_code=404)
        return JSONResponse(data)

    @route(app.router, "/-/jobs/{job_id}", "html", include_in_schema=False)
    def job_page(job_id: str, request: Request, session: SessionDep) -> Response:
        ident = parse_id(job_id)
        data = job_progress(session, ident) if ident is not None else None
        if data is None:
            return render_template(request, "job.html", {"page_title": "No such job", "job": None,
                                                         "job_id": job_id[:40]}, status=404)
        block = "progress" if wants_fragment(request) else None
        return render_template(request, "job.html", {"page_title": f"Job {job_id}", "job": data,
                                                     "job_id": job_id}, block=block)

