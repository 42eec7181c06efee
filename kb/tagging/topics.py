"""Assign topics from the curated taxonomy (``corpus/taxonomy.yaml``) by weighted keywords.

The rule is meant to be read by an editor, so every assignment carries its reason:

1. The cleaned text and the title are converted to simplified script (``to_simplified``).
2. Each topic's keywords are matched leftmost-longest without overlap, so 年轻干部 is
   counted once, as 年轻干部, and not again as 干部. Topics are scored independently: a
   word may count for two topics (干部考核 for 干部工作 and 考核评价).
3. ``raw = Σ weight × min(count, cap × L)`` with ``L = max(len(text), 1000) / 1000``: a
   keyword counts at most ``cap`` times per 1,000 characters, so one word repeated
   thirty times cannot make a topic.
4. ``score = raw / L + title_weight × Σ weight of the keywords in the title``: points per
   1,000 characters (a short text counts as 1,000 long, so it needs absolute evidence),
   plus a bonus for what the title says the text is about.
5. A topic is assigned when ``score ≥ threshold`` (a density), ``raw ≥ minimum`` (an
   absolute floor: a sentence or two is no topic) and ``score ≥ relative × best score``
   (far behind the main topic it is a side remark); the best ``max_topics`` are kept.

The reason lists the five keywords that contributed most, e.g.
``年轻干部×9（权重3）、干部工作×3（权重2）、干部成长×3（权重2）…，得分 32.0（阈值 6.5）``;
the evidence is the sentence holding the most keyword matches of the topic.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from types import MappingProxyType

import yaml

from kb.errors import ConfigError
from kb.script import to_simplified
from kb.tagging.candidates import Candidate

TAXONOMY = Path(__file__).resolve().parents[2] / "corpus" / "taxonomy.yaml"

_SENTENCE = re.compile(r"[^。！？；!?;\n]+[。！？；!?;]?")
_REASON_KEYWORDS = 5


@dataclass(frozen=True)
class Topic:
    """One topic: its name, what it covers and its weighted keywords (simplified)."""

    name: str
    description: str
    keywords: Mapping[str, int]
    pattern: re.Pattern[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        ordered = sorted(self.keywords, key=len, reverse=True)  # leftmost-longest
        object.__setattr__(self, "pattern", re.compile("|".join(map(re.escape, ordered))))

    def counts(self, simplified: str) -> Counter[str]:
        """Count each keyword in ``simplified``, longest match first, without overlap.

        >>> topic = Topic("干部工作", "", {"年轻干部": 3, "干部": 1})
        >>> sorted(topic.counts("年轻干部和干部").items())
        [('干部', 1), ('年轻干部', 1)]
        """
        return Counter(match.group(0) for match in self.pattern.finditer(simplified))


@dataclass(frozen=True)
class Taxonomy:
    """The topics and the scoring parameters of ``corpus/taxonomy.yaml``."""

    topics: tuple[Topic, ...]
    threshold: float
    """Score needed, in points per 1,000 characters."""
    minimum: int = 0
    """Raw points needed, whatever the length."""
    relative: float = 0.0
    """Share of the best topic's score needed."""
    cap: int = 5
    """Occurrences of one keyword that count at most, per 1,000 characters."""
    title_weight: float = 2.0
    max_topics: int = 4


@dataclass(frozen=True)
class TopicScore:
    """How one topic scored on one text."""

    topic: Topic
    score: float
    raw: float
    counts: Counter[str]
    in_title: tuple[str, ...]
    limit: float
    """Occurrences of one keyword that count at most in this text."""


@cache
def load_taxonomy(path: Path | None = None) -> Taxonomy:
    """Read and check the taxonomy (``corpus/taxonomy.yaml`` by default), once per path.

    Raises :class:`~kb.errors.ConfigError` naming the problem if the file is malformed.
    """
    path = path or TAXONOMY
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"cannot read the topic taxonomy {path}: {exc}") from None
    if not isinstance(data, dict) or not isinstance(data.get("topics"), list):
        raise ConfigError(f"{path}: expected a mapping with a list of topics")
    topics = []
    for entry in data["topics"]:
        name, keywords = entry.get("name"), entry.get("keywords")
        if not name or not isinstance(keywords, dict) or not keywords:
            raise ConfigError(f"{path}: every topic needs a name and keywords: {entry!r}")
        for keyword, weight in keywords.items():
            if not isinstance(weight, int) or isinstance(weight, bool) or weight < 1:
                raise ConfigError(f"{path}: {name}/{keyword}: weight must be a positive int")
            if to_simplified(keyword) != keyword:
                raise ConfigError(f"{path}: {name}/{keyword}: keywords are simplified script")
        topics.append(Topic(name, entry.get("description", ""), MappingProxyType(keywords)))
    names = [t.name for t in topics]
    if len(set(names)) != len(names):
        raise ConfigError(f"{path}: topic names must be unique")
    return Taxonomy(
        topics=tuple(topics),
        threshold=float(data.get("threshold", 6.5)),
        minimum=int(data.get("minimum", 0)),
        relative=float(data.get("relative", 0.0)),
        cap=int(data.get("cap", 5)),
        title_weight=float(data.get("title_weight", 2.0)),
        max_topics=int(data.get("max_topics", 4)),
    )


def score_topics(text: str, title: str = "", taxonomy: Taxonomy | None = None) -> list[TopicScore]:
    """Score every topic of the taxonomy on ``text``, best first.

    >>> best = score_topics("選拔任用年輕干部。" * 20)[0]
    >>> best.topic.name, best.raw
    ('干部工作', 30.0)
    """
    taxonomy = taxonomy or load_taxonomy()
    simplified, simplified_title = to_simplified(text), to_simplified(title)
    length = max(len(simplified), 1000) / 1000
    scores = []
    for topic in taxonomy.topics:
        counts = topic.counts(simplified)
        limit = taxonomy.cap * length
        raw = sum(topic.keywords[k] * min(n, limit) for k, n in counts.items())
        in_title = tuple(topic.counts(simplified_title))
        bonus = taxonomy.title_weight * sum(topic.keywords[k] for k in in_title)
        scores.append(TopicScore(topic, raw / length + bonus, raw, counts, in_title, limit))
    return sorted(scores, key=lambda s: (-s.score, s.topic.name))


def assign_topics(text: str, title: str = "", taxonomy: Taxonomy | None = None) -> list[Candidate]:
    """Return the topics ``text`` is about, best first, each with its reason and evidence.

    >>> [c.name for c in assign_topics("選拔任用年輕干部。" * 20)]
    ['干部工作']
    >>> assign_topics("加强干部队伍建设。")
    []
    """
    taxonomy = taxonomy or load_taxonomy()
    scores = score_topics(text, title, taxonomy)
    floor = max(taxonomy.threshold, taxonomy.relative * scores[0].score) if scores else 0
    chosen = [s for s in scores if s.score >= floor and s.raw >= taxonomy.minimum]
    chosen = chosen[: taxonomy.max_topics]
    return [
        Candidate(
            name=s.topic.name,
            kind="topic",
            evidence=_strongest_sentence(text, s.topic),
            reason=_reason(s, taxonomy),
        )
        for s in chosen
    ]


def _reason(score: TopicScore, taxonomy: Taxonomy) -> str:
    """Explain a score: ``年轻干部×9（权重3）、干部工作×3（权重2）…，得分 32.0（阈值 6.5）``."""
    weights = score.topic.keywords
    top = sorted(
        score.counts.items(),
        key=lambda item: (-weights[item[0]] * min(item[1], score.limit), -item[1], item[0]),
    )[:_REASON_KEYWORDS]
    parts = "、".join(f"{keyword}×{n}（权重{weights[keyword]}）" for keyword, n in top)
    title = "；标题含" + "、".join(f"“{k}”" for k in score.in_title) if score.in_title else ""
    return f"{parts}{title}，得分 {score.score:.1f}（阈值 {taxonomy.threshold:.1f}）"


def _strongest_sentence(text: str, topic: Topic) -> str:
    """Return the sentence of ``text`` with the most keyword matches (weight breaks ties)."""
    simplified = to_simplified(text)
    if len(simplified) != len(text):  # keep offsets aligned with the original script
        simplified = "".join(c if len(s := to_simplified(c)) != 1 else s for c in text)
    best, best_key = "", (0, 0)
    for match in _SENTENCE.finditer(simplified):
        counts = topic.counts(match.group(0))
        key = (sum(counts.values()), sum(topic.keywords[k] * n for k, n in counts.items()))
        if key > best_key:
            best, best_key = text[match.start() : match.end()].strip(), key
    return best
