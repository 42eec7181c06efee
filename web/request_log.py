"""A request id for every request, and a log line for every answer that is an error.

The id is in the ``X-Request-ID`` header of every response, on the error page and in
the API's JSON error, and in the log line of every 4xx and 5xx answer — so a user who
reports "错误代码 500，请求编号 3f2a…" points at the exact line (and traceback) in the log.
"""

from __future__ import annotations

import logging
import secrets

from flask import Flask, Response, g, has_request_context, request

log = logging.getLogger("kb.requests")


def request_id() -> str:
    """This request's id (made on first use)."""
    if not has_request_context():
        return "-"
    rid: str | None = g.get("request_id")
    if rid is None:
        rid = g.request_id = secrets.token_hex(6)
    return rid


def init_app(app: Flask) -> None:
    @app.before_request
    def assign_id() -> None:
        request_id()

    @app.after_request
    def record(response: Response) -> Response:
        response.headers["X-Request-ID"] = request_id()
        if response.status_code >= 400:
            level = logging.ERROR if response.status_code >= 500 else logging.WARNING
            log.log(
                level,
                "%s %s -> %d [请求编号 %s] from %s",
                request.method,
                request.path[:300],
                response.status_code,
                request_id(),
                request.remote_addr or "-",
            )
        return response
