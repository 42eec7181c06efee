"""The 做法词典, the demonstrations and the tag pages, read by anonymous readers."""

from __future__ import annotations

import re
from urllib.parse import quote, unquote

import pytest
from flask.testing import FlaskClient


def _page(client: FlaskClient, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_data(as_text=True)


def _entries(html: str) -> list[str]:
    return re.findall(r'class="tags-entry-name"><a href="[^"]+">([^<]+)</a>', html)


def test_the_approach_index_lists_approaches_with_definitions_and_counts(
    client: FlaskClient,
) -> None:
    html = _page(client, "/tags/approach")
    names = _entries(html)
    assert "一定两评三公开" in names and "公信组工" in names and "李连成" not in names
    entry = html[html.index(">一定两评三公开<") :].split("</li>", 1)[0]
    assert "定制目標、公開承諾內容" in entry  # the definition seed 004 gives
    assert "又作：一定兩評三公開" in entry and "1 篇文档" in entry and "濮阳" in entry
    assert "暂无释义" in html  # approaches the texts do not define
    assert names.index("四位一体") < names.index("一定两评三公开")  # two documents first


def test_the_index_offers_its_filter_values_with_counts(client: FlaskClient) -> None:
    html = _page(client, "/tags/approach")
    assert re.search(r">考核评价</span><span class=\"tags-filter-count\">\d+<", html)
    assert re.search(r">即墨</span><span class=\"tags-filter-count\">\d+<", html)
    assert f'href="/tags/approach?topic={quote("考核评价")}"' in html


@pytest.mark.parametrize(
    ("query", "kept", "dropped"),
    [
        ("topic=考核评价", "一定两评三公开", "夏都人才大讲堂"),
        ("region=濮阳", "一定两评三公开", "公信组工"),
        ("region=濮陽", "一定两评三公开", "公信组工"),  # either script
        ("region=即墨", "公信组工", "一定两评三公开"),
        ("topic=教育培训", "干部成长记实制度", "一定两评三公开"),
        ("topic=考核评价&region=濮阳", "三议两协商", "公信组工"),
    ],
)
def test_filters_by_topic_and_region_narrow_the_index(
    client: FlaskClient, query: str, kept: str, dropped: str
) -> None:
    everything = _entries(_page(client, "/tags/approach"))
    html = _page(client, f"/tags/approach?{query}")
    names = _entries(html)
    assert kept in names and dropped not in names and len(names) < len(everything)
    assert "清除筛选" in html and 'aria-current="true"' in html


def test_a_filter_link_keeps_the_other_filter(client: FlaskClient) -> None:
    html = _page(client, "/tags/approach?region=濮阳")
    link = re.search(r'href="(/tags/approach\?[^"]*topic=[^"]*)"', html)
    assert link is not None and "region=" in link.group(1)


def test_a_region_nobody_wrote_about_leaves_nothing(client: FlaskClient) -> None:
    html = _page(client, "/tags/approach?region=拉萨")
    assert _entries(html) == [] and "没有符合条件的" in html


def test_the_demonstration_index(client: FlaskClient) -> None:
    names = _entries(_page(client, "/tags/demonstration"))
    assert {"李连成", "西辛庄"} <= set(names) and "一定两评三公开" not in names


@pytest.mark.parametrize("kind", ["topic", "policy"])
def test_the_other_kinds_have_an_index_too(client: FlaskClient, kind: str) -> None:
    assert _entries(_page(client, f"/tags/{kind}"))


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/tags/person", 404),
        ("/tags/person/李连成", 404),
        ("/tags/approach/没有这个做法", 404),
        ("/tags/approach/李连成", 404),  # a demonstration, not an approach
        ("/tags/approach?topic=不存在的主题", 400),
        (f"/tags/approach?region={'长' * 101}", 400),
    ],
)
def test_unknown_kinds_and_names_are_404_and_bad_filters_400(
    client: FlaskClient, path: str, status: int
) -> None:
    response = client.get(path)
    assert response.status_code == status
    assert "组织工作文献知识库" in response.get_data(as_text=True)  # the site's error page


def test_a_tag_page_by_its_simplified_name(client: FlaskClient) -> None:
    html = _page(client, "/tags/approach/一定两评三公开")
    assert "<h1>一定两评三公开" in html and "又作：一定兩評三公開" in html
    assert "定制目標、公開承諾內容" in html and "摘自原文" in html
    assert "一是推行“<mark>一定兩評三公開</mark>”基層黨建責任制。" in html
    assert 'href="/documents/5"' in html and "待确认" in html
    assert ">濮阳</a>" in html and "未注明" in html  # regions and years
    assert f'href="/?tag={quote("一定两评三公开")}"' in html and "在检索中查看" in html
    assert "编辑标签" not in html and "csrf_token" not in html.split("<main", 1)[1]


@pytest.mark.parametrize("alias", ["一定兩評三公開", "“一定两评三公开”"])
def test_an_alias_redirects_to_the_canonical_name(client: FlaskClient, alias: str) -> None:
    response = client.get(f"/tags/approach/{quote(alias)}")
    assert response.status_code == 302
    assert unquote(response.headers["Location"]) == "/tags/approach/一定两评三公开"


def test_a_demonstration_page_shows_evidence_and_links_to_its_document(
    client: FlaskClient,
) -> None:
    html = _page(client, "/tags/demonstration/李连成")
    assert 'href="/documents/5"' in html
    assert "充分利用<mark>李連成</mark>這個全國先進典型" in html
    assert "理由：" in html  # why it was taken for a model


def test_a_topic_page_shows_the_reason_it_was_assigned(client: FlaskClient) -> None:
    html = _page(client, "/tags/topic/考核评价")
    assert "理由：" in html and 'href="/documents/3"' in html and 'href="/documents/5"' in html


def test_editors_see_the_curation_forms(editor: FlaskClient) -> None:
    html = _page(editor, "/tags/approach/菜单式")
    for action in ("confirm", "reject", "rename", "merge", "define"):
        assert f'action="/tags/approach/{quote("菜单式")}/{action}"' in html
    assert 'name="csrf_token"' in html and "<datalist" in html
