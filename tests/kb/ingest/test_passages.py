"""Passage splitting: exact offsets, sentence-end cuts, Markdown markers left out."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kb.ingest.clean import clean_text
from kb.ingest.document import PassageSpan
from kb.ingest.passages import HARD_MAX_CHARS, MAX_CHARS, split_passages
from tests.conftest import seed_text

SENTENCE = "干部工作落實新要求，凸顯精細化。"  # 16 characters, from seed 004


def check_invariants(text: str, passages: list[PassageSpan]) -> None:
    """Spans are exact, ordered, disjoint, and cover every character but markers."""
    assert [p.ordinal for p in passages] == list(range(len(passages)))
    covered = [False] * len(text)
    previous_end = 0
    for p in passages:
        assert text[p.start : p.end] == p.text
        assert previous_end <= p.start < p.end
        assert p.text == p.text.strip()
        assert p.end - p.start <= HARD_MAX_CHARS
        previous_end = p.end
        covered[p.start : p.end] = [True] * (p.end - p.start)
    for i, ch in enumerate(text):
        if not covered[i] and not ch.isspace():
            assert ch in "#>-", (i, ch)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", []),
        ("\n\n  \n", []),
        ("經濟社會發展進入新時代。", ["經濟社會發展進入新時代。"]),
        ("第一段。\n\n第二段。", ["第一段。", "第二段。"]),
        ("第一段。\n \n\n第二段。\n", ["第一段。", "第二段。"]),
        ("一行。\n二行。", ["一行。\n二行。"]),  # a single newline does not end a paragraph
        ("# 組織工作改革創新思考\n\n正文。", ["組織工作改革創新思考", "正文。"]),
        ("> 引文。", ["引文。"]),
        ("- 一是構建體系。\n- 二是探索辦法。", ["一是構建體系。\n- 二是探索辦法。"]),
        ("> - 嵌套", ["嵌套"]),
        ("#話題#", ["#話題#"]),  # no space: not a heading
        ("-1度", ["-1度"]),
        ("# ", []),
    ],
)
def test_split_passages(text: str, expected: list[str]) -> None:
    passages = split_passages(text)
    assert [p.text for p in passages] == expected
    check_invariants(text, passages)


def test_long_paragraph_is_cut_at_sentence_ends() -> None:
    text = SENTENCE * 40  # 640 characters
    passages = split_passages(text)
    assert len(passages) == 3
    assert all(p.text.endswith("。") for p in passages)
    assert all(len(p.text) <= MAX_CHARS for p in passages)
    assert "".join(p.text for p in passages) == text


def test_cut_keeps_closing_quote_with_its_sentence() -> None:
    text = "“" + "組織" * 100 + "。”" + "工作" * 100 + "。"
    passages = split_passages(text)
    assert [p.text[-2:] for p in passages] == ["。”", "作。"]


def test_sentence_between_max_and_hard_max_stays_whole() -> None:
    sentence = "組織" * 200 + "。"  # 401 characters
    passages = split_passages(SENTENCE + sentence + SENTENCE)
    assert sentence in [p.text for p in passages]


def test_overlong_sentence_is_cut_hard_after_a_comma() -> None:
    text = ("組織工作" * 20 + "，") * 10  # 810 characters, no sentence end
    passages = split_passages(text)
    assert len(passages) > 2
    assert all(len(p.text) <= MAX_CHARS for p in passages)
    assert all(p.text.endswith("，") for p in passages)
    assert "".join(p.text for p in passages) == text


def test_overlong_sentence_without_commas_is_cut_hard() -> None:
    text = "組" * 1000
    passages = split_passages(text)
    assert [len(p.text) for p in passages] == [300, 300, 300, 100]


@pytest.mark.parametrize("number", range(5))
def test_seed_passages(number: int) -> None:
    text = clean_text(seed_text(number)).text
    passages = split_passages(text)
    check_invariants(text, passages)
    paragraph_ends = {m.start() for m in re.finditer("\n\n", text)} | {len(text)}
    assert len(passages) >= len(paragraph_ends)
    for p in passages:
        if len(p.text) > MAX_CHARS:  # only a single sentence may be longer
            assert not re.search("[。！？；]", p.text[:-1])
        if p.end not in paragraph_ends:
            assert re.search("[。！？；]”?$", p.text)


ALPHABET = st.sampled_from(list("組織工作黨建ab1 \t\n\u3000。！？；!?;.，,“”\"')#>-"))


@given(st.text(ALPHABET, max_size=2000))
def test_invariants_on_prose_like_text(text: str) -> None:
    check_invariants(text, split_passages(text))


@given(st.text(max_size=700))
def test_invariants_on_any_text(text: str) -> None:
    check_invariants(text, split_passages(text))
