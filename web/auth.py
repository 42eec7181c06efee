"""Editors' login (Flask-Login, hashed passwords) and CSRF protection on every form."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, Flask, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import LoginManager, UserMixin, current_user, login_user, logout_user
from flask_wtf import FlaskForm
from flask_wtf.csrf import CSRFProtect
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired

from kb.users import authenticate, get_user

bp = Blueprint("auth", __name__)
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
        user = get_user(session, int(user_id)) if user_id.isdigit() else None
        return Editor(user.id, user.name) if user else None


class LoginForm(FlaskForm):
    name = StringField("用户名", validators=[DataRequired(message="请输入用户名")])
    password = PasswordField("密码", validators=[DataRequired(message="请输入密码")])


def _safe_next(target: str | None) -> str:
    """Only redirect to a path on this site after login."""
    if target and not urlsplit(target).netloc and target.startswith("/"):
        return target
    return url_for("search.index")


@bp.route("/login", methods=["GET", "POST"])
def login() -> ResponseReturnValue:
    from web.services import get_services

    form = LoginForm()
    if form.validate_on_submit():
        with get_services().db.session() as session:
            user = authenticate(session, form.name.data or "", form.password.data or "")
            editor = Editor(user.id, user.name) if user else None
        if editor is not None:
            login_user(editor)
            return redirect(_safe_next(request.args.get("next")))
        flash("用户名或密码不正确", "error")
    return render_template("auth/login.html", form=form), 200 if request.method == "GET" else 401


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
