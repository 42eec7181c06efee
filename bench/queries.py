"""The fixed benchmark query set and its substring ground truth.

48 queries of the kinds users type (see ``../shared/eval/dev_queries.json``): single
words from the seeds' vocabulary (frequent and rare), words from the generator's topic
pool (head to tail of its Zipf curve), traditional-script forms, quoted phrases,
several parts that must all occur, and filters on type, year and region.

Ground truth, as in the shared evaluation: a document matches when its text, converted
to simplified script (OpenCC t2s) with whitespace removed, contains every part of the
query, and its metadata satisfies the filters. Filters are checked against the metadata
kb stored for the document; the naive index is given the same metadata, so both engines
are judged on the same facts.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from kb.script import to_simplified

_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class Meta:
    """What the filters look at, per document."""

    doc_type: str
    region: str
    year: int


@dataclass(frozen=True)
class BenchQuery:
    kind: str
    parts: tuple[str, ...]
    phrase: bool = False
    doc_type: str | None = None
    region: str | None = None
    years: tuple[int, int] | None = None

    def kb_syntax(self) -> str:
        """The query as typed into kb's search box."""
        words = [f'"{p}"' if self.phrase else p for p in self.parts]
        if self.doc_type:
            words.append(f"type:{self.doc_type}")
        if self.region:
            words.append(f"region:{self.region}")
        if self.years:
            low, high = self.years
            words.append(f"year:{low}" if low == high else f"year:{low}-{high}")
        return " ".join(words)

    def matches(self, folded_text: str, meta: Meta) -> bool:
        """Ground truth for one document (``folded_text`` from :func:`fold`)."""
        if self.doc_type and meta.doc_type != self.doc_type:
            return False
        if self.region and meta.region != self.region:
            return False
        if self.years and not self.years[0] <= meta.year <= self.years[1]:
            return False
        return all(fold(p) in folded_text for p in self.parts)


def fold(text: str) -> str:
    """Simplified script, whitespace removed: the form ground truth compares."""
    return _SPACE.sub("", to_simplified(text))


def _q(kind: str, *parts: str, **filters: object) -> BenchQuery:
    return BenchQuery(kind, parts, **filters)  # type: ignore[arg-type]


QUERIES: tuple[BenchQuery, ...] = (
    # seed vocabulary, frequent to rare
    *(_q("word", w) for w in (
        "干部工作", "组织部", "基层党建", "人才工作", "年轻干部", "考核评价", "领导班子",
        "高学历人才", "精准扶贫", "一定两评三公开", "公信组工", "组工", "第一书记",
        "服务大局", "民主测评", "联合攻关",
    )),
    # the generator's topic pool: ranks 0, 5, 20, 80, 300, 800, 2000, 5000
    *(_q("pool", w) for w in (
        "枪头", "溢价", "联络部", "花椰菜", "收监", "乡镇企业", "情场", "集体主义",
    )),
    # traditional script
    *(_q("traditional", w) for w in (
        "幹部工作", "組織部", "黨員", "產業園區", "基層黨建", "人才隊伍",
    )),
    # quoted phrases
    *(BenchQuery("phrase", (w,), phrase=True) for w in (
        "基层党建", "人才工作", "干部队伍", "领导班子", "组织工作", "服务群众",
    )),
    # several parts
    _q("and", "党委", "书记"),
    _q("and", "干部", "考核"),
    _q("and", "人才", "引进"),
    _q("and", "基层", "党建", "群众"),
    _q("and", "组织部门", "品牌"),
    _q("and", "溢价", "干部"),
    # filters
    _q("filter", "干部工作", doc_type="policy"),
    _q("filter", "人才工作", years=(2015, 2020)),
    _q("filter", "组织部", doc_type="case", years=(2018, 2018)),
    _q("filter", "基层党建", doc_type="experience", years=(2010, 2016)),
    _q("filter", "年轻干部", years=(2020, 2024)),
    _q("filter", "党员", doc_type="case"),
)  # fmt: skip
assert len(QUERIES) == 48, len(QUERIES)


def ground_truth(
    queries: Iterable[BenchQuery], documents: Iterable[tuple[str, str, Meta]]
) -> list[set[str]]:
    """For each query, the keys of the ``(key, text, meta)`` documents it must find."""
    queries = list(queries)
    truth: list[set[str]] = [set() for _ in queries]
    for key, text, meta in documents:
        folded = fold(text)
        for i, query in enumerate(queries):
            if query.matches(folded, meta):
                truth[i].add(key)
    return truth
