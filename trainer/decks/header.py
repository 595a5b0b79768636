"""The deck header's own fields read from the parsed YAML: `position` and `requires`."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from trainer.decks.model import Problem
from trainer.decks.spec import PACKAGE_PATTERN

if TYPE_CHECKING:
    from trainer.decks.loader import Located


def read_position(node: Located | None, path: str, problems: list[Problem]) -> int | None:
    """The deck's `position:` among the decks taking turns (None: after those with one)."""
    if node is None or node.value is None:
        return None
    if isinstance(node.value, int) and not isinstance(node.value, bool):
        return node.value
    problems.append(Problem(path, node.line, node.col, "",
                            f"'position' must be a whole number, like 1 (got {node.value!r})"))
    return None


_PACKAGE_NAME = re.compile(PACKAGE_PATTERN)


def read_requires(node: Located | None, path: str, problems: list[Problem]) -> tuple[str, ...]:
    """The deck's `requires:` list of solver plugin package names."""
    if node is None or node.value is None:
        return ()
    if not isinstance(node.value, list):
        problems.append(Problem(path, node.line, node.col, "",
                                "'requires' must be a list of package names, like [my-solvers]"))
        return ()
    names = []
    for item in node.value:
        if isinstance(item.value, str) and _PACKAGE_NAME.match(item.value):
            names.append(item.value)
        else:
            problems.append(Problem(path, item.line, item.col, "",
                                    f"{item.value!r} in 'requires' is not a package name "
                                    "(letters, digits, '-', '_' and '.')"))
    return tuple(names)
