"""Sample points for comparing formulas: each domain's special points first, then random ones.

Special points (see :meth:`Domain.special_values`) are where wrong formulas
tend to show: 0, 1, negatives, the bounds, tiny and huge values.  Matrices are
random normal, with dimension sizes drawn afresh and distinct at every point.
"""

from __future__ import annotations

import math
import random
import re
from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING

from trainer.grading.critical import critical_values, pieces
from trainer.grading.domains import Domain
from trainer.grading.expr import Node, pretty_name

if TYPE_CHECKING:
    import numpy as np

__all__ = ["Sampler"]

_SEED = 0x5EED
_MAX_SPECIAL = 40


# draws of the other values tried around a special one before it is given up
_REFITS = 200
_GRID = 12  # integers tried from the bottom of an integer domain: 0..12 for counts
_BASES = 2  # random points that the points built on others start from


class Sampler:
    def __init__(self, domains: Mapping[str, Domain]):
        self.domains = domains
        self.rng = random.Random(_SEED)
        self.has_matrix = any(d.is_matrix for d in domains.values())
        self.np_rng: np.random.Generator | None = None
        if self.has_matrix:
            import numpy as np

            self.np_rng = np.random.default_rng(_SEED)
        dims_sym: list[str] = []
        literal: set[int] = set()
        for d in domains.values():
            if d.is_matrix:
                for k in (d.rows, d.cols):
                    if isinstance(k, str):
                        if k not in dims_sym:
                            dims_sym.append(k)
                    elif k is not None:
                        literal.add(k)
        self.dim_names = dims_sym
        self.pool = [k for k in range(2, 10) if k not in literal]
        self.last_dims: dict[str, int] = {}

    def special(self) -> list[tuple[str, float]]:
        out = []
        for name, d in self.domains.items():
            if d.is_matrix or name in self.dim_names:
                continue
            out += [(name, v) for v in d.special_values()]
        return out[:_MAX_SPECIAL]

    def grid(self) -> list[tuple[str, float]]:
        """Every small integer of each integer symbol's domain (n = 0..12) not already
        among its special values: an answer wrong at one small count is found."""
        out = []
        specials = set(self.special())
        for name, d in self.domains.items():
            if not d.is_integer or name in self.dim_names:
                continue
            start = math.ceil(d.lo) if math.isfinite(d.lo) else -_GRID // 2
            for v in range(start, start + _GRID + 1):
                if d.contains(v) and (name, float(v)) not in specials:
                    out.append((name, float(v)))
        return out

    def points(self, randoms: int, fits: Callable[[dict[str, object]], bool] | None = None,
               answer: Node | None = None, deadline: float = math.inf,
               ) -> Iterator[tuple[dict[str, object], bool]]:
        """(env, is_special): two random points, the special ones, then ``randoms`` more.

        ``fits`` (the card's relations, such as k <= n): a special value is put among other
        values drawn again until they fit it, so that n = 1 is tested with k in 0..1 rather
        than dropped with the k = 13 it happened to meet (an answer wrong only at n = 1
        passed).  Every small integer is special (see :meth:`grid`), and so are the points
        where two integer symbols meet (k = n, k = n − 1) and, for ``answer``, the values
        where one of its pieces changes behaviour (:mod:`trainer.grading.critical`).
        """
        special = self.special() + self.grid()
        for _ in range(2):
            yield self.sample(small=True), False
        for name, v in special:
            yield self._fitted(name, v, fits), True
        yield from self._derived(fits, answer, deadline)
        for _ in range(randoms):
            yield self.sample(), False

    def _adjusted(self, env: dict[str, object], name: str,
                  fits: Callable[[dict[str, object]], bool]) -> dict[str, object] | None:
        """``env`` with another integer symbol moved next to ``name``'s value so that the
        relations hold (n = 0 needs k = 0; k = 10⁶ needs n ≥ 10⁶, and n = 2·10⁶ leaves
        room on both sides), or None."""
        v = float(env[name])  # type: ignore[arg-type]
        for other, d in self.domains.items():
            if other == name or not d.is_integer or other in self.dim_names:
                continue
            for w in (2 * v, v, v - 1, v + 1, v // 2, d.lo):
                if d.contains(w):
                    trial = dict(env)
                    trial[other] = float(w)
                    if fits(trial):
                        return trial
        return None

    def _fitted(self, name: str, v: float, fits: Callable[[dict[str, object]], bool] | None
                ) -> dict[str, object]:
        env = self.sample()
        env[name] = v
        if fits is None or fits(env):
            return env
        # the other integer symbols next to v first, then fresh draws
        adjusted = self._adjusted(env, name, fits)
        if adjusted is not None:
            return adjusted
        for _ in range(_REFITS):
            env = self.sample()
            env[name] = v
            if fits(env):
                break
        return env

    def _derived(self, fits: Callable[[dict[str, object]], bool] | None,
                 answer: Node | None, deadline: float,
                 ) -> Iterator[tuple[dict[str, object], bool]]:
        """Points built on a random one that fits: two integer symbols equal or one
        apart, and the critical values of the answer's pieces."""
        ints = [n for n, d in self.domains.items() if d.is_integer and n not in self.dim_names]
        parts = pieces(answer) if answer is not None else []
        if len(ints) < 2 and not parts:
            return
        for _ in range(_BASES):
            base = self.sample()
            for _ in range(_REFITS if fits is not None else 0):
                if fits is not None and fits(base):
                    break
                base = self.sample()
            for x in ints:
                for y in ints:
                    if x == y:
                        continue
                    for d in (0, -1):
                        v = float(base[y]) + d  # type: ignore[arg-type]
                        if self.domains[x].contains(v):
                            env = dict(base)
                            env[x] = v
                            yield env, True
            for name, v in critical_values(parts, base, self.domains,
                                           frozenset(self.dim_names), deadline):
                env = dict(base)
                env[name] = v
                if fits is not None and not fits(env):
                    # k = 40 on a base with n = 12: move n rather than drop the point
                    env = self._adjusted(env, name, fits) or env
                yield env, True

    def sample(self, small: bool = False) -> dict[str, object]:
        env: dict[str, object] = {}
        dims: dict[str, int] = {}
        if self.dim_names:
            pool = self.pool[:len(self.dim_names) + 1] if small else self.pool
            sizes = self.rng.sample(pool, min(len(self.dim_names), len(pool)))
            dims = dict(zip(self.dim_names, sizes, strict=False))
        self.last_dims = dims
        for name, d in self.domains.items():
            if d.is_matrix:
                # a matrix domain gives both sizes, and a sampler with one has np_rng
                assert d.rows is not None and d.cols is not None and self.np_rng is not None
                shape = tuple(dims[k] if isinstance(k, str) else k for k in (d.rows, d.cols))
                m = self.np_rng.standard_normal(shape)
                env[name] = (m + m.T) / 2 if d.symmetric else m
            elif name in dims:
                env[name] = float(dims[name])
            else:
                env[name] = d.sample(self.rng)
        return env

    def name_shapes(self, text: str) -> str:
        """Replace sizes in '5×3' by dimension names where they are symbolic."""
        rev = {str(v): pretty_name(k) for k, v in self.last_dims.items()}
        if not rev:
            return text
        return re.sub(r"(\d+)×(\d+)",
                      lambda m: f"{rev.get(m.group(1), m.group(1))}×"
                                f"{rev.get(m.group(2), m.group(2))}",
                      text)
