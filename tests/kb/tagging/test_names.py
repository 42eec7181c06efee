"""Tag names: one key per approach across scripts and variants; generic words refused."""

from __future__ import annotations

import pytest

from kb.tagging.names import display_name, is_generic, locate, occurs_in, tag_key


@pytest.mark.parametrize(
    ("names", "key"),
    [
        (["干部成长纪实", "干部成長記實", "干部成長紀實", "“干部成长记实”"], "干部成长纪实"),
        (["一定两评三公开", "一定兩評三公開", "「一定兩評三公開」"], "一定两评三公开"),
        (["公信組工", "公信组工", "“公信組工”"], "公信组工"),
        (["《干部任用條例》", "干部任用条例"], "干部任用条例"),
    ],
)  # fmt: skip
def test_every_form_of_a_name_has_one_key(names: list[str], key: str) -> None:
    assert {tag_key(name) for name in names} == {key}


@pytest.mark.parametrize(
    "name",
    ["创新", "工作", "機制", "组织工作", "組織工作", "長效機制", "工作机制", "先進典型", "典型",
     "体制机制", "x", ""],
)  # fmt: skip
def test_generic_words_never_become_tags(name: str) -> None:
    assert is_generic(name)


@pytest.mark.parametrize("name", ["柔性考核", "菜單式", "三議兩協商", "李連成", "西辛莊"])
def test_specific_names_are_not_generic(name: str) -> None:
    assert not is_generic(name)


def test_display_name_is_simplified_without_quotes() -> None:
    assert display_name("“雙聯四推”") == "双联四推"


def test_a_name_is_found_in_text_of_either_script() -> None:
    text = "創新實施了干部成長紀實、調研式考察"
    assert occurs_in("干部成长记实", text)
    assert locate("干部成长记实", text) == (5, 11)
    assert text[5:11] == "干部成長紀實"
    assert locate("柔性考核", text) is None
