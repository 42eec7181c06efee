"""Numbers in requests, read in one place: URL parts, query strings, forms and JSON bodies.

A number is ASCII digits (``²``, ``①`` and ``١٢`` are digits to ``str.isdigit`` and
some to ``int``, but no one types them as a page number) within the range the column
or the list it names can hold; anything else is a :class:`BadParameter` that names the
parameter, so the page or the API says which value was wrong (400). An id in the path
that no row can have is simply not found (404), like any other unknown id.
"""

from __future__ import annotations

import re

from werkzeug.routing import IntegerConverter, Map

from kb.errors import QuerySyntaxError

MAX_ID = 2**31 - 1
"""Ids and ordinals are 32-bit integer columns: a larger number names nothing."""
_DIGITS = re.compile(r"[0-9]{1,12}")
SHOWN = 40
"""Characters of a refused value quoted back in the message."""


class BadParameter(QuerySyntaxError):
    """A request parameter has a value kb cannot use (400)."""

    def __init__(self, parameter: str, message: str) -> None:
        super().__init__(message)
        self.parameter = parameter


def shown(value: object) -> str:
    """A refused value as quoted back to the user: one line, clipped."""
    text = " ".join(str(value).split())
    return text if len(text) <= SHOWN else text[:SHOWN] + "…"


def whole_number(
    value: object, parameter: str, *, low: int = 0, high: int = MAX_ID, label: str | None = None
) -> int:
    """``value`` (text from a URL or form, or a JSON number) as a whole number within
    ``[low, high]``; raise BadParameter naming ``parameter`` (or ``label``) otherwise.

    >>> whole_number(" 12 ", "page")
    12
    >>> whole_number("²", "page")  # doctest: +IGNORE_EXCEPTION_DETAIL
    Traceback (most recent call last):
    ...
    web.params.BadParameter: 参数 page 应为 0–2147483647 之间的整数，而不是“²”
    """
    name = label or f"参数 {parameter}"
    name += " " if name[-1:].isascii() else ""
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise BadParameter(parameter, f"{name}应为整数")
    if isinstance(value, str):
        text = value.strip()
        if not _DIGITS.fullmatch(text):
            wrong = f"{name}应为 {low}–{high} 之间的整数，而不是“{shown(value)}”"
            raise BadParameter(parameter, wrong)
        value = int(text)
    if not low <= value <= high:
        raise BadParameter(parameter, f"{name}应为 {low}–{high} 之间的整数，而不是“{value}”")
    return value


def optional_number(
    value: object, parameter: str, *, default: int, low: int = 0, high: int = MAX_ID
) -> int:
    """Like :func:`whole_number`, with ``default`` for a missing or empty value."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return default
    return whole_number(value, parameter, low=low, high=high)


def decorative_number(value: str | None) -> int | None:
    """A number that only decorates a page (which passage to mark): the number, or None
    for anything else — never an error.

    >>> [decorative_number(value) for value in ("3", "²", "١٢", None)]
    [3, None, None, None]
    """
    text = (value or "").strip()
    return int(text) if _DIGITS.fullmatch(text) else None


class IdConverter(IntegerConverter):
    """``<int:…>`` in the site's routes: a number no id can be does not match (404)."""

    regex = r"\d{1,12}"

    def __init__(self, map: Map, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)  # type: ignore[arg-type]
