"""The domain layers import without Textual (and without sympy/numpy/fsrs-rs at start-up)."""

from __future__ import annotations

import subprocess
import sys

import pytest

HEADLESS = [
    "solvers",
    "trainer",
    "trainer.catalog",
    "trainer.cli",
    "trainer.coderun",
    "trainer.config",
    "trainer.decks",
    "trainer.exercises",
    "trainer.export",
    "trainer.grading",
    "trainer.render",
    "trainer.scheduling",
    "trainer.scheduling.optimize",
    "trainer.scheduling.refit",
    "trainer.session",
    "trainer.stats",
    "trainer.store",
]


@pytest.mark.parametrize("module", HEADLESS)
def test_domain_module_imports_without_textual(module: str):
    code = (
        f"import sys, {module}\n"
        "bad = [m for m in ('textual', 'sympy', 'numpy', 'fsrs_rs_python') if m in sys.modules]\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "", f"{module} pulled in {out.stdout.strip()}"


def test_every_headless_source_file_avoids_textual():
    """A static guard as well: no module outside trainer/tui mentions textual imports."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    offenders = []
    for path in [*root.glob("solvers/**/*.py"), *root.glob("trainer/**/*.py")]:
        if "tui" in path.relative_to(root).parts:
            continue
        text = path.read_text(encoding="utf-8")
        if "import textual" in text or "from textual" in text:
            offenders.append(str(path.relative_to(root)))
    assert offenders == []
