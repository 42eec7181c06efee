"""Tests for kb.ingest.decode: every encoding a Chinese text file comes in, and what is not text."""

from __future__ import annotations

import random

import pytest

from kb.errors import UndecodableFile
from kb.ingest.decode import NOT_TEXT, decode_bytes
from tests.conftest import seed_text

SEEDS = range(5)

# Real traditional sentences from the seeds; short texts are where GBK and Big5 get confused.
TRADITIONAL = [
    "組織工作改革創新思考",
    "思想是行動的先導。",
    "組織路線是為政治路線服務的。",
    "第一,要推進思想解放,樹立創新理念。",
    "責編/常妍 美編/ 孟憲強 于珊",
    "劉漢征\n組織路線是為政治路線服務的。",
    "時間:2022-10-16 11:44:00\n導語:組織工作改革創新思考一文來源于網友上傳,不代表本站觀點",
]
SIMPLIFIED = [
    "组织工作改革创新思考",
    "思想是行动的先导。",
    "第一，要推进思想解放，树立创新理念。",
    "时间：2022-10-16\n组织路线是为政治路线服务的。",
]


@pytest.mark.parametrize("number", SEEDS)
@pytest.mark.parametrize(
    ("codec", "reported"),
    [
        ("utf-8", "utf-8"),
        ("utf-8-sig", "utf-8-sig"),
        ("utf-16", "utf-16"),
        ("utf-16-le", "utf-16-le"),
        ("utf-16-be", "utf-16-be"),
        ("gb18030", "gb18030"),
    ],
)
def test_seed_decodes_to_its_utf8_text(number: int, codec: str, reported: str) -> None:
    text = seed_text(number)
    data = text.encode(codec)
    assert decode_bytes(data) == (text, reported)
    assert data.decode(reported) == text


def test_big5_seed_decodes_to_its_utf8_text() -> None:
    text = seed_text(4)
    assert decode_bytes(text.encode("big5")) == (text, "big5")


def test_utf8_bom_is_stripped() -> None:
    text, encoding = decode_bytes("\ufeff組織工作".encode())
    assert (text, encoding) == ("組織工作", "utf-8-sig")


@pytest.mark.parametrize("text", TRADITIONAL)
@pytest.mark.parametrize("codec", ["big5", "gb18030"])
def test_short_traditional_text(text: str, codec: str) -> None:
    assert decode_bytes(text.encode(codec)) == (text, codec)


@pytest.mark.parametrize("text", SIMPLIFIED)
@pytest.mark.parametrize("codec", ["gbk", "gb2312", "gb18030"])
def test_short_simplified_text_is_gb18030(text: str, codec: str) -> None:
    assert decode_bytes(text.encode(codec)) == (text, "gb18030")


@pytest.mark.parametrize(
    ("text", "codec", "declared", "expected"),
    [
        # a declared charset settles what a few characters cannot
        ("推動組織", "big5", "big5", "big5"),
        ("组织工作", "gbk", "gb2312", "gb18030"),
        ("组织工作", "gbk", "x-gbk", "gb18030"),
        # a declaration that does not fit the bytes is ignored
        ("組織路線是為政治路線服務的。", "big5", "utf-8", "big5"),
        ("组织路线是为政治路线服务的。", "gbk", "no-such-charset", "gb18030"),
        # valid UTF-8 beats a copied-and-pasted legacy declaration
        ("组织路线是为政治路线服务的。", "utf-8", "gbk", "utf-8"),
    ],
)
def test_declared_charset(text: str, codec: str, declared: str, expected: str) -> None:
    assert decode_bytes(text.encode(codec), declared=declared) == (text, expected)


def test_empty_bytes_decode_to_empty_text() -> None:
    assert decode_bytes(b"") == ("", "utf-8")


def _random_bytes(seed: int, size: int) -> bytes:
    return random.Random(seed).randbytes(size)


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + _random_bytes(1, 4096), id="png"),
        pytest.param(_random_bytes(2, 4096), id="random"),
        pytest.param(_random_bytes(3, 4096).replace(b"\x00", b"\x01"), id="random-without-nul"),
        pytest.param(_random_bytes(4, 4096).replace(b"\x00", b"\xff"), id="random-high-bytes"),
        pytest.param(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n" + _random_bytes(5, 2048), id="pdf"),
        pytest.param("組織工作\x00\x00\x00".encode(), id="utf8-with-nul"),
        pytest.param(b"\x1b[31m\x07\x08" * 40 + b"text", id="control-characters"),
        pytest.param(b"\x01\x02\x03\x04\x05\x06", id="short-control"),
    ],
)
def test_binary_data_is_rejected(data: bytes) -> None:
    with pytest.raises(UndecodableFile) as excinfo:
        decode_bytes(data)
    assert str(excinfo.value) == NOT_TEXT


def _drop_trail_bytes(data: bytes, count: int) -> bytes:
    """Remove the last byte of ``count`` multibyte characters that precede an ASCII byte."""
    spots = [
        i for i in range(1, len(data) - 1) if data[i] >= 0x81 and data[i + 1] < 0x30 and i > 100
    ]
    chosen = sorted(random.Random(count).sample(spots, count), reverse=True)
    damaged = bytearray(data)
    for spot in chosen:
        del damaged[spot]
    return bytes(damaged)


@pytest.mark.parametrize("number", SEEDS)
@pytest.mark.parametrize("count", [1, 3])
def test_damaged_gbk_is_rejected_not_replaced(number: int, count: int) -> None:
    data = _drop_trail_bytes(seed_text(number).encode("gb18030"), count)
    with pytest.raises(UndecodableFile, match="可能已损坏"):
        decode_bytes(data)


@pytest.mark.parametrize("number", SEEDS)
def test_gbk_cut_in_the_middle_of_a_character_is_rejected(number: int) -> None:
    text = seed_text(number).rstrip(" \n)")
    assert not text[-1].isascii()
    data = text.encode("gb18030")[:-1]
    with pytest.raises(UndecodableFile, match="可能已损坏"):
        decode_bytes(data)


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(b"\xef\xbb\xbf" + "組織".encode("big5"), id="utf8-bom-then-big5"),
        pytest.param(
            b"\xff\xfe" + "組織".encode("utf-16-le") + b"\x00\xd8", id="utf16-lone-surrogate"
        ),
    ],
)
def test_bom_with_damaged_content_is_rejected(data: bytes) -> None:
    with pytest.raises(UndecodableFile, match="字节序标记"):
        decode_bytes(data)
