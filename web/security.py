"""What every response promises a browser, and what a request may send before kb reads it.

- Headers: a Content-Security-Policy that allows scripts, styles and everything else
  only from this site (no inline script, no ``eval``, no framing, forms post only
  here), ``X-Content-Type-Options: nosniff``, ``X-Frame-Options: DENY``, a
  same-origin ``Referrer-Policy`` (a shared pack's link never leaks to other sites),
  and no server software named.
- The session cookie is ``HttpOnly`` and ``SameSite=Lax``, and ``Secure`` whenever the
  request came over HTTPS.
- NUL characters: PostgreSQL's text cannot hold them, so a request with one in its
  address (404), query, form or JSON body (400 naming the parameter) is refused before
  any of it reaches the database.
- Bodies: a request may send at most :data:`FORM_BYTES`, except an editor's upload
  (``KB_MAX_FILE_MB`` for each of :data:`UPLOAD_FILES` files). Werkzeug refuses a
  larger declared ``Content-Length`` before reading the body, and the upload's body is
  not read at all before the editor's login is checked.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, Response, request
from flask.sessions import SecureCookieSessionInterface
from flask.typing import ResponseReturnValue
from flask_login import current_user
from werkzeug.exceptions import NotFound

from web.params import BadParameter, shown

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
}
FORM_BYTES = 1024 * 1024
"""Any form or JSON body: a pack's notes and questions are far smaller."""
UPLOAD_FILES = 10
UPLOAD_ENDPOINT = "edit.upload"


def safe_next(target: str | None, default: str) -> str:
    """``target`` if it is a path on this site, else ``default``: a ``next=`` never
    leads off the site.

    Browsers read ``/\\host`` as ``//host`` and drop tabs and newlines from a URL, so a
    target with a backslash or any control character or space is refused as well.

    >>> safe_next("/documents/3?q=%E5%B9%B2", "/"), safe_next("/\\evil.example", "/")
    ('/documents/3?q=%E5%B9%B2', '/')
    >>> [safe_next(t, "/") for t in ["//evil.example", "/\t/evil.example", "https://x.cn/"]]
    ['/', '/', '/']
    """
    if not target or not target.startswith("/") or target.startswith("//"):
        return default
    if "\\" in target or any(char <= " " or char == "\x7f" for char in target):
        return default
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc else default


def _holds_nul(value: object) -> bool:
    """True when a JSON value has a NUL in any string (key or value, at any depth)."""
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_holds_nul(k) or _holds_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_holds_nul(item) for item in value)
    return False


class SessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, ``Secure`` when the request came over HTTPS."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(app.config["SESSION_COOKIE_SECURE"] or request.is_secure)


def init_app(app: Flask, *, max_file_bytes: int) -> None:
    """Install the headers, the cookie policy and the body limits (before CSRF checks
    read any form)."""
    app.session_interface = SessionInterface()
    app.config["MAX_CONTENT_LENGTH"] = FORM_BYTES

    @app.before_request
    def limit_body() -> ResponseReturnValue | None:
        if request.endpoint != UPLOAD_ENDPOINT or request.method != "POST":
            return None
        if not current_user.is_authenticated:
            from web.auth import login_manager

            return login_manager.unauthorized()  # the body is never read
        request.max_content_length = UPLOAD_FILES * max_file_bytes + FORM_BYTES
        return None

    @app.before_request
    def refuse_nul() -> None:
        if "\x00" in request.path:
            raise NotFound()  # no page's address holds one
        if request.endpoint == UPLOAD_ENDPOINT and not current_user.is_authenticated:
            return
        for values in (request.args, request.form):
            for name, value in values.items(multi=True):  # (a name with one is never read)
                if "\x00" in value and "\x00" not in name:
                    raise BadParameter(name, f"参数 {shown(name)} 含有空字符（NUL）")
        if request.is_json and _holds_nul(request.get_json(silent=True)):
            raise BadParameter("body", "请求体含有空字符（NUL）")

    @app.after_request
    def add_headers(response: Response) -> Response:
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        if request.is_secure:
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        return response
