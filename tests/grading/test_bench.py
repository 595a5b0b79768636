"""bench/bench_grading.py returns the figures it promises."""

from __future__ import annotations

import importlib.util
from pathlib import Path


def test_bench_cases_smoke() -> None:
    path = Path(__file__).resolve().parents[2] / "bench" / "bench_grading.py"
    spec = importlib.util.spec_from_file_location("bench_grading", path)
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    res = mod.bench_cases(mod.SAMPLE[:6])
    assert res["n"] == 6 and res["median_ms"] >= 0 and res["p99_ms"] >= res["median_ms"]
