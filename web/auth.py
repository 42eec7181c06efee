"""Editors' login (Flask-Login, hashed passwords) and CSRF protection on every form."""

from __future__ import annotations

import logging
import re

from flask import Blueprint, Flask, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import LoginManager, UserMixin, current_user, login_user, logout_user
from flask_wtf import FlaskForm
from flask_wtf.csrf import CSRFProtect
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired

from kb import logins
from kb.users import authenticate, get_user
from web.security import safe_next

log = logging.getLogger(__name__)

bp = Blueprint("auth", __name__)
_ID = re.compile(r"[0-9]{1,9}")
"""A user id as the session stores it."""
csrf = CSRFProtect()
login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = "请先登录"


class Editor(UserMixin):
    """The logged-in editor, detached from the database session."""

    def __init__(self, user_id: int, name: str) -> None:
        self.id = user_id
        self.name = name


@login_manager.user_loader
def load_user(user_id: str) -> Editor | None:
    from web.services import get_services

    with get_services().db.session() as session:
        user = get_user(session, int(user_id)) if _ID.fullmatch(user_id) else None
        return Editor(user.id, user.name) if user else None


class LoginForm(FlaskForm):
    name = StringField("用户名", validators=[DataRequired(message="请输入用户名")])
    password = PasswordField("密码", validators=[DataRequired(message="请输入密码")])


@bp.route("/login", methods=["GET", "POST"])
def login() -> ResponseReturnValue:
    """The login form. Repeated failures lock the account and the address for a while
    (:mod:`kb.logins`); every failure and lock is logged."""
    from web.services import get_services

    form = LoginForm()
    status = 200 if request.method == "GET" else 401
    if form.validate_on_submit():
        name, password = form.name.data or "", form.password.data or ""
        address = request.remote_addr or "unknown"
        db = get_services().db
        with db.session() as session:
            wait = logins.locked_for(session, name, address)
        if wait:
            log.warning("login refused for %r from %s: locked for %d s", name, address, wait)
            flash(f"登录失败次数过多，请 {wait} 秒后再试", "error")
            return render_template("auth/login.html", form=form), 429
        locked = 0
        with db.session() as session:
            user = authenticate(session, name, password)
            editor = Editor(user.id, user.name) if user else None
            if editor is not None:
                logins.record_success(session, name)
            else:
                locked = logins.record_failure(session, name, address)
        if editor is not None:
            login_user(editor)
            return redirect(safe_next(request.args.get("next"), url_for("search.index")))
        if locked:
            log.warning("login failed for %r from %s: locked for %d s", name, address, locked)
            flash(f"用户名或密码不正确。失败次数过多，请 {locked} 秒后再试", "error")
            status = 429
        else:
            log.warning("login failed for %r from %s", name, address)
            flash("用户名或密码不正确", "error")
    return render_template("auth/login.html", form=form), status


@bp.route("/logout", methods=["POST"])
def logout() -> ResponseReturnValue:
    logout_user()
    flash("已退出登录", "info")
    return redirect(url_for("search.index"))


def init_app(app: Flask) -> None:
    csrf.init_app(app)
    login_manager.init_app(app)

    @app.before_request
    def require_login_for_reading() -> ResponseReturnValue | None:
        if not app.config["KB_REQUIRE_LOGIN"] or current_user.is_authenticated:
            return None
        # a shared pack link is itself the permission to read that pack
        if request.endpoint in {"auth.login", "static", "packs.shared", "packs.shared_export"}:
            return None
        return login_manager.unauthorized()
