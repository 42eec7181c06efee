"""The search page: the form, live fragment, facets, filters, sorting, paging, errors."""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
from flask import Flask, render_template
from flask.testing import FlaskClient


def page(client: FlaskClient, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, response.get_data(as_text=True)[:2000]
    return response.get_data(as_text=True)


def hit_ids(html: str) -> list[int]:
    """Ids of the hits in the order the page lists them."""
    return [int(i) for i in re.findall(r'<h3 class="hit-title"><a href="/documents/(\d+)', html)]


def links(html: str, css_class: str) -> dict[str, dict[str, list[str]]]:
    """Text → parsed query string of each ``<a class="…css_class…">`` on the page."""
    found = {}
    pattern = rf'<a class="[^"]*\b{css_class}\b[^"]*" href="([^"]*)"[^>]*>(.*?)</a>'
    for href, inner in re.findall(pattern, html, flags=re.S):
        text = re.sub(r"<[^>]+>", " ", inner).split()[0]
        found[text] = parse_qs(urlsplit(unescape(href)).query)
    return found


def test_start_page_welcomes_and_lists_the_documents(client: FlaskClient) -> None:
    html = page(client, "/")
    assert "组织工作文献检索" in html
    assert 'for="q"' in html and 'id="q"' in html
    assert "/?q=%E5%B9%B4%E8%BD%BB%E5%B9%B2%E9%83%A8%E5%9F%B9%E5%85%BB" in html  # 年轻干部培养
    assert "共 <strong>5</strong> 篇" in html
    assert sorted(hit_ids(html)) == [1, 2, 3, 4, 5]
    assert 'aria-live="polite"' in html
    assert '<details class="syntax-help">' in html and "year:2015-2020" in html


def test_query_marks_the_original_characters(client: FlaskClient) -> None:
    html = page(client, "/?q=一定两评三公开")
    assert hit_ids(html) == [5]
    assert "<mark>一定兩評三公開</mark>" in html
    assert 'value="一定两评三公开"' in html
    assert "找到 <strong>1</strong> 篇文档" in html


def test_traditional_query_gives_the_same_hits(client: FlaskClient) -> None:
    simplified = hit_ids(page(client, "/?q=组工"))
    assert simplified and hit_ids(page(client, "/?q=組工")) == simplified
    assert hit_ids(page(client, "/?q=一定兩評三公開")) == [5]


def test_hit_links_to_its_passage_with_the_query(client: FlaskClient) -> None:
    html = page(client, "/?q=李连成")
    href = unescape(re.search(r'<h3 class="hit-title"><a href="([^"]+)"', html).group(1))
    url = urlsplit(href)
    assert url.path == "/documents/5" and url.fragment == "passage"
    args = parse_qs(url.query)
    assert args["q"] == ["李连成"] and args["p"][0].isdigit()
    assert "/tags/demonstration/%E6%9D%8E%E8%BF%9E%E6%88%90" in html  # the tag chip


def test_partial_returns_only_the_results_fragment(client: FlaskClient) -> None:
    html = page(client, "/?q=一定两评三公开&partial=1")
    assert "<html" not in html and "site-header" not in html and "<form" not in html
    assert html.lstrip().startswith('<div class="results"')
    assert "<mark>一定兩評三公開</mark>" in html and 'class="facets"' in html


def test_facets_add_filters_and_chips_remove_them(client: FlaskClient) -> None:
    html = page(client, "/?q=组工")
    facets = links(html, "facet-value")
    assert facets["即墨"] == {"q": ["组工"], "region": ["即墨"]}
    assert facets["经验材料"] == {"q": ["组工"], "type": ["experience"]}
    assert facets["李连成"] == {"q": ["组工"], "tag": ["李连成"]}
    assert re.search(r">\s*<h3 id=\"facet-\d\">地区</h3>", html)

    filtered = page(client, "/?q=组工&region=即墨")
    assert sorted(hit_ids(filtered)) == [1, 3]
    chips = links(filtered, "chip-active")
    assert chips == {"地区：即墨": {"q": ["组工"]}}
    assert '<input type="hidden" name="region" value="即墨">' in filtered
    assert links(filtered, "is-active")["即墨"] == {"q": ["组工"]}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("type=experience", [1, 2, 3, 4, 5]),
        ("region=即墨", [1, 3]),
        ("year=2018", [3]),
        ("tag=李连成", [5]),
        ("tag=李連成", [5]),  # an alias in the other script
        ("region=即墨&year=2018", [3]),
        ("q=type:experience region:濮阳", [5]),
    ],
)
def test_filters_from_the_url(client: FlaskClient, query: str, expected: list[int]) -> None:
    assert sorted(hit_ids(page(client, f"/?{query}"))) == expected


def test_two_chips_offer_clearing_all_filters(client: FlaskClient) -> None:
    html = page(client, "/?q=组工&region=即墨&year=2018")
    clear = re.search(r'<a class="clear-filters" href="([^"]+)"', html).group(1)
    assert parse_qs(urlsplit(unescape(clear)).query) == {"q": ["组工"]}


def test_sort_by_date_puts_dated_documents_first(client: FlaskClient) -> None:
    html = page(client, "/?sort=date")
    assert hit_ids(html)[:2] == [2, 3]
    assert '<option value="date" selected>' in html
    facet = links(html, "facet-value")["即墨"]
    assert facet["sort"] == ["date"]


def test_pagination(client: FlaskClient) -> None:
    first = page(client, "/?per_page=2")
    assert hit_ids(first) == [1, 2]
    assert 'aria-current="page">1<' in first
    nav = re.search(r'<nav class="pagination".*?</nav>', first, flags=re.S).group(0)
    assert "下一页" in nav and "上一页" not in nav
    assert 'href="/?per_page=2&amp;page=2"' in nav and 'href="/?per_page=2&amp;page=3"' in nav
    assert '<input type="hidden" name="per_page" value="2">' in first

    last = page(client, "/?per_page=2&page=3")
    assert hit_ids(last) == [5]
    assert '<ol class="hits" start="5">' in last
    nav = re.search(r'<nav class="pagination".*?</nav>', last, flags=re.S).group(0)
    assert "上一页" in nav and "下一页" not in nav

    beyond = page(client, "/?per_page=2&page=9")
    assert hit_ids(beyond) == [] and "回到第 1 页" in beyond


def test_zero_hits_suggest_a_query_and_give_tips(client: FlaskClient) -> None:
    html = page(client, "/?q=一定两评四公开")
    assert hit_ids(html) == []
    assert "没有找到相关文档" in html
    link = re.search(r'您是不是要找：<a href="([^"]+)">([^<]+)</a>', html)
    assert link and link.group(2) == "一定两评三公开"
    assert parse_qs(urlsplit(unescape(link.group(1))).query) == {"q": ["一定两评三公开"]}
    assert "检查有没有错别字" in html


@pytest.mark.parametrize(
    "query",
    ["page=0", "page=abc", "sort=foo", "per_page=1000", "per_page=0", "q=year:abc", "q=type:news"],
)
def test_bad_parameters_are_a_400_page(client: FlaskClient, query: str) -> None:
    html = page(client, f"/?{query}", status=400)
    assert "请求有误" in html and "服务器出错" not in html


def test_bad_parameters_in_the_fragment_are_400_too(client: FlaskClient) -> None:
    assert client.get("/?q=year:abc&partial=1").status_code == 400


def test_query_is_echoed_escaped(client: FlaskClient) -> None:
    html = page(client, "/?q=<script>alert(1)</script>")
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    fragment = page(client, "/?q=<script>alert(1)</script>&partial=1")
    assert "<script>" not in fragment


def test_filter_values_are_escaped(client: FlaskClient) -> None:
    html = page(client, '/?region="><script>x</script>')
    assert "<script>x</script>" not in html
    assert 'value="&#34;&gt;&lt;script&gt;x&lt;/script&gt;"' in html


def test_a_long_facet_says_how_many_values_it_leaves_out(app: Flask) -> None:
    from indexer.results import Facets, SearchResult
    from web.search_params import SearchParams

    regions = {f"地区{i}": 100 - i for i in range(12)}
    facets = Facets(region=regions, omitted={"region": 30})
    result = SearchResult("组工", 200, 1, 10, (), facets)
    with app.test_request_context("/"):
        html = render_template("search/_facets.html", result=result, params=SearchParams(q="组工"))
    assert len(links(html, "facet-value")) == 12
    assert "更多（4）" in html and "另有 30 项较少的未列出" in html
