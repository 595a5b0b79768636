"""Symbol declarations: ``name: domain; name: domain``.

A domain is ``real``, ``positive``, ``nonnegative``, ``negative``,
``integer``, ``positive integer``, ``nonnegative integer``, an interval
``(0,1)`` / ``[0,1]`` / ``(0, inf)`` (any bounds, open or closed; prefix
``integer`` for an integer range such as ``integer [1,10]``), or
``matrix(r,c)`` / ``vector(n)`` where r, c are integers or dimension names.
Several names may share a domain: ``a, b: positive``.  Greek letters may be
written in Unicode; names are stored in canonical ASCII (``α`` -> ``alpha``).
"""

from __future__ import annotations

import math
import random
import re
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache

from trainer.grading.expr import GREEK

__all__ = ["Domain", "parse_domain", "parse_symbols"]

_NAME_RE = re.compile(r"[A-Za-z][A-Za-z0-9_]*$")
_INTERVAL_RE = re.compile(r"^(integer\s+(?:in\s+)?)?([(\[])\s*([^,]+?)\s*,\s*([^,]+?)\s*([)\]])$")
_MATRIX_RE = re.compile(r"^matrix\s*\(\s*(\w+)\s*,\s*(\w+)\s*\)$")
_VECTOR_RE = re.compile(r"^vector\s*\(\s*(\w+)\s*\)$")
# a symmetric square matrix: "symmetric matrix(2,2)" or "symmetric(n)"
_SYMMETRIC_RE = re.compile(r"^symmetric\s*(?:matrix\s*)?\(\s*(\w+)\s*(?:,\s*(\w+)\s*)?\)$")
_DIM_RE = re.compile(r"^(\d+|[A-Za-z][A-Za-z0-9_]*)$")
INF = math.inf

KNOWN = ("real, positive, nonnegative, negative, integer, positive integer, "
         "nonnegative integer, an interval such as (0,1) or [0,1], matrix(r,c), "
         "symmetric(n)")


@dataclass(frozen=True, slots=True)
class Domain:
    """Where a symbol's values live."""

    kind: str  # "real" | "integer" | "matrix"
    lo: float = -INF
    hi: float = INF
    lo_open: bool = True
    hi_open: bool = True
    rows: int | str | None = None
    cols: int | str | None = None
    text: str = "real"
    symmetric: bool = False  # a square matrix equal to its transpose

    @property
    def is_matrix(self) -> bool:
        return self.kind == "matrix"

    @property
    def is_integer(self) -> bool:
        return self.kind == "integer"

    @property
    def is_positive(self) -> bool:
        return self.kind != "matrix" and (self.lo > 0 or (self.lo == 0 and self.lo_open))

    @property
    def is_nonnegative(self) -> bool:
        return self.kind != "matrix" and self.lo >= 0

    def contains(self, x: float) -> bool:
        if self.kind == "integer" and x != int(x):
            return False
        lo_ok = x > self.lo if self.lo_open else x >= self.lo
        hi_ok = x < self.hi if self.hi_open else x <= self.hi
        return lo_ok and hi_ok

    def special_values(self) -> list[float]:
        """Points where wrong formulas tend to show: 0, 1 and −1 where allowed, the
        bounds (closed ones exactly, open ones approached), and tiny and huge values."""
        lo, hi = self.lo, self.hi
        cand: list[float] = []
        if self.kind == "integer":
            cand += [0, 1, -1, 2, -2]
            if math.isfinite(lo):
                a = math.ceil(lo) + (1 if self.lo_open and math.ceil(lo) == lo else 0)
                cand += [a, a + 1]
            else:
                cand.append(-10**9)
            if math.isfinite(hi):
                b = math.floor(hi) - (1 if self.hi_open and math.floor(hi) == hi else 0)
                cand += [b, b - 1]
            else:
                cand += [10**6, 10**9]
        else:
            cand += [0.0, 1.0, -1.0, 0.5, -2.5]
            if math.isfinite(lo) and math.isfinite(hi):
                w = hi - lo
                cand += [lo, hi, lo + w * 1e-9, hi - w * 1e-9, lo + w * 1e-3, hi - w * 1e-3,
                         lo + w / 2]
            elif math.isfinite(lo):
                s = max(1.0, abs(lo))
                cand += [lo, lo + 1e-9 * s, lo + 1e-3 * s, lo + 3.0, lo + 1e9 * s]
            elif math.isfinite(hi):
                s = max(1.0, abs(hi))
                cand += [hi, hi - 1e-9 * s, hi - 1e-3 * s, hi - 3.0, hi - 1e9 * s]
            else:
                cand += [1e-9, -1e-9, 1e9, -1e9]
        out: list[float] = []
        for v in cand:
            v = float(v)
            if self.contains(v) and v not in out:
                out.append(v)
        return out

    def sample(self, rng: random.Random) -> float:
        """A random scalar inside the domain, of moderate magnitude."""
        lo, hi = self.lo, self.hi
        if self.kind == "integer":
            a = math.ceil(lo) if math.isfinite(lo) else -12
            if math.isfinite(lo) and self.lo_open and a == lo:
                a += 1
            b = math.floor(hi) if math.isfinite(hi) else a + 24
            if math.isfinite(hi) and self.hi_open and b == hi:
                b -= 1
            if not math.isfinite(lo) and math.isfinite(hi):
                a = b - 24
            b = min(b, a + 24) if not math.isfinite(hi) else b
            if b < a:
                return float(a)
            # prefer values above 1 for counts: 0 and 1 make n-1 and log n degenerate
            if a <= 1 < b and rng.random() < 0.85:
                a = 2
            return float(rng.randint(a, b))
        if math.isfinite(lo) and math.isfinite(hi):
            return lo + (hi - lo) * rng.uniform(0.02, 0.98)
        if math.isfinite(lo):
            return lo + math.exp(rng.uniform(-2.3, 2.5))
        if math.isfinite(hi):
            return hi - math.exp(rng.uniform(-2.3, 2.5))
        # the whole real line: mostly moderate values, both signs
        mag = math.exp(rng.uniform(-2.3, 1.6))
        return mag if rng.random() < 0.5 else -mag


def _bound(text: str, symbol: str) -> float:
    t = text.strip().lower().replace(" ", "")
    if t in ("inf", "+inf", "oo", "+oo", "∞", "+∞", "infinity"):
        return INF
    if t in ("-inf", "-oo", "-∞", "-infinity"):
        return -INF
    try:
        return float(Fraction(t))
    except (ValueError, ZeroDivisionError):
        raise ValueError(f"symbol '{symbol}': the interval bound '{text.strip()}' is not a "
                         "number") from None
    except OverflowError:
        raise ValueError(f"symbol '{symbol}': the interval bound '{text.strip()}' is too "
                         "large (beyond 1.8e308, write inf)") from None


def parse_domain(text: str, symbol: str = "?") -> Domain:
    """Parse one domain string (see the module docstring)."""
    if not isinstance(text, str):
        raise ValueError(f"symbol '{symbol}': the domain must be a string, not "
                         f"{type(text).__name__}")
    t = " ".join(text.strip().lower().replace("-", "").split()) if "(" not in text and \
        "[" not in text else " ".join(text.strip().split())
    t_low = t.lower()
    simple = {
        "real": Domain("real", text="real"),
        "reals": Domain("real", text="real"),
        "positive": Domain("real", 0.0, INF, True, True, text="positive"),
        "positive real": Domain("real", 0.0, INF, True, True, text="positive"),
        "nonnegative": Domain("real", 0.0, INF, False, True, text="nonnegative"),
        "nonnegative real": Domain("real", 0.0, INF, False, True, text="nonnegative"),
        "negative": Domain("real", -INF, 0.0, True, True, text="negative"),
        "integer": Domain("integer", text="integer"),
        "positive integer": Domain("integer", 1.0, INF, False, True, text="positive integer"),
        "nonnegative integer": Domain("integer", 0.0, INF, False, True,
                                      text="nonnegative integer"),
    }
    if t_low in simple:
        return simple[t_low]
    sym = _SYMMETRIC_RE.match(t_low)
    if sym:
        rows, cols = sym.group(1), sym.group(2) or sym.group(1)
        if rows != cols:
            raise ValueError(f"symbol '{symbol}': a symmetric matrix is square, not "
                             f"{rows}×{cols}")
        inner = parse_domain(f"matrix({rows},{cols})", symbol)
        return Domain("matrix", rows=inner.rows, cols=inner.cols, symmetric=True,
                      text=f"symmetric({inner.rows})")
    m = _MATRIX_RE.match(t_low) or _VECTOR_RE.match(t_low)
    if m:
        src = _MATRIX_RE.match(t) or _VECTOR_RE.match(t)
        assert src is not None
        dims = [src.group(k) for k in range(1, (src.re.groups or 0) + 1)]
        if len(dims) == 1:
            dims.append("1")
        out: list[int | str] = []
        for d in dims:
            if not _DIM_RE.match(d):
                raise ValueError(f"symbol '{symbol}': matrix dimension '{d}' must be a whole "
                                 "number or a name")
            if d.isdigit():
                if not 1 <= int(d) <= 50:
                    raise ValueError(f"symbol '{symbol}': matrix dimension {d} must be "
                                     "between 1 and 50")
                out.append(int(d))
            else:
                out.append(d)
        return Domain("matrix", rows=out[0], cols=out[1], text=f"matrix({out[0]},{out[1]})")
    m = _INTERVAL_RE.match(t_low)
    if m:
        src = _INTERVAL_RE.match(t)
        assert src is not None
        lo = _bound(m.group(3), symbol)
        hi = _bound(m.group(4), symbol)
        if not lo < hi:
            raise ValueError(f"symbol '{symbol}': empty interval '{text.strip()}'")
        kind = "integer" if m.group(1) else "real"
        lo_open = m.group(2) == "(" or math.isinf(lo)
        hi_open = m.group(5) == ")" or math.isinf(hi)
        return Domain(kind, lo, hi, lo_open, hi_open, text=" ".join(text.split()))
    raise ValueError(f"symbol '{symbol}': unknown domain '{text.strip()}' (expected {KNOWN})")


def canonical_name(name: str) -> str:
    out = "".join(GREEK.get(ch, ch) for ch in name.strip())
    return out


def parse_symbols(spec: str | Mapping[str, str] | None) -> dict[str, Domain]:
    """Parse ``"n: positive integer; p: (0,1)"`` (or a dict name -> domain).

    Raises ValueError with a message naming the offending part.
    """
    if spec is None:
        return {}
    if isinstance(spec, Mapping):
        return _parse_items(tuple((str(k), v) for k, v in spec.items()))
    if not isinstance(spec, str):
        raise ValueError(f"symbols must be a string or a mapping, not {type(spec).__name__}")
    return dict(_parse_symbols_text(spec))


@lru_cache(maxsize=512)
def _parse_symbols_text(spec: str) -> tuple[tuple[str, Domain], ...]:
    items = []
    for part in re.split(r"[;\n]", spec):
        if not part.strip():
            continue
        if ":" not in part:
            raise ValueError(f"symbols: '{part.strip()}' should look like 'name: domain'")
        names, domain = part.split(":", 1)
        for name in names.split(","):
            items.append((name, domain))
    return tuple(_parse_items(tuple(items)).items())


def _parse_items(items: tuple[tuple[str, object], ...]) -> dict[str, Domain]:
    out: dict[str, Domain] = {}
    for raw, domain in items:
        name = canonical_name(raw)
        if not _NAME_RE.match(name):
            raise ValueError(f"symbols: '{raw.strip()}' is not a valid symbol name")
        if name in ("pi", "e", "log", "ln", "exp", "sqrt", "abs", "sigmoid", "inv"):
            raise ValueError(f"symbols: '{name}' is reserved and can not be declared")
        if name in out:
            raise ValueError(f"symbols: '{name}' is declared twice")
        out[name] = parse_domain(domain, name)  # type: ignore[arg-type]
    dims = {d for dom in out.values() if dom.is_matrix for d in (dom.rows, dom.cols)
            if isinstance(d, str)}
    for d in dims:
        if d in out and (out[d].is_matrix or not out[d].is_integer):
            raise ValueError(f"symbols: '{d}' is used as a matrix dimension, so it must be a "
                             "positive integer if declared")
    return out
