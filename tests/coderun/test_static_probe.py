"""Static checks of code cards against the cheap disguises an adversarial probe found."""

from __future__ import annotations

import ast

import pytest

from trainer.coderun.static import find_function, inverse_calls, python_loops


def _inv(source: str) -> list[object]:
    fn = find_function(source, "f")
    assert fn is not None
    return inverse_calls(fn, ast.parse(source))  # type: ignore[arg-type]


def _loops(source: str) -> list[object]:
    fn = find_function(source, "f")
    assert fn is not None
    return python_loops(fn, {0}, ast.parse(source))  # type: ignore[arg-type]


@pytest.mark.parametrize("source", [
    "import numpy as np\ndef f(A, b):\n    return np.linalg.matrix_power(A, -1) @ b\n",
    "from numpy.linalg import inv as invert\ndef f(A, b):\n    return invert(A) @ b\n",
    "import numpy as np\nsolve_it = np.linalg.inv\ndef f(A, b):\n    return solve_it(A) @ b\n",
    "import numpy as np\ndef f(A, b):\n    return np.linalg.solve(A, np.eye(len(A))) @ b\n",
    "import numpy as np\ndef f(A, b):\n    return np.linalg.solve(A, np.identity(2)) @ b\n",
    "import numpy as np\ndef f(A, b):\n    return getattr(np.linalg, 'inv')(A) @ b\n",
    "def f(A, b):\n    from numpy.linalg import pinv as p\n    return p(A) @ b\n",
    # a second probe: the identity under a name, scaled, as b=, and np.matrix's .I
    "import numpy as np\ndef f(A, b):\n    I = np.eye(len(A))\n"
    "    return np.linalg.solve(A, I) @ b\n",
    "import numpy as np\ndef f(A, b):\n    return np.linalg.solve(A, 1.0 * np.eye(len(A))) @ b\n",
    "import numpy as np\ndef f(A, b):\n    return np.linalg.solve(a=A, b=np.eye(len(A))) @ b\n",
    "import numpy as np\ndef f(A, b):\n    return np.asarray(np.matrix(A).I) @ b\n",
])
def test_disguised_inverses_are_found(source: str) -> None:
    assert _inv(source)


@pytest.mark.parametrize("source", [
    "import numpy as np\ndef f(A, b):\n    return np.linalg.solve(A, b)\n",
    "import numpy as np\ndef f(A, b):\n    return np.linalg.matrix_power(A, 2) @ b\n",
    "import numpy as np\ndef f(A, b):\n    I = np.eye(len(A))\n"
    "    return np.linalg.solve(A + I, b)\n",
])
def test_solve_and_positive_powers_are_not_inverses(source: str) -> None:
    assert _inv(source) == []


@pytest.mark.parametrize("source", [
    "import functools\ndef f(x):\n    return functools.reduce(lambda a, b: a + b, x)\n",
    "from functools import reduce\ndef f(x):\n    return reduce(lambda a, b: a + b, x)\n",
    "import builtins\ndef f(x):\n    return builtins.sum(x) / len(x)\n",
    "def total(v):\n    s = 0\n    for t in v:\n        s += t\n    return s\n"
    "def f(x):\n    return total(x) / len(x)\n",
    "def total(v):\n    return helper(v)\n"
    "def helper(w):\n    return sum(w)\n"
    "def f(x):\n    return total(v=x)\n",
])
def test_loops_behind_helpers_and_module_builtins_are_found(source: str) -> None:
    assert _loops(source)


def test_a_helper_called_with_other_values_is_not_a_loop() -> None:
    src = ("import numpy as np\ndef count(n):\n    for _ in range(3):\n        n += 1\n"
           "    return n\ndef f(x):\n    return np.mean(x) + count(2)\n")
    assert _loops(src) == []
    src = "import numpy as np\ndef f(x, k=3):\n    return np.mean(x) if k == 0 else f(2.0, k - 1)\n"
    assert _loops(src) == []


# ------------------------------------------------ leftovers of the second probe, adversary3 F6

@pytest.mark.parametrize("source", [
    "import numpy as np\ndef f(A, b):\n    s = np.linalg.solve\n    return s(A, np.eye(len(A))) @ b\n",
    "import numpy as np\ns = np.linalg.solve\ndef f(A, b):\n    return s(A, np.eye(2)) @ b\n",
    "import numpy as np\ndef f(A, b):\n    return vars(np.linalg)['inv'](A) @ b\n",
    "import numpy as np\ndef f(A, b):\n    return np.linalg.__dict__['pinv'](A) @ b\n",
    "import numpy as np\ndef f(A, b):\n    g, h = np.linalg.inv, 0\n    return g(A) @ b\n",
    "import numpy as np\ndef f(A, b):\n    k = -1\n    return np.linalg.matrix_power(A, k) @ b\n",
    "import numpy as np, operator\ndef f(A, b):\n"
    "    return operator.attrgetter('inv')(np.linalg)(A) @ b\n",
    "import numpy as np\ndef f(A, b):\n    la = np.linalg\n    return la.inv(A) @ b\n",
])
def test_inverses_behind_names_and_lookups_are_found(source: str) -> None:
    assert _inv(source)


@pytest.mark.parametrize("source", [
    "import numpy as np\ndef f(A, b):\n    s = np.linalg.solve\n    return s(A, b)\n",
    "import numpy as np\ndef f(A, b):\n    k = 2\n    return np.linalg.matrix_power(A, k) @ b\n",
])
def test_a_solve_alias_and_a_positive_power_in_a_name_are_not_inverses(source: str) -> None:
    assert _inv(source) == []


@pytest.mark.parametrize("source", [
    "def f(x):\n    g = sum\n    return g(x) / len(x)\n",
    "import builtins as b\ndef f(x):\n    return b.sum(x) / len(x)\n",
    "import statistics\ndef f(x):\n    return statistics.mean(x)\n",
    "from statistics import fmean as m\ndef f(x):\n    return m(x)\n",
    "import itertools\ndef f(x):\n    return [*itertools.accumulate(x)][-1] / len(x)\n",
    "import math\ndef f(x):\n    return math.fsum(x) / len(x)\n",
    # adversary3 F6: recursion over the samples, and a while True that takes them one by one
    "def f(x):\n    if x.size == 1:\n        return float(x[0])\n"
    "    return float((x[0] + (x.size - 1) * f(x[1:])) / x.size)\n",
    "import numpy as np\ndef f(x):\n    return f(x[1:]) if len(x) > 1 else np.sum(x)\n",
    "def f(x):\n    it = x.__iter__(); s = n = 0\n    while True:\n        try: s += next(it)\n"
    "        except StopIteration: break\n        n += 1\n    return float(s / n)\n",
    "def f(x):\n    i = s = 0\n    while True:\n        s += x[i]\n        i += 1\n"
    "        if i == 5: break\n    return s\n",
])
def test_loops_behind_aliases_statistics_recursion_and_next_are_found(source: str) -> None:
    assert _loops(source)


@pytest.mark.parametrize("source", [
    "import numpy as np\ndef f(x):\n    m = np.mean\n    return float(m(x))\n",
    "import numpy as np\ndef f(x):\n    sum = np.sum\n    return float(sum(x))\n",
    "import numpy as np\ndef f(x):\n    w, it = 0.0, 0\n    while it < 100:\n"
    "        w -= 0.1 * np.mean(x - w)\n        it += 1\n    return w\n",
])
def test_numpy_under_another_name_and_a_fixed_count_while_are_not_loops(source: str) -> None:
    assert _loops(source) == []


@pytest.mark.parametrize("source", [
    # a counter moved on by assignment, not +=
    "def f(x):\n    i = 0\n    s = 0.0\n    while True:\n        if i == len(x):\n"
    "            break\n        s += x[i]\n        i = i + 1\n    return s\n",
    # or by the walrus, until IndexError ends it
    "def f(x):\n    i, s = -1, 0.0\n    try:\n        while True:\n"
    "            s = s + x[(i := i + 1)]\n    except IndexError:\n        return s\n",
    # a function inside that recurses on an index into the samples it closes over
    "def f(x):\n    def go(i):\n        return 0.0 if i == len(x) else x[i] + go(i + 1)\n"
    "    return go(0) / len(x)\n",
    # or on the samples passed down, one fewer each call
    "def f(x):\n    def go(v):\n        return 0.0 if v.size == 0 else v[0] + go(v[1:])\n"
    "    return go(x) / x.size\n",
])
def test_while_counters_by_assignment_and_recursion_inside_are_found(source: str) -> None:
    assert _loops(source)


@pytest.mark.parametrize("source", [
    "import numpy as np\ndef f(x):\n    k, mu = 0, 0.0\n    while k < 10:\n"
    "        mu = mu - 0.1 * (mu - np.mean(x))\n        k = k + 1\n    return mu\n",
    "import numpy as np\ndef f(x):\n    def pdf(v, m):\n        return np.exp(-(v - m) ** 2)\n"
    "    return float(pdf(x, 0.0).sum())\n",
])
def test_a_counted_while_and_helpers_inside_that_do_not_walk_the_samples_pass(source) -> None:
    assert _loops(source) == []


# ------------------------------------------------- adversary3: right solutions refused

EM_LOOP = '''import numpy as np
def f(x, comps):
    w1, m1, v1, w2, m2, v2 = comps
    comps = [(w1, m1, v1), (w2, m2, v2)]
    dens = [w * np.exp(-0.5 * (x - m) ** 2 / v) / np.sqrt(2 * np.pi * v) for w, m, v in comps]
    total = dens[0] + dens[1]
    out = []
    for d in dens:  # two components
        r = d / total
        nk = r.sum()
        out.append(nk / x.size)
    return tuple(float(v) for v in (out[0], out[1], total.mean()))
'''


@pytest.mark.parametrize("source", [
    # adversary3 F18: loops over a few values written out, max of two numbers
    "import numpy as np\ndef f(x):\n    n1 = np.sum(x > 0)\n    m1 = np.mean(x)\n"
    "    return tuple(float(v) for v in (n1 / x.size, m1))\n",
    "import numpy as np\ndef f(x):\n    mu = np.mean(x)\n    var = np.mean((x - mu) ** 2)\n"
    "    return tuple(map(float, (mu, var)))\n",
    "import numpy as np\ndef f(x):\n    m = np.max(x)\n    s = np.sum(np.exp(x - m))\n"
    "    return float(m + np.log(max(s, 1.0)))\n",
    EM_LOOP,
])
def test_loops_over_a_few_values_written_out_are_not_loops_over_the_samples(source: str) -> None:
    assert _loops(source) == []


@pytest.mark.parametrize("source", [
    "def f(x):\n    return max(x)\n",
    "def f(x):\n    return max(*x)\n",
    "def f(x):\n    parts = [x]\n    return sum(v for v in x)\n",
    "def f(x):\n    xs = list(x)\n    return [t * 2 for t in xs]\n",
    "def f(x):\n    return tuple(float(v) for v in (*x, 1.0))\n",
])
def test_the_samples_themselves_are_still_walked(source: str) -> None:
    assert _loops(source)


def test_ridge_on_augmented_data_solves_for_a_vector_not_an_inverse() -> None:
    # adversary3 F17: an identity as one block of the data is not an identity right-hand side
    src = ("import numpy as np\ndef f(X, y, lam):\n    d = X.shape[1]\n"
           "    Xa = np.vstack([X, np.sqrt(lam) * np.eye(d)])\n"
           "    ya = np.concatenate([y, np.zeros(d)])\n"
           "    return np.linalg.solve(Xa.T @ Xa, Xa.T @ ya)\n")
    assert _inv(src) == []
    scaled = ("import numpy as np\ndef f(A, b):\n    I = 2.0 * np.eye(len(A)) / 2\n"
              "    return np.linalg.solve(A, -I) @ b\n")
    assert _inv(scaled)


@pytest.mark.parametrize("source", ["def f(x):\n    return " + "-" * 50000 + "0\n",
                                    "def f(x):\n    return " + "(" * 300 + "0" + ")" * 300 + "\n"],
                         ids=["50000 minuses", "300 brackets"])
def test_deeply_nested_source_is_a_clear_problem_not_a_crash(source: str) -> None:
    from trainer.coderun.card import source_problems

    assert find_function(source, "f") is None or _loops(source) == []
    problem = source_problems(source, "f")
    assert problem in ("", "your code is nested too deeply to be read") or "line" in problem
