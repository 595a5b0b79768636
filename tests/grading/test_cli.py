"""trainer grade: the command-line contract."""

from __future__ import annotations

import argparse
import io
import json
import subprocess
import sys

import pytest

from trainer.grading import cli


def run(argv: list[str], stdin: str = "") -> tuple[int, str]:
    parser = argparse.ArgumentParser()
    cli.add_arguments(parser)
    out = io.StringIO()
    code = cli.run(parser.parse_args(argv), stdin=io.StringIO(stdin), stdout=out)
    return code, out.getvalue()


@pytest.mark.parametrize("answer, code, verdict", [
    ("σ²/n", 0, "correct"),
    ("σ²/(n-1)", 1, "incorrect"),
    ("lambda x: 1", 2, "invalid"),
])
def test_single_json(answer: str, code: int, verdict: str) -> None:
    got, out = run(["--expected", "sigma^2/n", "--answer", answer, "--symbols",
                    "sigma: positive; n: positive integer", "--json"])
    assert got == code
    d = json.loads(out)
    assert d["verdict"] == verdict and set(d) >= {"verdict", "parsed", "message"}
    if verdict == "incorrect":
        assert "n−1" in d["feedback"]


def test_single_text_and_tolerances() -> None:
    code, out = run(["--expected", "0.5714285714285714", "--answer", "0.58"])
    assert code == 1 and out.startswith("incorrect")
    code, out = run(["--expected", "0.5714285714285714", "--answer", "0.57"])
    assert code == 2 and "give at least 4" in out  # right but too coarse
    # --rtol 0.05 stands for 2 significant figures, 0.01 for 3
    assert run(["--expected", "0.5714285714285714", "--answer", "0.57", "--rtol", "0.05"])[0] \
        == 0
    assert run(["--expected", "0.5714285714285714", "--answer", "0.57", "--rtol", "0.01"])[0] \
        == 2
    # formulas are exact unless --rtol is given
    formula = ["--expected", "1.96*sigma/sqrt(n)", "--answer", "1.959964σ/√n", "--symbols",
               "sigma: positive; n: positive integer"]
    assert run(formula)[0] == 1
    assert run([*formula, "--rtol", "1e-3"])[0] == 0
    assert run(["--expected", "0", "--answer", "0.001", "--atol", "0.01"])[0] == 0
    code, out = run(["--expected", "x", "--answer", "x", "--symbols", "x: banana"])
    assert code == 2 and "unknown domain" in out


def test_undecided_exits_1() -> None:
    code, out = run(["--expected", "x", "--answer", "x", "--symbols", "x: real", "--json"])
    assert code == 0
    code, out = run(["--expected", "y +", "--answer", "x", "--symbols", "x: real", "--json"])
    assert code == 1 and json.loads(out)["verdict"] == "undecided"


def test_batch_in_order_and_bad_lines() -> None:
    lines = [
        {"expected": "n/2", "answer": "n/2", "symbols": "n: positive integer"},
        "not json",
        {"expected": "0.5", "answer": "1/3"},
        {"answer": "1"},
        {"expected": "p", "answer": "p", "symbols": {"p": "(0,1)"}},
        {"expected": "1", "answer": "1.05", "rtol": 0.1},
        {"expected": "0", "answer": "0.01", "atol": 0.1},
        {"expected": "x", "answer": "x", "symbols": "x: banana"},
        [1, 2],
        {"expected": "0.5", "answer": "__import__('os')"},
    ]
    text = "\n".join(x if isinstance(x, str) else json.dumps(x) for x in lines) + "\n"
    code, out = run(["--batch"], stdin=text)
    assert code == 0
    verdicts = [json.loads(line)["verdict"] for line in out.splitlines()]
    assert verdicts == ["correct", "invalid", "incorrect", "invalid", "correct", "correct",
                        "correct", "invalid", "invalid", "invalid"]


def test_module_entry_point_via_subprocess() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "trainer.grading.cli", "--expected", "n*p*(1-p)",
         "--answer", "np(1-p)", "--symbols", "n: positive integer; p: (0,1)", "--json"],
        capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["verdict"] == "correct"
    proc = subprocess.run(
        [sys.executable, "-m", "trainer.grading.cli", "--batch"],
        input='{"expected": "2", "answer": "9^9^9^9"}\n{"expected": "2", "answer": "4/2"}\n'
              '{"expected": "log(-x)", "answer": "log(-x)", "symbols": "x: positive"}\n',
        capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    out = [json.loads(line)["verdict"] for line in proc.stdout.splitlines()]
    assert out == ["invalid", "correct", "correct"]
    proc = subprocess.run([sys.executable, "-m", "trainer.grading.cli", "--answer", "1"],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2
