"""Sample points for comparing formulas: each domain's special points first, then random ones.

Special points (see :meth:`Domain.special_values`) are where wrong formulas
tend to show: 0, 1, negatives, the bounds, tiny and huge values.  Matrices are
random normal, with dimension sizes drawn afresh and distinct at every point.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING

from trainer.grading.domains import Domain
from trainer.grading.expr import pretty_name

if TYPE_CHECKING:
    import numpy as np

__all__ = ["Sampler"]

_SEED = 0x5EED
_MAX_SPECIAL = 40


# draws of the other values tried around a special one before it is given up
_REFITS = 200


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

    def points(self, randoms: int, fits: Callable[[dict[str, object]], bool] | None = None,
               ) -> Iterator[tuple[dict[str, object], bool]]:
        """(env, is_special): two random points, the special ones, then ``randoms`` more.

        ``fits`` (the card's relations, such as k <= n): a special value is put among other
        values drawn again until they fit it, so that n = 1 is tested with k in 0..1 rather
        than dropped with the k = 13 it happened to meet (an answer wrong only at n = 1
        passed).
        """
        special = self.special()
        for i in range(2 + len(special) + randoms):
            # small matrices first: those points are also checked in high precision
            env = self.sample(small=i < 2)
            k = i - 2
            if 0 <= k < len(special):
                name, v = special[k]
                env[name] = v
                for _ in range(_REFITS if fits is not None else 0):
                    if fits is not None and fits(env):
                        break
                    env = self.sample(small=i < 2)
                    env[name] = v
                yield env, True
            else:
                yield env, False

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
