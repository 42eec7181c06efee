"""The benchmark's corpus generator: deterministic, sized and varied as promised."""

from __future__ import annotations

import re
from collections import Counter

from bench.generate import MAX_BYTES, MIN_BYTES, document, generate
from bench.queries import QUERIES, fold

N = 50


def test_the_same_number_gives_the_same_document() -> None:
    first = [d.text for d in generate(N)]
    assert first == [d.text for d in generate(N)]
    assert document(7).text == first[7]  # a document does not depend on the ones before it
    assert document(7, seed=1).text != first[7]


def test_documents_are_1_to_6_kb_in_both_scripts() -> None:
    docs = list(generate(N))
    assert all(MIN_BYTES <= d.size <= MAX_BYTES for d in docs)
    assert sum(d.traditional for d in docs) == N // 2
    assert "發佈時間" in docs[1].text and "发布时间" in docs[0].text


def test_places_years_and_types_vary() -> None:
    docs = list(generate(N))
    assert len({d.place for d in docs}) > N * 0.9
    assert len({d.year for d in docs}) >= 10
    assert set(Counter(d.doc_type for d in docs)) == {"policy", "experience", "case"}
    assert all(d.place.county in d.text or d.traditional for d in docs)


def test_common_queries_do_not_hit_most_documents() -> None:
    texts = [fold(d.text) for d in generate(N)]
    words = [q for q in QUERIES if q.kind in ("word", "pool") and not q.phrase]
    shares = sorted(sum(all(p in t for p in q.parts) for t in texts) / N for q in words)
    assert shares[len(shares) // 2] < 0.25  # the median query
    vocabulary = {w for t in texts for w in re.findall(r"[\u4e00-\u9fff]{2}", t)}
    assert len(vocabulary) > 20 * N  # far more distinct bigrams than one seed's worth
