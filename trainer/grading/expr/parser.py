"""The recursive-descent parser: tokens to a tree, with the reading warnings; comparisons."""

from __future__ import annotations

import re
from collections.abc import Callable, Collection
from fractions import Fraction

from trainer.grading.expr import nodes
from trainer.grading.expr.functions import DEFAULT_FUNCTIONS, MATRIX_FUNCTIONS, check_arity_of
from trainer.grading.expr.lexer import (
    _CONST,
    _END,
    _FUNC,
    _IDENT,
    _NAME,
    _NUM,
    _OP,
    _SUP,
    _T,
    _Lexer,
    _Tok,
)
from trainer.grading.expr.nodes import ParseError
from trainer.grading.expr.normalize import Source, normalize, strip_unit
from trainer.grading.expr.printer import _prec, pretty

MAX_LENGTH = 2000
MAX_DEPTH = 60



def _starts_factor(tok: _Tok) -> bool:
    return (tok.kind in (_NAME, _FUNC, _CONST, _IDENT, _NUM)
            or (tok.kind == _OP and tok.value == "("))


_LOGS = ("log", "ln")


def _paren(node: nodes.Node) -> str:
    """``node`` printed as a factor that may follow a ·."""
    s = pretty(node)
    return f"({s})" if _prec(node) < 4 else s


class _Parser:
    def __init__(self, toks: list[_Tok], text: str, lexer: _Lexer,
                 warnings: list[str] | None):
        self.toks = toks
        self.i = 0
        self.text = text
        self.lexer = lexer
        self.warnings = warnings
        self.depth = 0
        self.percent = True  # a number may end with %
        self.source: Source | None = None
        self.bar_depth = 0
        # how the factor just parsed ends, when a following implicit factor makes it
        # ambiguous: ("call", Call) after a function without brackets (log n), ("pow",
        # Pow) after an exponent without brackets (e^2)
        self.open_end: tuple[str, nodes.Node] | None = None

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
        if tok.kind == _OP and tok.value in ("|", "‖"):
            return ParseError(f"'{tok.text}' is not expected here (bars come in pairs, as in "
                              "|x|; write * between two of them)", tok.pos)
        if tok.kind == _OP and tok.value == "!":
            return ParseError("'!' (a factorial) needs something before it, as in n!", tok.pos)
        if tok.kind == _T:
            return ParseError("'T' is not a declared symbol (write X^T for a transpose)", tok.pos)
        if tok.kind == _SUP:
            return ParseError(f"the exponent '{tok.text}' has nothing to apply to", tok.pos)
        return ParseError(f"'{tok.text}' is not expected here", tok.pos)

    def src(self, start: int) -> str:
        """What the learner typed from ``start`` to the last token read."""
        end = self.toks[self.i - 1].end
        if self.source is None:
            return self.text[start:end].strip()
        where = self.source.where
        return self.source.original[where(start):where(end - 1) + 1].strip()

    def ambiguous(self, start: int, one: str, other: str) -> ParseError:
        return ParseError(f"'{self.src(start)}' can be read two ways: {one} or {other}; "
                          "type the one you mean", start, fix=(start, self.toks[self.i - 1].end))

    # expr := term (("+"|"-") term)*
    def expr(self) -> nodes.Node:
        start = self.tok.pos
        first = self.term()
        self.log_of_one(start, first)
        if not (self.is_op("+") or self.is_op("-")):
            return first
        terms = [("+", first)]
        while self.is_op("+") or self.is_op("-"):
            op = self.advance().value
            at = self.tok.pos
            terms.append((op, self.term()))  # type: ignore[arg-type]
            self.log_of_one(at, terms[-1][1])
        return nodes.Add(tuple(terms))

    def log_of_one(self, start: int, term: nodes.Node) -> None:
        """``log 1-p``: log(1) − p by precedence, but log(1) is 0 and nobody writes it;
        log(1 − p) was meant as often. Refused with both readings."""
        end = self.open_end
        call = end[1] if end is not None and end[0] == "call" else None
        factors = term.factors if isinstance(term, nodes.Mul) else (("*", term),)
        if not (isinstance(call, nodes.Call) and call.func in _LOGS and factors[-1][1] is call
                and call.args == (nodes.Num(1),) and (self.is_op("+") or self.is_op("-"))):
            return
        op = str(self.advance().value)
        rest = self.term()
        meant = nodes.Call(call.func, (nodes.Add((("+", call.args[0]), (op, rest))),))
        raise self.ambiguous(start, pretty(nodes.Add((("+", term), (op, rest)))),
                             pretty(_mul([*factors[:-1], (factors[-1][0], meant)]))
                             if len(factors) > 1 else _call_text(meant))

    # term := unary (("*"|"/") unary | implicit power)*
    def term(self) -> nodes.Node:
        start = self.tok.pos
        self.open_end = None
        first = self.unary()
        factors: list[tuple[str, nodes.Node]] = [("*", first)]
        last_div = -1
        while True:
            tok = self.tok
            if tok.kind == _OP and tok.value in ("*", "/"):
                open_end = self.open_end
                self.advance()
                if tok.value == "/" and self.is_op("/"):
                    raise self.unexpected(self.tok)
                self.open_end = None
                factors.append((tok.value, self.unary()))
                if (tok.value == "/" and open_end is not None and open_end[0] == "call"
                        and isinstance(open_end[1], nodes.Call)
                        and not isinstance(open_end[1].args[0], nodes.Num)):
                    # log p/(1-p): log(p)/(1−p) or the log-odds log(p/(1−p)) (ln2/2 stays
                    # (ln 2)/2: a number is the whole argument)
                    call = open_end[1]
                    inner = nodes.Call(call.func, (nodes.Mul((("*", call.args[0]),
                                                              ("/", factors[-1][1]))),
                                                   *call.args[1:]))
                    before = factors[:-2] if factors[-2][1] is call else []  # β log a/b
                    op = factors[-2][0] if before else "*"
                    raise self.ambiguous(
                        start, pretty(_mul([*before, (op, call), factors[-1]])),
                        pretty(_mul([*before, (op, inner)])) if before else _call_text(inner))
                if tok.value == "/":
                    last_div = len(factors) - 1
            elif _starts_factor(tok) or (tok.kind == _OP and tok.value in ("|", "‖")
                                         and self.bar_depth == 0):
                if tok.kind == _NUM:
                    raise ParseError(
                        f"a number can not follow here without an operator: '{tok.text}'"
                        " (write * explicitly)", tok.pos)
                glued = tok.pos == self.toks[self.i - 1].end
                open_end = self.open_end
                self.open_end = None
                f = self.power()
                if last_div >= 0 and not glued:
                    # 1/2 (a + b): a space after the divisor ends the fraction, and what
                    # follows multiplies it (1/(2τ²) wᵀw is (1/(2τ²))·wᵀ·w)
                    self.lexer.notes.append(
                        f"'{self.src(start)}' is read as ({pretty(_mul(factors))})·"
                        f"{_paren(f)}")
                    last_div = -1
                elif last_div >= 0:
                    # 1/2n: (1/2)·n or 1/(2n)
                    left = _mul(factors)
                    before = _mul(factors[:last_div])
                    den = nodes.Mul((("*", factors[last_div][1]), (" ", f)))
                    rest = factors[last_div + 1:]
                    den_all = _mul([("*", factors[last_div][1]), *rest, (" ", f)]) if rest \
                        else den
                    raise self.ambiguous(start, f"({pretty(left)})·{_paren(f)}",
                                         f"{_paren(before)}/({pretty(den_all)})")
                if open_end is not None and open_end[0] == "call":
                    call = open_end[1]
                    assert isinstance(call, nodes.Call)
                    inner = nodes.Call(call.func, (nodes.Mul((("*", call.args[0]), (" ", f))),
                                             *call.args[1:]))
                    raise self.ambiguous(start, f"{pretty(call)}·{_paren(f)}",
                                         _call_text(inner))
                if open_end is not None and open_end[0] == "pow" and glued:
                    pw = open_end[1]
                    assert isinstance(pw, nodes.Pow)
                    raise self.ambiguous(
                        start, f"{pretty(pw)}·{_paren(f)}",
                        pretty(nodes.Pow(pw.base, nodes.Mul((("*", pw.exp), (" ", f))))))
                factors.append((" ", f))
            else:
                break
        if len(factors) == 1:
            return first
        return _mul(factors)

    def unary(self) -> nodes.Node:
        tok = self.tok
        if tok.kind == _OP and tok.value in ("-", "+"):
            self.enter(tok.pos)
            self.advance()
            arg = self.unary()
            self.depth -= 1
            return nodes.Neg(arg) if tok.value == "-" else arg
        return self.power()

    # power := atom postfix* ("^" unary)?
    def power(self) -> nodes.Node:
        start_i = self.i
        self.open_end = None
        node = self.atom()
        paren_log = (isinstance(node, nodes.Call) and node.func in _LOGS
                     and self.toks[start_i].kind == _FUNC and self.toks[self.i - 1].value == ")"
                     and self.open_end is None)
        while True:
            tok = self.tok
            if tok.kind == _SUP:
                self.advance()
                node = nodes.Pow(node, _int_node(tok.value))  # type: ignore[arg-type]
                self.open_end = None
            elif tok.kind == _OP and tok.value == "'":
                if not self.lexer.matrices:
                    # on a scalar card p' would silently be p: a derivative meant, or a slip
                    raise ParseError("a prime (' or ᵀ) after a value means transpose, and "
                                     "this card has no matrices; for a derivative, write "
                                     "the derivative itself", tok.pos, fix=(tok.pos, tok.end))
                self.advance()
                node = nodes.Transpose(node)
            elif tok.kind == _OP and tok.value == "!" and "factorial" in self.lexer.functions:
                self.advance()
                if self.is_op("!") and self.tok.pos == tok.end:
                    raise ParseError("'!!' (a double factorial) is not understood; write "
                                     "(n!)! for the factorial of a factorial", tok.pos,
                                     fix=(tok.pos, tok.end + 1))
                node = nodes.Call("factorial", (node,))
                self.open_end = None
            elif tok.kind == _OP and tok.value == "^":
                self.advance()
                nxt = self.tok
                if nxt.kind == _T:
                    self.advance()
                    node = nodes.Transpose(node)
                    continue
                if self.inverse_transpose():
                    # A⁻ᵀ, A^-T, A^{-T}: the transpose of the inverse
                    node = nodes.Transpose(nodes.Pow(node, _int_node(-1)))
                    continue
                if nxt.kind == _END:
                    raise ParseError("'^' needs an exponent", tok.pos)
                self.enter(tok.pos)
                exp_start = self.i
                self.open_end = None
                exp = self.unary()
                self.depth -= 1
                if paren_log and isinstance(node, nodes.Call):
                    # log(1-p)^k: (log(1−p))^k, or log((1−p)^k) as log p^k is read
                    raise self.ambiguous(
                        self.toks[start_i].pos, f"({_call_text(node)})^{_paren(exp)}",
                        _call_text(nodes.Call(node.func,
                                              (nodes.Pow(node.args[0], exp), *node.args[1:]))))
                bare, primed = _trailing_transpose(exp)
                # A^{-1}' and A^2^T: the prime after an exponent transposes the power (on
                # the exponent, a number, it did nothing: A^{-1}' was accepted for A⁻¹)
                node = nodes.Transpose(nodes.Pow(node, bare)) if primed else \
                    nodes.Pow(node, exp)
                closed = (self.toks[self.i - 1].kind == _OP and self.toks[self.i - 1].value == ")"
                          and self.toks[exp_start].kind == _OP
                          and self.toks[exp_start].value == "(")
                self.open_end = None if closed else ("pow", node)
                if not closed and isinstance(node, nodes.Pow):
                    self.fractional_exponent(start_i, node)
                break
            else:
                break
        return node

    def fractional_exponent(self, start_i: int, power: nodes.Pow) -> None:
        """``n^-1/2``, ``x^1/2``, ``x^3/2`` typed without brackets or spaces: (n⁻¹)/2 by
        precedence, but written for n^(−1/2) as often; refused with both readings.
        ``x^2/2`` stays (x²)/2, and a space (``x^3 / 2``) ends the exponent."""
        k = power.exp.value if isinstance(power.exp, nodes.Num) else (
            -power.exp.arg.value if isinstance(power.exp, nodes.Neg)
            and isinstance(power.exp.arg, nodes.Num) else None)
        slash, den = self.tok, self.toks[self.i + 1] if self.i + 1 < len(self.toks) else None
        if (not isinstance(k, int) or not self.is_op("/") or den is None or den.kind != _NUM
                or not isinstance(den.value, int) or den.value < 2
                or slash.pos != self.toks[self.i - 1].end or den.pos != slash.end
                or not (abs(k) == 1 or (k % 2 and den.value in (2, 3)))):
            return
        self.advance()
        self.advance()
        exponent = nodes.Mul((("*", power.exp), ("/", nodes.Num(den.value))))
        raise self.ambiguous(self.toks[start_i].pos, f"({pretty(power)})/{den.value}",
                             pretty(nodes.Pow(power.base, exponent)))

    def inverse_transpose(self) -> bool:
        """After '^': ``-T``, ``-'`` or ``(-T)`` on a card with matrices; consumed if so."""
        if not self.lexer.matrices:
            return False

        def is_t(t: _Tok) -> bool:
            return t.kind == _T or (t.kind == _OP and t.value == "'")

        def is_minus(t: _Tok) -> bool:
            return t.kind == _OP and t.value == "-"

        if is_minus(self.tok) and is_t(self.peek()):
            self.i += 2
            return True
        if (self.is_op("(") and is_minus(self.peek()) and is_t(self.peek(2))
                and self.peek(3).kind == _OP and self.peek(3).value == ")"):
            self.i += 4
            return True
        return False

    def atom(self) -> nodes.Node:
        tok = self.tok
        kind = tok.kind
        if kind == _NUM:
            self.advance()
            value = tok.value
            assert isinstance(value, (int, Fraction))  # the lexer's value of a number
            text = tok.text
            if self.is_op("%"):
                if not self.percent:
                    raise ParseError("this answer is not a percentage: give the value itself "
                                     "(23.7% is 0.237)", self.tok.pos,
                                     fix=(self.tok.pos, self.tok.end))
                self.advance()
                value = Fraction(value) / 100
                text = text + "%"
                if value.denominator == 1:
                    value = value.numerator
            return nodes.Num(value, text)
        if kind == _NAME:
            self.advance()
            return nodes.Name(tok.value)  # type: ignore[arg-type]
        if kind == _CONST:
            self.advance()
            return nodes.Const(tok.value)  # type: ignore[arg-type]
        if kind == _IDENT:
            self.advance()
            return nodes.Identity()
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
            self.open_end = None
            return node
        if kind == _OP and tok.value in ("|", "‖"):
            return self.bars()
        raise self.unexpected(tok)

    def bars(self) -> nodes.Node:
        """|x| is abs(x); ‖v‖ and ||v|| are norm(v)."""
        tok = self.advance()
        double = tok.value == "|" and self.is_op("|") and self.tok.pos == tok.end
        if double:
            self.advance()
        norm = double or tok.value == "‖"
        func = "norm" if norm else "abs"
        if func not in self.lexer.functions:
            raise ParseError(f"'{tok.text}' is not understood here", tok.pos)
        self.enter(tok.pos)
        self.bar_depth += 1
        node = self.expr()
        self.bar_depth -= 1
        close = "‖" if tok.value == "‖" else "|"
        if not self.is_op(close):
            if self.tok.kind == _END:
                raise ParseError(f"missing closing '{close * (2 if double else 1)}'", tok.pos,
                                 fix=self.at_end)
            raise self.unexpected(self.tok)
        first = self.advance()
        if double:
            if not (self.is_op("|") and self.tok.pos == first.end):
                raise ParseError("missing closing '||'", first.pos, fix=self.at_end)
            self.advance()
        self.depth -= 1
        self.open_end = None
        sub = self.tok
        if sub.kind == _OP and str(sub.value).startswith("_"):
            if sub.value != "_2":
                raise ParseError(f"the norm '{sub.text}' is not understood: only the "
                                 "Euclidean norm ‖v‖₂ (or ‖v‖) is", sub.pos,
                                 fix=(sub.pos, sub.end))
            self.advance()
            # ‖v‖₂: the Euclidean norm of a vector (of a matrix it would be the spectral
            # norm, which the evaluators refuse rather than read as ‖A‖)
            return nodes.Call("norm", (node, nodes.Num(2, "2")))
        return nodes.Call(func, (node,))

    def call(self) -> nodes.Node:
        tok = self.advance()
        name = tok.value
        func = name
        assert isinstance(func, str)
        power: nodes.Node | None = None
        if self.is_op("^") and func in _LOGS + ("sqrt", "exp", "sigmoid", "abs"):
            # log²(x) (typed log^2(x)) is (log x)²
            caret = self.advance()
            if not self.is_op("("):
                raise ParseError(f"'{tok.text}^' needs its exponent in brackets, as in "
                                 f"{tok.text}^(2)(x)", caret.pos)
            exp_tok = self.tok
            power = self.atom()
            if isinstance(power, nodes.Neg):
                raise ParseError(f"an inverse function ({tok.text}⁻¹) is not understood; "
                                 f"write 1/{tok.text}(x) for a reciprocal", exp_tok.pos)
            if not self.is_op("("):
                raise ParseError(f"'{tok.text}' with an exponent needs its argument in "
                                 f"brackets, as in {tok.text}²(x)", self.tok.pos)
        node = self.call_args(tok, func)
        if power is not None:
            self.open_end = None
            return nodes.Pow(node, power)
        return node

    def call_args(self, tok: _Tok, func: str) -> nodes.Node:
        base = tok.base
        if self.is_op("("):
            open_tok = self.advance()
            self.enter(open_tok.pos)
            args: list[nodes.Node] = []
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
            self._check_arity(func if base is None else "ln", len(args), tok)
            self.open_end = None
            return _with_base(func, args, base)
        nxt = self.tok
        if nxt.kind in (_NAME, _NUM, _CONST, _FUNC, _IDENT):
            self.enter(tok.pos)
            arg = self.power()
            self.depth -= 1
            self._check_arity(func if base is None else "ln", 1, tok)
            node = _with_base(func, [arg], base)
            self.open_end = ("call", node)
            return node
        if nxt.kind == _OP and nxt.value in ("|", "‖"):
            arg = self.bars()
            node = _with_base(func, [arg], base)
            self.open_end = ("call", node)
            return node
        raise ParseError(f"'{tok.text}' needs an argument, e.g. {tok.text}(x)", tok.pos)

    def _check_arity(self, func: str, n: int, tok: _Tok) -> None:
        problem = check_arity_of(func, n, tok.text)
        if problem is not None:
            raise ParseError(problem, tok.pos)


def _with_base(func: str, args: list[nodes.Node], base: object) -> nodes.Call:
    if base is None:
        return nodes.Call(func, tuple(args))
    if base == "e":
        return nodes.Call("ln", tuple(args))
    assert isinstance(base, int)
    return nodes.Call("log", (args[0], nodes.Num(base, str(base))))


def _call_text(call: nodes.Call) -> str:
    """A call written with its brackets, whatever the printer would do (√ included)."""
    s = pretty(call)
    if call.func == "sqrt" and not s.startswith("√("):
        return "√(" + s[1:] + ")"
    return s


def _mul(factors: list[tuple[str, nodes.Node]]) -> nodes.Node:
    if len(factors) == 1:
        return factors[0][1]
    return nodes.Mul(tuple(factors))


def _trailing_transpose(exp: nodes.Node) -> tuple[nodes.Node, bool]:
    """An exponent that ends in a transpose (``-1'``, ``(-1)ᵀ``, ``2^T``): (it without the
    transpose, True); else (exp, False)."""
    if isinstance(exp, nodes.Transpose):
        return exp.arg, True
    if isinstance(exp, nodes.Neg) and isinstance(exp.arg, nodes.Transpose):
        return nodes.Neg(exp.arg.arg), True
    return exp, False


def _int_node(v: int) -> nodes.Node:
    return nodes.Neg(nodes.Num(-v)) if v < 0 else nodes.Num(v)


def parse(text: str, *, names: Collection[str] = (),
          functions: Collection[str] = DEFAULT_FUNCTIONS,
          matrices: Collection[str] = (), warnings: list[str] | None = None,
          max_length: int = MAX_LENGTH, units: Collection[str] | None = None,
          percent: bool = True) -> nodes.Node:
    """Parse ``text`` into an expression tree.

    ``names`` are the declared symbols (canonical ASCII names such as
    ``alpha``); ``functions`` the allowed call names; ``matrices`` the
    declared names that are matrices (they are added to ``names``).  Reading
    choices that may surprise are appended to ``warnings`` when a list is
    given; each ends with the whole reading (``read as …``), which parses
    back to the same tree.  Ambiguous text is a ParseError naming both readings.

    ``units`` are the units the answer may end with (``nats``); a different known unit
    is a ParseError; None drops any.  ``percent`` False refuses ``23.7%``.
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
    src = normalize(text)
    try:
        lexer = _Lexer(src.text, name_set, funcs, frozenset(matrices), warnings)
        cut, word_at, unit = strip_unit(src.text, set(lexer.words))
        if unit and units is not None and unit not in units:
            word = re.match(r"[A-Za-z]*", src.text[word_at:]).group(0)  # type: ignore[union-attr]
            raise ParseError(
                (f"this card asks for {' or '.join(sorted(units))}, and '{word}' is another "
                 f"unit: give the value in {' or '.join(sorted(units))}") if units else
                f"this answer is a plain number: drop the unit '{word}'",
                word_at, fix=(word_at, word_at + len(word)))
        if cut < len(src.text):
            lexer.text = src.text[:cut]
        toks = lexer.tokens()
        if len(toks) == 1:
            raise ParseError("empty expression", 0)
        p = _Parser(toks, lexer.text, lexer, warnings)
        p.percent = percent
        p.source = src
        node = p.expr()
        if p.tok.kind != _END:
            raise p.unexpected(p.tok)
    except ParseError as exc:
        if src.text == text:
            raise
        a, b = exc.fix
        raise ParseError(exc.message, src.where(exc.position),
                         fix=(src.where(a), src.where(b - 1) + 1 if b > a else src.where(a))
                         ) from None
    if warnings is not None and lexer.notes:
        shown = pretty(node)
        typed = text.strip()
        for note in lexer.notes:
            # each warning ends with a reading that parses back to what was graded
            msg = note if note.startswith(f"'{typed}' is read as ") else (
                f"{note}: the answer is read as {shown}")
            if msg not in warnings:
                warnings.append(msg)
    return node


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

