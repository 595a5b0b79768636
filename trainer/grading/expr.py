"""Safe expression parser, evaluator and pretty printer.

Text never reaches ``eval``, ``exec``, ``sympify`` or ``parse_expr``.  A
hand-written tokenizer and recursive-descent parser build a small tree of
frozen dataclasses from a whitelist of numbers, declared names, known
functions and operators; everything else is a :class:`ParseError` that says
what was not understood and where (a 0-based character offset).

Reading rules (where conventions differ, this is what the parser does):

* ``^`` and ``**`` are powers, right-associative: ``2^3^2 = 2^(3^2)``;
  unary minus binds looser than a power: ``-x^2 = -(x^2)``, and
  ``x^-1`` is allowed.
* Juxtaposition is multiplication with the same precedence as ``*`` and
  ``/``, read left to right: ``1/2n`` is ``(1/2)·n`` (with a warning),
  ``n p (1-p)`` is ``n·p·(1−p)``.  A number can not follow another factor
  implicitly (``2 3``, ``x 2`` are errors).
* ``theta(1-theta)`` is a product when ``theta`` is a declared symbol;
  ``log(x)`` is a call when ``log`` is a function.  A declared name always
  wins over a function or a constant of the same spelling.
* A function may take a single factor without parentheses: ``log p``,
  ``ln θ``, ``√n``, ``log p^2 = log(p^2)``.  ``log 2n`` reads as
  ``log(2)·n`` (with a warning).
* A run of letters is split into names: the whole run if it is a declared
  name (or function/constant), otherwise the split into the fewest known
  names, preferring declared names over constants (``np`` is ``n·p`` unless
  ``np`` is declared; a warning says so).  Names containing digits or
  underscores (``mu0``, ``s_1``) must be declared as such.
* ``pi``/``π`` and ``e`` are constants unless declared as symbols.  When
  matrices are declared, ``I`` is an identity of whatever size is needed
  (unless ``I`` is declared), ``X^T``, ``Xᵀ`` and ``X'`` are transposes
  (``^T`` only when ``T`` is not a declared name), ``A^(-1)``, ``A⁻¹``
  and ``inv(A)`` are inverses, and ``*``/juxtaposition of two matrices is the
  matrix product.
* ``σ(…)``/``sigma(…)`` is the logistic sigmoid when ``sigma`` is not a
  declared symbol (and ``sigmoid`` is an allowed function).
* Unicode: Greek letters (``α`` is ``alpha``), superscript integers
  (``σ²``, ``x⁻¹``), ``ᵀ``, ``√``, ``−``, ``×``, ``·``, ``÷``, ``½``.
* ``80%`` is ``4/5``.  Decimals and scientific notation are exact
  fractions (``0.571`` is ``571/1000``); exponents beyond ±1000 are refused.
* Limits: ``max_length`` characters (2000 by default) and nesting depth
  :data:`MAX_DEPTH`; both give a ParseError, never a RecursionError.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from fractions import Fraction

__all__ = [
    "DEFAULT_FUNCTIONS",
    "MAX_DEPTH",
    "MAX_LENGTH",
    "Add",
    "Call",
    "Const",
    "EvalError",
    "Identity",
    "Mul",
    "Name",
    "Neg",
    "Node",
    "Num",
    "ParseError",
    "Pow",
    "ShapeError",
    "Transpose",
    "evaluate",
    "free_names",
    "parse",
    "pretty",
    "to_sympy",
]

DEFAULT_FUNCTIONS: frozenset[str] = frozenset(
    {"log", "ln", "exp", "sqrt", "abs", "sigmoid"}
)
MATRIX_FUNCTIONS: frozenset[str] = frozenset({"inv"})
CONSTANTS: frozenset[str] = frozenset({"pi", "e"})
MAX_LENGTH = 2000
MAX_DEPTH = 60
MAX_EXP10 = 1000
# Exact powers are computed as integers/fractions only up to this many bits.
MAX_EXACT_BITS = 20000

# Known arities of built-in functions (others: any number of arguments).
_ARITY = {"log": (1, 2), "ln": (1, 1), "exp": (1, 1), "sqrt": (1, 1), "abs": (1, 1),
          "sigmoid": (1, 1), "inv": (1, 1)}

GREEK: dict[str, str] = {
    "α": "alpha", "β": "beta", "γ": "gamma", "δ": "delta", "ε": "epsilon",
    "ϵ": "epsilon", "ζ": "zeta", "η": "eta", "θ": "theta", "ϑ": "theta",
    "ι": "iota", "κ": "kappa", "λ": "lambda", "μ": "mu", "µ": "mu", "ν": "nu",
    "ξ": "xi", "ο": "omicron", "π": "pi", "ρ": "rho", "σ": "sigma",
    "ς": "sigma", "τ": "tau", "υ": "upsilon", "φ": "phi", "ϕ": "phi",
    "χ": "chi", "ψ": "psi", "ω": "omega", "Γ": "Gamma", "Δ": "Delta",
    "Θ": "Theta", "Λ": "Lambda", "Σ": "Sigma", "Φ": "Phi", "Ψ": "Psi",
    "Ω": "Omega",
}
GREEK_TO_UNICODE: dict[str, str] = {}
for _ch, _nm in GREEK.items():
    GREEK_TO_UNICODE.setdefault(_nm, _ch)
GREEK_TO_UNICODE["epsilon"] = "ε"
GREEK_TO_UNICODE["theta"] = "θ"
GREEK_TO_UNICODE["phi"] = "φ"
GREEK_TO_UNICODE["mu"] = "μ"
GREEK_TO_UNICODE["sigma"] = "σ"

_SUPERSCRIPTS = {"⁰": "0", "¹": "1", "²": "2", "³": "3", "⁴": "4", "⁵": "5",
                 "⁶": "6", "⁷": "7", "⁸": "8", "⁹": "9"}
_TO_SUPER = {v: k for k, v in _SUPERSCRIPTS.items()}
_TO_SUPER["-"] = "⁻"
_TO_SUB = {str(i): chr(0x2080 + i) for i in range(10)}
_VULGAR = {"½": Fraction(1, 2), "⅓": Fraction(1, 3), "⅔": Fraction(2, 3),
           "¼": Fraction(1, 4), "¾": Fraction(3, 4), "⅕": Fraction(1, 5),
           "⅙": Fraction(1, 6), "⅛": Fraction(1, 8)}
_CHAR_OPS = {"+": "+", "-": "-", "−": "-", "–": "-", "*": "*", "×": "*", "·": "*",
             "⋅": "*", "∙": "*", "/": "/", "÷": "/", "∕": "/", "^": "^", "(": "(",
             ")": ")", ",": ",", "%": "%", "'": "'", "ᵀ": "'", "√": "sqrt"}
_SPACES = " \t\n\r\u00a0\u2009\u200a\u202f"
_NUMBER_RE = re.compile(r"(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")
_EXP_RE = re.compile(r"[eE]([+-]?\d+)$")


class ParseError(ValueError):
    """The text is not a valid expression; ``position`` is a 0-based offset."""

    def __init__(self, message: str, position: int = 0, fix: tuple[int, int] | None = None):
        super().__init__(message, position)
        self.message = message
        self.position = position
        # the span of the text to change (empty: where to type), for an editor to select
        self.fix = fix if fix is not None else (position, position)

    def __str__(self) -> str:
        return f"{self.message} (at character {self.position + 1})"


class EvalError(ValueError):
    """An expression could not be evaluated (domain error, overflow, ...)."""


class ShapeError(EvalError):
    """Matrix shapes do not fit."""


# --------------------------------------------------------------------------- tree


class Node:
    """Base class of expression nodes (all are frozen dataclasses)."""

    __slots__ = ()


@dataclass(frozen=True, slots=True)
class Num(Node):
    value: int | Fraction
    text: str | None = field(default=None, compare=False)


@dataclass(frozen=True, slots=True)
class Name(Node):
    name: str


@dataclass(frozen=True, slots=True)
class Const(Node):
    name: str  # "pi" or "e"


@dataclass(frozen=True, slots=True)
class Identity(Node):
    pass


@dataclass(frozen=True, slots=True)
class Neg(Node):
    arg: Node


@dataclass(frozen=True, slots=True)
class Add(Node):
    """Sum of terms; each item is ("+" | "-", node)."""

    terms: tuple[tuple[str, Node], ...]


@dataclass(frozen=True, slots=True)
class Mul(Node):
    """Product read left to right; each item is ("*" | "/" | " ", node).

    The first item's operator is "*"; " " marks implicit multiplication.
    """

    factors: tuple[tuple[str, Node], ...]


@dataclass(frozen=True, slots=True)
class Pow(Node):
    base: Node
    exp: Node


@dataclass(frozen=True, slots=True)
class Call(Node):
    func: str
    args: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Transpose(Node):
    arg: Node


# ---------------------------------------------------------------------- tokenizer

# token kinds
_NUM, _NAME, _FUNC, _CONST, _IDENT, _T, _OP, _SUP, _END = (
    "num", "name", "func", "const", "ident", "T", "op", "sup", "end")


@dataclass(slots=True)
class _Tok:
    kind: str
    value: object
    pos: int
    end: int
    text: str = ""
    split: bool = False  # a piece of a split letter run


def _describe(ch: str) -> str:
    if ch == "\x00":
        return "a NUL byte"
    if not ch.isprintable() or ch.isspace():
        return f"the character {ch!r}"
    return f"'{ch}'"


class _Lexer:
    def __init__(self, text: str, names: frozenset[str], functions: frozenset[str],
                 matrices: bool, warnings: list[str] | None):
        self.text = text
        self.names = names
        self.functions = functions
        self.matrices = matrices
        self.warnings = warnings
        words: dict[str, str] = {}
        for f in functions:
            words[f] = _FUNC
        if "sigmoid" in functions and "sigma" not in names:
            words["sigma"] = _FUNC
        for c in CONSTANTS:
            words[c] = _CONST
        if matrices:
            words["I"] = _IDENT
            words["T"] = _T
        for n in names:
            words[n] = _NAME
        self.words = words

    def tokens(self) -> list[_Tok]:
        text = self.text
        out: list[_Tok] = []
        i = 0
        n = len(text)
        while i < n:
            ch = text[i]
            if ch in _SPACES:
                i += 1
                continue
            if "0" <= ch <= "9" or (ch == "." and i + 1 < n and "0" <= text[i + 1] <= "9"):
                m = _NUMBER_RE.match(text, i)
                assert m is not None
                out.append(self._number(m.group(0), i))
                i = m.end()
                continue
            if ch == "*" and text.startswith("**", i):
                out.append(_Tok(_OP, "^", i, i + 2, "**"))
                i += 2
                continue
            if ch in _CHAR_OPS:
                op = _CHAR_OPS[ch]
                if op == "sqrt":
                    out.append(_Tok(_FUNC, "sqrt", i, i + 1, "√"))
                else:
                    out.append(_Tok(_OP, op, i, i + 1, ch))
                i += 1
                continue
            if ch in _SUPERSCRIPTS or ch == "⁻":
                j = i
                sign = ""
                if ch == "⁻":
                    sign = "-"
                    j += 1
                digits = ""
                while j < n and text[j] in _SUPERSCRIPTS:
                    digits += _SUPERSCRIPTS[text[j]]
                    j += 1
                if not digits:
                    raise ParseError("'⁻' must be followed by superscript digits", i)
                out.append(_Tok(_SUP, int(sign + digits), i, j, text[i:j]))
                i = j
                continue
            if ch in _VULGAR:
                v = _VULGAR[ch]
                out.append(_Tok(_NUM, v, i, i + 1, ch))
                i += 1
                continue
            if ch.isascii() and (ch.isalpha() or ch == "_") or ch in GREEK:
                j = i
                while j < n and ((text[j].isascii() and (text[j].isalnum() or text[j] == "_"))
                                 or text[j] in GREEK):
                    j += 1
                if (ch == "T" and self.words.get("T") == _T and out and out[-1].kind == _OP
                        and out[-1].value == "^"):
                    # X^T... : the T of a transpose, the rest of the run follows
                    out.append(_Tok(_T, "T", i, i + 1, "T"))
                    i += 1
                    if i == j:
                        continue
                out.extend(self._run(i, j))
                i = j
                continue
            if ch in "=[]{}<>":
                raise ParseError(f"{_describe(ch)} is not understood", i)
            if ch == ".":
                raise ParseError("'.' is not understood here (attribute access is not allowed)", i)
            if ch == "|":
                raise ParseError("'|' is not understood; write abs(...)", i)
            if ch == "!":
                raise ParseError("factorials are not supported", i)
            raise ParseError(f"{_describe(ch)} is not understood", i)
        out.append(_Tok(_END, None, n, n, ""))
        return out

    def _number(self, s: str, pos: int) -> _Tok:
        m = _EXP_RE.search(s)
        if m is not None and abs(int(m.group(1))) > MAX_EXP10:
            raise ParseError(f"number '{s}' is out of range", pos)
        try:
            v = Fraction(s)
        except (ValueError, ZeroDivisionError):  # pragma: no cover - regex guarantees
            raise ParseError(f"number '{s}' is not understood", pos) from None
        value: int | Fraction = int(v) if v.denominator == 1 and "." not in s and "e" not in s.lower() else v
        if isinstance(value, Fraction) and value.denominator == 1:
            value = value.numerator
        return _Tok(_NUM, value, pos, pos + len(s), s)

    def _run(self, start: int, end: int) -> list[_Tok]:
        """Split a run of letters/digits/underscores/Greek into known words."""
        text = self.text
        # pieces: (name-fragment, source start, source end)
        pieces: list[tuple[str, int, int]] = []
        for k in range(start, end):
            ch = text[k]
            pieces.append((GREEK.get(ch, ch), k, k + 1))
        full = "".join(p[0] for p in pieces)
        words = self.words
        if full in words:
            return [_Tok(words[full], full, start, end, text[start:end])]
        m = len(pieces)
        # DP over piece boundaries: fewest words, then fewest constants.
        INF = (10**9, 10**9)
        best: list[tuple[int, int]] = [INF] * (m + 1)
        back: list[int] = [-1] * (m + 1)
        best[0] = (0, 0)
        for a in range(m):
            if best[a] == INF:
                continue
            word = ""
            for b in range(a, m):
                word += pieces[b][0]
                kind = words.get(word)
                if kind is None or kind == _T:
                    continue
                cost = (best[a][0] + 1, best[a][1] + (0 if kind == _NAME else 1))
                if cost < best[b + 1]:
                    best[b + 1] = cost
                    back[b + 1] = a
        src = text[start:end]
        if best[m] == INF:
            raise ParseError(self._unknown_message(full, src), start, fix=(start, end))
        cuts = []
        k = m
        while k > 0:
            cuts.append((back[k], k))
            k = back[k]
        cuts.reverse()
        toks = []
        for a, b in cuts:
            word = "".join(p[0] for p in pieces[a:b])
            s, e = pieces[a][1], pieces[b - 1][2]
            toks.append(_Tok(words[word], word, s, e, text[s:e], split=True))
        if self.warnings is not None:
            parts = " · ".join(t.text for t in toks)
            self.warnings.append(f"'{src}' is read as {parts}")
        return toks

    def _unknown_message(self, full: str, src: str) -> str:
        shown = src if src == full else f"{src}"
        msg = f"'{shown}' is not a declared symbol or a known function"
        if full in ("lambda", "def", "import", "class", "for", "while", "print", "eval",
                    "exec", "open") or full.startswith("_"):
            msg = f"'{shown}' is not allowed (only mathematical expressions are accepted)"
        elif full in ("nan", "inf", "oo", "infinity", "NaN", "Inf"):
            msg = f"'{shown}' is not a number that can be given as an answer"
        declared = sorted(self.names)
        if declared:
            msg += "; declared: " + ", ".join(declared)
        return msg


# ------------------------------------------------------------------------- parser


def _starts_factor(tok: _Tok) -> bool:
    return (tok.kind in (_NAME, _FUNC, _CONST, _IDENT, _NUM)
            or (tok.kind == _OP and tok.value == "("))


class _Parser:
    def __init__(self, toks: list[_Tok], text: str, lexer: _Lexer,
                 warnings: list[str] | None):
        self.toks = toks
        self.i = 0
        self.text = text
        self.lexer = lexer
        self.warnings = warnings
        self.depth = 0
        self._bare: Node | None = None

    @property
    def tok(self) -> _Tok:
        return self.toks[self.i]

    @property
    def at_end(self) -> tuple[int, int]:
        """Where a missing closing bracket goes: after everything typed."""
        return (len(self.text), len(self.text))

    def peek(self, k: int = 1) -> _Tok:
        return self.toks[min(self.i + k, len(self.toks) - 1)]

    def is_op(self, value: str) -> bool:
        t = self.toks[self.i]
        return t.kind == _OP and t.value == value

    def advance(self) -> _Tok:
        t = self.toks[self.i]
        self.i += 1
        return t

    def warn(self, msg: str) -> None:
        if self.warnings is not None and msg not in self.warnings:
            self.warnings.append(msg)

    def enter(self, pos: int) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise ParseError("expression is too deeply nested", pos)

    def unexpected(self, tok: _Tok) -> ParseError:
        if tok.kind == _END:
            return ParseError("the expression ends too early", tok.pos)
        if tok.kind == _OP and tok.value == ")":
            return ParseError("unmatched ')'", tok.pos)
        if tok.kind == _OP and tok.value == "/" and self.i > 0 and self.toks[self.i - 1].kind == _OP \
                and self.toks[self.i - 1].value == "/":
            return ParseError("'//' is not an operator; use '/'", tok.pos - 1)
        if tok.kind == _T:
            return ParseError("'T' is not a declared symbol (write X^T for a transpose)", tok.pos)
        if tok.kind == _SUP:
            return ParseError(f"the exponent '{tok.text}' has nothing to apply to", tok.pos)
        return ParseError(f"'{tok.text}' is not expected here", tok.pos)

    # expr := term (("+"|"-") term)*
    def expr(self) -> Node:
        first = self.term()
        if not (self.is_op("+") or self.is_op("-")):
            return first
        terms = [("+", first)]
        while self.is_op("+") or self.is_op("-"):
            op = self.advance().value
            terms.append((op, self.term()))  # type: ignore[arg-type]
        return Add(tuple(terms))

    # term := unary (("*"|"/") unary | implicit power)*
    def term(self) -> Node:
        start = self.tok.pos
        first = self.unary()
        factors: list[tuple[str, Node]] = [("*", first)]
        saw_div = False
        while True:
            tok = self.tok
            if tok.kind == _OP and tok.value in ("*", "/"):
                self.advance()
                if tok.value == "/" and self.is_op("/"):
                    raise self.unexpected(self.tok)
                factors.append((tok.value, self.unary()))  # type: ignore[arg-type]
                if tok.value == "/":
                    saw_div = True
            elif _starts_factor(tok):
                if tok.kind == _NUM:
                    raise ParseError(
                        f"a number can not follow here without an operator: '{tok.text}'"
                        " (write * explicitly)", tok.pos)
                prev = factors[-1][1]
                f = self.power()
                if saw_div:
                    src = self.text[start:self.toks[self.i - 1].end]
                    self.warn(f"'{src}' is read as ({pretty(_mul(factors))})·{pretty(f)}; "
                              "use parentheses if you meant otherwise")
                elif isinstance(prev, Call) and self._bare is prev:
                    src = self.text[start:self.toks[self.i - 1].end]
                    self.warn(f"'{src}' is read as {pretty(_mul(factors))}·{pretty(f)}; "
                              "use parentheses if you meant otherwise")
                factors.append((" ", f))
            else:
                break
        if len(factors) == 1:
            return first
        return _mul(factors)

    def unary(self) -> Node:
        tok = self.tok
        if tok.kind == _OP and tok.value in ("-", "+"):
            self.enter(tok.pos)
            self.advance()
            arg = self.unary()
            self.depth -= 1
            return Neg(arg) if tok.value == "-" else arg
        return self.power()

    # power := atom postfix* ("^" unary)?
    def power(self) -> Node:
        node = self.atom()
        while True:
            tok = self.tok
            if tok.kind == _SUP:
                self.advance()
                node = Pow(node, _int_node(tok.value))  # type: ignore[arg-type]
            elif tok.kind == _OP and tok.value == "'":
                self.advance()
                node = Transpose(node)
            elif tok.kind == _OP and tok.value == "^":
                self.advance()
                nxt = self.tok
                if nxt.kind == _T:
                    self.advance()
                    node = Transpose(node)
                    continue
                if nxt.kind == _END:
                    raise ParseError("'^' needs an exponent", tok.pos)
                self.enter(tok.pos)
                exp = self.unary()
                self.depth -= 1
                node = Pow(node, exp)
                break
            else:
                break
        return node

    def atom(self) -> Node:
        tok = self.tok
        kind = tok.kind
        if kind == _NUM:
            self.advance()
            value = tok.value
            text = tok.text
            if self.is_op("%"):
                self.advance()
                value = Fraction(value) / 100  # type: ignore[arg-type]
                text = text + "%"
                if value.denominator == 1:
                    value = value.numerator
            return Num(value, text)  # type: ignore[arg-type]
        if kind == _NAME:
            self.advance()
            return Name(tok.value)  # type: ignore[arg-type]
        if kind == _CONST:
            self.advance()
            return Const(tok.value)  # type: ignore[arg-type]
        if kind == _IDENT:
            self.advance()
            return Identity()
        if kind == _FUNC:
            return self.call()
        if kind == _OP and tok.value == "(":
            self.enter(tok.pos)
            self.advance()
            if self.is_op(")"):
                raise ParseError("empty parentheses", tok.pos)
            node = self.expr()
            if not self.is_op(")"):
                if self.tok.kind == _END:
                    raise ParseError("missing ')' for this '('", tok.pos, fix=self.at_end)
                raise self.unexpected(self.tok)
            self.advance()
            self.depth -= 1
            return node
        raise self.unexpected(tok)

    def call(self) -> Node:
        tok = self.advance()
        name = tok.value
        func = "sigmoid" if name == "sigma" else name
        assert isinstance(func, str)
        if self.is_op("("):
            open_tok = self.advance()
            self.enter(open_tok.pos)
            args: list[Node] = []
            if self.is_op(")"):
                raise ParseError(f"{tok.text}() needs an argument", open_tok.pos)
            while True:
                args.append(self.expr())
                if self.is_op(","):
                    self.advance()
                    continue
                if self.is_op(")"):
                    self.advance()
                    break
                if self.tok.kind == _END:
                    raise ParseError("missing ')' for this '('", open_tok.pos, fix=self.at_end)
                raise self.unexpected(self.tok)
            self.depth -= 1
            self._check_arity(func, len(args), tok)
            return Call(func, tuple(args))
        nxt = self.tok
        if nxt.kind in (_NAME, _NUM, _CONST, _FUNC, _IDENT):
            self.enter(tok.pos)
            arg = self.power()
            self.depth -= 1
            self._check_arity(func, 1, tok)
            node = Call(func, (arg,))
            self._bare = node
            return node
        raise ParseError(f"'{tok.text}' needs an argument, e.g. {tok.text}(x)", tok.pos)

    def _check_arity(self, func: str, n: int, tok: _Tok) -> None:
        lo_hi = _ARITY.get(func)
        if lo_hi is not None:
            lo, hi = lo_hi
            if not lo <= n <= hi:
                want = str(lo) if lo == hi else f"{lo} or {hi}"
                raise ParseError(f"{tok.text} takes {want} argument{'s' if hi > 1 else ''}, "
                                 f"not {n}", tok.pos)


def _mul(factors: list[tuple[str, Node]]) -> Node:
    if len(factors) == 1:
        return factors[0][1]
    return Mul(tuple(factors))


def _int_node(v: int) -> Node:
    return Neg(Num(-v)) if v < 0 else Num(v)


def parse(text: str, *, names: Collection[str] = (),
          functions: Collection[str] = DEFAULT_FUNCTIONS,
          matrices: Collection[str] = (), warnings: list[str] | None = None,
          max_length: int = MAX_LENGTH) -> Node:
    """Parse ``text`` into an expression tree.

    ``names`` are the declared symbols (canonical ASCII names such as
    ``alpha``); ``functions`` the allowed call names; ``matrices`` the
    declared names that are matrices (they are added to ``names``).  Reading
    ambiguities are appended to ``warnings`` when a list is given.
    """
    if not isinstance(text, str):
        raise ParseError("the expression must be text", 0)
    if len(text) > max_length:
        raise ParseError(f"answer too long ({len(text)} characters; at most {max_length})",
                         max_length)
    name_set = frozenset(names) | frozenset(matrices)
    funcs = frozenset(functions)
    if matrices:
        funcs = funcs | MATRIX_FUNCTIONS
    lexer = _Lexer(text, name_set, funcs, bool(matrices), warnings)
    toks = lexer.tokens()
    if len(toks) == 1:
        raise ParseError("empty expression", 0)
    p = _Parser(toks, text, lexer, warnings)
    node = p.expr()
    if p.tok.kind != _END:
        raise p.unexpected(p.tok)
    return node


def free_names(node: Node) -> set[str]:
    """Names (symbols) used in ``node``."""
    out: set[str] = set()
    stack = [node]
    while stack:
        n = stack.pop()
        if isinstance(n, Name):
            out.add(n.name)
        else:
            stack.extend(_children(n))
    return out


COMPARISON = re.compile(r"(<=|>=|==|!=|<|>|≤|≥|≠)")
COMPARE_OPS: dict[str, Callable[[float, float], bool]] = {
    "<": lambda a, b: a < b, ">": lambda a, b: a > b, "<=": lambda a, b: a <= b,
    ">=": lambda a, b: a >= b, "==": lambda a, b: a == b, "!=": lambda a, b: a != b,
    "≤": lambda a, b: a <= b, "≥": lambda a, b: a >= b, "≠": lambda a, b: a != b,
}


def split_comparison(text: str) -> tuple[list[str], list[str]]:
    """``0 < k <= n`` → (["0 ", " k ", " n"], ["<", "<="]): the sides and the operators."""
    parts = COMPARISON.split(text)
    return parts[0::2], parts[1::2]


def chain_holds(values: list[float], ops: list[str] | tuple[str, ...]) -> bool:
    """Whether a chained comparison ``v0 op0 v1 op1 v2 …`` holds."""
    return all(COMPARE_OPS[op](a, b) for op, a, b in zip(ops, values, values[1:], strict=False))


def figures_for(rtol: float) -> int:
    """Significant figures that always land within ``rtol``: rounding to k figures errs
    by at most 5·10⁻ᵏ of the value (at a leading digit of 1), so k = ⌈1 − log₁₀(2·rtol)⌉."""
    return max(1, math.ceil(1 - math.log10(2 * rtol) - 1e-9)) if rtol > 0 else 17


def _children(n: Node) -> tuple[Node, ...]:
    if isinstance(n, (Add)):
        return tuple(t for _, t in n.terms)
    if isinstance(n, Mul):
        return tuple(f for _, f in n.factors)
    if isinstance(n, (Neg, Transpose)):
        return (n.arg,)
    if isinstance(n, Pow):
        return (n.base, n.exp)
    if isinstance(n, Call):
        return n.args
    return ()


def contains(node: Node, pred: Callable[[Node], bool]) -> bool:
    stack = [node]
    while stack:
        n = stack.pop()
        if pred(n):
            return True
        stack.extend(_children(n))
    return False


# ----------------------------------------------------------------- pretty printer

_P_ADD, _P_MUL, _P_NEG, _P_POW, _P_ATOM = 1, 2, 3, 4, 5


def _prec(n: Node) -> int:
    if isinstance(n, Add):
        return _P_ADD
    if isinstance(n, Mul):
        return _P_MUL
    if isinstance(n, Neg):
        return _P_NEG
    if isinstance(n, Pow):
        return _P_POW
    if isinstance(n, Transpose):
        return _P_ATOM
    if isinstance(n, Num) and (n.text or "").endswith("%"):
        return _P_ATOM
    if isinstance(n, Num) and isinstance(n.value, Fraction) and n.text is None:
        return _P_MUL
    return _P_ATOM


def pretty_name(name: str) -> str:
    m = re.fullmatch(r"([A-Za-z]+?)_?(\d+)", name)
    if m:
        base, digits = m.group(1), m.group(2)
        return GREEK_TO_UNICODE.get(base, base) + "".join(_TO_SUB[d] for d in digits)
    return GREEK_TO_UNICODE.get(name, name)


def _wrap(n: Node, min_prec: int) -> str:
    s = pretty(n)
    return f"({s})" if _prec(n) < min_prec else s


def _int_exponent(n: Node) -> int | None:
    if isinstance(n, Num) and isinstance(n.value, int) and (n.text is None or n.text.isdigit()
                                                             or not n.text.isascii()):
        return n.value
    if isinstance(n, Neg) and isinstance(n.arg, Num):
        v = _int_exponent(n.arg)
        return None if v is None else -v
    return None


def pretty(node: Node) -> str:
    """Unicode rendering of ``node`` (no sympy)."""
    if isinstance(node, Num):
        return node.text if node.text is not None else str(node.value)
    if isinstance(node, Name):
        return pretty_name(node.name)
    if isinstance(node, Const):
        return "π" if node.name == "pi" else node.name
    if isinstance(node, Identity):
        return "I"
    if isinstance(node, Neg):
        s = pretty(node.arg)
        return f"−({s})" if isinstance(node.arg, (Add, Neg)) else f"−{s}"
    if isinstance(node, Add):
        parts = []
        for k, (op, t) in enumerate(node.terms):
            if k == 0:
                parts.append(_wrap(t, _P_ADD))
            elif op == "+" and isinstance(t, Neg):
                parts.append(" − " + _wrap(t.arg, _P_ADD + 1))
            elif op == "+":
                parts.append(" + " + _wrap(t, _P_ADD + 1))
            else:
                s = pretty(t)
                parts.append(f" − ({s})" if isinstance(t, (Add, Neg)) else " − " + s)
        return "".join(parts)
    if isinstance(node, Mul):
        parts = []
        prev: Node | None = None
        divided = False
        for k, (op, f) in enumerate(node.factors):
            if k == 0:
                parts.append(_wrap(f, _P_MUL))
            elif op == "/":
                divided = True
                parts.append("/" + _wrap(f, _P_POW))
            else:
                s = _wrap(f, _P_POW)
                if (isinstance(prev, Num) and not divided and not isinstance(f, Num)
                        and not s[0].isdigit()):
                    parts.append(s)
                else:
                    parts.append("·" + s)
            prev = f
        return "".join(parts)
    if isinstance(node, Pow):
        base = _wrap(node.base, _P_ATOM)
        k = _int_exponent(node.exp)
        if k is not None:
            return base + "".join(_TO_SUPER[c] for c in str(k))
        return base + "^" + _wrap(node.exp, _P_ATOM)
    if isinstance(node, Transpose):
        return _wrap(node.arg, _P_ATOM) + "ᵀ"
    if isinstance(node, Call):
        f = node.func
        if f == "sqrt" and len(node.args) == 1:
            return "√" + _wrap(node.args[0], _P_ATOM)
        if f == "abs" and len(node.args) == 1:
            return "|" + pretty(node.args[0]) + "|"
        if f == "inv" and len(node.args) == 1:
            return _wrap(node.args[0], _P_ATOM) + "⁻¹"
        shown = "σ" if f == "sigmoid" else f
        return shown + "(" + ", ".join(pretty(a) for a in node.args) + ")"
    raise TypeError(f"not an expression node: {node!r}")  # pragma: no cover


# ---------------------------------------------------------------------- evaluator


class _IdentityValue:
    """An identity matrix of yet unknown size, times a scalar."""

    __slots__ = ("scale",)

    def __init__(self, scale: float = 1.0):
        self.scale = scale


def _shape(x: object) -> tuple[int, int] | None:
    shape = getattr(x, "shape", None)
    if shape is None or len(shape) == 0:
        return None
    if len(shape) == 1:
        return (shape[0], 1)
    return (shape[0], shape[1])


def fmt_shape(s: tuple[int, int] | None) -> str:
    return "scalar" if s is None else f"{s[0]}×{s[1]}"


def _is_array(x: object) -> bool:
    return _shape(x) is not None


def _scalarize(x: object) -> object:
    s = _shape(x)
    if s == (1, 1):
        return x.reshape(-1)[0].item()  # type: ignore[attr-defined]
    return x


def _add(x: object, y: object, sub: bool) -> object:
    xi, yi = isinstance(x, _IdentityValue), isinstance(y, _IdentityValue)
    if xi or yi:
        if xi and yi:
            return _IdentityValue(x.scale - y.scale if sub else x.scale + y.scale)  # type: ignore
        import numpy as np

        other = y if xi else x
        s = _shape(other)
        if s is None or s[0] != s[1]:
            raise ShapeError(f"can not add I to a {fmt_shape(s)} "
                             f"{'matrix' if s else 'value'}")
        eye = np.eye(s[0])
        if xi:
            return x.scale * eye - y if sub else x.scale * eye + y  # type: ignore
        return x - y.scale * eye if sub else x + y.scale * eye  # type: ignore
    sx, sy = _shape(x), _shape(y)
    if sx != sy:
        raise ShapeError(f"can not {'subtract' if sub else 'add'} {fmt_shape(sx)} and "
                         f"{fmt_shape(sy)}")
    return x - y if sub else x + y  # type: ignore[operator]


def _mul2(x: object, y: object) -> object:
    xi, yi = isinstance(x, _IdentityValue), isinstance(y, _IdentityValue)
    if xi or yi:
        if xi and yi:
            return _IdentityValue(x.scale * y.scale)  # type: ignore
        if xi:
            return _IdentityValue(x.scale * y) if not _is_array(y) else x.scale * y  # type: ignore
        return _IdentityValue(y.scale * x) if not _is_array(x) else y.scale * x  # type: ignore
    sx, sy = _shape(x), _shape(y)
    if sx is not None and sy is not None:
        if sx[1] != sy[0]:
            raise ShapeError(f"can not multiply {fmt_shape(sx)} by {fmt_shape(sy)}")
        return _scalarize(x @ y)  # type: ignore[operator]
    return x * y  # type: ignore[operator]


def _div(x: object, y: object, exact: bool) -> object:
    if isinstance(y, _IdentityValue) or _is_array(y):
        raise ShapeError(f"can not divide by a {fmt_shape(_shape(y)) if _is_array(y) else 'I'} "
                         "matrix; use ^(-1) or inv(...)")
    if isinstance(x, _IdentityValue):
        return _IdentityValue(x.scale / y)  # type: ignore[operator]
    if y == 0 and not _is_array(x):
        raise EvalError("division by zero")
    if exact and isinstance(x, (int, Fraction)) and isinstance(y, (int, Fraction)):
        return _norm(Fraction(x) / Fraction(y))
    return x / y  # type: ignore[operator]


def _norm(v: Fraction) -> int | Fraction:
    return v.numerator if v.denominator == 1 else v


def _bits(v: int | Fraction) -> int:
    if isinstance(v, int):
        return v.bit_length()
    return max(v.numerator.bit_length(), v.denominator.bit_length())


def _pow(x: object, y: object) -> object:
    if isinstance(y, _IdentityValue) or _is_array(y):
        raise ShapeError("a matrix can not be an exponent")
    if isinstance(x, _IdentityValue):
        return _IdentityValue(x.scale ** y)  # type: ignore[operator]
    sx = _shape(x)
    if sx is not None:
        import numpy as np

        if float(y) != int(y):  # type: ignore[arg-type]
            raise ShapeError("a matrix power needs an integer exponent")
        if sx[0] != sx[1]:
            raise ShapeError(f"can not take a power of a {fmt_shape(sx)} matrix "
                             "(it is not square)")
        k = int(y)  # type: ignore[arg-type]
        if abs(k) > 64:
            raise EvalError("matrix exponent too large")
        try:
            return np.linalg.matrix_power(x, k)
        except np.linalg.LinAlgError:
            raise EvalError("singular matrix") from None
    if isinstance(x, (int, Fraction)) and isinstance(y, int):
        if x == 0 and y < 0:
            raise EvalError("division by zero")
        if abs(y) * max(_bits(x), 1) <= MAX_EXACT_BITS:
            r = Fraction(x) ** y if isinstance(x, Fraction) or y < 0 else x ** y
            return _norm(r) if isinstance(r, Fraction) else r
    try:
        r = float(x) ** float(y)  # type: ignore[arg-type]
    except OverflowError:
        raise EvalError("number too large") from None
    except ZeroDivisionError:
        raise EvalError("division by zero") from None
    if isinstance(r, complex):
        raise EvalError("not a real number")
    return r


def _sigmoid(x: object) -> object:
    if _is_array(x):
        import numpy as np

        with np.errstate(all="ignore"):
            return 1.0 / (1.0 + np.exp(-x))  # type: ignore[operator]
    xf = float(x)  # type: ignore[arg-type]
    if xf >= 0:
        return 1.0 / (1.0 + math.exp(-xf))
    z = math.exp(xf)
    return z / (1.0 + z)


def _elementwise(fname: str, scalar: Callable[[float], float]) -> Callable[..., object]:
    def f(x: object, *rest: object) -> object:
        if isinstance(x, _IdentityValue):
            raise ShapeError(f"{fname}(I) is not defined")
        if _is_array(x):
            import numpy as np

            with np.errstate(all="ignore"):
                return getattr(np, {"ln": "log", "abs": "abs"}.get(fname, fname))(x)
        return scalar(float(x))  # type: ignore[arg-type]
    return f


def _log(x: object, base: object = None) -> object:
    if base is not None:
        return _log(x) / _log(base)  # type: ignore[operator]
    if _is_array(x):
        return _elementwise("log", math.log)(x)
    return math.log(x)  # type: ignore[arg-type]  # exact ints/fractions fine


def _sqrt(x: object) -> object:
    if _is_array(x) or isinstance(x, _IdentityValue):
        return _elementwise("sqrt", math.sqrt)(x)
    if isinstance(x, (int, Fraction)) and x >= 0:
        # exact square roots stay exact
        if isinstance(x, int):
            r = math.isqrt(x)
            if r * r == x:
                return r
        else:
            a, b = math.isqrt(x.numerator), math.isqrt(x.denominator)
            if a * a == x.numerator and b * b == x.denominator:
                return Fraction(a, b)
    return math.sqrt(x)  # type: ignore[arg-type]


def _abs(x: object) -> object:
    if _is_array(x):
        return _elementwise("abs", abs)(x)
    return abs(x)  # type: ignore[arg-type]


def _inv(x: object) -> object:
    if isinstance(x, _IdentityValue):
        return _IdentityValue(1 / x.scale)
    if _is_array(x):
        return _pow(x, -1)
    return _div(1, x, True)


BUILTIN_FUNCTIONS: dict[str, Callable[..., object]] = {
    "log": _log,
    "ln": _log,
    "exp": _elementwise("exp", math.exp),
    "sqrt": _sqrt,
    "abs": _abs,
    "sigmoid": _sigmoid,
    "inv": _inv,
}


class _Ctx:
    __slots__ = ("env", "functions", "exact", "floats", "scale")

    def __init__(self, env: Mapping[str, object], functions: Mapping[str, Callable] | None,
                 exact: bool, floats: bool):
        self.env = env
        self.functions = functions
        self.exact = exact
        self.floats = floats
        self.scale = 0.0  # largest magnitude of a term summed (float mode)


def _track(c: _Ctx, v: object) -> None:
    if isinstance(v, float):
        m = abs(v)
    elif _is_array(v):
        import numpy as np

        with np.errstate(all="ignore"):
            m = float(np.max(np.abs(v)))  # type: ignore[arg-type]
    else:
        return
    if m > c.scale:
        c.scale = m


def _ev(n: Node, c: _Ctx) -> object:
    if isinstance(n, Name):
        try:
            return c.env[n.name]
        except KeyError:
            raise EvalError(f"no value for '{n.name}'") from None
    if isinstance(n, Num):
        v = n.value
        if c.floats or (not c.exact and isinstance(v, Fraction)):
            try:
                return float(v)
            except OverflowError:
                raise EvalError("number too large") from None
        return v
    if isinstance(n, Mul):
        acc = None
        for op, f in n.factors:
            v = _ev(f, c)
            if acc is None:
                acc = v
            elif op == "/":
                acc = _div(acc, v, c.exact)
            else:
                acc = _mul2(acc, v)
        return acc
    if isinstance(n, Add):
        acc = None
        for op, t in n.terms:
            v = _ev(t, c)
            if c.floats:
                _track(c, v)
            acc = v if acc is None else _add(acc, v, op == "-")
        return acc
    if isinstance(n, Pow):
        return _pow(_ev(n.base, c), _ev(n.exp, c))
    if isinstance(n, Neg):
        v = _ev(n.arg, c)
        if isinstance(v, _IdentityValue):
            return _IdentityValue(-v.scale)
        return -v  # type: ignore[operator]
    if isinstance(n, Call):
        args = [_ev(a, c) for a in n.args]
        fn = None
        if c.functions is not None:
            fn = c.functions.get(n.func)
        if fn is None:
            fn = BUILTIN_FUNCTIONS.get(n.func)
        if fn is None:
            raise EvalError(f"unknown function '{n.func}'")
        return fn(*args)
    if isinstance(n, Const):
        return math.pi if n.name == "pi" else math.e
    if isinstance(n, Transpose):
        v = _ev(n.arg, c)
        if _is_array(v):
            if len(v.shape) == 1:  # type: ignore[attr-defined]
                return v.reshape(1, -1)  # type: ignore[attr-defined]
            return v.T  # type: ignore[attr-defined]
        return v
    if isinstance(n, Identity):
        return _IdentityValue()
    raise TypeError(f"not an expression node: {n!r}")  # pragma: no cover


def evaluate(node: Node, env: Mapping[str, object],
             functions: Mapping[str, Callable] | None = None, *, exact: bool = False) -> object:
    """Evaluate ``node`` numerically with ``env`` giving the names' values.

    Calls are looked up in ``functions`` first, then in the built-in table
    (log, ln, exp, sqrt, abs, sigmoid, inv).  Integers stay integers under
    ``+ - * ^``; ``/`` is true division (exact fractions when ``exact``).
    Matrices are numpy arrays: ``*`` between two of them is the matrix
    product.  Math errors raise :class:`EvalError` (a ValueError);
    non-conformable shapes raise :class:`ShapeError`.
    """
    ctx = _Ctx(env, functions, exact, False)
    return _guarded(node, ctx)


def _guarded(node: Node, ctx: _Ctx) -> object:
    try:
        v = _ev(node, ctx)
    except EvalError:
        raise
    except OverflowError:
        raise EvalError("number too large") from None
    except ZeroDivisionError:
        raise EvalError("division by zero") from None
    except (ValueError, TypeError, ArithmeticError) as exc:
        raise EvalError(f"can not be evaluated: {exc}") from None
    if isinstance(v, _IdentityValue):
        raise ShapeError("the size of I can not be determined")
    if isinstance(v, complex):
        raise EvalError("not a real number")
    return v


def evaluate_float(node: Node, env: Mapping[str, object]) -> tuple[object, float]:
    """Evaluate with every number as a float (used by sampling).

    Returns the value and the largest magnitude of any summed term, a
    measure of how much cancellation the result went through.
    """
    ctx = _Ctx(env, None, False, True)
    v = _guarded(node, ctx)
    return v, ctx.scale


# ------------------------------------------------------------------------ sympy


def to_sympy(node: Node, symbols: Mapping[str, object] | None = None,
             functions: Mapping[str, Callable] | None = None) -> object:
    """Build a sympy expression from the tree (never from text).

    ``symbols`` maps names to sympy objects (Symbol or MatrixSymbol; the key
    ``"I"`` may give the identity for :class:`Identity`).  Missing names
    become plain ``sympy.Symbol(name)``.
    """
    import sympy

    symbols = dict(symbols or {})

    def mk(n: Node) -> object:
        if isinstance(n, Num):
            v = n.value
            if isinstance(v, Fraction):
                return sympy.Rational(v.numerator, v.denominator)
            return sympy.Integer(v)
        if isinstance(n, Name):
            s = symbols.get(n.name)
            if s is None:
                s = symbols[n.name] = sympy.Symbol(n.name)
            return s
        if isinstance(n, Const):
            return sympy.pi if n.name == "pi" else sympy.E
        if isinstance(n, Identity):
            if "I" in symbols:
                return symbols["I"]
            raise ValueError("the size of I is not known")
        if isinstance(n, Neg):
            return -mk(n.arg)  # type: ignore[operator]
        if isinstance(n, Add):
            acc = None
            for op, t in n.terms:
                v = mk(t)
                acc = v if acc is None else (acc - v if op == "-" else acc + v)  # type: ignore
            return acc
        if isinstance(n, Mul):
            acc = None
            for op, f in n.factors:
                v = mk(f)
                if acc is None:
                    acc = v
                elif op == "/":
                    acc = acc * v ** -1  # type: ignore[operator]
                else:
                    acc = acc * v  # type: ignore[operator]
            return acc
        if isinstance(n, Pow):
            return mk(n.base) ** mk(n.exp)  # type: ignore[operator]
        if isinstance(n, Transpose):
            a = mk(n.arg)
            return sympy.transpose(a) if hasattr(a, "shape") else a
        if isinstance(n, Call):
            args = [mk(a) for a in n.args]
            f = n.func
            if f in ("log", "ln"):
                return sympy.log(*args)
            if f == "exp":
                return sympy.exp(args[0])
            if f == "sqrt":
                return sympy.sqrt(args[0])
            if f == "abs":
                return sympy.Abs(args[0])
            if f == "sigmoid":
                return 1 / (1 + sympy.exp(-args[0]))  # type: ignore[operator]
            if f == "inv":
                return args[0] ** -1  # type: ignore[operator]
            if functions is not None and f in functions:
                return functions[f](*args)
            raise ValueError(f"function '{f}' has no sympy equivalent")
        raise TypeError(f"not an expression node: {n!r}")

    return mk(node)
