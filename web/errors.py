"""One error path: kb's errors and HTTP errors become Chinese pages, or JSON under /api/."""

from __future__ import annotations

import logging

from flask import Flask, jsonify, render_template, request
from flask.typing import ResponseReturnValue
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from kb.errors import IndexProblem, KBError, NotFound

log = logging.getLogger(__name__)

TITLES = {
    400: "请求有误",
    403: "没有权限",
    404: "没有找到",
    405: "不支持的操作",
    413: "上传的文件过大",
    500: "服务器出错",
    503: "服务暂不可用",
}


def status_for(error: KBError) -> int:
    """The HTTP status that says what kind of problem a kb error is."""
    if isinstance(error, NotFound):
        return 404
    if isinstance(error, IndexProblem):
        return 503
    return 400


def respond(status: int, message: str) -> ResponseReturnValue:
    """Render the error as JSON for the API and as a page for everything else."""
    if request.path.startswith("/api/"):
        return jsonify({"error": {"status": status, "message": message}}), status
    title = TITLES.get(status, "出错了")
    return render_template("errors/error.html", status=status, title=title, message=message), status


def init_app(app: Flask) -> None:
    @app.errorhandler(KBError)
    def kb_error(error: KBError) -> ResponseReturnValue:
        return respond(status_for(error), str(error))

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError) -> ResponseReturnValue:
        return respond(400, "表单已过期或缺少安全令牌，请刷新页面后重试")

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> ResponseReturnValue:
        messages = {
            404: "您要找的页面不存在",
            405: "该地址不支持这种请求",
            413: "上传的文件超过大小上限",
        }
        status = error.code or 500
        return respond(status, messages.get(status, error.description or TITLES.get(status, "")))

    @app.errorhandler(Exception)
    def unexpected(error: Exception) -> ResponseReturnValue:
        if isinstance(error, HTTPException):
            return http_error(error)
        log.exception("unhandled error on %s", request.path)
        return respond(InternalServerError.code, "服务器出错了，请稍后重试")
