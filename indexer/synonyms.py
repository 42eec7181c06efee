"""Query-time synonyms: other ways of writing a clause's text.

``corpus/synonyms.txt`` holds one group of equivalent terms per line, separated by
whitespace; ``#`` starts a comment. Terms are :func:`normalize`-d on load, so the file is
written in simplified script and matches normalized query text.

A clause's variants replace one synonym inside it by each other member of its group:

>>> synonyms = Synonyms([("两委", "村两委"), ("纪实", "记实"), ("组工", "组织工作")])
>>> synonyms.variants("组工")
('组织工作',)
>>> synonyms.variants("干部成长纪实")
('干部成长记实',)
>>> synonyms.variants("村两委")  # the longer member wins: never 村村两委
('两委',)
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from indexer.analysis import synonyms_path
from indexer.normalize import normalize

__all__ = ["MAX_VARIANTS", "Synonyms", "load_synonyms", "parse_synonyms"]

#: At most this many variants per clause, so one clause cannot blow up a query.
MAX_VARIANTS = 8
#: Members shorter than this are replaced only when they are the whole clause.
MIN_SUBSTRING = 2

_lock = threading.Lock()


class Synonyms:
    """Groups of equivalent normalized terms, each term in one group only."""

    __slots__ = ("_group_of", "_members", "groups")

    def __init__(self, groups: Iterable[Iterable[str]]) -> None:
        self.groups: tuple[tuple[str, ...], ...] = tuple(tuple(group) for group in groups)
        self._group_of: dict[str, tuple[str, ...]] = {}
        for group in self.groups:
            for term in group:
                if term in self._group_of:
                    raise ValueError(f"synonym {term!r} is in more than one group")
                self._group_of[term] = group
        # Longest first, so a member inside a longer member is never matched on its own.
        self._members = sorted(
            (t for t in self._group_of if len(t) >= MIN_SUBSTRING), key=lambda t: -len(t)
        )

    def __len__(self) -> int:
        return len(self.groups)

    def __repr__(self) -> str:
        return f"Synonyms({len(self)} groups)"

    def equivalents(self, term: str) -> tuple[str, ...]:
        """Return the other members of ``term``'s group: ``组工`` ⇒ ``('组织工作',)``."""
        return tuple(other for other in self._group_of.get(term, ()) if other != term)

    def variants(self, text: str) -> tuple[str, ...]:
        """Return other forms of a normalized clause text, in a fixed order.

        The whole text's equivalents come first, then each synonym found inside the text
        (longest first, not overlapping a longer one, left to right) replaced by each other
        member of its group. The input itself is never among them; at most
        :data:`MAX_VARIANTS`.

        ``村两委班子`` ⇒ ``('两委班子',)``; ``两委班子`` ⇒ ``('村两委班子',)``.
        """
        found: dict[str, None] = dict.fromkeys(self.equivalents(text))
        for start, term in self._matches(text):
            for other in self.equivalents(term):
                found[text[:start] + other + text[start + len(term) :]] = None
        found.pop(text, None)
        return tuple(found)[:MAX_VARIANTS]

    def _matches(self, text: str) -> list[tuple[int, str]]:
        """Find members in ``text``: longest first, skipping overlaps, sorted by position.

        ``村两委和两委`` with 两委/村两委 ⇒ ``[(0, '村两委'), (4, '两委')]``.
        """
        taken = [False] * len(text)
        matches: list[tuple[int, str]] = []
        for term in self._members:
            if len(term) > len(text):
                continue
            start = text.find(term)
            while start != -1:
                end = start + len(term)
                if not any(taken[start:end]):
                    taken[start:end] = [True] * len(term)
                    matches.append((start, term))
                start = text.find(term, start + 1)
        return sorted(matches)


def parse_synonyms(text: str, *, source: str = "synonyms") -> Synonyms:
    """Parse the synonym file format; raise ``ValueError`` naming the bad line.

    ``"党建 党的建设  # 简称\\n"`` ⇒ one group ``('党建', '党的建设')``; a line with a single
    term, a term repeated on its line or found in an earlier group is an error.
    """
    groups: list[tuple[str, ...]] = []
    seen: dict[str, int] = {}
    for lineno, line in enumerate(text.lstrip("\ufeff").splitlines(), 1):
        terms = [normalize(term) for term in line.split("#", 1)[0].split()]
        if not terms:
            continue
        if len(terms) < 2:
            raise ValueError(f"{source}:{lineno}: a group needs at least two terms: {line!r}")
        for term in terms:
            if term in seen:
                raise ValueError(
                    f"{source}:{lineno}: {term!r} is already in the group on line {seen[term]}"
                )
            seen[term] = lineno
        groups.append(tuple(terms))
    return Synonyms(groups)


def load_synonyms(path: Path | None = None) -> Synonyms:
    """Load a synonym file, reusing the parsed result while the file is unchanged.

    Without ``path`` the shipped ``corpus/synonyms.txt`` is read; if that file is absent
    there are no synonyms. A given ``path`` must exist.
    """
    if path is None:
        path = synonyms_path()
        if not path.is_file():
            return Synonyms(())
    stat = path.stat()
    with _lock:
        return _load(str(path.resolve()), stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=8)
def _load(path: str, mtime_ns: int, size: int) -> Synonyms:
    """Parse the file at ``path``; the stat values only key the cache."""
    return parse_synonyms(Path(path).read_bytes().decode("utf-8"), source=path)
