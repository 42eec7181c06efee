"""Exports of a course pack: Word laid out after GB/T 9704, Markdown, printable HTML.

The Markdown export must equal ``golden/pack.md``. When the layout changes on purpose,
regenerate it with ``KB_UPDATE_GOLDEN=1 pytest tests/kb/packs/test_exports.py`` and
review the diff before committing it.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
from pathlib import Path

import docx
import pytest
from docx.enum.text import WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Pt

from kb.db.session import Database
from kb.packs import logic
from kb.packs.citation import format_citation, format_date
from kb.packs.data import ApproachView, ItemView, PackView, SectionView, pack_view
from kb.packs.export import format_for
from kb.packs.export_docx import export_docx
from kb.packs.export_html import export_html
from kb.packs.export_markdown import export_markdown
from kb.packs.layout import chinese_number, paragraphs
from tests.kb.packs.conftest import QUESTION

GOLDEN = Path(__file__).parent / "golden" / "pack.md"
TODAY = dt.date(2026, 3, 1)
DEFINITION = "定制目標、公開承諾內容，評審目標、公開考評辦法，綜合考評、公開考評結果"


@pytest.fixture
def view(seeded: Database, course: int) -> PackView:
    with seeded.session() as session:
        return pack_view(logic.get_pack(session, course))


def _read_docx(view: PackView) -> docx.document.Document:
    return docx.Document(io.BytesIO(export_docx(view, today=TODAY)))


def _east_asian(element: object) -> str | None:
    fonts = element.rPr.rFonts  # type: ignore[attr-defined]
    return fonts.get(qn("w:eastAsia"))


def _after(texts: list[str], *wanted: str) -> None:
    """Each of ``wanted`` starts a paragraph, in this order."""
    position = 0
    for text in wanted:
        found = next((i for i in range(position, len(texts)) if texts[i].startswith(text)), None)
        assert found is not None, f"{text!r} missing after paragraph {position}"
        position = found + 1


def test_docx_has_the_pack_in_order(view: PackView) -> None:
    document = _read_docx(view)
    texts = [p.text for p in document.paragraphs]
    whole, first, second = view.items
    assert texts[0] == "新时代组织工作创新案例选编"
    assert "培训对象：县处级领导干部进修班" in texts and "2026年3月1日" in texts
    body = texts.index("课程说明", texts.index("附录　资料来源") + 1)
    _after(
        texts[body:],
        "课程说明",
        "教学目的：了解基层",
        "请学员课前通读案例。",
        "一、干部工作",
        "（一）去年以來，即墨在談院士",
        "去年以來，即墨在談院士4人",
        f"出处：{whole.citation}",
        "涉及做法及释义",
        "四位一体：選、育、用、管",
        "讲师按语：“公信组工”是机关品牌建设的范例。",
        "（二）黨的十八屆五中全會著眼協調推進“四個全面”戰略布局…（节选·第2段）",
        f"出处：{first.citation}",
        "二、基层党建",
        "（一）黨的十八屆五中全會著眼協調推進“四個全面”戰略布局…（节选·第5段）",
        "基層黨建注重打基礎",
        f"出处：{second.citation}",
        f"一定两评三公开：{DEFINITION}",
        "讲师按语：对照本地基层党建责任制阅读。",
        "思考题",
        f"1．{QUESTION}",
        "附录　资料来源",
        "1．《去年以來，即墨在談院士4人、千人計劃3人…》，即墨，2018年8月3日。",
        "2．劉漢征：《黨的十八屆五中全會",
    )
    headings = [(p.style.name, p.text[:6]) for p in document.paragraphs[body:]]
    assert [h for h in headings if h[0].startswith("Heading")] == [
        ("Heading 1", "课程说明"),
        ("Heading 1", "一、干部工作"),
        ("Heading 2", "（一）去年以"),
        ("Heading 2", "（二）黨的十"),
        ("Heading 1", "二、基层党建"),
        ("Heading 2", "（一）黨的十"),
        ("Heading 1", "附录　资料来"),
    ]
    assert texts.count("2．劉漢征：《黨的十八屆五中全會著眼協調推進“四個全面”戰略布局…》，濮阳。"
                       "来源：corpus/documents/004_8c7c6084f9a30da4.txt") == 1  # fmt: skip


def test_docx_contents_is_a_toc_field_with_a_readable_list(view: PackView) -> None:
    document = _read_docx(view)
    xml = document.element.xml
    assert re.search(r'<w:instrText xml:space="preserve"> TOC \\o "1-2"', xml)
    assert 'w:fldCharType="begin" w:dirty="true"' in xml
    toc = [(p.style.name, p.text) for p in document.paragraphs if p.style.name.startswith("toc")]
    assert toc[:3] == [
        ("toc 1", "课程说明"),
        ("toc 1", "一、干部工作"),
        ("toc 2", "（一）去年以來，即墨在談院士4人、千人計劃3人…"),
    ]
    assert toc[-1] == ("toc 1", "附录　资料来源") and len(toc) == 7
    assert document.settings.element.find(qn("w:updateFields")).get(qn("w:val")) == "true"


def test_docx_follows_gb_t_9704(view: PackView) -> None:
    document = _read_docx(view)
    title = document.paragraphs[0].runs[0]
    assert _east_asian(title._element) == "方正小标宋简体"
    assert title.font.name == "方正小标宋简体" and title.font.size == Pt(22)
    normal = document.styles["Normal"]
    assert _east_asian(normal.element) == "仿宋_GB2312" and normal.font.size == Pt(16)
    assert normal.font.name == "仿宋_GB2312"
    assert normal.paragraph_format.line_spacing == Pt(28)
    assert normal.paragraph_format.line_spacing_rule == WD_LINE_SPACING.EXACTLY
    assert _east_asian(document.styles["Heading 1"].element) == "黑体"
    assert _east_asian(document.styles["Heading 2"].element) == "楷体_GB2312"
    case = next(p for p in document.paragraphs if p.text.startswith("基層黨建注重打基礎"))
    assert case.style.name == "Normal"
    assert _east_asian(case.runs[0]._element) == "仿宋_GB2312"
    assert case.runs[0].font.size == Pt(16)
    assert "asciiTheme" not in document.styles["Heading 1"].element.xml

    cover, body = document.sections
    for section in (cover, body):
        assert [round(section.page_width.mm), round(section.page_height.mm)] == [210, 297]
        margins = (section.top_margin, section.bottom_margin)
        margins += (section.left_margin, section.right_margin)
        assert [round(m.mm) for m in margins] == [37, 35, 28, 26]
    assert cover.footer.is_linked_to_previous  # no number on the cover and contents
    assert document.settings.odd_and_even_pages_header_footer
    for footer in (body.footer, body.even_page_footer):
        assert "PAGE" in footer._element.xml and footer.paragraphs[0].text == "— 1 —"
    assert body._sectPr.find(qn("w:pgNumType")).get(qn("w:start")) == "1"


def test_markdown_matches_the_golden_file(view: PackView) -> None:
    text = export_markdown(view, today=TODAY)
    if os.environ.get("KB_UPDATE_GOLDEN") == "1":
        GOLDEN.write_text(text, encoding="utf-8")
    assert text == GOLDEN.read_text(encoding="utf-8")


def test_html_is_one_escaped_printable_page(seeded: Database, course: int) -> None:
    with seeded.session() as session:
        pack = logic.get_pack(session, course)
        logic.update_pack(session, pack, title="<script>alert(1)</script> & 课程")
        logic.update_item(pack.sections[0].items[0], note='<img src=x onerror="x()">')
        page = export_html(pack_view(pack), today=TODAY)
    assert "<script" not in page and "<img" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; 课程" in page
    assert "&lt;img src=x onerror=&#34;x()&#34;&gt;" in page
    assert "@page { size: A4; margin: 37mm 26mm 35mm 28mm;" in page
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page)
    assert page.index("一、干部工作") < page.index("二、基层党建") < page.index(DEFINITION)
    assert QUESTION in page and "2026年3月1日" in page


def _hand_made() -> PackView:
    item = ItemView(
        id=1, document_id=None, passage=None, title="组织工作《条例》学习", author=None,
        region=None, date=None, year=2020, source="a.md", doc_type="policy",
        text="## 一、总体要求\n\n第一段。", note="", questions=(),
        approaches=(ApproachView("三会一课", None),), source_status="deleted",
    )  # fmt: skip
    sections = (SectionView(1, "空部分", ()), SectionView(2, "政策", (item,)))
    return PackView(1, "手工", "", "", "", None, False, sections)


def test_exporters_need_no_database() -> None:
    view = _hand_made()
    markdown = export_markdown(view, today=TODAY)
    assert "## 一、空部分\n\n（本部分暂无条目）" in markdown
    assert "- **三会一课**：暂无释义" in markdown
    assert "> 一、总体要求\n>\n> 第一段。" in markdown
    assert "1. 《组织工作〈条例〉学习》，2020年。来源：a.md" in markdown
    assert "课程说明" not in markdown and "讲师按语" not in markdown
    texts = [p.text for p in docx.Document(io.BytesIO(export_docx(view, today=TODAY))).paragraphs]
    assert "（本部分暂无条目）" in texts and "三会一课：暂无释义" in texts
    assert "（一）组织工作《条例》学习" in export_html(view, today=TODAY)


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        (
            {"author": "刘汉征", "region": "濮阳", "year": 2016, "passage": 4},
            "刘汉征：《题名》，濮阳，2016年，第5段。来源：corpus/a.txt",
        ),
        ({"date": dt.date(2018, 8, 3)}, "《题名》，2018年8月3日。来源：corpus/a.txt"),
        ({"source": None}, "《题名》。"),
        ({"title": " 学习《条例》\n心得 "}, "《学习〈条例〉 心得》。来源：corpus/a.txt"),
    ],
)
def test_citations(fields: dict[str, object], expected: str) -> None:
    values: dict[str, object] = {
        "title": "题名", "author": None, "region": None, "date": None, "year": None,
        "source": "corpus/a.txt",
    }  # fmt: skip
    values.update(fields)
    assert format_citation(**values) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("n", "numeral"),
    [(1, "一"), (10, "十"), (11, "十一"), (20, "二十"), (99, "九十九"), (100, "100")],
)
def test_chinese_numbers(n: int, numeral: str) -> None:
    assert chinese_number(n) == numeral


def test_small_helpers() -> None:
    assert format_date(None, None) == ""
    assert paragraphs("# 标题\n\n\n正文\n") == ["标题", "正文"]
    assert format_for(None, Path("课程.MARKDOWN")).name == "md"
    assert format_for("html", Path("x.docx")).name == "html"
