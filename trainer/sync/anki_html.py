"""Anki field HTML to Markdown: markdownify's output, made without it for the usual tags.

markdownify parses each field with BeautifulSoup, which costs about half a millisecond
even for a line of text; a collection of 10k notes spent seconds there. Most fields hold
only text, <b>, <i>, <br>, <div>, <p> and lists: `simple_markdown` gives markdownify's
Markdown for those (its rules for whitespace next to blocks, emphasis, bullets, and how
newlines join, followed step by step; a property test holds the two equal), and anything
else still goes to markdownify.
"""

from __future__ import annotations

import html
import itertools
import re
from typing import Any

_TOKEN = re.compile(r"<(/?)(b|strong|i|em|div|p|ul|ol|li)>|<br\s*/?>|[^<]+", re.I)
# the entities Anki's editor writes; html.unescape and the HTML parser differ on others
_OTHER_AMPERSAND = re.compile(r"&(?!(?:amp|lt|gt|quot|apos|nbsp|#[0-9]{1,4}|#x[0-9a-fA-F]{1,4});)")
_NEWLINE_SPACE = re.compile(r"[\t \r\n]*[\r\n][\t \r\n]*")
_SPACE = re.compile(r"[\t ]+")
_NEWLINES = re.compile(r"^(\n*)((?:.*[^\n])?)(\n*)$", re.S)
_LINE = re.compile(r"^(.*)", re.M)
_EMPHASIS = {"b": "**", "strong": "**", "i": "*", "em": "*"}
_BLOCKS = frozenset({"div", "p", "ul", "ol", "li"})  # markdownify strips whitespace by these
_BR: tuple[str, list[Any]] = ("br", [])

Node = Any  # a text (str) or a (tag name, [children]) pair


def _tree(text: str) -> list[Node] | None:
    """The field as nested (tag, children) pairs and texts; None for any other markup."""
    root: list[Node] = []
    stack: list[tuple[str, list[Node]]] = [("[document]", root)]
    pos = 0
    for m in _TOKEN.finditer(text):
        if m.start() != pos:
            return None  # a '<' that starts no tag of ours
        pos = m.end()
        name = m.group(2)
        if name:
            name = name.lower()
            if not m.group(1):
                node: tuple[str, list[Node]] = (name, [])
                stack[-1][1].append(node)
                stack.append(node)
            elif stack[-1][0] != name:
                return None  # closed out of turn: the parser's repairs are its own
            else:
                stack.pop()
        elif m.group(0)[0] == "<":
            stack[-1][1].append(_BR)
        else:
            piece = m.group(0)
            stack[-1][1].append(html.unescape(piece) if "&" in piece else piece)
    if pos != len(text) or len(stack) != 1:
        return None
    return root


def _is_block(node: Node) -> bool:
    return type(node) is tuple and node[0] in _BLOCKS


def _join(parts: list[str]) -> str:
    """Child texts joined as markdownify joins them: newlines meeting at a boundary become
    the longer run of the two, at most two."""
    if len(parts) == 1:
        return parts[0]
    if not any(a[-1] == "\n" and b[0] == "\n" for a, b in itertools.pairwise(parts)):
        return "".join(parts)  # no newlines meet
    joined = [""]
    for part in parts:
        lead, body, trail = _NEWLINES.match(part).groups()  # type: ignore[union-attr]
        if joined[-1] and lead:
            lead = "\n" * min(2, max(len(joined.pop()), len(lead)))
        joined.extend([lead, body, trail])
    return "".join(joined)


def _convert(name: str, children: list[Node], in_li: bool, uls: int,
             after: Node | None, li_before: int, parent: str) -> str:
    """One element as markdownify's process_tag and convert_<name> make it."""
    inside = name in _BLOCKS
    below_li = in_li or name == "li"
    below_uls = uls + (name == "ul")
    parts: list[str] = []
    last = len(children) - 1
    lis = 0
    for i, child in enumerate(children):
        before = children[i - 1] if i else None
        nxt = children[i + 1] if i < last else None
        if type(child) is str:
            if not child.strip() and ((inside and (before is None or nxt is None))
                                       or _is_block(before) or _is_block(nxt)):
                continue  # whitespace by a block's edge
            out = _SPACE.sub(" ", _NEWLINE_SPACE.sub("\n", child))
            if _is_block(before) or (inside and before is None):
                out = out.lstrip(" \t\r\n")
            if _is_block(nxt) or (inside and nxt is None):
                out = out.rstrip()
        else:
            following = None
            if child[0] in ("ul", "ol"):  # a list before a paragraph ends in a blank line
                following = next((c for c in children[i + 1:]
                                  if type(c) is not str or c.strip()), None)
            out = _convert(child[0], child[1], below_li, below_uls, following, lis, name)
            lis += child[0] == "li"
        if out:
            parts.append(out)
    text = _join(parts)
    if name == "[document]":
        return text.strip("\n")
    if name in _EMPHASIS:
        lead = " " if text and text[0] == " " else ""
        trail = " " if text and text[-1] == " " else ""
        text = text.strip()
        return f"{lead}{_EMPHASIS[name]}{text}{_EMPHASIS[name]}{trail}" if text else ""
    if name == "br":
        return "  \n"
    if name == "div" or name == "p":
        text = text.strip() if name == "div" else text.strip(" \t\r\n")
        return f"\n\n{text}\n\n" if text else ""
    if name == "li":
        text = text.strip()
        if not text:
            return "\n"
        bullet = f"{1 + li_before}. " if parent == "ol" else "- "
        indent = " " * len(bullet)
        text = _LINE.sub(lambda m: indent + m.group(1) if m.group(1) else "", text)
        return bullet + text[len(bullet):] + "\n"
    # ul, ol
    if in_li:
        return "\n" + text.rstrip()
    paragraph_next = after is not None and (type(after) is str or after[0] not in ("ul", "ol"))
    return "\n\n" + text + ("\n" if paragraph_next else "")


def _plain(piece: str) -> str:
    if "&" in piece:
        piece = html.unescape(piece)
    return _SPACE.sub(" ", _NEWLINE_SPACE.sub("\n", piece))


def _inline(text: str) -> str | None:
    """_convert's result for a field of text, <br> and emphasis around text alone (most
    fields), made in one pass; None when the field needs the tree."""
    parts: list[str] = []
    pos, open_tag, inner = 0, "", ""
    for m in _TOKEN.finditer(text):
        if m.start() != pos:
            return None
        pos = m.end()
        name = m.group(2)
        if name:
            name = name.lower()
            if name in _BLOCKS or bool(m.group(1)) != bool(open_tag) or \
                    (open_tag and open_tag != name):
                return None
            if open_tag:  # as convert_b and convert_em chomp their text
                body = _plain(inner)
                lead = " " if body and body[0] == " " else ""
                trail = " " if body and body[-1] == " " else ""
                body = body.strip()
                if body:
                    parts.append(f"{lead}{_EMPHASIS[name]}{body}{_EMPHASIS[name]}{trail}")
                open_tag = ""
            else:
                open_tag, inner = name, ""
        elif m.group(0)[0] == "<":
            if open_tag:
                return None
            parts.append("  \n")
        elif open_tag:
            inner = m.group(0)
        else:
            parts.append(_plain(m.group(0)))
    if pos != len(text) or open_tag:
        return None
    return _join(parts).strip("\n") if parts else ""


def simple_markdown(text: str) -> str | None:
    """markdownify's Markdown (ATX headings, '-' bullets, nothing escaped) for a field of
    text, <b>, <i>, <strong>, <em>, <br>, <div>, <p>, <ul>, <ol> and <li> without
    attributes, each closed in turn; None for any other field."""
    if _OTHER_AMPERSAND.search(text):
        return None
    if "<" not in text:  # the document's one text, as _convert would make it
        return _SPACE.sub(" ", _NEWLINE_SPACE.sub("\n", html.unescape(text))).strip("\n")
    flat = _inline(text)
    if flat is not None:
        return flat
    tree = _tree(text)
    if tree is None:
        return None
    return _convert("[document]", tree, False, 0, None, 0, "")


def markdownify_field(text: str) -> str:
    """The field through markdownify with the options the importer uses."""
    from markdownify import markdownify

    return str(markdownify(text, heading_style="ATX", bullets="-", escape_underscores=False,
                           escape_asterisks=False))
