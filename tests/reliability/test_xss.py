"""Markup and ``javascript:`` links wherever a user or a file can put text — titles,
text, front matter, tag names, file names, pack notes and questions, queries — come back
escaped: checked in the raw HTML of every page that shows them, and in Debian's
chromium, where no dialog may open and no element may carry a script."""

from __future__ import annotations

import re
import time
from urllib.parse import quote

import yaml
from lxml import html as lxml_html
from playwright.sync_api import Browser as Chromium

from kb.ingest.pipeline import ingest_paths
from tests.reliability.harness import EDITORS, Browser, Instance, Site

PAYLOADS = {
    "script": "<script>alert('x1')</script>",
    "img": "<img src=x onerror=alert('x2')>",
    "svg": "\"><svg onload=alert('x3')>",
    "attribute": "' onmouseover='alert(4)' x='",
    "link": "javascript:alert('x5')",
    "template": "{{7*7}}{% raw %}",
}
FRONT = {
    "title": PAYLOADS["script"] + "《关于“擂台比武”的通知》",
    "author": PAYLOADS["img"],
    "region": PAYLOADS["svg"],
    "tags": [PAYLOADS["attribute"], PAYLOADS["link"]],
    "source": PAYLOADS["link"],
}
BODY = f"""中共某县委组织部推行“{PAYLOADS["img"]}工作法”和“擂台比武”选拔年轻干部。

[点我看详情]({PAYLOADS["link"]}) ![图]({PAYLOADS["link"]}) <{PAYLOADS["link"]}>

{PAYLOADS["script"]} <iframe src="{PAYLOADS["link"]}"></iframe> {PAYLOADS["svg"]}

{PAYLOADS["template"]} {PAYLOADS["attribute"]} 全县120名年轻干部参加比武，18人走上领导岗位。
"""
MARKDOWN = "---\n" + yaml.safe_dump(FRONT, allow_unicode=True) + "---\n" + BODY
SCRIPT_LINK = re.compile(r"^\s*javascript:", re.IGNORECASE)


def scripted_elements(page: str) -> list[str]:
    """Elements of a page that could run script: event-handler attributes, script
    links, inline scripts, and the payloads' own tags (parsed, so escaped text and
    attribute values holding the payloads' characters do not count)."""
    tree = lxml_html.document_fromstring(page)
    found = []
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue
        attributes = dict(element.attrib)
        if element.tag in ("svg", "iframe", "object", "embed"):
            found.append(element.tag)
        inline = element.tag == "script" and not attributes.get("src")
        if inline and attributes.get("type") != "application/json":
            found.append("inline script")
        for name, value in attributes.items():
            if name.lower().startswith("on") or (
                name.lower() in ("href", "src", "action", "formaction") and SCRIPT_LINK.match(value)
            ):
                found.append(f"<{element.tag} {name}={value[:60]!r}>")
    return found


CHECK_IN_BROWSER = """() => {
  const scripted = [...document.querySelectorAll('*')].filter(
    (e) => [...e.attributes].some((a) => /^on/i.test(a.name) || /^\\s*javascript:/i.test(a.value)));
  const inline = [...document.querySelectorAll('script:not([src]):not([type="application/json"])')];
  return { scripted: scripted.map((e) => e.outerHTML.slice(0, 120)), inline: inline.length };
}"""


def _hostile_pages(site: Site, instance: Instance) -> tuple[list[str], Browser]:
    """Put the payloads everywhere; return the pages that show them."""
    markdown = instance.home / "hostile.md"
    markdown.write_text(MARKDOWN, encoding="utf-8")
    (result,) = ingest_paths(instance.db, [markdown])
    assert result.status == "added", result
    doc_id = result.id
    editor = Browser(site)
    editor.login(*EDITORS[0])
    uploaded = editor.upload(
        [(f"{PAYLOADS['img']}.txt".encode(), MARKDOWN.split("---\n")[2].encode())]
    )
    assert uploaded.status == 200
    added = editor.post_form(
        f"/documents/{doc_id}/tags/add", {"name": PAYLOADS["img"] + "工作法", "kind": "approach"}
    )
    assert added.status in (302, 400), added.text[-500:]
    pack = editor.post_json(
        "/api/packs",
        {"title": PAYLOADS["script"], "audience": PAYLOADS["svg"], "notes": PAYLOADS["link"]},
    ).json()
    item = editor.post_json(
        f"/api/packs/{pack['id']}/items",
        {"document_id": doc_id, "note": PAYLOADS["img"], "questions": [PAYLOADS["attribute"]]},
    )
    assert item.status in (200, 201), item.text[-500:]
    token = editor.post_json(f"/api/packs/{pack['id']}/share", {}).json()["token"]
    hostile_pages = [
        "/",
        "/?q=" + quote(PAYLOADS["script"]),
        "/?q=" + quote(PAYLOADS["svg"]),
        "/?q=" + quote("擂台比武"),
        f"/documents/{doc_id}",
        f"/documents/{doc_id}?q=" + quote(PAYLOADS["img"]),
        f"/documents/{doc_id}?script=simplified",
        "/tags/approach",
        "/tags/topic",
        "/tags/demonstration",
        "/tags/approach/" + quote(PAYLOADS["img"] + "工作法", safe=""),
        f"/packs/shared/{token}",
        f"/packs/{pack['id']}",
        "/packs",
        f"/documents/{doc_id}/edit",
        f"/documents/{doc_id}/tags/add",
        "/login?next=" + quote(PAYLOADS["link"]),
    ]
    return hostile_pages, editor


def test_markup_and_script_links_come_back_escaped(
    site: Site, seeded: Instance, browser: Chromium
) -> None:
    pages, editor = _hostile_pages(site, seeded)
    for _ in range(100):  # the upload's index update lands in the background
        if site.get("/?q=" + quote("擂台比武")).text.count("擂台比武") >= 2:
            break
        time.sleep(0.1)
    raw_problems = []
    for path in pages:
        reply = editor.get(path)
        for _ in range(3):  # a tag page redirects to the tag's canonical name
            if reply.status in (301, 302, 308):
                reply = editor.get(reply.headers["Location"])
        assert reply.status == 200, (path, reply.status)
        raw_problems += [f"{path}: {found}" for found in scripted_elements(reply.text)]
        assert "<script>alert" not in reply.text and "<img src=x" not in reply.text, path
    assert not raw_problems, raw_problems

    context = browser.new_context(locale="zh-CN")
    context.add_cookies(
        [
            {"name": name, "value": value, "url": f"http://127.0.0.1:{site.port}"}
            for name, value in editor.cookies.items()
        ]
    )
    dialogs: list[str] = []
    page = context.new_page()
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    browser_problems = []
    for path in pages:
        page.goto(f"http://127.0.0.1:{site.port}{path}", wait_until="load")
        page.wait_for_timeout(100)
        found = page.evaluate(CHECK_IN_BROWSER)
        if found["scripted"] or found["inline"]:
            browser_problems.append((path, found))
        for link in page.locator("main a").all()[:40]:
            href = link.get_attribute("href") or ""
            assert not href.strip().lower().startswith("javascript:"), (path, href)
    context.close()
    assert not dialogs, dialogs
    assert not browser_problems, browser_problems
