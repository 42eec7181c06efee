"""Turn a text file's bytes into text, knowing that Chinese files come in few encodings.

The order of tests, first match wins:

1. a byte-order mark: UTF-8 (stripped), UTF-16 LE/BE;
2. NUL bytes: BOM-less UTF-16 if the NULs sit on one byte parity (ASCII in UTF-16),
   otherwise binary data;
3. strict UTF-8 — valid non-ASCII UTF-8 is practically never a legacy encoding, so it
   also beats an HTML ``<meta charset>`` that says otherwise;
4. the Chinese legacy encodings GB18030 (a superset of GBK and GB2312), Big5 and CP950,
   each decoded strictly. A charset the file declares itself wins if it decodes and reads
   as text; otherwise the decoding with the lowest *chaos* (charset-normalizer's mess
   ratio) plus *rare share* (the share of characters outside GB2312 level 1 and Big5's
   frequent characters) wins, ties going to GB18030.

charset-normalizer's ``from_bytes`` is not called: on short inputs it returns nothing or
picks GBK for Big5, and its sampling makes long and short files behave differently. Its
mess detector, applied to strict decodings of a fixed candidate list, gives the same
judgement deterministically; the rare share is what tells GBK from Big5 in a line or two,
since Big5 bytes read as GBK land on kana, Cyrillic, box drawing and rare hanzi.

Bytes that no candidate decodes strictly are rejected, never replaced with U+FFFD: a
damaged or mixed-encoding file would otherwise enter the knowledge base with silent
holes. charset-normalizer agrees — it only reports encodings that decode strictly.
Two limits remain: a dropped byte that GB18030 re-synchronises on (at the next ASCII
letter) still decodes strictly, into a few wrong characters; and two to four Big5
characters whose GBK reading is also common hanzi decode as GB18030 unless declared.
"""

from __future__ import annotations

import codecs
import functools
import unicodedata
from typing import NamedTuple

from charset_normalizer.md import mess_ratio

from kb.errors import UndecodableFile

NOT_TEXT = "无法识别文件编码，可能不是文本文件"

_CHINESE = ("gb18030", "big5", "cp950")
"""Legacy candidates in tie-break order: mainland texts are the common case."""
_ALIASES = {"gb2312": "gb18030", "gbk": "gb18030", "cp936": "gb18030"}
"""Declared charsets decoded with a superset codec, as browsers do."""

_SAMPLE_CHARS = 100_000
_MAX_CHAOS = 0.2
"""charset-normalizer's own default threshold for an acceptable decoding."""
_MIN_CHAOS_CHARS = 32
"""Below this length the mess ratio swings with a pair of quotes; real text then scores 0.3."""
_MAX_RARE = 0.5
_MIN_COUNTED = 4
"""Below this many counted characters the rare share is too noisy to reject on."""
_MAX_CONTROL = 0.05
_ALLOWED_CONTROL = frozenset("\t\n\r\f\v")
_MIN_DAMAGED_PREFIX = 64
"""A candidate that decodes this many bytes before failing marks the file as damaged text."""


def decode_bytes(data: bytes, *, declared: str | None = None) -> tuple[str, str]:
    """Decode a text file's bytes into ``(text, encoding)``; ``data.decode(encoding) == text``.

    ``declared`` is a charset the file names itself (HTML ``<meta charset>``); it is used
    when it decodes the bytes into plausible text.

    >>> decode_bytes("組織工作".encode("big5"))
    ('組織工作', 'big5')

    Raises UndecodableFile for binary data, damaged text and unknown encodings.
    """
    if not data:
        return "", "utf-8"
    text, encoding = _decode(data, declared)
    if _control_share(text[:_SAMPLE_CHARS]) > _MAX_CONTROL:
        raise UndecodableFile(NOT_TEXT)
    return text, encoding


class Decoded(NamedTuple):
    """A text file's text, its encoding, and what reading it had to repair."""

    text: str
    encoding: str
    warnings: tuple[str, ...] = ()


MAX_STRAY_NUL = 0.01
"""Share of NUL bytes up to which a file that is otherwise text is read without them (a
copy-paste or a broken editor leaves a few; binary data and UTF-16 have many more)."""


def decode_text(data: bytes, *, declared: str | None = None) -> Decoded:
    """:func:`decode_bytes`, reading a text with a few stray NUL bytes without them.

    No text kb stores holds NUL characters (PostgreSQL's text type cannot).

    >>> decoded = decode_text("组织工作。".encode() * 30 + bytes(1))
    >>> decoded.text[:5], decoded.encoding, decoded.warnings
    ('组织工作。', 'utf-8', ('文件中有 1 个空字符（NUL），已删除',))
    """
    nuls = data.count(0)
    try:
        text, encoding = decode_bytes(data, declared=declared)
    except UndecodableFile:
        if not nuls or nuls > len(data) * MAX_STRAY_NUL:
            raise
        text, encoding = decode_bytes(data.replace(b"\x00", b""), declared=declared)
        return Decoded(text, encoding, (f"文件中有 {nuls} 个空字符（NUL），已删除",))
    if "\x00" not in text:
        return Decoded(text, encoding)
    removed = f"文件中有 {text.count(chr(0))} 个空字符（NUL），已删除"
    return Decoded(text.replace("\x00", ""), encoding, (removed,))


def decode_name(raw: bytes) -> str:
    """Decode a file name's bytes: UTF-8, or GBK/GB18030 or Big5 (names in a zip made on
    a Chinese Windows), whichever reads most like Chinese; undecodable bytes as ``\\xNN``.

    >>> decode_name("通知.txt".encode("gbk")), decode_name("通知.txt".encode())
    ('通知.txt', '通知.txt')
    >>> decode_name(bytes([0x63, 0x61, 0x66, 0xE9]))
    'caf\\\\xe9'
    """
    best: tuple[float, int, str] | None = None
    for order, encoding in enumerate(("utf-8", "gb18030", "big5")):
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            continue
        wide = [char for char in text if not char.isascii()]
        share = sum(map(_is_common, wide)) / len(wide) if wide else 1.0
        if best is None or (share, -order) > (best[0], -best[1]):
            best = (share, order, text)
    return best[2] if best is not None else raw.decode("utf-8", "backslashreplace")


def _decode(data: bytes, declared: str | None) -> tuple[str, str]:
    if data.startswith(codecs.BOM_UTF8):
        return _strict_or_fail(data, "utf-8-sig", "UTF-8"), "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _strict_or_fail(data, "utf-16", "UTF-16"), "utf-16"
    if b"\x00" in data:
        encoding = _utf16_without_bom(data)
        if encoding is None:
            raise UndecodableFile(NOT_TEXT)
        return _choose(data, (encoding,), preferred=None)
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    preferred = _codec_name(declared) if declared else None
    return _choose(data, _CHINESE, preferred=preferred)


def _strict_or_fail(data: bytes, encoding: str, label: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise UndecodableFile(
            f"文件以 {label} 字节序标记开头，但第 {exc.start + 1} 字节处无法解码，文件可能已损坏"
        ) from None


def _utf16_without_bom(data: bytes) -> str | None:
    """Name the UTF-16 byte order whose ASCII characters explain the NUL bytes, if any."""
    if len(data) % 2:
        return None
    even = data[0::2].count(0)
    odd = data[1::2].count(0)
    if odd > 3 * even:
        return "utf-16-le"
    if even > 3 * odd:
        return "utf-16-be"
    return None


def _codec_name(label: str) -> str | None:
    """Map a declared charset label to the codec kb decodes it with (``x-gbk`` → gb18030)."""
    try:
        name = codecs.lookup(label.strip().lower().removeprefix("x-")).name
    except LookupError:
        return None
    return _ALIASES.get(name, name)


def _choose(data: bytes, candidates: tuple[str, ...], *, preferred: str | None) -> tuple[str, str]:
    """Decode strictly with each candidate and keep the one that reads best as text."""
    if preferred in _CHINESE:
        candidates = (preferred, *(c for c in candidates if c != preferred))
    scored: list[tuple[float, int, str, str]] = []
    furthest: UnicodeDecodeError | None = None
    furthest_encoding = ""
    for order, encoding in enumerate(candidates):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError as exc:
            if furthest is None or exc.start > furthest.start:
                furthest, furthest_encoding = exc, encoding
            continue
        score = _score(text[:_SAMPLE_CHARS])
        if score is None:
            continue
        if encoding == preferred:
            return text, encoding
        scored.append((score, order, encoding, text))
    if scored:
        _, _, encoding, text = min(scored)
        return text, encoding
    if furthest is not None and _looks_like_damaged_text(data, furthest):
        raise UndecodableFile(
            f"文件第 {furthest.start + 1} 字节处无法按 {furthest_encoding.upper()} 解码，"
            "文件可能已损坏或混用了多种编码"
        )
    raise UndecodableFile(NOT_TEXT)


def _score(sample: str) -> float | None:
    """Rate how unlike Chinese text a decoding is (lower is better); ``None`` if not text."""
    chaos = 0.0
    if len(sample) >= _MIN_CHAOS_CHARS:
        chaos = mess_ratio(sample, maximum_threshold=_MAX_CHAOS)
    if chaos >= _MAX_CHAOS:
        return None
    counted = rare = 0
    for char in sample:
        if char.isascii() or char.isspace() or _is_latin(char):
            continue
        counted += 1
        rare += not _is_common(char)
    share = rare / counted if counted else 0.0
    if counted >= _MIN_COUNTED and share > _MAX_RARE:
        return None
    return chaos + share


def _looks_like_damaged_text(data: bytes, error: UnicodeDecodeError) -> bool:
    if error.start < _MIN_DAMAGED_PREFIX:
        return False
    prefix = data[: error.start].decode(error.encoding)
    return _score(prefix[:_SAMPLE_CHARS]) is not None


def _control_share(text: str) -> float:
    if not text:
        return 0.0
    control = sum(
        1
        for char in text
        if char not in _ALLOWED_CONTROL and unicodedata.category(char) in ("Cc", "Cs")
    )
    return control / len(text)


def _is_latin(char: str) -> bool:
    """Latin-1 and Latin Extended letters (pinyin tone marks) count neither way."""
    return "\u0080" <= char <= "\u024f"


@functools.lru_cache(maxsize=8192)
def _is_common(char: str) -> bool:
    """Tell whether a character is everyday Chinese text: frequent hanzi, punctuation, symbols."""
    point = ord(char)
    if (
        0x2000 <= point <= 0x24FF  # punctuation, letterlike, numbers, arrows, ①
        or 0x25A0 <= point <= 0x26FF  # geometric shapes and symbols: ●■△★
        or 0x3000 <= point <= 0x303F  # CJK punctuation
        or 0x3200 <= point <= 0x32FF  # enclosed CJK: ㈠
        or 0xFF00 <= point <= 0xFFEF  # full-width forms
    ):
        return True
    try:
        gb = char.encode("gb2312")
    except UnicodeEncodeError:
        gb = b""
    if len(gb) == 2 and 0xB0 <= gb[0] <= 0xD7:  # GB2312 level 1: 3,755 common hanzi
        return True
    try:
        big5 = char.encode("big5")
    except UnicodeEncodeError:
        return False
    # Big5 0xA440-0xC67E: the 5,401 frequently used traditional characters
    return len(big5) == 2 and 0xA440 <= int.from_bytes(big5, "big") <= 0xC67E
