"""The tokenizer: characters to numbers, names, functions and operators; letter runs split into names."""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction

from trainer.grading.expr.functions import CONSTANTS
from trainer.grading.expr.nodes import ParseError
from trainer.grading.expr.unicode import CHAR_OPS as _CHAR_OPS
from trainer.grading.expr.unicode import GREEK
from trainer.grading.expr.unicode import SPACES as _SPACES
from trainer.grading.expr.unicode import SUPERSCRIPTS as _SUPERSCRIPTS
from trainer.grading.expr.unicode import VULGAR as _VULGAR

MAX_EXP10 = 1000
_NUMBER_RE = re.compile(r"(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")
_EXP_RE = re.compile(r"[eE]([+-]?\d+)$")

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

