"""``/-/ingest`` (token-protected: paste text, upload files, give URLs or feeds → a job) and ``/-/jobs/{id}``."""

from __future__ import annotations

import hmac
from collections.abc import Callable
from pathlib import PurePath
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.datastructures import UploadFile as StarletteUpload

from app.jobs import JobInput, create_job, job_progress
from app.settings import Settings
from app.textio import MAX_FILE_BYTES, UnreadableInput, decode_bytes
from app.web.deps import SessionDep

MAX_ITEMS = 2000
MAX_PASTE_CHARS = 1_000_000


class IngestRefused(Exception):
    """A request /-/ingest will not take: status, one-line reason, and how to fix it."""

    def __init__(self, status: int, detail: str) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail


def get_enqueuer(request: Request) -> Callable[[int], None]:
    """How a new job reaches a worker: the configured queue, plus the embedded worker when there is no Redis."""
    settings: Settings = request.app.state.settings

    def enqueue(job_id: int) -> None:
        from app import jobs

        jobs.enqueue(job_id, settings)
        if not settings.queue_url:
            jobs.ensure_embedded_worker(settings)

    return enqueue


EnqueueDep = Annotated[Callable[[int], None], Depends(get_enqueuer)]


def check_token(settings: Settings, given: str | None) -> None:
    expected = settings.ingest_token
    if not expected:
        raise IngestRefused(403, "Ingestion over the web is switched off: the server has no DATELINE_INGEST_TOKEN set.")
    if not given:
        raise IngestRefused(401, "An ingest token is required: send it as the form field 'token' or as "
                                 "'Authorization: Bearer <token>'.")
    if not hmac.compare_digest(given.encode(), expected.encode()):
        raise IngestRefused(403, "The ingest token is wrong.")


def _lines(value: Any) -> list[str]:
    return [line.strip() for line in str(value or "").splitlines() if line.strip()]


async def _upload_inputs(upload: StarletteUpload) -> list[JobInput]:
    """An uploaded file as job inputs: one per JSON line, one per text or HTML file; bad files fail visibly."""
    name = PurePath(upload.filename or "upload").name or "upload"
    data = await upload.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        return [JobInput("text", name, "", error=f"{name}: over the {MAX_FILE_BYTES:,}-byte limit for one file")]
    try:
        text = decode_bytes(data, name)
    except UnreadableInput as exc:
        return [JobInput("text", name, "", error=str(exc))]
    suffix = PurePath(name).suffix.lower()
    if suffix in (".jsonl", ".ndjson"):
        return [JobInput("jsonl", f"{name}:{n}", line) for n, line in enumerate(text.splitlines(), 1) if line.strip()]
    if suffix in (".html", ".htm", ".xhtml"):
        return [JobInput("html", name, text)]
    return [JobInput("text", name, text)]


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


async def read_ingest_form(request: Request, settings: Settings | None = None) -> tuple[str | None, list[JobInput]]:
    """(token, inputs) from a multipart/urlencoded form or a JSON body.

    With ``settings`` the token is checked before any input is decoded: a caller without it costs no work.
    """
    header = request.headers.get("authorization", "")
    token = header[7:].strip() if header.lower().startswith("bearer ") else request.headers.get("x-dateline-token")
    if settings is not None and token:
        check_token(settings, token)
    inputs: list[JobInput] = []
    if request.headers.get("content-type", "").startswith("application/json"):
        try:
            body = await request.json()
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
        inputs += [JobInput("text", f"text {n}", t) for n, t in enumerate(texts, 1) if t.strip()]
        inputs += [JobInput("url", u, u) for u in _str_list(body, "urls")]
        inputs += [JobInput("feed", f, f) for f in _str_list(body, "feeds")]
        return token, inputs
    try:
        form = await request.form(max_files=200, max_fields=50)
    except Exception as exc:
        raise IngestRefused(400, f"The form could not be read ({type(exc).__name__}).") from None
    token = token or (str(form.get("token") or "").strip() or None)
    if settings is not None:
        check_token(settings, token)  # before any upload is read and decoded
    pasted = str(form.get("text") or "")
    if len(pasted) > MAX_PASTE_CHARS:
        raise IngestRefused(413, f"The pasted text is over {MAX_PASTE_CHARS:,} characters; upload it as a file.")
    if pasted.strip():
        inputs.append(JobInput("text", "pasted text", pasted.replace("\r\n", "\n")))
    inputs += [JobInput("url", u, u) for u in _lines(form.get("urls"))]
    inputs += [JobInput("feed", f, f) for f in _lines(form.get("feed")) + _lines(form.get("feeds"))]
    for upload in form.getlist("files"):
        if isinstance(upload, StarletteUpload) and (upload.filename or upload.size):
            inputs += await _upload_inputs(upload)
    return token, inputs


def _refusal(request: Request, exc: IngestRefused, as_json: bool) -> Response:
    headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else {}
    if as_json:
        return JSONResponse({"error": {"status": exc.status, "detail": exc.detail}}, status_code=exc.status,
                            headers=headers)
    from app.web.render import render_template

    response = render_template(request, "ingest.html", _form_context(request, error=exc.detail), status=exc.status)
    response.headers.update(headers)
    return response


def _form_context(request: Request, error: str | None = None) -> dict[str, Any]:
    settings: Settings = request.app.state.settings
    return {"page_title": "Add articles", "enabled": bool(settings.ingest_token), "error": error,
            "max_bytes": MAX_FILE_BYTES}


def install(app: FastAPI) -> None:
    from app.web.render import render_template, wants_fragment

    @app.get("/-/ingest", include_in_schema=False)
    def ingest_form(request: Request) -> Response:
        return render_template(request, "ingest.html", _form_context(request))

    async def _submit(request: Request, session: Any, enqueue: Callable[[int], None], as_json: bool) -> Response:
        try:
            token, inputs = await read_ingest_form(request, request.app.state.settings)
            check_token(request.app.state.settings, token)
            if not inputs:
                raise IngestRefused(400, "Nothing to ingest: paste text, give URLs or a feed, or upload files.")
            if len(inputs) > MAX_ITEMS:
                raise IngestRefused(413, f"{len(inputs):,} inputs is more than the {MAX_ITEMS:,} one job takes; "
                                         "split them, or use `dateline ingest` on the server.")
        except IngestRefused as exc:
            return _refusal(request, exc, as_json)
        job = create_job(session, inputs, origin="web")
        # The job must be durable before a worker can look for it, so this request commits here.
        session.commit()
        enqueue(job.id)
        location = f"/-/jobs/{job.id}"
        if as_json:
            return JSONResponse({"job": job.id, "inputs": len(inputs), "url": location,
                                 "progress": f"{location}.json"}, status_code=202, headers={"Location": location})
        return RedirectResponse(location, status_code=303)

    @app.post("/-/ingest", include_in_schema=False)
    async def ingest_submit(request: Request, session: SessionDep, enqueue: EnqueueDep) -> Response:
        return await _submit(request, session, enqueue, as_json=False)

    @app.post("/-/ingest.json")
    async def ingest_submit_json(request: Request, session: SessionDep, enqueue: EnqueueDep) -> Response:
        """Create an ingestion job; answers 202 with the job's progress URL."""
        return await _submit(request, session, enqueue, as_json=True)

    @app.get("/-/jobs/{job_id}.json")
    def job_json(job_id: int, session: SessionDep) -> Response:
        data = job_progress(session, job_id)
        if data is None:
            return JSONResponse({"error": {"status": 404, "detail": f"There is no job {job_id}."}}, status_code=404)
        return JSONResponse(data)

    @app.get("/-/jobs/{job_id}", include_in_schema=False)
    def job_page(job_id: int, request: Request, session: SessionDep) -> Response:
        data = job_progress(session, job_id)
        if data is None:
            return render_template(request, "job.html", {"page_title": "No such job", "job": None,
                                                         "job_id": job_id}, status=404)
        block = "progress" if wants_fragment(request) else None
        return render_template(request, "job.html", {"page_title": f"Job {job_id}", "job": data,
                                                     "job_id": job_id}, block=block)

