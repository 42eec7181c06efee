"""jieba part-of-speech segmentation for the tag extractors.

A private ``jieba.Tokenizer`` (jieba's global one is left alone) with jieba's main
dictionary plus the domain user dictionary (``$KB_USERDICT`` or ``corpus/userdict.txt``),
wrapped in a ``jieba.posseg.POSTokenizer``; created on first use, HMM off so unknown
characters fall apart the same way everywhere. ``kb`` must not import ``indexer``, so this
is a small loader of its own rather than ``indexer.analysis.jieba_tokenizer``.
"""

from __future__ import annotations

import logging
import os
import tempfile
import threading
from pathlib import Path
from typing import NamedTuple

import jieba

_CORPUS_DIR = Path(__file__).resolve().parents[2] / "corpus"
_lock = threading.Lock()
_pos: jieba.posseg.POSTokenizer | None = None
_user_words: frozenset[str] = frozenset()


class Word(NamedTuple):
    """One segmented word: its text, part-of-speech tag and span in the input."""

    text: str
    tag: str
    start: int
    end: int


def _userdict_path() -> Path:
    override = os.environ.get("KB_USERDICT")
    return Path(override).expanduser() if override else _CORPUS_DIR / "userdict.txt"


def _load() -> tuple[jieba.posseg.POSTokenizer, frozenset[str]]:
    """Build the POS tokenizer (main dictionary, then the user dictionary) and the user words."""
    import jieba.posseg  # here, not at import: its tables take ~0.4 s that searching never needs

    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    uid = os.getuid() if hasattr(os, "getuid") else None
    folder = Path(tempfile.gettempdir()) / f"kb-jieba-{uid if uid is not None else 'user'}"
    try:
        folder.mkdir(mode=0o700, exist_ok=True)
        if uid is None or folder.stat().st_uid == uid:  # never read someone else's cache
            tokenizer.tmp_dir = str(folder)
            tokenizer.cache_file = f"jieba-{jieba.__version__}.cache"
    except OSError:
        pass
    tokenizer.initialize()
    pos = jieba.posseg.POSTokenizer(tokenizer)  # reads the main dictionary's tags
    user: set[str] = set()
    path = _userdict_path()
    if path.is_file():
        for line in path.read_text(encoding="utf-8").lstrip("\ufeff").splitlines():
            fields = line.split()
            if fields:
                freq = int(fields[1]) if len(fields) > 1 and fields[1].isdigit() else None
                tokenizer.add_word(fields[0], freq, fields[2] if len(fields) > 2 else None)
                user.add(fields[0])
    pos.makesure_userdict_loaded()
    return pos, frozenset(user)


def pos_tokenizer() -> jieba.posseg.POSTokenizer:
    """Return this process's POS tokenizer, loading it on first use (thread-safe)."""
    global _pos, _user_words
    if _pos is None:
        with _lock:
            if _pos is None:
                pos, user_words = _load()
                _user_words = user_words  # before _pos: readers check _pos only
                _pos = pos
    return _pos


def pos_words(text: str) -> list[Word]:
    """Segment ``text`` into tagged words with their offsets (no HMM).

    >>> [(w.text, w.tag) for w in pos_words("推行三会一课制度")]
    [('推行', 'v'), ('三会一课', 'nz'), ('制度', 'n')]
    """
    words: list[Word] = []
    offset = 0
    for pair in pos_tokenizer().cut(text, HMM=False):
        words.append(Word(pair.word, pair.flag, offset, offset + len(pair.word)))
        offset += len(pair.word)
    return words


def is_set_phrase(word: str) -> bool:
    """Tell whether jieba's main dictionary lists ``word`` and the user dictionary does not.

    Such a word is an established phrase of general Chinese (an idiom, a fixed count, a
    name), not a term the domain dictionary vouches for.

    >>> is_set_phrase("千方百计"), is_set_phrase("三会一课")
    (True, False)
    """
    pos = pos_tokenizer()
    return word in pos.word_tag_tab and word not in _user_words
