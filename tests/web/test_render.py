"""web.render: Markdown with raw HTML inert, query terms marked in text, passage anchors."""

from __future__ import annotations

import pytest

from indexer.synonyms import Synonyms
from web.render import Passage, passage_lines, query_needles, render_markdown

REL = 'rel="nofollow noopener noreferrer"'


@pytest.mark.parametrize(
    ("markdown", "html"),
    [
        ("<script>alert(1)</script>", "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>\n"),
        ("正文<b onclick=x>粗</b>", "<p>正文&lt;b onclick=x&gt;粗&lt;/b&gt;</p>\n"),
        ("<div>\n块\n</div>", "<p>&lt;div&gt;\n块\n&lt;/div&gt;</p>\n"),
        ("[点我](javascript:alert(1))", "<p>[点我](javascript:alert(1))</p>\n"),
        ("`<i>`", "<p><code>&lt;i&gt;</code></p>\n"),
        (
            "![图](http://example.com/x.png)",
            f'<p>!<a href="http://example.com/x.png" {REL}>图</a></p>\n',
        ),
    ],
)
def test_raw_html_and_scripts_stay_inert(markdown: str, html: str) -> None:
    assert render_markdown(markdown) == html


def test_markdown_structure_is_rendered_and_headings_sit_below_the_title() -> None:
    html = render_markdown("# 一、总体要求\n\n第一段\n\n- 甲\n- 乙\n\n> 引文")
    assert "<h2>一、总体要求</h2>" in html
    assert "<p>第一段</p>" in html
    assert "<ul>\n<li>甲</li>\n<li>乙</li>\n</ul>" in html
    assert "<blockquote>\n<p>引文</p>\n</blockquote>" in html


@pytest.mark.parametrize(
    ("markdown", "needles", "html"),
    [
        ("基層黨建工作", ["基层党建"], "<p><mark>基層黨建</mark>工作</p>\n"),
        (
            "推行“一定兩評三公開”責任制",
            ["一定两评三公开"],
            "<p>推行“<mark>一定兩評三公開</mark>”責任制</p>\n",
        ),
        (
            "**组工**干部与組工",
            ["组工"],
            "<p><strong><mark>组工</mark></strong>干部与<mark>組工</mark></p>\n",
        ),
        ("<b>黨建</b>", ["党建"], "<p>&lt;b&gt;<mark>黨建</mark>&lt;/b&gt;</p>\n"),
        (
            "[黨建](http://a.example/黨建)",
            ["党建"],
            f'<p><a href="http://a.example/%E9%BB%A8%E5%BB%BA" {REL}><mark>黨建</mark></a></p>\n',
        ),
        ("`黨建`", ["党建"], "<p><code>黨建</code></p>\n"),
        ("没有匹配", ["党建"], "<p>没有匹配</p>\n"),
    ],
)
def test_needles_are_marked_inside_text_only(markdown: str, needles: list[str], html: str) -> None:
    assert render_markdown(markdown, needles=needles) == html


def test_passage_lines_count_newlines_before_each_start() -> None:
    text = "标题\n\n第一段。第二句。\n\n第二段"
    passages = [Passage(0, 0), Passage(1, 4), Passage(2, 9), Passage(3, text.index("第二段"))]
    assert passage_lines(text, passages) == {0: 0, 1: 2, 2: 2, 3: 4}


def test_anchors_go_on_the_block_of_each_passage() -> None:
    text = "# 标题\n\n第一段。第二句。\n\n- 甲\n- 乙\n\n第三段"
    lines = {0: 0, 1: 2, 2: 2, 3: 4, 4: 5, 5: 7}
    html = render_markdown(text, lines=lines)
    assert '<h2 id="p-0">标题</h2>' in html
    assert '<p id="p-1">第一段。第二句。</p>' in html  # two passages, one block: the first id
    assert '<li id="p-3">甲</li>' in html and '<li id="p-4">乙</li>' in html
    assert '<p id="p-5">第三段</p>' in html
    assert 'id="passage"' not in html


def test_the_current_passage_block_is_marked() -> None:
    text = "第一段\n\n第二段。续句。\n\n第三段"
    html = render_markdown(text, lines={0: 0, 1: 2, 2: 2, 3: 4}, current=2)
    assert '<p id="passage" class="passage-current">第二段。续句。</p>' in html
    assert '<p id="p-0">第一段</p>' in html and '<p id="p-3">第三段</p>' in html
    assert html.count('id="passage"') == 1


def test_an_unknown_current_passage_marks_nothing() -> None:
    html = render_markdown("第一段", lines={0: 0}, current=7)
    assert html == '<p id="p-0">第一段</p>\n'


def test_query_needles_cover_variants_and_ignore_bad_queries() -> None:
    synonyms = Synonyms([("组工", "组织工作")])
    assert set(query_needles("組工", synonyms)) >= {"组工", "组织工作"}
    assert query_needles("", synonyms) == ()
    assert query_needles("year:abc", synonyms) == ()
    assert query_needles("type:case", synonyms) == ()  # filters only: nothing to mark
