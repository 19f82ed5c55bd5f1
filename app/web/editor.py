"""Editors: the token of DATELINE_EDITOR_TOKEN, a signed sign-in cookie, and the CSRF token of their forms.

The cookie never holds the token: it is an expiry signed with it (HMAC-SHA256), so changing the token signs
every editor out. Forms carry a CSRF token derived from the cookie; the request guard refuses cross-site
posts as well (Origin/Referer), and the cookie is SameSite=Strict, HttpOnly and Secure.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import Response

from app.settings import Settings

COOKIE = "dateline_editor"
SIGN_IN_DAYS = 14


class EditorRefused(Exception):
    """A correction request without a valid editor token, cookie or CSRF token: status and what to do."""

    def __init__(self, status: int, detail: str) -> None:
        super().__init__(detail)
        self.status, self.detail = status, detail


@dataclass(frozen=True, slots=True)
class EditorState:
    """What a page needs to know: whether corrections are on, whether this reader is signed in, its CSRF token."""

    enabled: bool
    signed_in: bool
    csrf: str | None
    name: str | None = None  # who the log says made the change, given at sign-in


def _mac(token: str, message: str) -> str:
    return hmac.new(token.encode(), message.encode(), hashlib.sha256).hexdigest()


def _settings(request: Request) -> Settings:
    return request.app.state.settings


def check_token(settings: Settings, given: str | None) -> None:
    """401 without a token, 403 for a wrong one or when corrections are switched off."""
    expected = settings.editor_token
    if not expected:
        raise EditorRefused(403, "Corrections over the web are switched off: the server has no DATELINE_EDITOR_TOKEN.")
    if not given:
        raise EditorRefused(401, "An editor token is required: send 'Authorization: Bearer <token>', or sign in "
                                 "at /-/editor.")
    if not hmac.compare_digest(given.encode(), expected.encode()):
        raise EditorRefused(403, "The editor token is wrong.")


def bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    return (header[7:].strip() or None) if header.lower().startswith("bearer ") else None


def sign_in(request: Request, response: Response, name: str) -> None:
    """Keep the editor signed in for two weeks under ``name`` (the token itself never leaves the server)."""
    token = _settings(request).editor_token or ""
    expires = int(time.time()) + SIGN_IN_DAYS * 86400
    who = name.encode().hex()
    response.set_cookie(COOKIE, f"{expires}.{who}.{_mac(token, f'editor:{expires}:{who}')}",
                        max_age=SIGN_IN_DAYS * 86400, path="/", secure=True, httponly=True, samesite="strict")


def sign_out(response: Response) -> None:
    response.delete_cookie(COOKIE, path="/", secure=True, httponly=True, samesite="strict")


def _cookie_status(request: Request) -> int:
    """200 for a valid sign-in cookie, 401 for none, 403 for a forged, expired or outdated one."""
    token = _settings(request).editor_token
    value = request.cookies.get(COOKIE)
    if not value:
        return 401
    expires, _, rest = value.partition(".")
    who, _, mac = rest.partition(".")
    if not token or not expires.isdigit() or int(expires) < time.time():
        return 403
    return 200 if hmac.compare_digest(mac.encode(), _mac(token, f"editor:{expires}:{who}").encode()) else 403


def _cookie_name(request: Request) -> str | None:
    try:
        return bytes.fromhex(request.cookies[COOKIE].split(".")[1]).decode() or None
    except (KeyError, IndexError, ValueError):
        return None


def csrf_token(request: Request) -> str | None:
    """The token this editor's forms carry: bound to the sign-in cookie, so another site cannot know it."""
    token = _settings(request).editor_token
    if not token or _cookie_status(request) != 200:
        return None
    return _mac(token, f"csrf:{request.cookies[COOKIE]}")


def editor_state(request: Request) -> EditorState:
    enabled = bool(_settings(request).editor_token)
    csrf = csrf_token(request) if enabled else None
    return EditorState(enabled=enabled, signed_in=csrf is not None, csrf=csrf,
                       name=_cookie_name(request) if csrf is not None else None)


def check_form(request: Request, given_csrf: str | None) -> None:
    """A form post by a signed-in editor from one of our pages, else 401 (not signed in) or 403."""
    if not _settings(request).editor_token:
        raise EditorRefused(403, "Corrections over the web are switched off: the server has no DATELINE_EDITOR_TOKEN.")
    status = _cookie_status(request)
    if status == 401:
        raise EditorRefused(401, "Sign in as an editor first (/-/editor).")
    if status != 200:
        raise EditorRefused(403, "Your editor sign-in is no longer valid; sign in again (/-/editor).")
    expected = csrf_token(request) or ""
    if not given_csrf or not hmac.compare_digest(given_csrf.encode(), expected.encode()):
        raise EditorRefused(403, "This form's security token is missing or wrong; reload the page and send it again.")
