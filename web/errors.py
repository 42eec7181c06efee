"""One error path: kb's errors and HTTP errors become Chinese pages, or JSON under /api/."""

from __future__ import annotations

import logging

from flask import Flask, Response, jsonify, make_response, render_template, request
from flask.typing import ResponseReturnValue
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError, MethodNotAllowed

from kb.errors import IndexProblem, KBError, NotFound
from web.request_log import request_id

log = logging.getLogger(__name__)

TITLES = {
    400: "请求有误",
    403: "没有权限",
    404: "没有找到",
    405: "不支持的操作",
    413: "请求内容过大",
    414: "请求地址过长",
    429: "请求过于频繁",
    500: "服务器出错",
    503: "服务暂不可用",
}


MESSAGES = {
    400: "请求有误，无法处理",
    401: "请先登录",
    403: "没有权限进行此操作",
    404: "您要找的页面不存在",
    405: "该地址不支持这种请求",
    413: "上传的文件或提交的内容超过大小上限",
    414: "请求地址过长",
    415: "不支持这种提交格式",
    429: "请求过于频繁，请稍后再试",
    431: "请求头过大",
}
"""What an HTTP error says when the code raising it gave no message of its own."""


UNREADABLE_FORM = (
    "无法读取提交的表单：文件名和字段须为 UTF-8 编码（浏览器上传总是如此），请重新选择文件上传"
)


def unreadable_form() -> bool:
    """True when a multipart body came but Werkzeug could read no field of it (it
    drops the whole form when a part's headers are not UTF-8, e.g. a GBK file name)."""
    multipart = (request.mimetype or "").startswith("multipart/")
    return bool(multipart and request.content_length and not request.form and not request.files)


def status_for(error: KBError) -> int:
    """The HTTP status that says what kind of problem a kb error is."""
    if isinstance(error, NotFound):
        return 404
    if isinstance(error, IndexProblem):
        return 503
    return 400


def respond(status: int, message: str, *, parameter: str | None = None) -> Response:
    """Render the error as JSON for the API (and requests that asked for JSON with
    ``format=json``, like the upload page's) and as a page for everything else; both
    carry the request's id (:mod:`web.request_log`)."""
    rid = request_id()
    if request.path.startswith("/api/") or request.args.get("format") == "json":
        error: dict[str, object] = {"status": status, "message": message, "request_id": rid}
        if parameter is not None:
            error["parameter"] = parameter
        response = jsonify({"error": error})
        response.status_code = status
        return response
    title = TITLES.get(status, "出错了")
    try:
        page = render_template(
            "errors/error.html", status=status, title=title, message=message, request_id=rid
        )
    except Exception:  # the page itself failed (e.g. the database is down): plain text
        log.exception("the error page failed [请求编号 %s]", rid)
        page = f"{title}（错误代码 {status}）：{message}\n请求编号 {rid}\n"
        return make_response(page, status, {"Content-Type": "text/plain; charset=utf-8"})
    return make_response(page, status)


def init_app(app: Flask) -> None:
    @app.errorhandler(KBError)
    def kb_error(error: KBError) -> ResponseReturnValue:
        return respond(status_for(error), str(error), parameter=getattr(error, "parameter", None))

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError) -> ResponseReturnValue:
        if unreadable_form():
            return respond(400, UNREADABLE_FORM)
        return respond(400, "表单已过期或缺少安全令牌，请刷新页面后重试")

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> ResponseReturnValue:
        status = error.code or 500
        described = error.description and error.description != type(error).description
        message = error.description if described else MESSAGES.get(status, TITLES.get(status))
        response = respond(status, message or "请求有误")
        if isinstance(error, MethodNotAllowed) and error.valid_methods:
            response.headers["Allow"] = ", ".join(error.valid_methods)
        return response

    @app.errorhandler(Exception)
    def unexpected(error: Exception) -> ResponseReturnValue:
        if isinstance(error, HTTPException):
            return http_error(error)
        log.exception("unhandled error on %s [请求编号 %s]", request.path[:300], request_id())
        return respond(InternalServerError.code, "服务器出错了，请稍后重试")
