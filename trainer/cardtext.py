"""Card text as Markdown (markdown-it-py with dollar math): styled lines for the terminal,
plain text, and HTML for Anki."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # markdown-it is imported when the first card is drawn, not at start-up
    from markdown_it import MarkdownIt
    from markdown_it.rules_core import StateCore
    from markdown_it.rules_inline import StateInline
    from markdown_it.token import Token
    from markdown_it.tree import SyntaxTreeNode

Span = tuple[str, str]
"""A piece of text and its style: space-separated tags from bold, italic, code, link."""
Line = list[Span]

BULLETS = ("•", "◦", "▪")
RULE = "─" * 24
_SENTENCE_END = ".:;?!"
_STARTS_ITEM = frozenset("-*+•>|# \t")
_ITEM_NUMBER = re.compile(r"\d+[.)] ")
_CLOSERS = re.compile(r"[)\]}\"'”’$*_`]+$")  # after a sentence's end: `(… mean.)`, `$…$.`


def keeps_line_break(line: str, following: str) -> bool:
    """Whether an author's line break inside a paragraph is meant.

    A hand-wrapped paragraph is joined so that the terminal wraps it to its own width:
    a break after a long line (50 characters or more, counted from the last kept break)
    that does not end a sentence goes. Short lines (a list of data, one formula per line),
    sentence ends, and lines that start like an item or are indented keep their breaks.
    """
    end = _CLOSERS.sub("", line.rstrip())
    return not (len(line.rstrip()) >= 50 and end[-1:] not in _SENTENCE_END
                and not end.endswith(("\\dots", "\\ldots", "…")) and following.strip()
                and following[:1] not in _STARTS_ITEM and not _ITEM_NUMBER.match(following))


def _mark_line_breaks(state: StateCore) -> None:
    """Core rule: decide each soft break from the source lines around it (`meta["keep"]`)."""
    for block in state.tokens:
        if block.type != "inline" or not block.children:
            continue
        lines = block.content.split("\n")
        at = 0  # the source line the walk is on
        joined = lines[0]  # the source since the last kept break, as the reader sees it
        for token in block.children:
            if token.type in ("softbreak", "hardbreak"):
                following = lines[at + 1] if at + 1 < len(lines) else ""
                if token.type == "hardbreak":
                    joined = following
                elif keeps_line_break(joined, following):
                    token.meta["keep"] = True
                    joined = following
                else:
                    joined = f"{joined} {following.strip()}"
                at += 1
            elif token.type.startswith("math"):
                at += token.content.count("\n")


def _emphasis_not_inside_words(state: StateInline, silent: bool) -> bool:
    """CommonMark's emphasis delimiters, except that `*` may not open or close inside a
    word, as `_` may not: card text writes products (`a*b*c`, `2*3*4`, `π*`) outside math."""
    from markdown_it.rules_inline.state_inline import Delimiter

    marker = state.src[state.pos]
    if silent or marker not in ("*", "_"):
        return False
    scanned = state.scanDelims(state.pos, False)
    for _ in range(scanned.length):
        token = state.push("text", "", 0)
        token.content = marker
        state.delimiters.append(Delimiter(marker=ord(marker), length=scanned.length,
                                          token=len(state.tokens) - 1, end=-1,
                                          open=scanned.can_open, close=scanned.can_close))
    state.pos += scanned.length
    return True


@lru_cache(maxsize=1)
def parser() -> MarkdownIt:
    """CommonMark without raw HTML, with `$…$` and `$$…$$` math.

    A dollar opens math only before a non-space and closes it only after a non-space
    that no digit follows (as in Pandoc), so `$5 and $6` stays text.
    """
    from markdown_it import MarkdownIt
    from mdit_py_plugins.dollarmath import dollarmath_plugin

    md = MarkdownIt("commonmark", {"html": False})
    md.use(dollarmath_plugin, allow_space=False, allow_digits=False, allow_labels=False,
           double_inline=True)
    md.inline.ruler.at("emphasis", _emphasis_not_inside_words)
    md.core.ruler.push("trainer_line_breaks", _mark_line_breaks)
    _html_rules(md)
    return md


@lru_cache(maxsize=2048)
def _tree(text: str) -> SyntaxTreeNode:
    from markdown_it.tree import SyntaxTreeNode

    return SyntaxTreeNode(parser().parse(text))


# Characters that may start Markdown or math syntax inside one line of text
_SYNTAX = frozenset("\\`*_[]<>&!#$|~")


def is_plain(text: str) -> bool:
    """One line of words and punctuation that Markdown leaves as it is: no syntax
    character, no control character or line break, and a letter first (so not a heading,
    list item, quote or indented code). Such text needs no parser."""
    return (text[:1].isalpha() and text[-1:] != " " and text.isprintable()
            and _SYNTAX.isdisjoint(text))


def lines(text: str, *, code_marks: bool = False) -> list[Line]:
    """Card text as lines of styled pieces: math as Unicode, lists with bullets, code
    verbatim. `code_marks` keeps the backticks of a code span (for plain text)."""
    if not text:
        return []
    if is_plain(text):
        # the parser's own result for it (a test compares): the first card of a session
        # is often such a question, drawn without importing markdown-it
        return [[(text, "")]]
    return _Lines(text, code_marks).blocks(_tree(text).children, depth=0)


def spans(text: str) -> list[Span]:
    """Card text as styled pieces, lines joined by newlines, neighbours of one style merged."""
    out: list[Span] = []
    for i, line in enumerate(lines(text)):
        for piece in ([("\n", "")] if i else []) + line:
            if out and out[-1][1] == piece[1]:
                out[-1] = (out[-1][0] + piece[0], piece[1])
            elif piece[0]:
                out.append(piece)
    return out


def plain(text: str) -> str:
    """Card text as plain Unicode: math rendered, emphasis marks dropped, code in backticks."""
    return "\n".join("".join(piece for piece, _ in line).rstrip()
                     for line in lines(text, code_marks=True))


def _style(style: str, tag: str) -> str:
    return " ".join(sorted({*style.split(), tag}))


class _Lines:
    """Walks the syntax tree of one text into lines."""

    def __init__(self, text: str, code_marks: bool) -> None:
        self.source = text.split("\n")
        self.code_marks = code_marks

    def _blank_before(self, node: SyntaxTreeNode) -> bool:
        start = node.map[0] if node.map else 0
        return 0 < start <= len(self.source) and not self.source[start - 1].strip()

    def blocks(self, nodes: Iterable[SyntaxTreeNode], depth: int) -> list[Line]:
        out: list[Line] = []
        for node in nodes:
            block = self.block(node, depth)
            if not block:
                continue
            if out and self._blank_before(node):
                out.append([])  # the author's blank line between blocks, and only that
            out.extend(block)
        return out

    def block(self, node: SyntaxTreeNode, depth: int) -> list[Line]:
        kind = node.type
        if kind == "paragraph":
            return self.inline(node.children[0]) if node.children else []
        if kind == "heading":
            return [[(p, _style(s, "bold")) for p, s in line]
                    for line in self.inline(node.children[0])]
        if kind in ("bullet_list", "ordered_list"):
            return self.listing(node, depth)
        if kind == "blockquote":
            return [[("│ ", ""), *line] for line in self.blocks(node.children, depth)]
        if kind in ("code_block", "fence"):
            return [[("  ", ""), (code, "code")] if code else []
                    for code in node.content.rstrip("\n").split("\n")]
        if kind in ("math_block", "math_block_label"):
            from trainer.render import latex_to_unicode

            return [[("  ", ""), (latex_to_unicode(node.content.strip()), "")]]
        if kind == "hr":
            return [[(RULE, "")]]
        return [[(node.content, "")]] if node.content else []

    def listing(self, node: SyntaxTreeNode, depth: int) -> list[Line]:
        items = node.children
        if node.type == "ordered_list":
            start = int(node.attrs.get("start", 1))
            delim = node.markup or "."
            width = len(str(start + len(items) - 1)) + len(delim) + 1
            markers = [f"{start + i}{delim} ".rjust(width) for i in range(len(items))]
        else:
            markers = [f"{BULLETS[depth % len(BULLETS)]} "] * len(items)
        out: list[Line] = []
        for item, marker in zip(items, markers, strict=True):
            body = self.blocks(item.children, depth + 1) or [[]]
            if out and self._blank_before(item):
                out.append([])
            out.append([(marker, ""), *body[0]])
            out.extend([(" " * len(marker), ""), *line] if line else [] for line in body[1:])
        return out

    def inline(self, node: SyntaxTreeNode) -> list[Line]:
        out: list[Line] = [[]]
        self._walk(node.children, "", out)
        return out

    def _walk(self, nodes: Iterable[SyntaxTreeNode], style: str, out: list[Line]) -> None:
        for node in nodes:
            kind = node.type
            if kind == "text":
                out[-1].append((node.content, style))
            elif kind == "softbreak":
                if node.meta.get("keep"):
                    out.append([])
                else:
                    out[-1].append((" ", style))
            elif kind == "hardbreak":
                out.append([])
            elif kind == "code_inline":
                code = f"`{node.content}`" if self.code_marks else node.content
                out[-1].append((code, _style(style, "code")))
            elif kind == "em":
                self._walk(node.children, _style(style, "italic"), out)
            elif kind == "strong":
                self._walk(node.children, _style(style, "bold"), out)
            elif kind.startswith("math_inline"):
                from trainer.render import latex_to_unicode

                out[-1].append((latex_to_unicode(node.content), style))
            elif kind == "link":
                before = len(out[-1])
                self._walk(node.children, _style(style, "link"), out)
                label = "".join(p for p, _ in out[-1][before:])
                href = str(node.attrs.get("href", ""))
                if href and node.markup != "autolink" and href != label:
                    out[-1].append((f" ({href})", style))
            elif kind == "image":
                out[-1].append((f"[image: {node.content or node.attrs.get('src', '')}]", style))
            else:
                out[-1].append((node.content, style))


def _html_rules(md: MarkdownIt) -> None:
    """HTML as Anki shows it: math for MathJax, <b> and <i> as Anki's editor writes them,
    a soft break that `keeps_line_break` keeps as <br>."""
    from markdown_it.common.utils import escapeHtml

    def rule(html: Callable[[Token], str]) -> Any:
        """A render rule from what one token becomes."""
        return lambda self, tokens, idx, options, env: html(tokens[idx])

    md.add_render_rule("math_inline", rule(lambda t: rf"\({escapeHtml(t.content)}\)"))
    md.add_render_rule("math_inline_double",
                       rule(lambda t: rf"\[{escapeHtml(t.content.strip())}\]"))
    md.add_render_rule("math_block", rule(lambda t: rf"\[{escapeHtml(t.content.strip())}\]" "\n"))
    md.add_render_rule("softbreak", rule(lambda t: "<br>" if t.meta.get("keep") else " "))
    for tag, name in (("i", "em"), ("b", "strong")):
        md.add_render_rule(f"{name}_open", rule(_fixed(f"<{tag}>")))
        md.add_render_rule(f"{name}_close", rule(_fixed(f"</{tag}>")))


def _fixed(html: str) -> Callable[[Token], str]:
    return lambda _token: html


def to_html(text: str | None) -> str:
    """Card text as Anki HTML: `$…$` → `\\(…\\)`, `$$…$$` → `\\[…\\]`, Markdown as HTML,
    everything else escaped. A text of one paragraph is not wrapped in <p>."""
    if not text:
        return ""
    md = parser()
    tokens = md.parse(text)
    if [t.type for t in tokens] == ["paragraph_open", "inline", "paragraph_close"]:
        return str(md.renderer.render(tokens[1].children or [], md.options, {})).strip()
    return str(md.renderer.render(tokens, md.options, {})).strip()
