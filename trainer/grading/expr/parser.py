"""The recursive-descent parser: tokens to a tree, with the reading warnings; comparisons."""

from __future__ import annotations

import re
from collections.abc import Callable, Collection
from fractions import Fraction

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
from trainer.grading.expr.nodes import (
    Add,
    Call,
    Const,
    Identity,
    Mul,
    Name,
    Neg,
    Node,
    Num,
    ParseError,
    Pow,
    Transpose,
)
from trainer.grading.expr.printer import pretty

MAX_LENGTH = 2000
MAX_DEPTH = 60



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
        problem = check_arity_of(func, n, tok.text)
        if problem is not None:
            raise ParseError(problem, tok.pos)


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

