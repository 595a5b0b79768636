"""The numeric solvers stay light: no sympy, no scipy, nothing from trainer or textual."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

NUMERIC = ["mle", "map", "kl", "fisher", "stats", "em", "nn", "preference"]
ROOT = Path(__file__).resolve().parents[2] / "solvers"


def _loaded_after(code: str) -> set[str]:
    probe = code + "\nimport sys\nprint(' '.join(sorted(m.split('.')[0] for m in sys.modules)))"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    return set(out.stdout.split())


def test_import_solvers_is_light():
    loaded = _loaded_after("import solvers")
    assert not loaded & {"numpy", "sympy", "scipy", "textual", "trainer"}


def test_numeric_modules_do_not_import_sympy_or_scipy():
    loaded = _loaded_after("import " + ", ".join(f"solvers.{m}" for m in NUMERIC))
    assert "numpy" in loaded
    assert not loaded & {"sympy", "scipy", "textual", "trainer"}


def test_sources_import_only_numpy_sympy_and_the_standard_library():
    for path in ROOT.glob("*.py"):
        text = path.read_text(encoding="utf-8")
        for banned in ("import scipy", "from scipy", "import trainer", "from trainer", "textual"):
            assert banned not in text, f"{path.name} mentions {banned!r}"
        if path.name != "symbolic.py":
            assert "sympy" not in text, f"{path.name} mentions sympy"
