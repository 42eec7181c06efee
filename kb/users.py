"""Editors' accounts: created from the command line, checked at login."""

from __future__ import annotations

import functools
import re

from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from kb.db.models import User
from kb.errors import KBError

MIN_PASSWORD = 8
_NAME = re.compile(r"^[\w.\-@\u4e00-\u9fff]{2,64}$")


class UserError(KBError):
    """An account cannot be created as asked."""


def add_user(session: Session, name: str, password: str) -> User:
    """Create an editor with a salted hash of ``password``."""
    if not _NAME.match(name):
        raise UserError("用户名应为 2–64 个字母、数字、汉字或 . - _ @")
    if len(password) < MIN_PASSWORD:
        raise UserError(f"密码至少 {MIN_PASSWORD} 位")
    if session.scalar(select(User).where(User.name == name)) is not None:
        raise UserError(f"用户“{name}”已存在")
    user = User(name=name, password_hash=generate_password_hash(password))
    session.add(user)
    session.flush()
    return user


def authenticate(session: Session, name: str, password: str) -> User | None:
    """The user with this name and password, or None."""
    user = session.scalar(select(User).where(User.name == name))
    if user is None:
        check_password_hash(_dummy_hash(), password)  # as slow as a wrong password
        return None
    return user if check_password_hash(user.password_hash, password) else None


@functools.cache
def _dummy_hash() -> str:
    return generate_password_hash("no such user")


def get_user(session: Session, user_id: int) -> User | None:
    return session.get(User, user_id)
