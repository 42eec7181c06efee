"""The document page: metadata, tags, rendered text, marks, passage, script, similar, copies."""

from __future__ import annotations

import re
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient

from kb.ingest.pipeline import ingest_paths
from kb.limits import Limits
from tests.conftest import seed_text
from web.services import get_services


def page(client: FlaskClient, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, response.get_data(as_text=True)[:2000]
    return response.get_data(as_text=True)


def text_part(html: str) -> str:
    """The rendered document text of a page."""
    return html.split('<div class="document-text"', 1)[1].split("</div>", 1)[0]


def ingest(app: Flask, path: Path) -> int:
    """Ingest one file into the app's database and wait until it is indexed."""
    with app.app_context():
        services = get_services()
        (result,) = ingest_paths(services.db, [path], limits=Limits(max_bytes=1024 * 1024))
        assert result.id is not None, result
        services.worker.submit([result.id])
        services.worker.wait()
        return result.id


def test_document_page_shows_metadata_text_tags_and_similar(client: FlaskClient) -> None:
    html = page(client, "/documents/5")
    assert '<h1 id="doc-title">黨的十八屆五中全會著眼協調推進' in html
    assert "<dt>地区</dt><dd>濮阳</dd>" in html
    assert "<dt>作者</dt><dd>劉漢征</dd>" in html
    assert "经验材料" in html and "判断依据" in html
    assert "corpus/documents/004_" in html
    text = text_part(html)
    assert text.count("<p id=") >= 4 and "基層黨建注重打基礎" in text
    assert "<mark>" not in text
    # tag chips by kind, linking to the tag pages, with their status
    assert "<h2>创新做法</h2>" in html and "<h2>典型示范</h2>" in html
    assert (
        'href="/tags/approach/%E4%B8%80%E5%AE%9A%E4%B8%A4%E8%AF%84%E4%B8%89%E5%85%AC%E5%BC%80"'
        in html
    )
    assert 'href="/tags/demonstration/%E6%9D%8E%E8%BF%9E%E6%88%90"' in html
    assert "待确认" in html
    similar = html.split('id="similar-title"', 1)[1].split("</section>", 1)[0]
    assert len(re.findall(r'<a href="/documents/\d+">', similar)) >= 2
    assert 'href="/documents/5"' not in similar


def test_processing_warnings_are_shown(client: FlaskClient) -> None:
    html = page(client, "/documents/1")
    assert "处理警告" in html and "疑似乱码" in html


def test_query_marks_original_characters_and_p_marks_the_passage(client: FlaskClient) -> None:
    search = page(client, "/?q=一定两评三公开")
    link = re.search(r'<h3 class="hit-title"><a href="(/documents/5[^"]+)"', search).group(1)
    html = page(client, link.replace("&amp;", "&"))
    text = text_part(html)
    assert "<mark>一定兩評三公開</mark>" in text
    current = re.search(r'<p id="passage" class="passage-current">(.*?)</p>', text, flags=re.S)
    assert current and "<mark>一定兩評三公開</mark>" in current.group(1)
    assert "返回“一定两评三公开”的检索结果" in html


def test_traditional_query_marks_too(client: FlaskClient) -> None:
    assert "<mark>李連成</mark>" in text_part(page(client, "/documents/5?q=李連成"))


def test_p_out_of_range_or_malformed_is_ignored(client: FlaskClient) -> None:
    for p in ("999", "abc", "-1"):
        html = page(client, f"/documents/5?p={p}")
        assert 'id="passage"' not in html
    assert 'id="passage"' in page(client, "/documents/5?p=0")


def test_malformed_query_only_leaves_the_text_unmarked(client: FlaskClient) -> None:
    html = page(client, "/documents/5?q=year:abc")
    assert "<mark>" not in text_part(html)


def test_script_toggle_converts_text_and_title(client: FlaskClient) -> None:
    original = page(client, "/documents/5?q=李连成&p=5")
    toggle = re.search(r'<a href="([^"]+script=simplified[^"]*)">简体</a>', original).group(1)
    assert "q=%E6%9D%8E%E8%BF%9E%E6%88%90" in toggle and "p=5" in toggle
    html = page(client, toggle.replace("&amp;", "&"))
    assert '<h1 id="doc-title">党的十八届五中全会著眼协调推进' in html
    text = text_part(html)
    assert "基层党建注重打基础" in text and "基層黨建" not in text
    assert "<mark>李连成</mark>" in text and 'id="passage"' in text
    assert re.search(r'<a href="[^"]*">原文</a>', html)


def test_citation_is_visible_with_a_copy_button(client: FlaskClient) -> None:
    html = page(client, "/documents/3")
    citation = re.search(r'<p class="citation" id="citation">(.*?)</p>', html).group(1)
    assert citation.startswith("「") and "即墨" in citation and "2018-08-03" in citation
    assert "corpus/documents/002_" in citation
    assert 'data-copy-target="citation"' in html
    assert "onclick" not in html


def test_edit_link_for_editors(editor: FlaskClient) -> None:
    assert re.search(
        r'<a class="button-secondary" href="/documents/5/edit">编辑信息</a>',
        page(editor, "/documents/5"),
    )


def test_no_edit_link_for_readers(app: Flask) -> None:
    assert "编辑信息" not in page(app.test_client(), "/documents/5")


def test_unknown_document_is_404(client: FlaskClient) -> None:
    html = page(client, "/documents/999", status=404)
    assert "没有找到" in html and "999" in html


def test_script_in_a_document_renders_inert(
    app: Flask, client: FlaskClient, tmp_path: Path
) -> None:
    path = tmp_path / "xss.md"
    path.write_text(
        "---\ntitle: <script>alert(1)</script>标题\nregion: 濮阳\n---\n"
        "党建工作<script>alert(1)</script>的做法。\n\n<img src=x onerror=alert(1)>\n",
        encoding="utf-8",
    )
    doc_id = ingest(app, path)
    html = page(client, f"/documents/{doc_id}?q=党建")
    assert "<script>alert(1)" not in html and "<img" not in html
    text = text_part(html)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert "&lt;img src=x onerror=alert(1)&gt;" in text
    assert "<mark>党建</mark>" in text
    search = page(client, "/?q=党建工作的做法")
    assert "<script>alert(1)" not in search


def test_copies_are_listed_and_a_copy_links_to_its_original(
    app: Flask, client: FlaskClient, tmp_path: Path
) -> None:
    path = tmp_path / "repost.txt"
    path.write_text(seed_text(4), encoding="utf-8")
    copy_id = ingest(app, path)
    html = page(client, "/documents/5")
    copies = html.split('id="copies-title"', 1)[1].split("</section>", 1)[0]
    assert f'href="/documents/{copy_id}"' in copies and "repost.txt" in copies
    copy = page(client, f"/documents/{copy_id}")
    assert "的转载或近似副本" in copy and 'href="/documents/5"' in copy
