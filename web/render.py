"""A document's cleaned Markdown as HTML: raw HTML inert, query terms marked, passages anchored.

markdown-it-py parses with raw HTML disabled, so ``<script>`` in a text is shown as text.
Query terms are marked by ``indexer.highlight`` inside text tokens only (never inside
markup), and each passage's block gets an anchor so a search hit can link straight to it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from markdown_it import MarkdownIt
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict

from indexer.compile import compile_query
from indexer.highlight import highlight
from indexer.query import parse_query
from indexer.synonyms import Synonyms
from kb.errors import QuerySyntaxError

CURRENT_ID = "passage"
CURRENT_CLASS = "passage-current"


def _text_rule(
    self: object, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    # highlight() escapes the text itself, so marked text is as safe as the default rule's.
    return highlight(tokens[idx].content, env.get("needles", ()))


def _link_open_rule(
    self: object, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    tokens[idx].attrSet("rel", "nofollow noopener noreferrer")
    return self.renderToken(tokens, idx, options, env)  # type: ignore[attr-defined,no-any-return]


def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False})
    # A document never loads pictures from elsewhere: ![alt](url) stays a plain link.
    md.disable("image")
    md.add_render_rule("text", _text_rule)
    md.add_render_rule("link_open", _link_open_rule)
    return md


_MD = _parser()


@dataclass(frozen=True)
class Passage:
    """Where a passage begins in the text: its ordinal and character offset."""

    ordinal: int
    start: int


def passage_lines(text: str, passages: Iterable[Passage]) -> dict[int, int]:
    """Map each passage ordinal to the 0-based line of ``text`` its start falls on.

    >>> passage_lines("一\\n\\n二三\\n四", [Passage(0, 0), Passage(1, 3), Passage(2, 6)])
    {0: 0, 1: 2, 2: 3}
    """
    return {p.ordinal: text.count("\n", 0, p.start) for p in passages}


def query_needles(q: str, synonyms: Synonyms) -> tuple[str, ...]:
    """The normalized strings a search for ``q`` marks; none for an empty or malformed query.

    A document page only decorates itself with the query, so a query the search page
    would reject (``year:abc``) just leaves the text unmarked.
    """
    if not q.strip():
        return ()
    try:
        return compile_query(parse_query(q), synonyms).needles
    except QuerySyntaxError:
        return ()


def _blocks(tokens: Sequence[Token]) -> list[Token]:
    """Block tokens that render their attributes: openings and leaf blocks with a line map."""
    return [
        t
        for t in tokens
        if t.block and t.map is not None and not t.hidden and t.nesting >= 0 and t.type != "inline"
    ]


def _block_at(blocks: Sequence[Token], line: int) -> Token | None:
    """The innermost block containing ``line``, else the first block after it."""
    found: Token | None = None
    for token in blocks:
        assert token.map is not None
        start, end = token.map
        if start <= line < end and (found is None or start >= found.map[0]):  # type: ignore[index]
            found = token
    if found is None:
        found = next((t for t in blocks if t.map[0] >= line), None)  # type: ignore[index]
    return found


def anchor_blocks(
    tokens: Sequence[Token], lines: Mapping[int, int], current: int | None = None
) -> None:
    """Give each passage's block ``id="p-<ordinal>"``, and the current passage's ``id="passage"``.

    Several passages can share one block (a long paragraph is cut into chunks): the block
    keeps the first ordinal's id, and the current passage's block is marked whatever else.
    """
    blocks = _blocks(tokens)
    if current is not None and current in lines:
        block = _block_at(blocks, lines[current])
        if block is not None:
            block.attrSet("id", CURRENT_ID)
            block.attrJoin("class", CURRENT_CLASS)
    for ordinal, line in sorted(lines.items()):
        block = _block_at(blocks, line)
        if block is not None and block.attrGet("id") is None:
            block.attrSet("id", f"p-{ordinal}")


def render_markdown(
    text: str,
    *,
    needles: Iterable[str] = (),
    lines: Mapping[int, int] | None = None,
    current: int | None = None,
) -> str:
    """Render Markdown ``text`` as HTML with raw HTML escaped, ``needles`` marked, anchors set.

    ``lines`` maps passage ordinals to source lines (``passage_lines``); ``current`` is the
    passage to mark as the one a search hit pointed at.

    >>> render_markdown("基層黨建 <b>", needles=["基层党建"])
    '<p><mark>基層黨建</mark> &lt;b&gt;</p>\\n'
    """
    env: EnvType = {"needles": tuple(needles)}
    tokens = _MD.parse(text, env)
    for token in tokens:  # the page's title is the <h1>; the text's headings come below it
        if token.type in ("heading_open", "heading_close"):
            token.tag = f"h{min(6, int(token.tag[1]) + 1)}"
    if lines:
        anchor_blocks(tokens, lines, current)
    return _MD.renderer.render(tokens, _MD.options, env)
