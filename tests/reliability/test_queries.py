"""Fuzzed queries against a running site: never a 5xx, never a traceback, and every
refusal a JSON error that names the parameter.

The queries are generated (deterministically) from the parts real queries are made
of — seed vocabulary in both scripts, other scripts, every operator and filter with
good and bad values, quotes balanced and not, control characters, NUL, lone
surrogates and broken percent-escapes, 10,000-character strings — and the page,
size and sort parameters with huge, negative and non-ASCII numbers.
"""

from __future__ import annotations

import random
import socket
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import quote

from tests.reliability.harness import Reply, Site, report, scaled

SEARCH_PARAMETERS = {"q", "type", "region", "year", "tag", "sort", "page", "per_page", "limit"}
WORDS = (
    "干部 幹部 组织工作 組織工作 一定两评三公开 一定兩評三公開 李连成 西辛庄 即墨 公信组工 "
    "年轻干部 基层党建 村党支部书记 三议两协商 网格化 人才 积分制 组工 乡村振兴 担当作为 "
    "党 的 了 是 如何 怎样 哪些 有哪些做法"
).split()
SCRIPTS = (
    "Кириллица",
    "العربية",
    "ひらがなカタカナ",
    "한국어",
    "😀🎉",
    "⼲部意⻅",
    "e\u0301\u0308",
    "\u200b\u200d\ufeff",
    "\u202eabc",
    "ＡＢＣ１２３",
    "ǎǒǔü",
    "𠀀𪚥",
)
QUOTES = ('"', "“", "”", "「", "」", "『", "』", "'", "《", "》")
OPERATORS = ("OR", "|", "或", "AND", "-", "NOT", "!", "(", ")", "*", "?", "~", "^", ":", "\\")
FILTERS = (
    "type:policy", "type:case", "type:experience", "类型:典型案例", "类型:经验材料", "type:news",
    "type:", "year:2018", "year:2015-2020", "year:abc", "year:3000-1000", "year:-5", "年份:2016",
    "year:99999999999999999999", "region:即墨", "地区:濮阳", "region:", "tag:公信组工",
    "标签:一定两评三公开", "tag:", "tag:没有这个标签", "foo:bar", ":", "::::",
)  # fmt: skip
CONTROL = ("\x00", "\x01", "\x07", "\x1b", "\x7f", "\t", "\n", "\r", "\x85", "\u2028")
NUMBERS = (
    "1", "2", "0", "-1", "100", "101", "10000", "10001", "99999999999999999999",
    "1" * 400, "²", "³", "①", "١٢", "1.5", "1e3", "0x10", " 3 ", "", "abc", "%", "\x00",
)  # fmt: skip
SORTS = ("relevance", "date", "", "DATE", "random", "date\x00", "相关度")


def _word(rng: random.Random) -> str:
    kind = rng.random()
    if kind < 0.5:
        return rng.choice(WORDS)
    if kind < 0.65:
        return rng.choice(SCRIPTS)
    if kind < 0.8:
        return rng.choice(FILTERS)
    if kind < 0.9:
        return rng.choice(OPERATORS)
    return "".join(chr(rng.randint(0x4E00, 0x9FFF)) for _ in range(rng.randint(1, 6)))


def query(rng: random.Random) -> str:
    """One generated query string."""
    shape = rng.random()
    if shape < 0.03:
        return rng.choice(["干", "a", "😀", "\x00"]) * 10_000
    if shape < 0.06:
        return "".join(rng.choice(QUOTES + OPERATORS) for _ in range(rng.randint(1, 30)))
    parts = [_word(rng) for _ in range(rng.randint(0, 8))]
    for _ in range(rng.randint(0, 2)):
        at = rng.randint(0, len(parts))
        parts.insert(at, rng.choice(QUOTES))
    if rng.random() < 0.2:
        parts.insert(rng.randint(0, len(parts)), rng.choice(CONTROL))
    separator = rng.choice([" ", " ", "", "\u3000", "  ", "\t"])
    return separator.join(parts)


def encode(value: str, rng: random.Random) -> str:
    """Percent-encode ``value`` as a browser would, sometimes damaging the escapes."""
    raw = value.encode("utf-8", "surrogatepass")
    text = quote(raw, safe="")
    roll = rng.random()
    if roll < 0.03:
        return text + rng.choice(["%ED%A0%80", "%ED%B0%80", "%E4%B8", "%ZZ", "%", "%C0%AF"])
    if roll < 0.05:
        return text.replace("%", "%25", 1)
    return text


def request_path(rng: random.Random, base: str) -> str:
    """A search URL with a generated query and a random mix of the other parameters."""
    pairs = [("q", query(rng))]
    if rng.random() < 0.1:
        pairs = [("q", rng.choice(["\ud800", "干\udfff部", "\udc80"]))]
    for name in ("page", "per_page", "limit"):
        if rng.random() < 0.25:
            pairs.append((name, rng.choice(NUMBERS)))
    if rng.random() < 0.25:
        pairs.append(("sort", rng.choice(SORTS)))
    for name, pool in (
        ("type", ("policy", "case", "experience", "news", "政策文件", "", "\x00")),
        ("region", ("即墨", "濮阳", "", "不存在的地方", "\u202e")),
        ("year", ("2018", "2015-2020", "abc", "-", "2020-2015", "99999", "²")),
        ("tag", ("公信组工", "一定兩評三公開", "", "没有这个", "approach:x")),
    ):
        for _ in range(rng.choice([0, 0, 0, 1, 2])):
            pairs.append((name, rng.choice(pool)))
    if rng.random() < 0.05:
        pairs.append((rng.choice(["unknown", "q[]", "", "%00"]), "x"))
    rng.shuffle(pairs)
    return base + "?" + "&".join(f"{quote(k, safe='%[]')}={encode(v, rng)}" for k, v in pairs)


def _problems(path: str, reply: Reply) -> list[str]:
    problems = []
    if reply.status >= 500:
        problems.append(f"{reply.status} for {path[:200]}")
    if "Traceback" in reply.text or 'File "/' in reply.text:
        problems.append(f"traceback for {path[:200]}")
    if path.startswith("/api/") and reply.status >= 400:
        try:
            error = reply.json()["error"]  # type: ignore[index]
        except (ValueError, KeyError, TypeError):
            return [*problems, f"not a JSON error ({reply.status}) for {path[:200]}"]
        named = error.get("parameter") in SEARCH_PARAMETERS
        if reply.status == 414:
            named = " q " in error["message"]
        if not (error.get("message") and named):
            problems.append(f"{reply.status} {error} names no parameter for {path[:200]}")
    return problems


def test_fuzzed_queries_never_fail_and_every_refusal_names_its_parameter(
    site: Site, backend: str
) -> None:
    rng = random.Random(20261203)
    paths = []
    for number in range(scaled(1_000)):
        paths.append(request_path(rng, "/api/search"))
        if number % 4 == 0:
            paths.append(request_path(rng, "/"))
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=8) as pool:
        replies = list(pool.map(site.get, paths))
    seconds = time.monotonic() - started
    problems = [
        p for path, reply in zip(paths, replies, strict=True) for p in _problems(path, reply)
    ]
    assert not problems, problems[:20]
    statuses = {reply.status for reply in replies}
    assert statuses <= {200, 400, 414}, statuses
    answered = sum(reply.status == 200 for reply in replies)
    assert answered > len(replies) // 5  # the fuzz searches too, not only refusals
    assert "Traceback" not in site.log()
    report(
        "queries",
        backend=backend,
        requests=len(replies),
        api=sum(p.startswith("/api/") for p in paths),
        statuses=dict(Counter(str(reply.status) for reply in replies)),
        seconds=round(seconds, 1),
    )


def _raw(site: Site, data: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", site.port), timeout=30) as connection:
        connection.sendall(data)
        chunks = []
        while chunk := connection.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def test_requests_the_server_cannot_parse_get_a_json_error(site: Site) -> None:
    for data in (
        b"GET /api/search?q=\x00 HTTP/1.1\r\nHost: x\r\n\r\n",
        b"GET /api/search?q=a b HTTP/1.1\r\nHost: x\r\n\r\n",
        b"GET /api/search?q=a\nHTTP/1.1\r\nHost: x\r\n\r\n",
        b"BREW /api/search HTTP/1.1\r\nHost: x\r\n\r\n",
        b"GET /api/search HTTP/9.9\r\nHost: x\r\n\r\n",
        b"GET /api/search?q=" + b"a" * 9000 + b" HTTP/1.1\r\nHost: x\r\n\r\n",
        b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 9000 + b"\r\n\r\n",
        b"GET / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n",
    ):
        answer = _raw(site, data)
        head, _, body = answer.partition(b"\r\n\r\n")
        status = int(head.split()[1])
        assert 400 <= status < 500 or status == 501, answer[:200]
        assert b"gunicorn" not in answer and b"Traceback" not in answer
        assert b'"error"' in body, answer[:300]
