"""The site's behaviour in Debian's chromium: live search, facets, documents, upload, no-JS."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Browser, Page, expect

from kb.ingest.pipeline import ingest_paths
from tests.browser.conftest import LiveSite, screenshot
from tests.conftest import CHROMIUM_ARGS, EDITOR


def test_results_appear_as_you_type_and_facets_filter(live_site: LiveSite, page: Page) -> None:
    page.goto(live_site.url + "/")
    box = page.locator("#q")
    box.click()
    box.press_sequentially("一定兩評三公開", delay=40)  # no Enter
    hits = page.locator("#results .hit")
    expect(hits).to_have_count(1)
    expect(page.locator("#results mark").first).to_have_text("一定兩評三公開")
    expect(page).to_have_url(re.compile(r"q=%E4%B8%80"))  # the URL carries the query
    expect(box).to_be_focused()
    screenshot(page, "search")

    box.fill("组织")
    expect(page.locator("#results .hit")).to_have_count(5)
    page.locator("#results .facet-value", has_text="即墨").first.click()
    expect(page.locator("#results .hit")).to_have_count(2)
    expect(page).to_have_url(re.compile(r"region=%E5%8D%B3%E5%A2%A8"))
    page.locator("#results .is-active", has_text="即墨").first.click()  # remove the filter
    expect(page.locator("#results .hit")).to_have_count(5)


def test_opening_a_hit_scrolls_to_the_highlighted_passage(live_site: LiveSite, page: Page) -> None:
    page.goto(live_site.url + "/?q=雙聯四推")
    page.locator("#results .hit-title a").first.click()
    expect(page).to_have_url(re.compile(r"/documents/5\?.*#passage"))
    passage = page.locator("#passage")
    expect(passage).to_be_in_viewport()
    expect(passage.locator("mark").first).to_have_text("雙聯四推")
    screenshot(page, "document")


def test_login_and_upload_a_file_with_progress(
    live_site: LiveSite, page: Page, tmp_path: Path
) -> None:
    page.goto(live_site.url + "/login")
    page.get_by_label("用户名").fill(EDITOR[0])
    page.get_by_label("密码").fill(EDITOR[1])
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("button", name=re.compile("退出"))).to_be_visible()

    upload = tmp_path / "三联三带工作法.txt"
    upload.write_text("某县推行“三联三带”工作法\n\n組織幹部聯系群眾，帶頭發展產業。", "gbk")
    empty = tmp_path / "空文件.txt"
    empty.write_bytes(b"")
    page.goto(live_site.url + "/edit/upload")
    page.locator("#edit-files").set_input_files([str(upload), str(empty)])
    page.get_by_role("button", name="上传并入库").click()
    rows = page.locator("[data-report-rows] tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("新增")
    expect(rows.nth(1)).to_contain_text("拒收")
    screenshot(page, "upload")

    live_site.wait_for_index()
    page.goto(live_site.url + "/?q=三联三带")
    expect(page.locator("#results .hit")).to_have_count(1)


def test_the_same_search_works_with_javascript_disabled(
    live_site: LiveSite, browser: Browser
) -> None:
    context = browser.new_context(java_script_enabled=False, locale="zh-CN")
    page = context.new_page()
    page.goto(live_site.url + "/")
    page.locator("#q").fill("一定兩評三公開")
    page.locator("#q").press("Enter")  # a plain form GET
    expect(page).to_have_url(re.compile(r"\?q="))
    expect(page.locator(".hit")).to_have_count(1)
    expect(page.locator(".hit mark").first).to_have_text("一定兩評三公開")
    page.locator(".facet-value", has_text="濮阳").first.click()
    expect(page).to_have_url(re.compile("region="))
    expect(page.locator(".hit")).to_have_count(1)
    context.close()


def test_script_in_a_document_or_a_query_stays_inert(
    live_site: LiveSite, page: Page, tmp_path: Path
) -> None:
    evil = tmp_path / "evil.md"
    evil.write_text(
        "---\ntitle: <script>alert(1)</script>标题\nregion: 濮阳\n---\n"
        "正文提到<script>alert(1)</script>与 <img src=x onerror=alert(2)> 之类的内容。\n",
        "utf-8",
    )
    with live_site.app.app_context():
        (result,) = ingest_paths(live_site.app.extensions["kb"].db, [evil])
        live_site.app.extensions["kb"].worker.submit([result.id])
    live_site.wait_for_index()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(f"{live_site.url}/documents/{result.id}")
    expect(page.locator("main")).to_contain_text("<script>alert(1)</script>")
    page.goto(live_site.url + "/?q=" + "<script>alert(1)</script>")
    expect(page.locator("#q")).to_have_value("<script>alert(1)</script>")
    page.goto(live_site.url + "/?q=alert")
    expect(page.locator("#results")).to_contain_text("alert")
    assert dialogs == []
    assert CHROMIUM_ARGS  # launched with Debian's chromium, no downloaded browser
