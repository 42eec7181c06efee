"""Flask site: search, documents, approaches and demonstrations, editing, packs, JSON API.

``create_app(config=None)``: defaults from kb's settings (``KB_*`` environment), then
``config`` (tests pass ``KB_HOME``, ``KB_DATABASE_URL`` …). Each extension module has an
``init_app(app)``; one blueprint per family of pages.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask

from kb.config import Config, load_config
from web.params import IdConverter


def _secret_key(config: Config) -> str:
    """The configured key, or one generated once and kept in the instance folder."""
    if config.secret_key:
        return config.secret_key
    path = Path(config.home) / "secret_key"
    if not path.exists():
        config.home.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32), encoding="utf-8")
        path.chmod(0o600)
    return path.read_text(encoding="utf-8").strip()


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the site around the knowledge base the settings point at."""
    overrides = dict(config or {})
    environ = {k: str(v) for k, v in overrides.items() if k.startswith("KB_")}
    import os

    kb_config = load_config({**os.environ, **environ})
    app = Flask(__name__)
    app.config.from_mapping(
        SECRET_KEY=_secret_key(kb_config),
        KB=kb_config,
        KB_REQUIRE_LOGIN=kb_config.require_login,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        WTF_CSRF_TIME_LIMIT=None,
        JSON_SORT_KEYS=False,
    )
    app.config.update({k: v for k, v in overrides.items() if not k.startswith("KB_")})
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    app.url_map.converters["int"] = IdConverter  # before any route is added

    from web import auth, errors, request_log, security, services
    from web.views import api, api_packs, documents, edit, pack_edit, packs, search, tags

    request_log.init_app(app)
    services.init_app(app)
    security.init_app(app, max_file_bytes=kb_config.max_file_bytes)  # before CSRF reads forms
    auth.init_app(app)
    errors.init_app(app)
    blueprints = (search.bp, documents.bp, tags.bp, edit.bp, packs.bp, pack_edit.bp, auth.bp)
    for blueprint in (*blueprints, api.bp, api_packs.bp):
        app.register_blueprint(blueprint)
    app.jinja_env.globals.update(services.template_globals())
    return app
