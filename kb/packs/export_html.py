"""Export a pack as one self-contained, print-ready HTML page (A4, GB/T 9704 margins).

Jinja2 autoescapes every value; the page loads nothing from elsewhere. Print it from a
browser to get a PDF (no PDF library here: the well-kept ones need system libraries).
"""

from __future__ import annotations

import datetime as dt

from jinja2 import Environment, StrictUndefined

from kb.packs.data import ItemView, PackView
from kb.packs.layout import (
    LABELS,
    cover_date,
    item_heading,
    paragraphs,
    question_line,
    section_heading,
)

TEMPLATE = """\
<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ pack.title }}</title>
<style>
@page { size: A4; margin: 37mm 26mm 35mm 28mm;
  @bottom-center { content: "— " counter(page) " —"; font: 14pt "宋体", SimSun, serif; } }
@page :first { @bottom-center { content: none; } }
html { font: 16pt/28pt "仿宋_GB2312", "仿宋", FangSong, STFangsong, serif; color: #000; }
body { max-width: 156mm; margin: 2rem auto; padding: 0 1rem; }
h1 { font: 22pt/35pt "方正小标宋简体", "方正小标宋", "华文中宋", STZhongsong, serif;
  text-align: center; margin: 0; }
h2 { font: 16pt/28pt "黑体", SimHei, "Heiti SC", sans-serif; margin: 28pt 0 0;
  text-indent: 2em; }
h3 { font: 16pt/28pt "楷体_GB2312", "楷体", KaiTi, STKaiti, serif; margin: 0;
  text-indent: 2em; }
p { margin: 0; text-indent: 2em; text-align: justify; }
.label { font-family: "黑体", SimHei, "Heiti SC", sans-serif; }
.term { font-family: "楷体_GB2312", "楷体", KaiTi, STKaiti, serif; }
.cover { text-align: center; padding-top: 60mm; }
.cover h1 { margin-bottom: 56pt; }
.cover p, .contents-title { text-indent: 0; text-align: center;
  font-family: "楷体_GB2312", "楷体", KaiTi, STKaiti, serif; }
.contents-title { font-family: "黑体", SimHei, sans-serif; }
.contents ol { list-style: none; padding: 0; margin: 0; }
.contents ol ol { padding-left: 2em; }
.case { border-left: 2pt solid #999; padding-left: 1em; margin: 0; }
section.part { break-before: page; }
.cover, nav.contents { break-after: page; }
h2, h3 { break-after: avoid; }
@media screen { .cover { padding-top: 2rem; } section.part { margin-top: 3rem; } }
</style>
</head>
<body>
<header class="cover">
  <h1>{{ pack.title }}</h1>
  {% if pack.audience %}<p>{{ labels.audience }}：{{ pack.audience }}</p>{% endif %}
  <p>{{ date }}</p>
</header>
<nav class="contents">
  <p class="contents-title">{{ labels.contents }}</p>
  <ol>
    {% if pack.purpose or pack.notes %}<li><a href="#notes">{{ labels.notes }}</a></li>{% endif %}
    {% for s in sections %}
    <li><a href="#section-{{ loop.index }}">{{ s.heading }}</a>
      <ol>
      {% for i in s.entries %}
        <li><a href="#item-{{ i.view.id }}">{{ i.heading }}</a></li>
      {% endfor %}
      </ol>
    </li>
    {% endfor %}
    <li><a href="#sources">{{ labels.appendix }}</a></li>
  </ol>
</nav>
<main>
{% if pack.purpose or pack.notes %}
<section class="part" id="notes">
  <h2>{{ labels.notes }}</h2>
  {% if pack.purpose %}
  <p><span class="label">{{ labels.purpose }}：</span>{{ pack.purpose }}</p>
  {% endif %}
  {% for p in notes %}<p>{{ p }}</p>{% endfor %}
</section>
{% endif %}
{% for s in sections %}
<section class="part" id="section-{{ loop.index }}">
  <h2>{{ s.heading }}</h2>
  {% if not s.entries %}<p>{{ labels.empty }}</p>{% endif %}
  {% for i in s.entries %}
  <article id="item-{{ i.view.id }}">
    <h3>{{ i.heading }}</h3>
    <blockquote class="case">{% for p in i.text %}<p>{{ p }}</p>{% endfor %}</blockquote>
    <p><span class="label">{{ labels.citation }}：</span>{{ i.view.citation }}</p>
    {% if i.view.approaches %}
    <p class="label">{{ labels.approaches }}</p>
    {% for a in i.view.approaches %}
    <p><span class="term">{{ a.name }}</span>：{{ a.definition or labels.no_definition }}</p>
    {% endfor %}
    {% endif %}
    {% for p in i.note %}
    <p>{% if loop.first %}<span class="label">{{ labels.note }}：</span>{% endif %}{{ p }}</p>
    {% endfor %}
    {% if i.questions %}
    <p class="label">{{ labels.questions }}</p>
    {% for q in i.questions %}<p>{{ q }}</p>{% endfor %}
    {% endif %}
  </article>
  {% endfor %}
</section>
{% endfor %}
<section class="part" id="sources">
  <h2>{{ labels.appendix }}</h2>
  {% for source in sources %}<p>{{ source }}</p>{% endfor %}
</section>
</main>
</body>
</html>
"""

_ENV = Environment(autoescape=True, undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
_TEMPLATE = _ENV.from_string(TEMPLATE)


def _item(number: int, item: ItemView) -> dict[str, object]:
    return {
        "view": item,
        "heading": item_heading(number, item.heading),
        "text": paragraphs(item.text),
        "note": paragraphs(item.note),
        "questions": [question_line(n, q) for n, q in enumerate(item.questions, 1)],
    }


def export_html(pack: PackView, *, today: dt.date) -> str:
    """Write the pack as one printable HTML page dated ``today``."""
    sections = [
        {
            "heading": section_heading(number, section.title),
            "entries": [_item(n, item) for n, item in enumerate(section.items, 1)],
        }
        for number, section in enumerate(pack.sections, 1)
    ]
    return _TEMPLATE.render(
        pack=pack,
        labels=LABELS,
        date=cover_date(today),
        sections=sections,
        notes=paragraphs(pack.notes),
        sources=[question_line(n, source) for n, source in enumerate(pack.sources, 1)],
    )
