"""Choosing and marking a hit's passages without searching the index."""

from __future__ import annotations

import pytest

from indexer.highlight import best_passages, highlight

PASSAGES = [
    (0, "導語：本文轉載自某網站。"),
    (1, "各級黨組織加強基層黨建工作。"),
    (2, "濮陽推行“一定兩評三公開”，基層黨建與幹部工作並重。"),
    (3, "幹部工作要突出精細化。"),
]


@pytest.mark.parametrize(
    ("needles", "ordinals"),
    [
        (["基层党建"], [1, 2]),  # equal scores: the earlier passage first
        (["基层党建", "干部工作"], [2, 1]),  # both needles beat one
        (["一定两评三公开", "党建"], [2, 1]),  # the longer needle counts more
        (["干部", "干部工作"], [2, 3]),  # same needles and marks: the earlier passage first
        (["没有的词"], [0]),  # nothing matches: the opening passage, unmarked
    ],
)
def test_passages_matching_more_of_the_query_come_first(
    needles: list[str], ordinals: list[int]
) -> None:
    chosen = best_passages(PASSAGES, needles, limit=2)
    assert [ordinal for ordinal, _ in chosen] == ordinals


def test_the_marks_are_the_original_characters() -> None:
    ((ordinal, html),) = best_passages(PASSAGES, ["一定两评三公开"], limit=1)
    assert ordinal == 2
    assert html == highlight(PASSAGES[2][1], ["一定两评三公开"])
    assert "<mark>一定兩評三公開</mark>" in html


def test_passage_text_is_escaped() -> None:
    ((_, html),) = best_passages([(0, "<b>党建</b>")], ["党建"], limit=1)
    assert html == "&lt;b&gt;<mark>党建</mark>&lt;/b&gt;"


def test_no_passages_give_nothing() -> None:
    assert best_passages([], ["党建"], limit=2) == []
