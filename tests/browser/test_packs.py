"""Course packs in chromium: add hits to a new pack, reorder by dragging and by keyboard, export."""

from __future__ import annotations

import re
from pathlib import Path

import docx
from playwright.sync_api import Locator, Page, expect

from tests.browser.conftest import LiveSite, screenshot
from tests.conftest import EDITOR

PACK = "基层党建专题"


def _login(page: Page, site: LiveSite) -> None:
    page.goto(site.url + "/login")
    page.get_by_label("用户名").fill(EDITOR[0])
    page.get_by_label("密码").fill(EDITOR[1])
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("button", name=re.compile("退出"))).to_be_visible()


def _headings(page: Page) -> list[str]:
    return page.locator(".pack-item .pack-item-title").all_inner_texts()


def _saved(page: Page) -> Locator:
    """The live region that says a move was saved."""
    return page.locator("#pack-live")


def test_add_hits_to_a_new_pack_reorder_them_and_download_word(
    live_site: LiveSite, page: Page, tmp_path: Path
) -> None:
    _login(page, live_site)
    page.goto(live_site.url + "/?q=组织")
    hits = page.locator("#results .hit")
    expect(hits).to_have_count(5)

    # the first hit, whole: no packs yet, so the dialog offers a new one
    whole = hits.nth(0).locator(":scope > .pack-add .pack-add-link")
    whole.click()
    dialog = page.get_by_role("dialog", name="加入素材包")
    expect(dialog).to_be_visible()
    choice = dialog.get_by_label("素材包", exact=True)
    expect(choice).to_have_value("new")
    expect(dialog.get_by_label("新素材包标题")).to_be_focused()
    dialog.get_by_label("新素材包标题").fill(PACK)
    dialog.get_by_role("button", name="加入").click()
    expect(dialog).to_be_hidden()
    expect(hits.nth(0).locator(":scope > .pack-add .pack-add-status")).to_have_text(
        f"已加入《{PACK}》"
    )
    expect(whole).to_be_focused()  # the focus comes back to the button that opened it

    # Escape closes the dialog without adding anything
    hits.nth(2).locator(":scope > .pack-add .pack-add-link").click()
    expect(dialog).to_be_visible()
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()

    # one passage of the second hit, into the pack just made (remembered)
    hits.nth(1).locator(".passage .pack-add-link").first.click()
    expect(dialog).to_be_visible()
    expect(choice.locator("option:checked")).to_contain_text(PACK)
    dialog.get_by_role("button", name="加入").click()
    expect(dialog).to_be_hidden()
    expect(hits.nth(1).locator(".passage .pack-add-status").first).to_have_text(f"已加入《{PACK}》")

    page.get_by_role("link", name="素材包", exact=True).click()
    page.get_by_role("link", name=PACK).click()
    first, second = _headings(page)
    assert "节选" in second and "节选" not in first

    # drag the second item above the first by its handle (both in view: a drag that
    # scrolls the page before the mouse moves never starts in headless chromium)
    page.set_viewport_size({"width": 1280, "height": 1800})
    items = page.locator(".pack-item")
    with page.expect_response(lambda r: r.request.method == "PATCH") as answer:
        items.nth(1).locator("[data-drag-handle]").drag_to(
            items.nth(0).locator(".pack-item-head"), target_position={"x": 30, "y": 3}
        )
    assert answer.value.ok
    expect(page.locator(".pack-item .pack-item-title")).to_have_text([second, first])
    page.set_viewport_size({"width": 1280, "height": 900})
    page.reload()
    expect(page.locator(".pack-item .pack-item-title")).to_have_text([second, first])

    # the keyboard way: 下移 then 上移, the focus staying on the button pressed
    moved = page.locator(f"#{items.nth(0).get_attribute('id')}")
    down = moved.get_by_role("button", name=re.compile("^下移"))
    down.focus()
    page.keyboard.press("Enter")
    expect(page.locator(".pack-item .pack-item-title")).to_have_text([first, second])
    expect(_saved(page)).to_contain_text("第 2 条")
    expect(down).to_be_focused()
    up = moved.get_by_role("button", name=re.compile("^上移"))
    up.focus()
    page.keyboard.press("Enter")
    expect(_saved(page)).to_contain_text("第 1 条")
    expect(up).to_be_focused()
    page.reload()
    expect(page.locator(".pack-item .pack-item-title")).to_have_text([second, first])
    page.locator(".pack-item details.pack-item-text").first.locator("summary").click()
    screenshot(page, "pack")

    with page.expect_download() as info:
        page.get_by_role("link", name="导出 Word（.docx）").click()
    download = info.value
    assert download.suggested_filename == f"{PACK}.docx"
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    paragraphs = docx.Document(str(path)).paragraphs
    assert paragraphs[0].text == PACK
    items = [p.text for p in paragraphs if p.style is not None and p.style.name == "Heading 2"]
    assert items == [f"（一）{second}", f"（二）{first}"]


def test_a_passage_from_the_document_page_and_a_new_section(
    live_site: LiveSite, page: Page
) -> None:
    _login(page, live_site)
    page.goto(live_site.url + "/documents/5?q=一定两评三公开&p=4#passage")
    passage = page.locator("#passage")
    passage.hover()
    passage.locator(".pack-add-link").click()
    dialog = page.get_by_role("dialog", name="加入素材包")
    expect(dialog.locator(".pack-dialog-what")).to_contain_text("第5段")
    dialog.get_by_label("新素材包标题").fill("濮阳经验")
    dialog.get_by_label("分组（可不填）").fill("村级治理")
    dialog.get_by_role("button", name="加入").click()
    expect(passage.locator(".pack-add-status")).to_have_text("已加入《濮阳经验》")
    passage.locator(".pack-add-status a").click()
    expect(page.locator("h1")).to_have_text("濮阳经验")
    expect(page.locator(".pack-section-title")).to_have_text(["村级治理"])
    expect(page.locator(".pack-item-title")).to_contain_text(["第5段"])
