"""Offset-preserving normalization of text to its search form.

Every character of the text is mapped to exactly one character: traditional script to
simplified (OpenCC ``t2s``), full-width ASCII to half-width, upper case to lower case.
Because the length never changes, an offset into the normalized text is the same offset
into the original, so a token found in the normalized text highlights the original
characters.

The character classes shared by the tokenizers live here too:

* *CJK* characters (Han ideographs, kana, hangul) are indexed one by one in the
  character field and segmented by jieba in the word field;
* *alphanumeric runs* (Latin with or without diacritics, digits, Greek, Cyrillic …) are
  single tokens in both fields;
* everything else (punctuation, symbols, whitespace, ``_``) separates tokens.
"""

from __future__ import annotations

import re
from functools import lru_cache

from kb.script import to_simplified

# Han (incl. extensions A–G and compatibility ideographs), 々 〇 〡–〩 〸–〻, kana, hangul.
CJK_CLASS = (
    "\u3005\u3007\u3021-\u3029\u3038-\u303b\u3040-\u30ff\u31f0-\u31ff"
    "\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\U00020000-\U0003ffff"
)
#: One group per kind of token: 1 = a run of CJK characters, 2 = an alphanumeric run.
RUN_RE = re.compile(f"([{CJK_CLASS}]+)|([^\\W_{CJK_CLASS}]+)")
_CJK_RE = re.compile(f"[{CJK_CLASS}]")
#: One CJK character, or one alphanumeric run.
UNIT_RE = re.compile(f"[{CJK_CLASS}]|[^\\W_{CJK_CLASS}]+")
# Chunks used when a whole-text OpenCC conversion changed the length.
_CHUNK_RE = re.compile(r"\w+|\W+")

# U+FF01..U+FF5E are the full-width forms of U+0021..U+007E; U+3000 is the ideographic space.
_HALF_WIDTH = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}


def normalize(text: str) -> str:
    """Map every character of ``text`` to its search form, keeping the length.

    >>> normalize("組織工作ＡＢＣ１２３")
    '组织工作abc123'
    """
    simplified = _t2s_aligned(text)
    half = simplified.translate(_HALF_WIDTH)
    lower = half.lower()
    if len(lower) != len(half):
        # A few characters lower-case to two (İ → i̇); leave those unchanged.
        lower = "".join(_lower_char(char) for char in half)
    return lower


def is_cjk(char: str) -> bool:
    """Tell whether ``char`` is indexed one character at a time.

    >>> is_cjk("組"), is_cjk("a"), is_cjk("。")
    (True, False, False)
    """
    return _CJK_RE.fullmatch(char) is not None


def _t2s_aligned(text: str) -> str:
    """Convert to simplified script without changing the length.

    OpenCC converts some phrases to phrases of another length; whenever the whole text
    changed length, convert it chunk by chunk and fall back to character by character
    for the chunks that still do. Every single character converts to one character.

    >>> _t2s_aligned("年輕幹部")
    '年轻干部'
    """
    converted = to_simplified(text)
    if len(converted) == len(text):
        return converted
    parts = []
    for chunk in _CHUNK_RE.findall(text):
        part = to_simplified(chunk)
        if len(part) != len(chunk):
            part = "".join(_t2s_char(char) for char in chunk)
        parts.append(part)
    return "".join(parts)


@lru_cache(maxsize=16384)
def _t2s_char(char: str) -> str:
    """Convert one character, keeping it when OpenCC would not return one character.

    >>> _t2s_char("黨")
    '党'
    """
    converted = to_simplified(char)
    return converted if len(converted) == 1 else char


def _lower_char(char: str) -> str:
    """Lower-case one character unless that yields several.

    >>> _lower_char("A"), _lower_char("İ")
    ('a', 'İ')
    """
    lower = char.lower()
    return lower if len(lower) == 1 else char
