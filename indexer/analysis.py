"""Chinese analysis for the index: one jieba set-up and two Whoosh tokenizers.

Both tokenizers first :func:`~indexer.normalize.normalize` the text (simplified script,
half-width, lower case, same length), so traditional and simplified forms index alike and
every token's ``startchar``/``endchar`` are offsets into the *original* text.

``words`` field — :class:`WordTokenizer`
    jieba precise-mode words of each CJK run (domain user dictionary, no HMM), plus one
    token per alphanumeric run. Positions count words (0, 1, 2 …), so phrase queries over
    words work — unlike ``jieba.analyse.ChineseAnalyzer``, which stores character offsets
    as positions.

``chars`` field — :class:`CharTokenizer`
    the text's *units* — one per CJK character and per alphanumeric run — indexed as
    pairs: each unit joined to the next adjacent one (``组 工``), or alone where a run
    ends, at positions counting units (:func:`char_grams`). A string of units is a phrase
    of its pairs, so it matches exactly the texts containing that sequence, whatever
    jieba made of it (组工 inside 组工干部, a word segmented differently in text and
    query); two units are one term. Pairs, not single characters, because a common
    character is in nearly every document: a phrase of pairs reads far shorter postings
    and checks far fewer positions. Punctuation breaks adjacency (the position skips
    one), so a phrase never matches across ``。``; whitespace does not, because
    line-wrapped text (``基层\\n党建``) still says 基层党建.

jieba runs **without HMM**: the HMM glues unknown characters into guessed words that
depend on the surrounding text, so the same string could segment one way in a document
and another in a query. Without it, unknown words fall apart into characters, the same
way everywhere. Words that must stay whole belong in ``corpus/userdict.txt``.

Any change to this behaviour must bump :data:`ANALYZER_VERSION`; the index stores
:func:`dictionary_hash` and rebuilds when it differs.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
import threading
from collections.abc import Iterable, Iterator
from importlib.metadata import version
from pathlib import Path
from typing import Any, NamedTuple

import jieba
from whoosh.analysis import Token, Tokenizer

from indexer.normalize import RUN_RE, UNIT_RE, normalize

__all__ = [
    "ANALYZER_VERSION",
    "GRAM_JOINER",
    "HMM",
    "CharTokenizer",
    "UserdictEntry",
    "WordTokenizer",
    "char_analyzer",
    "char_grams",
    "char_spans",
    "dictionary_hash",
    "jieba_tokenizer",
    "read_userdict",
    "search_subwords",
    "segment_query",
    "synonyms_path",
    "userdict_path",
    "word_analyzer",
    "word_spans",
]

#: Bump whenever tokens, positions or normalization change for the same input.
ANALYZER_VERSION = "2"
#: Joins the two units of a ``chars`` token (``组 工``; ``ok 好``: runs stay apart).
GRAM_JOINER = " "
#: jieba's HMM new-word discovery, off everywhere (see the module docstring).
HMM = False

CORPUS_DIR = Path(__file__).resolve().parent.parent / "corpus"
USERDICT_ENV = "KB_USERDICT"

_lock = threading.Lock()
_tokenizer: jieba.Tokenizer | None = None


class UserdictEntry(NamedTuple):
    """One line of the jieba user dictionary: ``word [freq] [tag]``."""

    word: str
    freq: int | None
    tag: str | None


def userdict_path() -> Path:
    """Return the user dictionary in use: ``$KB_USERDICT`` or ``corpus/userdict.txt``.

    >>> userdict_path().name
    'userdict.txt'
    """
    override = os.environ.get(USERDICT_ENV)
    return Path(override).expanduser() if override else CORPUS_DIR / "userdict.txt"


def synonyms_path() -> Path:
    """Return the synonym list whose content also enters :func:`dictionary_hash`."""
    return CORPUS_DIR / "synonyms.txt"


def read_userdict(path: Path | None = None) -> list[UserdictEntry]:
    """Parse a jieba user dictionary strictly (UTF-8, ``word [freq] [tag]`` per line).

    ``组织工作 3000 n`` ⇒ ``UserdictEntry(word='组织工作', freq=3000, tag='n')``; blank
    lines are skipped; anything else raises ``ValueError`` naming the line.
    """
    path = path or userdict_path()
    entries = []
    text = path.read_bytes().decode("utf-8").lstrip("\ufeff")
    for lineno, line in enumerate(text.splitlines(), 1):
        fields = line.split()
        if not fields:
            continue
        freq = fields[1] if len(fields) > 1 else None
        tag = fields[2] if len(fields) > 2 else None
        if len(fields) > 3 or (freq is not None and not freq.isdigit()):
            raise ValueError(f"{path}:{lineno}: expected 'word [freq] [tag]', got {line!r}")
        entries.append(UserdictEntry(fields[0], int(freq) if freq else None, tag))
    return entries


def jieba_tokenizer() -> jieba.Tokenizer:
    """Return this process's jieba tokenizer, loading it on first use (thread-safe).

    It is a private ``jieba.Tokenizer`` (jieba's global one is left alone) with jieba's
    main dictionary plus the user dictionary. jieba caches the main dictionary's prefix
    table in a per-user folder under the temp dir; it writes the cache to a temporary
    file and renames it, so concurrent processes never read a half-written cache.
    """
    global _tokenizer
    if _tokenizer is None:
        with _lock:
            if _tokenizer is None:
                _tokenizer = _load_tokenizer(userdict_path())
    return _tokenizer


def _load_tokenizer(userdict: Path) -> jieba.Tokenizer:
    """Build a tokenizer from jieba's main dictionary plus ``userdict``."""
    jieba.setLogLevel(logging.WARNING)  # no "Building prefix dict ..." on stderr
    tokenizer = jieba.Tokenizer()
    tokenizer.tmp_dir = _cache_dir()
    tokenizer.cache_file = f"jieba-{jieba.__version__}.cache"
    tokenizer.initialize()
    for entry in read_userdict(userdict):
        tokenizer.add_word(entry.word, entry.freq, entry.tag)
    return tokenizer


def _cache_dir() -> str | None:
    """Return a per-user folder for jieba's cache, or None to let jieba use the temp dir."""
    uid = os.getuid() if hasattr(os, "getuid") else None
    folder = Path(tempfile.gettempdir()) / f"kb-jieba-{uid if uid is not None else 'user'}"
    try:
        folder.mkdir(mode=0o700, exist_ok=True)
        if uid is not None and folder.stat().st_uid != uid:
            return None  # someone else's folder: never load a cache we did not write
    except OSError:
        return None
    return str(folder)


def dictionary_hash() -> str:
    """Return a sha256 naming everything that decides the tokens the index holds.

    It covers :data:`ANALYZER_VERSION`, :data:`HMM`, the jieba and OpenCC versions, the
    user dictionary's bytes and, if present, ``corpus/synonyms.txt``. Equal hashes mean an
    index built elsewhere tokenizes exactly as this process does.
    """
    digest = hashlib.sha256()
    parts: list[tuple[str, bytes]] = [
        ("analyzer", ANALYZER_VERSION.encode()),
        ("hmm", str(HMM).encode()),
        ("jieba", jieba.__version__.encode()),
        ("opencc", version("opencc").encode()),
        ("userdict", userdict_path().read_bytes()),
    ]
    if synonyms_path().is_file():
        parts.append(("synonyms", synonyms_path().read_bytes()))
    for name, data in parts:
        digest.update(f"{name}:{len(data)}:".encode())
        digest.update(data)
    return digest.hexdigest()


def word_spans(normalized: str) -> Iterator[tuple[str, int, int]]:
    """Yield ``(word, start, end)`` for each jieba word or alphanumeric run.

    ``normalized`` must already be normalized; punctuation and whitespace yield nothing.

    >>> list(word_spans(normalize("組工干部，2017年")))
    [('组工干部', 0, 4), ('2017', 5, 9), ('年', 9, 10)]
    """
    tokenizer = jieba_tokenizer()
    for match in RUN_RE.finditer(normalized):
        start = match.start()
        run = match.group(1)
        if run is None:
            yield match.group(2), start, match.end()
        elif len(run) == 1:
            yield run, start, start + 1
        else:
            for word, word_start, word_end in tokenizer.tokenize(run, HMM=HMM):
                yield word, start + word_start, start + word_end


def char_spans(normalized: str) -> Iterator[tuple[str, int, int, int]]:
    """Yield ``(unit, offset, start, end)`` per CJK character or alphanumeric run.

    ``offset`` is the unit's position counted from 0; it skips one after a gap that
    holds anything but whitespace, so units split by punctuation are never adjacent.

    >>> [(u, o) for u, o, _, _ in char_spans(normalize("党建。ok 好"))]
    [('党', 0), ('建', 1), ('ok', 3), ('好', 4)]
    """
    offset = -1
    previous_end = 0
    for match in UNIT_RE.finditer(normalized):
        start = match.start()
        offset += 1
        if offset and start > previous_end and not normalized[previous_end:start].isspace():
            offset += 1
        previous_end = match.end()
        yield match.group(), offset, start, previous_end


def char_grams(normalized: str) -> Iterator[tuple[str, int, int, int]]:
    """Yield ``(gram, position, start, end)``: each unit paired with the next adjacent one.

    A unit followed by an adjacent unit gives the pair at its own position; a unit that
    ends a run (before punctuation, or at the end) gives itself.

    >>> [(g, p) for g, p, _, _ in char_grams(normalize("党建。ok 好"))]
    [('党 建', 0), ('建', 1), ('ok 好', 3), ('好', 4)]
    """
    previous: tuple[str, int, int, int] | None = None
    for unit in char_spans(normalized):
        if previous is not None:
            text, offset, start, _ = previous
            if unit[1] == offset + 1:
                yield f"{text}{GRAM_JOINER}{unit[0]}", offset, start, unit[3]
            else:
                yield previous
        previous = unit
    if previous is not None:
        yield previous


class _NormalizingTokenizer(Tokenizer):
    """Common Whoosh keyword handling; subclasses supply ``_spans``."""

    def _spans(self, normalized: str) -> Iterator[tuple[str, int, int, int]]:
        raise NotImplementedError

    def __call__(
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        tokenize: bool = True,
        mode: str = "",
        **kwargs: Any,
    ) -> Iterator[Token]:
        """Yield one reused ``Token`` per unit, honouring Whoosh's keyword arguments."""
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        normalized = normalize(value)
        spans: Iterable[tuple[str, int, int, int]] = (
            self._spans(normalized) if tokenize else [(normalized, 0, 0, len(value))]
        )
        for text, offset, start, end in spans:
            token.text = text
            token.boost = 1.0
            token.stopped = False
            if keeporiginal:
                token.original = value[start:end]
            if positions:
                token.pos = start_pos + offset
            if chars:
                token.startchar = start_char + start
                token.endchar = start_char + end
            yield token


class WordTokenizer(_NormalizingTokenizer):
    """Tokenize into jieba words, positions counting words.

    >>> [(t.text, t.pos, t.startchar, t.endchar)
    ...  for t in WordTokenizer()("年輕幹部。", positions=True, chars=True)]
    [('年轻干部', 0, 0, 4)]
    """

    def _spans(self, normalized: str) -> Iterator[tuple[str, int, int, int]]:
        for offset, (word, start, end) in enumerate(word_spans(normalized)):
            yield word, offset, start, end


class CharTokenizer(_NormalizingTokenizer):
    """Tokenize into pairs of adjacent units (:func:`char_grams`), positions counting units.

    >>> [(t.text, t.pos) for t in CharTokenizer()("組工。A1", positions=True)]
    [('组 工', 0), ('工', 1), ('a1', 3)]
    """

    def _spans(self, normalized: str) -> Iterator[tuple[str, int, int, int]]:
        return char_grams(normalized)


def word_analyzer() -> WordTokenizer:
    """Return the analyzer of the word field (no filters: normalize already lower-cases)."""
    return WordTokenizer()


def char_analyzer() -> CharTokenizer:
    """Return the analyzer of the character field (no stop words: every character counts)."""
    return CharTokenizer()


def segment_query(text: str) -> list[str]:
    """Return the normalized jieba words of a query, exactly as the word field has them.

    >>> segment_query("組工幹部 一定兩評三公開")
    ['组工干部', '一定两评三公开']
    """
    return [word for word, _, _ in word_spans(normalize(text))]


def search_subwords(text: str) -> list[str]:
    """Return jieba search-mode words: the known 2- and 3-grams of each long word, then it.

    Order and repeats are jieba's; alphanumeric runs come back whole.

    >>> search_subwords("優秀年輕幹部")
    ['优秀', '年轻', '干部', '优秀年轻干部']
    """
    tokenizer = jieba_tokenizer()
    subwords: list[str] = []
    for match in RUN_RE.finditer(normalize(text)):
        if match.group(1) is None:
            subwords.append(match.group(2))
        else:
            subwords.extend(tokenizer.cut_for_search(match.group(1), HMM=HMM))
    return subwords
