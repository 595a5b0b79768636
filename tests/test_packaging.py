"""A non-editable install (a built wheel) has every module and the shipped decks."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_the_wheel_holds_every_module_and_deck_and_runs_from_anywhere(tmp_path: Path):
    # build from a clean copy: a stale build/ folder in the checkout would hide omissions
    src = tmp_path / "src"
    shutil.copytree(ROOT, src, ignore=shutil.ignore_patterns(
        "build", ".venv", "*.egg-info", "__pycache__", ".*cache*", ".hypothesis", "bench",
        "tests", ".git"))
    out = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q",
         "-w", str(tmp_path / "dist"), str(src)],
        capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    (wheel,) = (tmp_path / "dist").glob("*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    sources = {str(p.relative_to(ROOT)) for pkg in ("trainer", "solvers")
               for p in (ROOT / pkg).rglob("*.py")}
    assert sources - names == set(), "modules missing from the wheel"
    decks = {f"trainer/content/{p.name}" for p in (ROOT / "content").glob("*.yaml")}
    assert decks and decks <= names
    assert "trainer/tui/app.tcss" in names

    # installed on its own (the venv supplies the dependencies), run from another folder
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    env = {**os.environ, "PYTHONPATH": str(site), "TRAINER_DECKS": str(tmp_path / "none")}
    code = ("import trainer, trainer.tui.screens.study, trainer.exercises;"
            "from trainer.config import shipped_deck_dir;"
            "assert str(shipped_deck_dir()).startswith(%r), shipped_deck_dir()" % str(site))
    out = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    out = subprocess.run([sys.executable, "-m", "trainer", "validate"], cwd=tmp_path, env=env,
                         capture_output=True, text=True, timeout=120)
    shipped = f"ok: {len(decks)} decks"
    assert out.returncode == 0 and out.stdout.startswith(shipped), out.stdout + out.stderr
