"""Grading latency: median and p99 over a list of cases (after sympy is warm), and the
slowest verdict over the soundness corpus and hostile inputs (target: 2000 ms).

    python bench/bench_grading.py            # the built-in sample and the corpus
    bench_cases([{"expected": ..., "answer": ..., "symbols": ..., "rtol": ..., "atol": ...}])
"""

from __future__ import annotations

import importlib.util
import statistics
import sys
import time
from pathlib import Path
from typing import Any

CORPUS = Path(__file__).resolve().parents[1] / "tests" / "grading" / "test_soundness_corpus.py"

SAMPLE: list[dict[str, Any]] = [
    {"expected": "0.5714285714285714", "answer": "4/7"},
    {"expected": "0.5714285714285714", "answer": "0.57"},
    {"expected": "0.36787944117144233", "answer": "exp(-1)"},
    {"expected": "0.8", "answer": "80%"},
    {"expected": "(k+alpha-1)/(n+alpha+beta-2)", "answer": "(k+α-1)/(n+α+β-2)",
     "symbols": "k: nonnegative integer; n: positive integer; alpha: positive; "
                "beta: positive"},
    {"expected": "(k+alpha-1)/(n+alpha+beta-2)", "answer": "(k+α)/(n+α+β)",
     "symbols": "k: nonnegative integer; n: positive integer; alpha: positive; "
                "beta: positive"},
    {"expected": "sigma^2/n", "answer": "σ²/(n-1)",
     "symbols": "sigma: positive; n: positive integer"},
    {"expected": "n/(p*(1-p))", "answer": "n/(p(1-p))",
     "symbols": "n: positive integer; p: (0,1)"},
    {"expected": "p*log(p/q) + (1-p)*log((1-p)/(1-q))",
     "answer": "q log(q/p) + (1-q) log((1-q)/(1-p))", "symbols": "p: (0,1); q: (0,1)"},
    {"expected": "log(sqrt(var2/var1)) + (var1 + (mu1-mu2)^2)/(2*var2) - 1/2",
     "answer": "1/2 log(var2/var1) + (var1 + (mu1-mu2)²)/(2var2) - 1/2",
     "symbols": "mu1: real; mu2: real; var1: positive; var2: positive"},
    {"expected": "(X^T X + lambda I)^(-1) X^T y", "answer": "(XᵀX + λI)⁻¹Xᵀy",
     "symbols": "X: matrix(n,p); y: matrix(n,1); lambda: positive"},
    {"expected": "X^T (sigmoid(X w) - y)", "answer": "Xᵀ(σ(Xw) − y)",
     "symbols": "X: matrix(n,p); y: matrix(n,1); w: matrix(p,1)"},
    {"expected": "log(a*b)", "answer": "log a + log b", "symbols": "a: positive; b: positive"},
    {"expected": "sqrt(sigma^2)", "answer": "sigma", "symbols": "sigma: positive"},
    {"expected": "2", "answer": "9^9^9^9"},
    {"expected": "0.5", "answer": "lambda x: 1"},
]


def bench_cases(cases: list[dict[str, Any]], repeat: int = 1) -> dict[str, Any]:
    """Grade every case ``repeat`` times; latencies in milliseconds."""
    from trainer.grading import grade, warm_up

    warm_up()
    for case in cases[:3]:  # first-call costs (imports, caches) are not measured
        grade(case["expected"], case["answer"], symbols=case.get("symbols"))
    times: list[float] = []
    verdicts: dict[str, int] = {}
    for _ in range(repeat):
        for case in cases:
            rtol = case.get("rtol")
            start = time.perf_counter()
            r = grade(case["expected"], case["answer"], symbols=case.get("symbols"),
                      rtol=rtol, atol=case.get("atol"))
            times.append((time.perf_counter() - start) * 1000)
            verdicts[r.verdict.value] = verdicts.get(r.verdict.value, 0) + 1
    times.sort()
    p99 = times[min(len(times) - 1, int(round(0.99 * (len(times) - 1))))]
    return {"n": len(times), "median_ms": statistics.median(times), "p99_ms": p99,
            "max_ms": times[-1], "verdicts": verdicts}


def corpus_cases() -> list[dict[str, Any]]:
    """The soundness corpus of tests/grading and its hostile inputs, as bench cases."""
    spec = importlib.util.spec_from_file_location("soundness_corpus", CORPUS)
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod  # dataclasses look their module up
    spec.loader.exec_module(mod)
    cases = [{"expected": c.expected, "answer": c.answer, "symbols": c.symbols,
              "rtol": c.rtol, "atol": c.atol} for c in mod.CASES]
    for text in mod.HOSTILE:
        cases.append({"expected": "x", "answer": text, "symbols": "x: positive"})
        cases.append({"expected": "0.5", "answer": text})
    return cases


def worst_case(cases: list[dict[str, Any]]) -> dict[str, Any]:
    """The slowest verdict over ``cases`` in a warm process (target: 2000 ms)."""
    res = bench_cases(cases)
    return {"grading_worst_case_ms": round(res["max_ms"], 1), "grading_corpus_n": res["n"],
            "grading_corpus_median_ms": round(res["median_ms"], 2)}


if __name__ == "__main__":
    res = bench_cases(SAMPLE, repeat=20)
    print(f"grading: {res['n']} answers, median {res['median_ms']:.2f} ms, "
          f"p99 {res['p99_ms']:.2f} ms, max {res['max_ms']:.2f} ms "
          f"(targets: median <= 5 ms, p99 <= 50 ms)")
    print("verdicts:", res["verdicts"])
    print("corpus:", worst_case(corpus_cases()), "(target: worst case <= 2000 ms)")
