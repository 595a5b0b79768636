"""Where a deck's YAML text has an anchor, alias or tag: `&`, `*` or `!` where a node starts."""

from __future__ import annotations

import re
from collections.abc import Iterator

# A YAML anchor (&a), alias (*a) or tag (!t) can only begin a node: a mapping value, a
# sequence entry, a key, or a node alone on its line. Inside a plain scalar (`prompt: a
# *bold* word`), a quoted one or a text block, the same characters are text, as Markdown
# emphasis is. The scan reads the block structure line by line and errs on the safe side:
# wherever it is unsure (flow collections, continuation lines of a plain scalar), a mark
# counts as found and the exact parser decides.

_PROPS = "&*!"
_ANY_PROP = re.compile(r"[&*!]")
# what may come before a node on its line: sequence entries, explicit keys and values,
# the document start
_PREFIX = re.compile(r"(?:(?:-|\?|:|---)(?:[ \t]+|$))*")
# where a plain scalar on one line ends: a `: ` makes it a key, a ` #` begins a comment
_PLAIN_END = re.compile(r":(?:[ \t]|$)|[ \t]#")
_SPACES = re.compile(r"[ \t]*")
# Lines skipped in one step, most of a deck: those without any character that could begin
# a mark, a text block, a quoted scalar or a flow collection; `key: value` lines whose value
# is plain text, a one-line quoted text or a flat list without marks; and `key: |` with its
# text block. (A `: ` in plain text could begin a value: such a line is read in full.)
_QUIET = r"""[^&*!|>"'\[{\n]*\n"""
_END = r"(?: +#[^\n]*| *)\n"
_QUIET_VALUE = "|".join((
    r"""[^\s&*!|>"'\[{#%@`?:,-][^:\n]*(?::(?=[^\s])[^:\n]*)*\n""",  # plain text
    rf"""\[[^\[\]{{}}&*!"'#\n]*\]{_END}""",  # a flat list
    rf'''"(?:[^"\\\n]|\\.)*"{_END}''',  # double-quoted
    rf"""'(?:[^'\n]|'')*'{_END}""",  # single-quoted
))
_QUIET_LINES = re.compile(
    rf"(?:{_QUIET}| *(?:- +)*[A-Za-z0-9_][\w.-]*: +(?:{_QUIET_VALUE})"
    # a text block under a key that begins its line: its lines are blank or indented past it
    rf"|( *)[A-Za-z0-9_][\w.-]*: +[|>][^\n]*\n(?:\1 [^\n]*\n| *\n)*)*")
_PLAIN_LINES = re.compile(rf"(?:{_QUIET})*")  # inside a quoted scalar: lines without quotes


def _quoted_end(line: str, start: int, quote: str) -> int:
    """The index just after the quote closing a scalar begun before `start`, or -1 when it
    goes on past this line."""
    i = start
    while True:
        j = line.find(quote, i)
        if j < 0:
            return -1
        if quote == '"':
            backslashes = len(line[:j]) - len(line[:j].rstrip("\\"))
            if backslashes % 2:  # an escaped quote
                i = j + 1
                continue
        elif line.startswith("''", j):  # '' is a quote inside a single-quoted scalar
            i = j + 2
            continue
        return j + 1


def node_props(text: str) -> Iterator[int]:
    """The offsets in `text` of every `&`, `*` or `!` that may begin an anchor, alias or tag
    (some of them need not: see the comment above); none is missed."""
    if not text.endswith("\n"):
        text += "\n"
    offset = 0
    quote = ""  # inside a quoted scalar going on over lines: its quote
    flow = 0  # inside a flow collection going on over lines: how deep
    while offset < len(text):
        if not flow:  # lines that hold no mark and begin nothing, in one step
            skipped = (_PLAIN_LINES if quote else _QUIET_LINES).match(text, offset)
            assert skipped is not None  # the patterns match the empty string
            offset = skipped.end()
            if offset >= len(text):
                return
        start = offset
        offset = text.index("\n", start) + 1
        line = text[start:offset - 1]
        stripped = line.lstrip(" ")
        indent = len(line) - len(stripped)
        pos, owner = indent, indent
        if quote:
            end = _quoted_end(line, 0, quote)
            if end < 0:
                continue
            quote, pos = "", end
            if not flow:
                if not _after_node(line, pos):
                    continue
                pos = _value_start(line, pos)
        if flow:
            marks, pos, flow, quote = _flow(line, pos, flow, node_start=pos == indent)
            yield from (start + at for at in marks)
            if flow or quote or pos < 0 or not _after_node(line, pos):
                continue
            pos = _value_start(line, pos)  # the collection was a key
        while pos < len(line):
            prefix = _PREFIX.match(line, pos)
            assert prefix is not None  # the pattern matches the empty string
            if prefix.end() > pos:
                dash = line.rfind("-", pos, prefix.end())
                owner = dash if dash >= 0 else pos
                pos = prefix.end()
                continue
            char = line[pos]
            if char in _PROPS:
                yield start + pos
                break
            if char == "#":
                break  # a comment
            if char in "[{":
                marks, end, flow, quote = _flow(line, pos, 0, node_start=True)
                yield from (start + at for at in marks)
                if flow or quote or end < 0 or not _after_node(line, end):
                    break
                owner, pos = pos, _value_start(line, end)
                continue
            if char in "|>":
                # its lines: blank, or indented past its key (or `-`)
                block = re.compile(rf"(?:(?: {{{owner + 1}}}[^\n]*| *)\n)*").match(text, offset)
                assert block is not None
                offset = block.end()
                break
            if char in "\"'":
                end = _quoted_end(line, pos + 1, char)
                if end < 0:
                    quote = char
                    break
                if not _after_node(line, end):
                    break
                owner, pos = pos, _value_start(line, end)
                continue
            # a plain scalar: text up to a `: ` (it was a key) or a comment
            end_match = _PLAIN_END.search(line, pos)
            if end_match is None or end_match.group().lstrip(" \t") == "#":
                break
            owner, pos = pos, _value_start(line, end_match.start())


def _flow(line: str, pos: int, depth: int, *,
          node_start: bool) -> tuple[list[int], int, int, str]:
    """Read a flow collection (`[a, b]`, `{k: v}`) on one line from `pos`, `depth` deep.

    Returns the marks found, where the outermost collection closed (-1: it did not, or a
    comment ended the line), the depth left, and the quote of a quoted scalar left open.
    A mark counts where a node starts and, erring towards marks, after any space."""
    marks: list[int] = []
    i = pos
    while i < len(line):
        char = line[i]
        if char in " \t":
            i += 1
            continue
        if char == "#" and (i == 0 or line[i - 1] in " \t"):
            return marks, -1, depth, ""
        if char in "[{":
            depth, node_start = depth + 1, True
        elif char in "]}":
            depth -= 1
            if depth == 0:
                return marks, i + 1, 0, ""
            node_start = False
        elif char == ",":
            node_start = True
        elif char in "?:" and line[i + 1:i + 2] in ("", " ", "\t"):
            node_start = True
        elif node_start and char in "\"'":
            end = _quoted_end(line, i + 1, char)
            if end < 0:
                return marks, -1, depth, char
            i, node_start = end, False
            continue
        else:
            if char in _PROPS and (node_start or line[i - 1] in " \t"):
                marks.append(i)
            node_start = False
        i += 1
    return marks, -1, depth, ""


def _after_node(line: str, pos: int) -> bool:
    """True when a `:` follows the node ending at `pos` (it was a key): a value follows."""
    rest = line[pos:].lstrip(" \t")
    return rest.startswith(":") and (len(rest) == 1 or rest[1] in " \t")


def _value_start(line: str, colon_at: int) -> int:
    """Where the value after the `:` at or after `colon_at` begins on the line."""
    colon = line.index(":", colon_at)
    spaces = _SPACES.match(line, colon + 1)
    assert spaces is not None
    return spaces.end()


def may_hold_anchor_alias_or_tag(text: str) -> bool:
    """True when some `&`, `*` or `!` may begin an anchor, alias or tag."""
    if _ANY_PROP.search(text) is None:
        return False
    return next(node_props(text), None) is not None
