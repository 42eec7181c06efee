"""Export a pack as a Word handout laid out after GB/T 9704 (党政机关公文格式).

A4, margins 37/35/28/26 mm; title in 方正小标宋简体 二号 (22 pt); headings 黑体 and
楷体_GB2312 三号; body 仿宋_GB2312 三号 (16 pt) at an exact 28 pt line, two-character
first-line indent; page numbers ``— 1 —`` in 宋体 四号, odd pages right, even pages left.
The font names are written into the styles and every run (ASCII, high ANSI and East
Asian slots) whether or not the fonts are installed where the file is made.

Layout: cover (title, audience, date) and contents — a TOC field Word updates on open,
whose cached result is the plain list of sections and items, so it reads well unopened —
then, numbered from page 1: 课程说明, one part per section, one block per item (case
text, 出处, 涉及做法及释义, 讲师按语, 思考题), and the appendix of sources.
"""

from __future__ import annotations

import datetime as dt
import io

from docx import Document as new_document
from docx.document import Document
from docx.enum.section import WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from docx.styles.style import ParagraphStyle
from docx.text.paragraph import Paragraph

from kb.packs.data import ItemView, PackView
from kb.packs.layout import (
    LABELS,
    cover_date,
    item_heading,
    paragraphs,
    question_line,
    section_heading,
)

FONT_TITLE = "方正小标宋简体"
FONT_HEI = "黑体"
FONT_KAI = "楷体_GB2312"
FONT_BODY = "仿宋_GB2312"
FONT_PAGE = "宋体"
SIZE_TITLE = Pt(22)  # 二号
SIZE_BODY = Pt(16)  # 三号
SIZE_PAGE = Pt(14)  # 四号
LINE = Pt(28)
INDENT = Pt(32)  # two characters of 三号

TITLE_STYLE = "Pack Title"
COVER_STYLE = "Pack Cover"
CONTENTS_STYLE = "Pack Contents Heading"
TOC_STYLES = ("toc 1", "toc 2")

_THEME_FONTS = ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme")
_SETTINGS_AFTER_UPDATE_FIELDS = (
    "w:hdrShapeDefaults", "w:footnotePr", "w:endnotePr", "w:compat", "w:docVars", "w:rsids",
    "m:mathPr", "w:attachedSchema", "w:themeFontLang", "w:clrSchemeMapping",
    "w:doNotIncludeSubdocsInStats", "w:doNotAutoCompressPictures", "w:forceUpgrade",
    "w:captions", "w:readModeInkLockDown", "w:smartTagType", "w:schemaLibrary",
    "w:shapeDefaults", "w:doNotEmbedSmartTags", "w:decimalSymbol", "w:listSeparator",
)  # fmt: skip
_SECTPR_AFTER_PGNUMTYPE = (
    "w:cols", "w:formProt", "w:vAlign", "w:noEndnote", "w:titlePg", "w:textDirection",
    "w:bidi", "w:rtlGutter", "w:docGrid", "w:printerSettings", "w:sectPrChange",
)  # fmt: skip


# -- low-level helpers --------------------------------------------------------------------
def _insert_before(parent: OxmlElement, child: OxmlElement, successors: tuple[str, ...]) -> None:
    """Insert ``child`` where the schema's element order wants it: before its successors."""
    tags = {qn(tag) for tag in successors}
    for existing in parent:
        if existing.tag in tags:
            existing.addprevious(child)
            return
    parent.append(child)


def _set_fonts(element: OxmlElement, name: str) -> None:
    """Name the font for Latin, East Asian and complex script alike, dropping theme fonts."""
    fonts = element.get_or_add_rPr().get_or_add_rFonts()
    for attr in _THEME_FONTS:
        fonts.attrib.pop(qn(attr), None)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), name)


def _exact(style_or_paragraph: ParagraphStyle | Paragraph, line: Pt = LINE) -> None:
    fmt = style_or_paragraph.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = line
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(0)


def _paragraph_style(
    doc: Document, name: str, font: str, size: Pt, *, line: Pt = LINE
) -> ParagraphStyle:
    try:
        style = doc.styles[name]
    except KeyError:
        style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = doc.styles["Normal"]
    _set_fonts(style.element, font)
    style.font.size = size
    style.font.bold = False
    style.font.color.rgb = RGBColor(0, 0, 0)
    _exact(style, line)
    return style


def _run(paragraph: Paragraph, text: str, font: str = FONT_BODY, size: Pt = SIZE_BODY) -> None:
    run = paragraph.add_run(text)
    _set_fonts(run._element, font)
    run.font.size = size


def _field(
    paragraph: Paragraph, kind: str, instruction: str | None = None, *, dirty: bool = False
) -> None:
    """Append a field character (``begin``/``separate``/``end``) or an instruction.

    A ``dirty`` field is recomputed by Word when the file opens.
    """
    run = paragraph.add_run()
    if instruction is not None:
        text = OxmlElement("w:instrText")
        text.set(qn("xml:space"), "preserve")
        text.text = instruction
        run._element.append(text)
        return
    char = OxmlElement("w:fldChar")
    char.set(qn("w:fldCharType"), kind)
    if dirty:
        char.set(qn("w:dirty"), "true")
    run._element.append(char)


# -- document setup -----------------------------------------------------------------------
def _setup_styles(doc: Document) -> None:
    normal = _paragraph_style(doc, "Normal", FONT_BODY, SIZE_BODY)
    normal.paragraph_format.first_line_indent = INDENT
    normal.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    lang = OxmlElement("w:lang")
    lang.set(qn("w:eastAsia"), "zh-CN")
    normal.element.get_or_add_rPr().append(lang)

    title = _paragraph_style(doc, TITLE_STYLE, FONT_TITLE, SIZE_TITLE, line=Pt(35))
    title.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.paragraph_format.first_line_indent = Pt(0)
    for name, font in ((COVER_STYLE, FONT_KAI), (CONTENTS_STYLE, FONT_HEI)):
        style = _paragraph_style(doc, name, font, SIZE_BODY)
        style.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
        style.paragraph_format.first_line_indent = Pt(0)
    for name, font in (("Heading 1", FONT_HEI), ("Heading 2", FONT_KAI)):
        style = _paragraph_style(doc, name, font, SIZE_BODY)
        style.font.bold = False
        style.paragraph_format.keep_with_next = True
    for level, name in enumerate(TOC_STYLES):
        style = _paragraph_style(doc, name, FONT_BODY, SIZE_BODY)
        style.paragraph_format.first_line_indent = Pt(0)
        style.paragraph_format.left_indent = INDENT * level

    theme_lang = doc.settings.element.find(qn("w:themeFontLang"))
    if theme_lang is not None:
        theme_lang.set(qn("w:eastAsia"), "zh-CN")
    update = OxmlElement("w:updateFields")
    update.set(qn("w:val"), "true")
    _insert_before(doc.settings.element, update, _SETTINGS_AFTER_UPDATE_FIELDS)
    doc.settings.odd_and_even_pages_header_footer = True


def _page_setup(doc: Document) -> None:
    for section in doc.sections:
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.top_margin, section.bottom_margin = Mm(37), Mm(35)
        section.left_margin, section.right_margin = Mm(28), Mm(26)
        section.footer_distance = Mm(22)  # puts the number's top ≈ 7 mm below the text block


def _page_numbers(doc: Document) -> None:
    """Number the last (body) section from 1: odd pages right, even pages left."""
    section = doc.sections[-1]
    start = OxmlElement("w:pgNumType")
    start.set(qn("w:start"), "1")
    _insert_before(section._sectPr, start, _SECTPR_AFTER_PGNUMTYPE)
    for footer, align in (
        (section.footer, WD_ALIGN_PARAGRAPH.RIGHT),
        (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT),
    ):
        footer.is_linked_to_previous = False
        paragraph = footer.paragraphs[0]
        paragraph.paragraph_format.alignment = align
        paragraph.paragraph_format.first_line_indent = Pt(0)
        side = "right_indent" if align == WD_ALIGN_PARAGRAPH.RIGHT else "left_indent"
        setattr(paragraph.paragraph_format, side, SIZE_PAGE)  # 空一字
        _run(paragraph, "— ", FONT_PAGE, SIZE_PAGE)
        _field(paragraph, "begin")
        _field(paragraph, "", " PAGE ")
        _field(paragraph, "separate")
        _run(paragraph, "1", FONT_PAGE, SIZE_PAGE)
        _field(paragraph, "end")
        _run(paragraph, " —", FONT_PAGE, SIZE_PAGE)


# -- content ------------------------------------------------------------------------------
def _para(doc: Document, text: str = "", style: str | None = None) -> Paragraph:
    paragraph = doc.add_paragraph(style=style)
    if text:
        font = {
            TITLE_STYLE: FONT_TITLE,
            COVER_STYLE: FONT_KAI,
            CONTENTS_STYLE: FONT_HEI,
            "Heading 1": FONT_HEI,
            "Heading 2": FONT_KAI,
        }.get(style or "", FONT_BODY)
        _run(paragraph, text, font, SIZE_TITLE if style == TITLE_STYLE else SIZE_BODY)
    return paragraph


def _labelled(doc: Document, label: str, text: str = "") -> Paragraph:
    paragraph = doc.add_paragraph()
    _run(paragraph, f"{label}：" if text else label, FONT_HEI)
    if text:
        _run(paragraph, text)
    return paragraph


def _cover(doc: Document, pack: PackView, today: dt.date) -> None:
    title = _para(doc, pack.title, TITLE_STYLE)
    title.paragraph_format.space_before = Pt(180)
    title.paragraph_format.space_after = Pt(56)
    if pack.audience:
        _para(doc, f"{LABELS['audience']}：{pack.audience}", COVER_STYLE)
    _para(doc, cover_date(today), COVER_STYLE)
    title.paragraph_format.keep_with_next = True


def _contents_entries(pack: PackView) -> list[tuple[str, str]]:
    entries = [(TOC_STYLES[0], LABELS["notes"])] if pack.purpose or pack.notes else []
    for number, section in enumerate(pack.sections, 1):
        entries.append((TOC_STYLES[0], section_heading(number, section.title)))
        entries += [
            (TOC_STYLES[1], item_heading(n, item.heading))
            for n, item in enumerate(section.items, 1)
        ]
    entries.append((TOC_STYLES[0], LABELS["appendix"]))
    return entries


def _contents(doc: Document, pack: PackView) -> None:
    heading = _para(doc, LABELS["contents"], CONTENTS_STYLE)
    heading.paragraph_format.page_break_before = True
    heading.paragraph_format.space_after = Pt(28)
    entries = _contents_entries(pack)
    for index, (style, text) in enumerate(entries):
        paragraph = doc.add_paragraph(style=style)
        if index == 0:
            _field(paragraph, "begin", dirty=True)
            _field(paragraph, "", ' TOC \\o "1-2" \\h \\z \\u ')
            _field(paragraph, "separate")
        _run(paragraph, text)
        if index == len(entries) - 1:
            _field(paragraph, "end")


def _item(doc: Document, number: int, item: ItemView) -> None:
    _para(doc, item_heading(number, item.heading), "Heading 2")
    for text in paragraphs(item.text):
        _para(doc, text)
    _labelled(doc, LABELS["citation"], item.citation)
    if item.approaches:
        _labelled(doc, LABELS["approaches"])
        for approach in item.approaches:
            paragraph = doc.add_paragraph()
            _run(paragraph, approach.name, FONT_KAI)
            _run(paragraph, f"：{approach.definition or LABELS['no_definition']}")
    if item.note:
        first, *rest = paragraphs(item.note)
        _labelled(doc, LABELS["note"], first)
        for text in rest:
            _para(doc, text)
    if item.questions:
        _labelled(doc, LABELS["questions"])
        for n, question in enumerate(item.questions, 1):
            _para(doc, question_line(n, question))


def _part(doc: Document, title: str, *, first: bool) -> None:
    heading = _para(doc, title, "Heading 1")
    heading.paragraph_format.page_break_before = not first


def _body(doc: Document, pack: PackView) -> None:
    first = True
    if pack.purpose or pack.notes:
        _part(doc, LABELS["notes"], first=True)
        first = False
        if pack.purpose:
            _labelled(doc, LABELS["purpose"], pack.purpose)
        for text in paragraphs(pack.notes):
            _para(doc, text)
    for number, section in enumerate(pack.sections, 1):
        _part(doc, section_heading(number, section.title), first=first)
        first = False
        if not section.items:
            _para(doc, LABELS["empty"])
        for n, item in enumerate(section.items, 1):
            _item(doc, n, item)
    _part(doc, LABELS["appendix"], first=first)
    for n, source in enumerate(pack.sources, 1):
        _para(doc, question_line(n, source))


def export_docx(pack: PackView, *, today: dt.date) -> bytes:
    """Write the pack as a .docx handout dated ``today``; return the file's bytes."""
    doc = new_document()
    _setup_styles(doc)
    doc.core_properties.title = pack.title
    doc.core_properties.author = ""
    doc.core_properties.language = "zh-CN"
    _cover(doc, pack, today)
    _contents(doc, pack)
    doc.add_section(WD_SECTION.NEW_PAGE)
    _body(doc, pack)
    _page_setup(doc)
    _page_numbers(doc)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
