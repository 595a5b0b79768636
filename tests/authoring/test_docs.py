"""docs/deck-format.md: the solver list is the registry's, current, and the walk-through's commands exist."""

from __future__ import annotations

from trainer.authoring.docs import DOC, rewrite, solver_list
from trainer.cli import build_parser
from trainer.registry import REGISTRY


def test_the_solver_list_in_the_docs_is_current():
    text = DOC.read_text(encoding="utf-8")
    assert rewrite(text) == text, "run `python -m trainer.authoring.docs` to refresh it"


def test_the_solver_list_names_every_registry_function_with_its_example():
    listed = solver_list()
    for entry in REGISTRY.values():
        if entry.origin == "trainer":
            assert f"**`{entry.signature()}`**" in listed
            assert f"example: `{entry.example_call()}` = " in listed


def test_every_command_of_the_walk_through_exists():
    text = DOC.read_text(encoding="utf-8")
    walk = text.split("## Writing your first deck", 1)[1].split("\n## ", 1)[0]
    commands = build_parser(["grade"])._subparsers._group_actions[0].choices  # noqa: SLF001
    for command in ("new", "solvers", "validate", "check", "preview", "schema"):
        assert f"`trainer {command}" in walk and command in commands
