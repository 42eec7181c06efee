"""Export a pack as Markdown, with the same structure as the Word handout.

The case texts are stored as Markdown already and go in as block quotes, one paragraph a
line; the trainer's notes and questions are Markdown too.
"""

from __future__ import annotations

import datetime as dt

from kb.packs.data import ItemView, PackView
from kb.packs.layout import (
    LABELS,
    cover_date,
    item_heading,
    paragraphs,
    section_heading,
)


def _blocks(text: str) -> str:
    return "\n\n".join(paragraphs(text))


def _item(number: int, item: ItemView) -> list[str]:
    out = [f"### {item_heading(number, item.heading)}"]
    out.append("\n>\n".join(f"> {p}" for p in paragraphs(item.text)))
    out.append(f"**{LABELS['citation']}**：{item.citation}")
    if item.approaches:
        lines = [
            f"- **{a.name}**：{a.definition or LABELS['no_definition']}" for a in item.approaches
        ]
        out += [f"**{LABELS['approaches']}**", "\n".join(lines)]
    if item.note:
        out += [f"**{LABELS['note']}**", _blocks(item.note)]
    if item.questions:
        lines = [f"{n}. {q}" for n, q in enumerate(item.questions, 1)]
        out += [f"**{LABELS['questions']}**", "\n".join(lines)]
    return out


def _contents(pack: PackView) -> str:
    lines = [f"- {LABELS['notes']}"] if pack.purpose or pack.notes else []
    for number, section in enumerate(pack.sections, 1):
        lines.append(f"- {section_heading(number, section.title)}")
        lines += [f"  - {item_heading(n, item.heading)}" for n, item in enumerate(section.items, 1)]
    lines.append(f"- {LABELS['appendix']}")
    return "\n".join(lines)


def export_markdown(pack: PackView, *, today: dt.date) -> str:
    """Write the pack as one Markdown document dated ``today``.

    Order: title with audience and date, contents, 课程说明 (purpose and notes), the
    sections with their items, the appendix of sources.
    """
    facts = [(LABELS["audience"], pack.audience), (LABELS["date"], cover_date(today))]
    blocks = [f"# {pack.title}", "\n".join(f"- {k}：{v}" for k, v in facts if v)]
    blocks += [f"## {LABELS['contents']}", _contents(pack)]
    if pack.purpose or pack.notes:
        blocks.append(f"## {LABELS['notes']}")
        if pack.purpose:
            blocks.append(f"**{LABELS['purpose']}**：{pack.purpose}")
        blocks.append(_blocks(pack.notes))
    for number, section in enumerate(pack.sections, 1):
        blocks.append(f"## {section_heading(number, section.title)}")
        if not section.items:
            blocks.append(LABELS["empty"])
        for n, item in enumerate(section.items, 1):
            blocks += _item(n, item)
    blocks.append(f"## {LABELS['appendix']}")
    blocks.append("\n".join(f"{n}. {source}" for n, source in enumerate(pack.sources, 1)))
    return "\n\n".join(b for b in blocks if b) + "\n"
