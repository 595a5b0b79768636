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


def test_a_helper_called_with_other_values_and_recursion_are_not_loops() -> None:
    src = ("import numpy as np\ndef count(n):\n    for _ in range(3):\n        n += 1\n"
           "    return n\ndef f(x):\n    return np.mean(x) + count(2)\n")
    assert _loops(src) == []
    src = "import numpy as np\ndef f(x):\n    return f(x[1:]) if len(x) > 1 else np.sum(x)\n"
    assert _loops(src) == []
