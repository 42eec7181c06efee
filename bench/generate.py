"""Deterministic synthetic corpora recombined from the shipped seeds.

    corpus/documents ──clean──▶ seed sentences ──jieba──▶ templates (nouns and places as slots)
    jieba's dictionary nouns ──▶ a Zipf-ranked pool of topic words
    cpca's counties ──▶ places

Document ``i`` of a corpus depends only on ``(seed, i)``: it gets a type (policy,
experience, case), a county, a publication date (2008–2024), a title and a date line of
its kind, a target size drawn uniformly from 1–6 KB (UTF-8), and a private set of topic
words drawn from the pool with Zipf weights. Its paragraphs are seed sentences whose
nouns are replaced, with probability :data:`SUBSTITUTE`, by one of its topic words, and
whose places become its county. Half the documents (odd ``i``) are converted to
traditional script. So the seed vocabulary stays (干部工作 is common, as in real texts)
but is diluted, and the pool words spread over the corpus from a few percent of the
documents (the head of the Zipf curve) down to a handful (its tail): a common query
does not hit most documents. ``bench.run`` reports the share of documents each
benchmark query hits.
"""

from __future__ import annotations

import bisect
import csv
import datetime as dt
import importlib.util
import itertools
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import jieba
import opencc

from indexer.analysis import word_spans
from indexer.normalize import normalize
from kb.ingest.clean import clean_text
from kb.ingest.gazetteer import find_places, short_name
from kb.ingest.sources import find_files, read_file
from kb.limits import Limits
from kb.script import to_simplified

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "corpus" / "documents"
DEFAULT_SEED = 20240611
GENERATOR_VERSION = 1
"""Bump whenever a change makes the same seed and number give another document."""

MIN_BYTES, MAX_BYTES = 1024, 6 * 1024
SUBSTITUTE = 0.8
"""Chance that a noun of a seed sentence becomes one of the document's topic words."""
TOPIC_WORDS = 40
"""Topic words per document, drawn from the pool with Zipf weights."""
POOL_SIZE = 20_000
ZIPF_OFFSET = 30
"""Weights are 1 / (rank + offset): the head word lands in about 3 % of documents."""
YEARS = (2008, 2024)
TYPES = ("policy", "experience", "case")

_SENTENCE = re.compile(r"[^。！？!?]*[。！？!?]")
_CJK_WORD = re.compile(r"[\u4e00-\u9fff]{2,4}")
_NOUN_TAGS = ("n", "nz", "vn", "nt")


@dataclass(frozen=True)
class Place:
    county: str
    """Full name of the county-level division, e.g. ``即墨区``."""
    short: str
    """Its short name, e.g. ``即墨``."""


@dataclass(frozen=True)
class SyntheticDocument:
    """One generated file and what the generator put in it."""

    number: int
    text: str
    doc_type: str
    year: int
    place: Place
    traditional: bool

    @property
    def name(self) -> str:
        """Relative path: a folder per thousand documents keeps directories small."""
        return f"{self.number // 1000:03d}/{self.number:06d}.txt"

    @property
    def size(self) -> int:
        return len(self.text.encode("utf-8"))


# A template is a tuple of pieces: literal text, ("noun", word) or ("place", "").
Piece = str | tuple[str, str]


@dataclass(frozen=True)
class Material:
    """Everything the generator draws from, built once from corpus/ and the packages."""

    templates: tuple[tuple[Piece, ...], ...]
    pool: tuple[str, ...]
    cumulative: tuple[float, ...]
    places: tuple[Place, ...]


@lru_cache(maxsize=1)
def material() -> Material:
    """Build the templates, the topic-word pool and the places (deterministic)."""
    tags = _dictionary_tags()
    templates = tuple(_template(s, tags) for s in seed_sentences())
    pool = _noun_pool(tags, exclude=_seed_words(templates))
    weights = [1.0 / (rank + ZIPF_OFFSET) for rank in range(len(pool))]
    return Material(templates, pool, tuple(itertools.accumulate(weights)), _places())


def seed_sentences() -> list[str]:
    """The seeds' cleaned sentences in simplified script, damaged ones left out."""
    sentences: list[str] = []
    for source, path in find_files([SEEDS]):
        cleaned = clean_text(read_file(source, path, limits=Limits(max_bytes=1 << 20)).body)
        for line in cleaned.text.splitlines():
            for sentence in _SENTENCE.findall(to_simplified(line.strip())):
                if len(sentence) >= 8 and "?" not in sentence and "\ufffd" not in sentence:
                    sentences.append(sentence)
    return sentences


def _dictionary_tags() -> dict[str, str]:
    """Word → part-of-speech tag from jieba's main dictionary and the user dictionary."""
    tags: dict[str, str] = {}
    userdict = (REPO / "corpus" / "userdict.txt").read_text(encoding="utf-8").splitlines()
    for lines in (_jieba_dictionary(), userdict):
        for line in lines:
            fields = line.split()
            if len(fields) == 3:
                tags[fields[0]] = fields[2]
    return tags


def _jieba_dictionary() -> list[str]:
    """The lines of jieba's main dictionary (``word freq tag``)."""
    with jieba.get_dict_file() as handle:
        return handle.read().decode("utf-8").splitlines()


def _template(sentence: str, tags: dict[str, str]) -> tuple[Piece, ...]:
    """Split a sentence into literal text, noun slots and place slots."""
    places = {(m.start, m.end) for m in find_places(sentence)}
    pieces: list[Piece] = []
    cursor = 0
    for word, start, end in word_spans(normalize(sentence)):
        if start > cursor:
            pieces.append(sentence[cursor:start])  # the punctuation between words
        if (start, end) in places:
            pieces.append(("place", ""))
        elif tags.get(word) in _NOUN_TAGS and _CJK_WORD.fullmatch(word):
            pieces.append(("noun", sentence[start:end]))
        else:
            pieces.append(sentence[start:end])
        cursor = end
    if cursor < len(sentence):
        pieces.append(sentence[cursor:])
    return tuple(pieces)


def _seed_words(templates: tuple[tuple[Piece, ...], ...]) -> set[str]:
    return {p[1] for t in templates for p in t if isinstance(p, tuple) and p[0] == "noun"}


def _noun_pool(tags: dict[str, str], *, exclude: set[str]) -> tuple[str, ...]:
    """Mid-frequency two- to four-character nouns of jieba's dictionary, in a fixed order."""
    freqs: list[tuple[int, str]] = []
    for line in _jieba_dictionary():
        word, freq, tag = line.split()
        noun = tag in _NOUN_TAGS and _CJK_WORD.fullmatch(word) and word not in exclude
        if noun and 20 <= int(freq) <= 5000:
            freqs.append((int(freq), word))
    freqs.sort(key=lambda fw: (-fw[0], fw[1]))
    ranked = [word for _, word in freqs[: POOL_SIZE * 3]]
    random.Random(DEFAULT_SEED).shuffle(ranked)  # rank by chance, not by jieba's frequency
    return tuple(ranked[:POOL_SIZE])


def _places() -> tuple[Place, ...]:
    spec = importlib.util.find_spec("cpca")
    assert spec is not None and spec.submodule_search_locations
    path = Path(next(iter(spec.submodule_search_locations))) / "resources" / "adcodes.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        rows = sorted(csv.DictReader(handle), key=lambda row: row["adcode"])
    places = []
    for row in rows:
        code, name = row["adcode"][:6], row["name"]
        if code.endswith("00") or name == "市辖区" or not name.endswith(("县", "市", "区", "旗")):
            continue  # provinces and prefectures; keep county-level divisions
        short = short_name(name)
        if len(short) >= 2 and short != name:
            places.append(Place(name, short))
    return tuple(places)


@lru_cache(maxsize=1)
def _s2t() -> opencc.OpenCC:
    return opencc.OpenCC("s2t.json")


def generate(count: int, *, seed: int = DEFAULT_SEED) -> Iterator[SyntheticDocument]:
    """Yield documents ``0 .. count-1``; each one depends only on ``seed`` and its number."""
    for number in range(count):
        yield document(number, seed=seed)


def document(number: int, *, seed: int = DEFAULT_SEED) -> SyntheticDocument:
    """Generate document ``number`` of the corpus named by ``seed``."""
    m = material()
    rng = random.Random(f"{seed}:{number}")
    doc_type = TYPES[rng.randrange(len(TYPES))]
    place = m.places[rng.randrange(len(m.places))]
    date = dt.date(rng.randint(*YEARS), rng.randint(1, 12), rng.randint(1, 28))
    topics = [_zipf(m, rng) for _ in range(TOPIC_WORDS)]
    target = rng.randint(MIN_BYTES, MAX_BYTES)

    def render(template: tuple[Piece, ...]) -> str:
        out = []
        for piece in template:
            if isinstance(piece, str):
                out.append(piece)
            elif piece[0] == "place":
                out.append(place.county if rng.random() < 0.5 else place.short)
            elif rng.random() < SUBSTITUTE:
                out.append(topics[rng.randrange(len(topics))])
            else:
                out.append(piece[1])
        return "".join(out)

    head = [_title(doc_type, place, topics[0], topics[1], rng), f"发布时间：{date.isoformat()}"]
    if doc_type == "policy":
        head.append(f"各乡镇（街道）党（工）委，{place.county}直各部门：")
    size = len("\n".join(head).encode("utf-8")) + 1
    paragraphs: list[str] = []
    start = rng.randrange(len(m.templates))
    while size < target:
        paragraph: list[str] = []
        for _ in range(rng.randint(2, 6)):
            # runs of consecutive seed sentences read like text; jump now and then
            start = start + 1 if rng.random() < 0.7 else rng.randrange(len(m.templates))
            sentence = render(m.templates[start % len(m.templates)])
            if size >= target or size + len(sentence.encode("utf-8")) + 1 > MAX_BYTES:
                break
            paragraph.append(sentence)
            size += len(sentence.encode("utf-8"))
        if not paragraph:
            break
        paragraphs.append("".join(paragraph))
        size += 1
    text = "\n".join([*head, *paragraphs, f"（{place.county}供稿）"]) + "\n"
    traditional = number % 2 == 1
    if traditional:
        text = _s2t().convert(text)
    return SyntheticDocument(number, text, doc_type, date.year, place, traditional)


def _zipf(m: Material, rng: random.Random) -> str:
    point = rng.random() * m.cumulative[-1]
    return m.pool[bisect.bisect_left(m.cumulative, point)]


def _title(doc_type: str, place: Place, first: str, second: str, rng: random.Random) -> str:
    if doc_type == "policy":
        forms = ("关于进一步加强{a}{b}工作的意见", "关于印发《{p}{a}管理办法》的通知")
    elif doc_type == "experience":
        forms = ("{p}以{a}推动{b}的实践与思考", "{p}探索{a}{b}新路径")
    else:
        forms = ("{p}{a}{b}典型案例", "典型案例：{p}打造“{a}”品牌")
    return forms[rng.randrange(2)].format(p=place.county, a=first, b=second)


def write_corpus(folder: Path, count: int, *, seed: int = DEFAULT_SEED) -> list[SyntheticDocument]:
    """Write ``count`` documents under ``folder`` (created) and return them."""
    documents = list(generate(count, seed=seed))
    for doc in documents:
        path = folder / doc.name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(doc.text, encoding="utf-8")
    return documents
