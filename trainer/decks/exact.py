"""The exact YAML path: PyYAML's composer, keeping every node's line and column.

Loaded only for a deck the fast parser can not take or that has problems, so
that every problem is reported where it is.
"""

from __future__ import annotations

from typing import Any

import yaml

from trainer.decks.loader import DeckError, Located, resolve_plain

try:  # the C composer is several times faster; the pure one behaves the same
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

_ALLOWED_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:seq",
    "tag:yaml.org,2002:map",
}
_SCALARS = yaml.constructor.SafeConstructor()
_RESOLVER = yaml.resolver.Resolver()

def _explicit_tag(node: yaml.ScalarNode) -> bool:
    # PyYAML does not keep whether a tag was written; a plain scalar whose resolved
    # tag differs from what the 1.1 resolver would give it can only be explicit.
    implicit: str = _RESOLVER.resolve(yaml.ScalarNode, node.value, (True, False))
    return node.tag != implicit


def _mark(node: yaml.Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


def _to_located(node: yaml.Node, seen: set[int], depth: int = 0) -> Located:
    line, col = _mark(node)
    if depth > 50:
        raise DeckError("nesting is too deep", line, col)
    if node.tag not in _ALLOWED_TAGS:
        raise DeckError(f"tag {node.tag!r} is not allowed: decks are plain YAML data", line, col)
    if isinstance(node, yaml.ScalarNode):
        if not node.style and not _explicit_tag(node):
            return Located(resolve_plain(node.value), line, col)
        try:
            return Located(_SCALARS.construct_object(node), line, col)
        except yaml.YAMLError as exc:
            raise DeckError(f"bad value: {exc}", line, col) from None
    # The composer hands back the anchored node itself for every alias, so a node
    # met twice is an alias; refusing it stops alias bombs before any expansion.
    if id(node) in seen:
        raise DeckError("anchors and aliases (& and *) are not allowed in decks", line, col)
    seen.add(id(node))
    if isinstance(node, yaml.SequenceNode):
        return Located([_to_located(item, seen, depth + 1) for item in node.value], line, col)
    mapping: dict[Any, tuple[Located, Located]] = {}
    for key_node, value_node in node.value:
        key = _to_located(key_node, seen, depth + 1)
        if not isinstance(key.value, str):
            raise DeckError(f"keys must be text, not {key.value!r}", key.line, key.col)
        if key.value in mapping:
            first = mapping[key.value][0]
            raise DeckError(
                f"duplicate key {key.value!r} (first at line {first.line})", key.line, key.col
            )
        mapping[key.value] = (key, _to_located(value_node, seen, depth + 1))
    return Located(mapping, line, col)


def compose(text: str, path: str) -> Located | None:
    """Parse YAML text into Located values; raises DeckError with a position."""
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        what = exc.problem or str(exc)
        raise DeckError(f"YAML syntax error: {what}", line, col) from None
    except yaml.YAMLError as exc:
        raise DeckError(f"YAML error: {exc}", 1, 1) from None
    if node is None:
        return None
    return _to_located(node, set())


