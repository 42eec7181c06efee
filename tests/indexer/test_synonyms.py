"""The shipped synonym list and the variants it gives a clause."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import indexer.synonyms
from indexer.analysis import synonyms_path
from indexer.normalize import CJK_CLASS, normalize
from indexer.synonyms import MAX_VARIANTS, Synonyms, load_synonyms, parse_synonyms

WORD_RUN = re.compile(f"(?:[{CJK_CLASS}]|[^\\W_])+")


def shipped_terms() -> list[tuple[int, str]]:
    """Every term of corpus/synonyms.txt as written, with its line number."""
    text = synonyms_path().read_text(encoding="utf-8")
    return [
        (lineno, term)
        for lineno, line in enumerate(text.splitlines(), 1)
        for term in line.split("#", 1)[0].split()
    ]


# --- the shipped file -------------------------------------------------------------------------


def test_the_shipped_file_loads() -> None:
    synonyms = load_synonyms()
    assert 20 <= len(synonyms) <= 40
    assert all(len(group) >= 2 for group in synonyms.groups)


def test_shipped_terms_are_written_in_simplified_search_form() -> None:
    for lineno, term in shipped_terms():
        assert normalize(term) == term, f"line {lineno}: {term}"


def test_shipped_terms_are_single_words_a_clause_can_hold() -> None:
    # An unquoted clause never holds punctuation, so a term with some could never match.
    for lineno, term in shipped_terms():
        assert WORD_RUN.fullmatch(term), f"line {lineno}: {term}"


def test_the_issue_groups_are_shipped() -> None:
    synonyms = load_synonyms()
    for term, other in [
        ("组工", "组织工作"),
        ("两委", "村两委"),
        ("纪实", "记实"),
        ("党建", "党的建设"),
        ("年轻干部", "青年干部"),
        ("第一书记", "驻村第一书记"),
        ("两新组织", "非公有制经济组织和社会组织"),
    ]:
        assert other in synonyms.equivalents(term)
        assert term in synonyms.equivalents(other)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("组工", ("组织工作",)),
        ("组织工作", ("组工",)),
        ("干部成长纪实", ("干部成长记实",)),
        ("干部成长记实", ("干部成长纪实",)),
        ("两委", ("村两委",)),
        ("村两委", ("两委",)),
        ("村两委班子", ("两委班子",)),
        ("两委班子", ("村两委班子",)),
        ("第一书记", ("驻村第一书记",)),
        ("驻村第一书记", ("第一书记",)),
        ("村党支部书记", ("村党组织书记", "村支书")),
        ("党支部书记", ("支书",)),
        ("党代表大会", ("党代会", "党的代表大会")),
        ("党的建设", ("党建",)),
        ("基层党建工作", ("基层党的建设工作",)),
        ("优秀年轻干部", ("优秀青年干部",)),
        ("组工党建", ("组织工作党建", "组工党的建设")),
        ("一定两评三公开", ()),
        ("", ()),
    ],
)
def test_shipped_variants(text: str, expected: tuple[str, ...]) -> None:
    assert load_synonyms().variants(text) == expected


# --- variants ---------------------------------------------------------------------------------


def test_whole_term_equivalents_come_first_in_file_order() -> None:
    synonyms = Synonyms([("甲乙", "丙丁", "戊己")])
    assert synonyms.variants("丙丁") == ("甲乙", "戊己")
    assert synonyms.variants("丙丁丙丁") == ("甲乙丙丁", "戊己丙丁", "丙丁甲乙", "丙丁戊己")


def test_a_member_inside_a_longer_member_is_not_replaced() -> None:
    synonyms = Synonyms([("两委", "村两委"), ("党代表", "党代会代表"), ("党代会", "党代表大会")])
    assert synonyms.variants("村两委") == ("两委",)
    assert "村村两委" not in synonyms.variants("村两委和两委")
    assert synonyms.variants("村两委和两委") == ("两委和两委", "村两委和村两委")
    assert synonyms.variants("党代表大会") == ("党代会",)
    assert synonyms.variants("党代会代表") == ("党代表",)


def test_single_characters_are_replaced_only_as_the_whole_clause() -> None:
    synonyms = Synonyms([("党", "黨派")])
    assert synonyms.variants("党") == ("黨派",)
    assert synonyms.variants("党建") == ()


def test_variants_are_capped() -> None:
    synonyms = Synonyms([tuple(f"词{n:02d}" for n in range(20))])
    assert len(synonyms.variants("词00")) == MAX_VARIANTS
    assert synonyms.variants("词00")[:2] == ("词01", "词02")


@given(st.text(alphabet="村两委纪记实组工织作党建的设干部成长", max_size=12))
def test_variants_never_hold_the_input_and_are_stable(text: str) -> None:
    synonyms = load_synonyms()
    variants = synonyms.variants(text)
    assert text not in variants
    assert len(variants) == len(set(variants)) <= MAX_VARIANTS
    assert all("村村两委" not in v for v in variants) or "村村两委" in text
    assert synonyms.variants(text) == variants


# --- the file format and the loader -----------------------------------------------------------


def test_parse_normalizes_and_skips_comments_and_blank_lines() -> None:
    text = "\ufeff# 注释\n\n組工 組織工作  # 简称\n  ＡＢＣ\tabc-d\n"
    assert parse_synonyms(text).groups == (("组工", "组织工作"), ("abc", "abc-d"))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("组工 组织工作\n\n党建\n", r"synonyms:3: a group needs at least two terms"),
        ("组工 组织工作 # x\n党建 # 党的建设\n", r"synonyms:2: a group needs at least two terms"),
        ("组工 组织工作\n组工 组工干部\n", r"synonyms:2: '组工' is already in the group on line 1"),
        ("组工 組工\n", r"synonyms:1: '组工' is already in the group on line 1"),
    ],
)
def test_malformed_lines_name_their_number(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_synonyms(text)


def test_load_reuses_the_parse_until_the_file_changes(tmp_path: Path) -> None:
    path = tmp_path / "synonyms.txt"
    path.write_text("组工 组织工作\n", encoding="utf-8")
    first = load_synonyms(path)
    assert load_synonyms(path) is first
    path.write_text("党建 党的建设\n", encoding="utf-8")
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 1_000_000))
    second = load_synonyms(path)
    assert second is not first
    assert second.variants("党建") == ("党的建设",)


def test_load_names_the_file_of_a_bad_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.txt"
    path.write_text("组工\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"bad\.txt:1:"):
        load_synonyms(path)


def test_a_given_file_must_exist_but_the_default_may_be_absent(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(FileNotFoundError):
        load_synonyms(tmp_path / "missing.txt")
    monkeypatch.setattr(indexer.synonyms, "synonyms_path", lambda: tmp_path / "missing.txt")
    assert len(load_synonyms()) == 0
    assert load_synonyms().variants("组工") == ()


def test_default_path_is_the_analysis_one() -> None:
    assert load_synonyms() is load_synonyms(synonyms_path())
