"""Login throttling: failed logins lock the account and the client address for a while.

A few mistyped passwords cost nothing. From :data:`FREE_FAILURES` failures in a row an
account is locked, first for :data:`FIRST_LOCK`, each further failure doubling the lock
up to :data:`LONGEST_LOCK`; an address that fails against any accounts gets the same
treatment from :data:`FREE_ADDRESS_FAILURES` failures. While locked, even the right
password is refused, so guessing gets a handful of tries an hour. A successful login
clears the account's count; an address's count fades once it has not failed for
:data:`FORGET_AFTER`.

The counts live in the database, so every site worker (and every node of a shared
deployment) sees the same ones.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from kb.db.models import LoginThrottle, utcnow

FREE_FAILURES = 5
FREE_ADDRESS_FAILURES = 20
FIRST_LOCK = dt.timedelta(seconds=30)
LONGEST_LOCK = dt.timedelta(minutes=15)
FORGET_AFTER = dt.timedelta(hours=1)
"""A count whose last failure is this old starts again from zero."""
MAX_KEY = 256


def _key(text: str) -> str:
    return text.strip()[:MAX_KEY]


def _rows(session: Session, name: str, address: str) -> list[tuple[LoginThrottle | None, str]]:
    wanted = [("account", _key(name)), ("address", _key(address or "unknown"))]
    out: list[tuple[LoginThrottle | None, str]] = []
    for scope, key in wanted:
        row = session.scalar(
            select(LoginThrottle).where(LoginThrottle.scope == scope, LoginThrottle.key == key)
        )
        out.append((row, key))
    return out


def _aware(moment: dt.datetime) -> dt.datetime:
    """SQLite gives back naive datetimes for what was stored in UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def locked_for(session: Session, name: str, address: str, *, now: dt.datetime | None = None) -> int:
    """Seconds until ``name`` may try to log in from ``address`` again (0: now)."""
    now = now or utcnow()
    waits = [
        (_aware(row.locked_until) - now).total_seconds()
        for row, _ in _rows(session, name, address)
        if row is not None and row.locked_until is not None
    ]
    longest = max(waits, default=0.0)
    return int(longest) + 1 if longest > 0 else 0


def record_failure(
    session: Session, name: str, address: str, *, now: dt.datetime | None = None
) -> int:
    """Count a failed login; return the seconds of the lock it earned (0: none yet)."""
    now = now or utcnow()
    locks = []
    for (row, key), (scope, free) in zip(
        _rows(session, name, address),
        [("account", FREE_FAILURES), ("address", FREE_ADDRESS_FAILURES)],
        strict=True,
    ):
        if row is None:
            row = LoginThrottle(scope=scope, key=key, failures=0, last_failure=now)
            session.add(row)
        elif now - _aware(row.last_failure) > FORGET_AFTER:
            row.failures = 0
        row.failures += 1
        row.last_failure = now
        over = row.failures - free
        if over >= 0:
            lock = min(FIRST_LOCK * 2 ** min(over, 16), LONGEST_LOCK)
            row.locked_until = now + lock
            locks.append(int(lock.total_seconds()))
    session.flush()
    return max(locks, default=0)


def record_success(session: Session, name: str) -> None:
    """Clear the account's failures after a successful login."""
    row = session.scalar(
        select(LoginThrottle).where(
            LoginThrottle.scope == "account", LoginThrottle.key == _key(name)
        )
    )
    if row is not None:
        session.delete(row)
        session.flush()
