"""Editors' pages: login wall, upload and its report, metadata, tag curation, re-extraction."""

from __future__ import annotations

import datetime as dt
import re
from io import BytesIO
from pathlib import Path
from urllib.parse import quote, unquote

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from kb.db import repository
from tests.conftest import seed_text
from tests.web.conftest import csrf_token
from web.services import get_services
from web.views.edit import safe_filename

NEW_TEXT = (
    "某县推行“彩虹议事会”制度\n\n"
    "某县委组织部在全县推行“彩虹议事会”制度，每月召开一次村民议事会议，"
    "由村党支部书记主持，群众代表共同商议村内大事。\n\n"
    "这一做法调动了群众参与基层治理的积极性。"
)
CHANGED_TEXT = NEW_TEXT + "\n\n今年又增设了“晴雨表”意见箱，收集群众反映的问题。"

EDIT_ENDPOINTS = [
    "/edit/upload",
    "/documents/1/edit",
    "/tags/approach/菜单式/confirm",
    "/tags/approach/菜单式/reject",
    "/tags/approach/菜单式/rename",
    "/tags/approach/菜单式/merge",
    "/tags/approach/菜单式/define",
    "/documents/1/tags/add",
    "/edit/reextract",
]


def _wait(app: Flask) -> None:
    with app.app_context():
        get_services().worker.wait()


def _upload(
    client: FlaskClient, files: list[tuple[bytes, str]], *, as_json: bool = False
) -> TestResponse:
    return client.post(
        "/edit/upload?format=json" if as_json else "/edit/upload",
        data={
            "csrf_token": csrf_token(client, "/edit/upload"),
            "files": [(BytesIO(data), name) for data, name in files],
        },
        content_type="multipart/form-data",
    )


def _post(client: FlaskClient, path: str, data: dict[str, str]) -> TestResponse:
    return client.post(path, data={**data, "csrf_token": csrf_token(client, "/edit/upload")})


def _search_ids(client: FlaskClient, **args: str) -> list[int]:
    data = client.get("/api/search", query_string=args).get_json()
    return [hit["id"] for hit in data["hits"]]


def _document(app: Flask, doc_id: int) -> dict[str, object]:
    with app.app_context(), get_services().db.session() as session:
        document = repository.get_document(session, doc_id)
        return {"title": document.title, "text": document.text, "date": document.date}


def _page(client: FlaskClient, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, path
    return response.get_data(as_text=True)


# -- the login wall --------------------------------------------------------------------------
@pytest.mark.parametrize("path", EDIT_ENDPOINTS)
def test_anonymous_readers_are_sent_to_login(client: FlaskClient, path: str) -> None:
    token = csrf_token(client)
    for response in (client.get(path), client.post(path, data={"csrf_token": token})):
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/login?next=")


@pytest.mark.parametrize("path", EDIT_ENDPOINTS)
def test_posts_without_the_csrf_token_are_refused(editor: FlaskClient, path: str) -> None:
    response = editor.post(path, data={"new_name": "x", "definition": "x", "title": "x"})
    assert response.status_code == 400
    assert "安全令牌" in response.get_data(as_text=True)


def test_a_refused_post_changes_nothing(editor: FlaskClient) -> None:
    response = editor.post("/tags/approach/菜单式/rename", data={"new_name": "菜单式服务"})
    assert response.status_code == 400
    assert editor.get("/tags/approach/菜单式").status_code == 200


@pytest.mark.parametrize(
    ("path", "page"),
    [
        ("/tags/approach/菜单式/rename", "/tags/approach/菜单式"),
        ("/edit/reextract", "/edit/upload"),
    ],
)
def test_a_get_of_a_form_address_leads_to_the_page_with_the_form(
    editor: FlaskClient, path: str, page: str
) -> None:
    response = editor.get(path)
    assert response.status_code == 302 and unquote(response.headers["Location"]) == page


# -- upload ---------------------------------------------------------------------------------
def test_upload_page_offers_the_formats_kb_reads(editor: FlaskClient) -> None:
    html = _page(editor, "/edit/upload")
    assert 'type="file"' in html and "multiple" in html and 'enctype="multipart/form-data"' in html
    assert 'accept=".txt,.md,.markdown,.html,.htm,.docx"' in html
    assert "edit.js" in html and "data-json-url=" in html and "<progress" in html


def test_one_upload_of_several_files_reports_each(app: Flask, editor: FlaskClient) -> None:
    response = _upload(
        editor,
        [
            (seed_text(2).encode("gb18030"), "组织工作改革创新思考（GBK）.txt"),
            (NEW_TEXT.encode(), "彩虹议事会.txt"),
            (b"", "空文件.txt"),
            (b"%PDF-1.4 not read", "通知.pdf"),
        ],
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    rows = re.findall(
        r'<tr class="edit-status-(\w+)">\s*<td class="edit-source">([^<]+)</td>', html
    )
    assert rows == [
        ("duplicate", "组织工作改革创新思考（GBK）.txt"),
        ("added", "彩虹议事会.txt"),
        ("rejected", "空文件.txt"),
        ("rejected", "通知.pdf"),
    ]
    assert "共 4 个文件：新增 1，更新 0，未变 0，重复 1，拒收 2" in html
    assert '原文档：<a href="/documents/3">#3</a>' in html  # the seed it copies
    new_row = html.split("彩虹议事会.txt", 1)[1].split("</tr>", 1)[0]
    new_id = int(re.findall(r'href="/documents/(\d+)">#\d+</a>', new_row)[0])
    reasons = re.findall(r'<p class="edit-reason">([^<]+)</p>', html)
    assert len(reasons) == 2 and all(reasons)
    assert "pdf" in reasons[1].lower() or "不支持" in reasons[1]

    _wait(app)
    assert _search_ids(editor, q="彩虹议事会") == [new_id]
    folder = Path(app.config["KB"].home) / "uploads" / dt.date.today().isoformat()
    assert sorted(p.name for p in folder.iterdir()) == [
        "彩虹议事会.txt",
        "组织工作改革创新思考（GBK）.txt",
    ]  # the documents' sources are kept; rejected files are not


def test_the_json_mode_returns_one_result_per_file(editor: FlaskClient) -> None:
    response = _upload(editor, [(NEW_TEXT.encode(), "彩虹议事会.txt")], as_json=True)
    assert response.status_code == 200 and response.is_json
    (result,) = response.get_json()
    assert result == {
        "source": "彩虹议事会.txt",
        "status": "added",
        "id": 6,
        "duplicate_of": None,
        "reason": None,
        "warnings": [],
    }
    again = _upload(editor, [(NEW_TEXT.encode(), "彩虹议事会.txt")], as_json=True)
    assert again.get_json()[0]["status"] == "unchanged"


def test_the_json_mode_takes_the_token_in_a_header(editor: FlaskClient) -> None:
    token = csrf_token(editor, "/edit/upload")
    response = editor.post(
        "/edit/upload?format=json",
        data={"files": [(BytesIO(NEW_TEXT.encode()), "彩虹议事会.txt")]},
        headers={"X-CSRFToken": token},
        content_type="multipart/form-data",
    )
    assert response.status_code == 200 and response.get_json()[0]["status"] == "added"


@pytest.mark.parametrize("as_json", [False, True])
def test_an_upload_without_files_is_400(editor: FlaskClient, as_json: bool) -> None:
    response = _upload(editor, [], as_json=as_json)
    assert response.status_code == 400
    assert "请选择要上传的文件" in response.get_data(as_text=True)


def test_a_refused_new_version_keeps_the_previous_file(app: Flask, editor: FlaskClient) -> None:
    _upload(editor, [(NEW_TEXT.encode(), "彩虹议事会.txt")])
    (result,) = _upload(editor, [(b"   ", "彩虹议事会.txt")], as_json=True).get_json()
    assert result["status"] == "rejected"
    folder = Path(app.config["KB"].home) / "uploads" / dt.date.today().isoformat()
    assert [p.name for p in folder.iterdir()] == ["彩虹议事会.txt"]
    assert (folder / "彩虹议事会.txt").read_text(encoding="utf-8") == NEW_TEXT


def test_uploaded_names_cannot_leave_the_upload_folder(app: Flask, editor: FlaskClient) -> None:
    (result,) = _upload(editor, [(NEW_TEXT.encode(), "../../../彩虹.txt")], as_json=True).get_json()
    assert result["status"] == "added"
    folder = Path(app.config["KB"].home) / "uploads" / dt.date.today().isoformat()
    assert (folder / "彩虹.txt").is_file()


@pytest.mark.parametrize(
    ("name", "safe"),
    [
        ("组织工作.txt", "组织工作.txt"),
        ("../../etc/passwd", "passwd"),
        ("C:\\材料\\通知 (2022).DOCX", "通知 (2022).DOCX"),
        (".hidden.md", "hidden.md"),
        ("..", "upload"),
        ("", "upload"),
        ("a:b*c?.txt", "a_b_c_.txt"),
        ("报告\x00.txt", "报告_.txt"),
        ("长" * 300 + ".txt", "长" * 65 + ".txt"),  # 199 bytes in UTF-8
    ],
)
def test_safe_filename_keeps_chinese_and_drops_paths(name: str, safe: str) -> None:
    assert safe_filename(name) == safe


# -- a document's metadata ---------------------------------------------------------------
def test_the_metadata_form_shows_the_current_values(editor: FlaskClient) -> None:
    html = _page(editor, "/documents/2/edit")
    assert 'value="組織工作改革創新思考"' in html and 'value="2022-10-16"' in html
    assert '<option value="experience" selected>经验材料</option>' in html
    assert 'name="csrf_token"' in html


def test_a_metadata_edit_survives_reingesting_the_changed_file(
    app: Flask, editor: FlaskClient
) -> None:
    (added,) = _upload(editor, [(NEW_TEXT.encode(), "彩虹议事会.txt")], as_json=True).get_json()
    doc_id = added["id"]
    response = _post(
        editor,
        f"/documents/{doc_id}/edit",
        {"title": "彩虹议事会：村民议事新办法", "doc_type": "case", "region": "某县",
         "date": "2023-05-04", "author": "", "author_note": ""},
    )  # fmt: skip
    assert response.status_code == 302 and response.headers["Location"] == f"/documents/{doc_id}"
    assert _document(app, doc_id)["title"] == "彩虹议事会：村民议事新办法"
    assert "已人工修改" in _page(editor, f"/documents/{doc_id}/edit")

    (updated,) = _upload(
        editor, [(CHANGED_TEXT.encode(), "彩虹议事会.txt")], as_json=True
    ).get_json()
    assert updated["status"] == "updated" and updated["id"] == doc_id
    stored = _document(app, doc_id)
    assert "晴雨表" in str(stored["text"])
    assert stored["title"] == "彩虹议事会：村民议事新办法"
    assert stored["date"] == dt.date(2023, 5, 4)
    _wait(app)
    assert _search_ids(editor, q="晴雨表") == [doc_id]


def test_an_unchanged_form_changes_nothing(app: Flask, editor: FlaskClient) -> None:
    html = _page(editor, "/documents/2/edit")
    values = dict(
        re.findall(r'name="(title|region|date|author|author_note)" value="([^"]*)"', html)
    )
    response = _post(editor, "/documents/2/edit", {**values, "doc_type": "experience"})
    assert response.status_code == 302
    assert "没有改动" in _page(editor, "/edit/upload")


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("date", "2022-13-45", "日期应写成 2022-10-16 这样的格式"),
        ("date", "去年", "日期应写成"),
        ("title", "", "标题不能为空"),
        ("doc_type", "news", "文档类型只能是"),
        ("region", "长" * 201, "内容过长"),
    ],
)
def test_a_bad_value_is_400_with_the_message(
    app: Flask, editor: FlaskClient, field: str, value: str, message: str
) -> None:
    response = _post(editor, "/documents/2/edit", {field: value})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert message in html and 'class="edit-error"' in html
    assert _document(app, 2)["title"] == "組織工作改革創新思考"


def test_editing_an_unknown_document_is_404(editor: FlaskClient) -> None:
    assert editor.get("/documents/999/edit").status_code == 404
    assert _post(editor, "/documents/999/edit", {"title": "x"}).status_code == 404


# -- tag curation -----------------------------------------------------------------------
def _follow(client: FlaskClient, response: TestResponse) -> str:
    assert response.status_code == 302, response.get_data(as_text=True)
    return _page(client, response.headers["Location"])


def test_rename_keeps_the_old_name_as_an_alias(app: Flask, editor: FlaskClient) -> None:
    response = _post(editor, "/tags/approach/公信组工/rename", {"new_name": "公信组工品牌"})
    assert unquote(response.headers["Location"]) == "/tags/approach/公信组工品牌"
    html = _follow(editor, response)
    assert "<h1>公信组工品牌" in html and "公信组工" in html.split("又作：", 1)[1].split("<", 1)[0]
    assert "已改名为“公信组工品牌”" in html
    old = editor.get(f"/tags/approach/{quote('公信組工')}")
    assert unquote(old.headers["Location"]) == "/tags/approach/公信组工品牌"
    _wait(app)
    assert _search_ids(editor, tag="公信组工品牌") == [3]


def test_merge_moves_documents_and_names(editor: FlaskClient) -> None:
    response = _post(editor, "/tags/approach/柔性考核/merge", {"into": "雙向考核"})
    html = _follow(editor, response)
    assert "<h1>双向考核" in html and "柔性考核" in html.split("又作：", 1)[1].split("<", 1)[0]
    old = editor.get(f"/tags/approach/{quote('柔性考核')}")
    assert unquote(old.headers["Location"]) == "/tags/approach/双向考核"
    assert "柔性考核" not in _page(editor, "/tags/approach").split("又作：")[0]


def test_reject_everywhere_and_confirm_again(editor: FlaskClient) -> None:
    html = _follow(editor, _post(editor, "/tags/approach/三议两协商/reject", {}))
    assert "此标签已被编辑全部否决" in html and "已否决" in html
    assert ">三议两协商<" not in _page(editor, "/tags/approach")
    html = _follow(editor, _post(editor, "/tags/approach/三议两协商/confirm", {}))
    assert "此标签已被编辑全部否决" not in html and "已确认" in html
    assert ">三议两协商<" in _page(editor, "/tags/approach")


def test_reject_and_confirm_on_one_document(app: Flask, editor: FlaskClient) -> None:
    html = _follow(editor, _post(editor, "/tags/approach/四位一体/reject", {"doc_id": "1"}))
    assert "已在文档 #1 上否决标签“四位一体”" in html
    assert re.search(r'tags-doc-rejected">\s*<h3><a href="/documents/1"', html)
    assert re.search(r'tags-doc-suggested">\s*<h3><a href="/documents/3"', html)
    with app.test_client() as reader:  # readers no longer see the rejected document
        page = _page(reader, "/tags/approach/四位一体")
        assert 'href="/documents/1"' not in page and 'href="/documents/3"' in page
    html = _follow(editor, _post(editor, "/tags/demonstration/李連成/confirm", {"doc_id": "5"}))
    assert re.search(r'tags-status-confirmed">已确认', html)


def test_define_writes_the_definition_shown_in_the_glossary(editor: FlaskClient) -> None:
    html = _follow(
        editor, _post(editor, "/tags/approach/菜单式/define", {"definition": "群众点单"})
    )
    assert "群众点单" in html and "编辑撰写" in html
    index = _page(editor, "/tags/approach")
    assert "群众点单" in index.split(">菜单式<", 1)[1].split("</li>", 1)[0]
    html = _follow(editor, _post(editor, "/tags/approach/菜单式/define", {"definition": ""}))
    assert "已清除“菜单式”的释义" in html and "暂无释义" in html


def test_add_a_tag_to_a_document(app: Flask, editor: FlaskClient) -> None:
    form = _page(editor, "/documents/1/tags/add")
    assert 'action="/documents/1/tags/add"' in form and 'name="csrf_token"' in form
    response = _post(editor, "/documents/1/tags/add", {"name": "战略研究团队", "kind": "approach"})
    assert response.status_code == 302 and response.headers["Location"] == "/documents/1"
    html = _page(editor, "/tags/approach/战略研究团队")
    assert 'href="/documents/1"' in html and "编辑添加" in html and "已确认" in html
    assert "<mark>戰略研究團隊</mark>" in html  # evidence found in the text
    _wait(app)
    assert _search_ids(editor, tag="战略研究团队") == [1]


@pytest.mark.parametrize(
    ("path", "data", "message"),
    [
        ("/tags/approach/菜单式/rename", {"new_name": "公信組工"}, "已有标签“公信组工”"),
        ("/tags/approach/菜单式/rename", {"new_name": ""}, "请填写新名称"),
        ("/tags/approach/菜单式/rename", {"new_name": "长" * 201}, "新名称过长"),
        ("/tags/approach/菜单式/merge", {"into": "没有这个做法"}, "没有名为“没有这个做法”的标签"),
        ("/tags/approach/菜单式/merge", {"into": "菜單式"}, "不能把标签合并到它自己"),
        ("/tags/approach/菜单式/reject", {"doc_id": "abc"}, "文档编号应为 0–2147483647 之间的整数"),
        ("/tags/approach/菜单式/confirm", {"doc_id": "1"}, "文档 #1 没有标签“菜单式”"),
        ("/tags/approach/菜单式/define", {"definition": "长" * 2001}, "释义过长"),
        ("/documents/1/tags/add", {"name": "彩虹议事会", "kind": "approach"}, "中没有出现"),
        ("/documents/1/tags/add", {"name": "创新", "kind": "approach"}, "过于笼统"),
        ("/documents/1/tags/add", {"name": "战略研究团队", "kind": "person"}, "未知的标签类别"),
        ("/documents/1/tags/add", {"name": "", "kind": "approach"}, "请填写标签名称"),
    ],
)  # fmt: skip
def test_a_refused_decision_is_400_with_the_reason(
    editor: FlaskClient, path: str, data: dict[str, str], message: str
) -> None:
    response = _post(editor, path, data)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert editor.get("/tags/approach/菜单式").status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        "/tags/approach/没有这个做法/rename",
        "/tags/approach/没有这个做法/confirm",
        "/tags/person/菜单式/define",
        "/documents/999/tags/add",
    ],
)
def test_decisions_on_unknown_tags_or_documents_are_404(editor: FlaskClient, path: str) -> None:
    data = {"new_name": "新名称", "definition": "x", "name": "菜单式", "kind": "approach"}
    assert _post(editor, path, data).status_code == 404


# -- re-extraction ------------------------------------------------------------------------
def test_reextract_reports_the_count_and_returns_to_the_page(editor: FlaskClient) -> None:
    response = _post(editor, "/edit/reextract", {"next": "/tags/approach?region=即墨"})
    assert unquote(response.headers["Location"]) == "/tags/approach?region=即墨"
    assert "所有文档的标签都已是最新" in _follow(editor, response)
    response = _post(
        editor, "/edit/reextract", {"everything": "1", "next": "https://evil.example/"}
    )
    assert response.headers["Location"] == "/edit/upload"
    assert "已重新提取 5 篇文档的标签" in _follow(editor, response)


def test_reextract_keeps_editors_decisions(app: Flask, editor: FlaskClient) -> None:
    _post(editor, "/tags/approach/菜单式/define", {"definition": "群众点单"})
    _post(editor, "/tags/approach/三议两协商/reject", {})
    _post(editor, "/edit/reextract", {"everything": "1"})
    assert "群众点单" in _page(editor, "/tags/approach/菜单式")
    assert ">三议两协商<" not in _page(editor, "/tags/approach")
    _wait(app)
    assert _search_ids(editor, tag="三议两协商") == []
