"""The tokenizer: characters to numbers, names, functions and operators; letter runs split into names."""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction

from trainer.grading.expr.functions import ALIASES, CONSTANTS
from trainer.grading.expr.nodes import ParseError
from trainer.grading.expr.unicode import CHAR_OPS as _CHAR_OPS
from trainer.grading.expr.unicode import GREEK, GREEK_TO_UNICODE, MINUSES
from trainer.grading.expr.unicode import SPACES as _SPACES
from trainer.grading.expr.unicode import SUPERSCRIPTS as _SUPERSCRIPTS
from trainer.grading.expr.unicode import VULGAR as _VULGAR

MAX_EXP10 = 1000
# the exponent's sign may be the typographic minus the feedback prints (1e−3, 5.714E−1)
_NUMBER_RE = re.compile(r"(\d+\.?\d*|\.\d+)([eE][+" + re.escape(MINUSES) + r"]?\d+)?")
_MINUS_TO_ASCII = str.maketrans(dict.fromkeys(MINUSES, "-"))
_EXP_RE = re.compile(r"[eE]([+-]?\d+)$")
# log₂ x, log_10, log_e, log2(x), log10(x): a logarithm with its base in its name
_LOG_BASE = re.compile(r"(log|Log)(_?)(\d+|e)$")
_LOG_SUB_ARG = re.compile(r"(log|Log)(_)(\d+)[^\W\d]")
_LOG_BASE_AFTER = re.compile(r"(?<=.)(log|Log)(_?\d+|_e)$")
_LOG_SUB_AFTER = re.compile(r"(?<=.)(log|Log)_\d+[^\W\d]")

# words that are functions only right before a bracket, since they are also common
# symbols: σ(z) is the sigmoid but σ² a variance; γ, ψ, C likewise
_NEEDS_BRACKET = frozenset({"sigma", "gamma", "Gamma", "psi", "C"})

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
    base: object = None  # a logarithm's base (int or "e") written in its name


def _describe(ch: str) -> str:
    if ch == "\x00":
        return "a NUL byte"
    if not ch.isprintable() or ch.isspace():
        return f"the character {ch!r}"
    return f"'{ch}'"


def name_variants(name: str) -> set[str]:
    """The spellings that mean a declared name: ``sigma2`` is also ``sigma_2`` (σ₂)."""
    out = {name}
    plain = name.replace("_", "")
    m = re.fullmatch(r"([A-Za-z]+?)_?(\d+)", name)
    if m:
        out.add(f"{m.group(1)}_{m.group(2)}")
        out.add(m.group(1) + m.group(2))
    elif re.fullmatch(r"[A-Za-z]+_[A-Za-z0-9]+", name):
        out.add(plain)
    return out


_NORM_POWER_FIRST = re.compile(r"([‖|])\^(\d+|\(\d+\))_(\d+)")


class _Lexer:
    def __init__(self, text: str, names: frozenset[str], functions: frozenset[str],
                 matrices: frozenset[str], warnings: list[str] | None):
        # ‖v‖²₂ / \|v\|^2_2: the square written before the norm's subscript, as LaTeX allows;
        # read as ‖v‖₂² (the same length, so positions in messages still hold; a typed
        # superscript ² arrives here as ^(2))
        self.text = _NORM_POWER_FIRST.sub(r"\1_\3^\2", text)
        self.names = names
        self.functions = functions
        self.matrices = matrices
        self.warnings = warnings
        self.notes: list[str] = []  # why the reading may surprise (a warning once parsed)
        # word -> (token kind, canonical value)
        words: dict[str, tuple[str, str]] = {}
        for f in functions:
            words[f] = (_FUNC, f)
        for alias, f in ALIASES.items():
            if f in functions:
                words[alias] = (_FUNC, f)
        if "sigmoid" in functions:
            # σ(…) is the sigmoid only when σ is not a declared symbol, and only before a
            # bracket (σ² or σ/√n is the symbol σ, which then must be declared)
            words["sigma"] = (_FUNC, "sigmoid")
        for c in CONSTANTS:
            words[c] = (_CONST, c)
        if matrices:
            words["I"] = (_IDENT, "I")
            words["T"] = (_T, "T")
        variants: dict[str, set[str]] = {}
        for n in names:
            for v in name_variants(n):
                variants.setdefault(v, set()).add(n)
        for v, owners in variants.items():
            if len(owners) == 1 and v not in names:
                words[v] = (_NAME, next(iter(owners)))
        for n in names:
            words[n] = (_NAME, n)
        self.words = words
        # a word is at most this many characters, so a letter run splits in linear time
        self.longest = max((len(w) for w in words), default=1)

    def tokens(self) -> list[_Tok]:
        text = self.text
        out: list[_Tok] = []
        i = 0
        n = len(text)
        depth = 0
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
            if ch == "@" and self.matrices:  # numpy's matrix product: X @ w
                out.append(_Tok(_OP, "*", i, i + 1, "@"))
                i += 1
                continue
            if ch in _CHAR_OPS:
                op = _CHAR_OPS[ch]
                if op == "sqrt":
                    out.append(_Tok(_FUNC, "sqrt", i, i + 1, "√"))
                elif op == "," and depth == 0:
                    raise self._comma(out, i)
                else:
                    depth += op == "("
                    depth -= op == ")"
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
            if (ch == "_" and out and out[-1].kind == _OP and out[-1].value in ("|", "‖")
                    and out[-1].end == i):
                # ‖v‖_2 (‖v‖₂): the subscript of a norm, which the parser reads
                m = re.compile(r"_(\d+)").match(text, i)
                if m is not None:
                    out.append(_Tok(_OP, "_" + m.group(1), i, m.end(), m.group(0)))
                    i = m.end()
                    continue
            if ch.isascii() and (ch.isalpha() or ch == "_") or ch in GREEK:
                j = i
                while j < n and ((text[j].isascii() and (text[j].isalnum() or text[j] == "_"))
                                 or text[j] in GREEK):
                    j += 1
                if (ch == "T" and self.words.get("T", ("",))[0] == _T and out
                        and out[-1].kind == _OP and out[-1].value == "^"):
                    # X^T... : the T of a transpose, the rest of the run follows
                    out.append(_Tok(_T, "T", i, i + 1, "T"))
                    i += 1
                    if i == j:
                        continue
                out.extend(self._run(i, j))
                i = j
                continue
            if ch in "∑Σ":
                raise ParseError(self._sum_message(), i, fix=(i, n))
            if ch == "∞":
                raise ParseError("'∞' is not a number that can be given as an answer", i)
            if ch in "[]":
                raise self._square_bracket(i)
            if ch in "={}<>":
                raise ParseError(f"{_describe(ch)} is not understood", i)
            if ch == "." and text.startswith(".T", i) and out and out[-1].kind == _NAME \
                    and not text[i + 2:i + 3].isalnum():
                raise ParseError("'.T' is code; a transpose is written Xᵀ, X^T or X'", i,
                                 fix=(i, i + 2))
            if ch == ".":
                raise ParseError("'.' is not understood here (attribute access is not allowed)", i)
            if "\u0300" <= ch <= "\u036f":
                raise ParseError(f"the accent {_describe(ch)} is not understood; type the "
                                 "card's name for the symbol", i, fix=(max(i - 1, 0), i + 1))
            raise ParseError(f"{_describe(ch)} is not understood", i)
        out.append(_Tok(_END, None, n, n, ""))
        self._e_notation(out)
        return out

    def _e_notation(self, toks: list[_Tok]) -> None:
        """2.5 e−3 (a space in a number's exponent) is refused, not read as 2.5·e − 3;
        2.5e⁻³ is read as 2.5·e⁻³, with a warning."""
        for k in range(len(toks) - 3):  # the last is the end
            num, e, nxt = toks[k], toks[k + 1], toks[k + 2]
            if num.kind != _NUM or e.kind != _CONST or e.text != "e":
                continue
            dig = toks[k + 3]
            if nxt.kind == _OP and nxt.value == "^" and num.end == e.pos == nxt.pos - 1:
                # 2.5e⁻³ (2.5e^(-3) once normalized), 2.5e^-3
                self.notes.append(f"'{num.text}e' then a power is e (2.71828…) to that "
                                  f"power, not a power of 10 (2.5e-3 is 2.5×10⁻³)")
                continue
            if (nxt.kind == _OP and nxt.value in ("+", "-") and dig.kind == _NUM
                    and dig.text.isdigit() and (nxt.pos == e.end or dig.pos == nxt.end)):
                sign = "-" if nxt.value == "-" else "+"
                raise ParseError(
                    f"'{self.text[num.pos:dig.end]}' can be read two ways: {num.text}·e {sign} "
                    f"{dig.text} (e = 2.71828…) or {num.text}×10^{sign}{dig.text}; type "
                    f"{num.text}e{sign}{dig.text} for that one, without spaces",
                    num.pos, fix=(num.pos, dig.end))

    def _square_bracket(self, i: int) -> ParseError:
        """What ``[`` or ``]`` would mean, and how to write that: a vector (or list) is
        not written entry by entry; round brackets group."""
        text = self.text
        depth, j, listed = 0, i, False
        while text[i] == "[" and j < len(text):  # a comma inside the brackets: a list
            depth += {"[": 1, "(": 1, "]": -1, ")": -1}.get(text[j], 0)
            if depth == 0:
                break
            listed = listed or (text[j] == "," and depth == 1)
            j += 1
        if listed and self.matrices:
            shown = ", ".join(sorted(self.matrices))
            return ParseError(
                f"'[' is not understood: a vector or matrix is not written entry by entry "
                f"in [ ]; write it as a formula of this card's vectors and matrices "
                f"({shown})", i, fix=(i, min(j + 1, len(text))))
        if listed:
            what = "one formula" if self.names else "one number"
            return ParseError(
                f"'[' is not understood: [a, b] would be a list (a vector), and this card "
                f"asks for {what}", i, fix=(i, min(j + 1, len(text))))
        return ParseError(f"{_describe(text[i])} is not understood: brackets that group are "
                          "round, as in 2(x + 1)", i)

    def _comma(self, out: list[_Tok], i: int) -> ParseError:
        text = self.text
        m = re.match(r"\d+", text[i + 1:])
        if out and out[-1].kind == _NUM and m and out[-1].end == i:
            a, b = out[-1].text, m.group(0)
            shown = f"{a},{b}"
            if len(b) == 3:
                hint = (f"use '.' for a decimal point ({a}.{b}) and no separator between "
                        f"thousands ({a}{b})")
            else:
                hint = f"use '.' for a decimal point ({a}.{b})"
            return ParseError(f"'{shown}' is not a number: {hint}", out[-1].pos,
                              fix=(out[-1].pos, i + 1 + len(b)))
        return ParseError("',' only separates a function's arguments, as in max(a, b)", i)

    def _sum_message(self) -> str:
        declared = sorted(self.names)
        msg = ("sums over an index (Σ xᵢ) are not supported; write the answer with the "
               "card's symbols")
        if declared:
            msg += " (" + ", ".join(declared) + ")"
        return msg

    def _number(self, s: str, pos: int) -> _Tok:
        s = s.translate(_MINUS_TO_ASCII)
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

    def _next_char(self, j: int) -> str:
        """The first character at or after ``j`` that is not a space ('' at the end)."""
        text = self.text
        while j < len(text) and text[j] in _SPACES:
            j += 1
        return text[j] if j < len(text) else ""

    def _run(self, start: int, end: int) -> list[_Tok]:
        """Split a run of letters/digits/underscores/Greek into known words."""
        text = self.text
        # pieces: (name-fragment, source start, source end)
        pieces: list[tuple[str, int, int]] = []
        for k in range(start, end):
            ch = text[k]
            pieces.append((GREEK.get(ch, ch), k, k + 1))
        full = "".join(p[0] for p in pieces)
        src = text[start:end]
        words = self.words
        hit = words.get(full)
        if hit is not None and not (hit[0] == _FUNC and full in _NEEDS_BRACKET
                                    and self._next_char(end) != "("):
            return [_Tok(hit[0], hit[1], start, end, src)]
        if "log" in self.functions and (lb := _LOG_BASE.match(full)) and full not in words:
            return [self._log_base(lb, start, end)]
        if "log" in self.functions and (lb := _LOG_SUB_ARG.match(full)) and full not in words:
            # log₂p (log_2p): a subscript base, then its argument
            cut = start + lb.end(3)
            return [self._log_base(_LOG_BASE.match(full[:lb.end(3)]), start, cut),  # type: ignore[arg-type]
                    *self._run(cut, end)]
        if "log" in self.functions and full not in words and (
                (lb := _LOG_BASE_AFTER.search(full)) or (lb := _LOG_SUB_AFTER.search(full))):
            # λ₁log₂(…), λ₁log₂λ₁: a declared name, then a logarithm with its base (and
            # its argument); where the log starts in the source (Greek is one character)
            offsets, at = {}, 0
            for k, piece in enumerate(pieces):
                offsets[at] = k
                at += len(piece[0])
            if lb.start() in offsets:
                cut = pieces[offsets[lb.start()]][1]
                return [*self._run(start, cut), *self._run(cut, end)]
        if full == "lg" and "log" in self.functions:
            raise ParseError("'lg' is log₁₀ in some books and log₂ in others: type log10(x) "
                             "or log2(x)", start, fix=(start, end))
        if full.startswith("ln") and full[2:].isdigit() and "ln" in self.functions:
            # ln2 is ln 2
            return [_Tok(_FUNC, "ln", start, start + 2, text[start:start + 2]),
                    self._number(full[2:], start + 2)]
        # a run with digits or '_' splits only into declared names that hold them
        # (λ₁ln(…) is λ_1 · ln(…), σ₁σ₂ is σ_1 · σ_2); a bare number never splits off
        indexed = "_" in full or any(c.isdigit() for c in full)
        m = len(pieces)
        longest = self.longest
        # DP over piece boundaries: fewest words, then fewest constants.  A word spans at
        # most `longest` pieces, so this is linear in the length of the run.
        INF = (10**9, 10**9)
        best: list[tuple[int, int]] = [INF] * (m + 1)
        back: list[int] = [-1] * (m + 1)
        best[0] = (0, 0)
        for a in range(m):
            if best[a] == INF:
                continue
            word = ""
            for b in range(a, min(m, a + longest)):
                word += pieces[b][0]
                if len(word) > longest:
                    break
                kw = words.get(word)
                if kw is None or kw[0] == _T:
                    continue
                if kw[0] == _FUNC and word in _NEEDS_BRACKET and not (
                        b + 1 == m and self._next_char(end) == "("):
                    continue
                cost = (best[a][0] + 1, best[a][1] + (0 if kw[0] == _NAME else 1))
                if cost < best[b + 1]:
                    best[b + 1] = cost
                    back[b + 1] = a
        if best[m] == INF or (indexed and best[m][0] < 2):
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
            kind, value = words[word]
            toks.append(_Tok(kind, value, s, e, text[s:e], split=True))
        if len(toks) > 1:
            parts = " · ".join(t.text for t in toks)
            self.notes.append(f"'{src}' is split into {parts}")
        return toks

    def _log_base(self, m: re.Match[str], start: int, end: int) -> _Tok:
        base_text, underscore = m.group(3), m.group(2)
        if not underscore and self._next_char(end) not in ("(", ""):
            if self._next_char(end) not in "+-−)*/^,":
                raise ParseError(
                    f"'{self.text[start:end]}' followed by an argument without brackets is "
                    f"ambiguous: type log{base_text}(x) for the base-{base_text} logarithm or "
                    f"log({base_text})*x", start, fix=(start, end))
        if not underscore and self._next_char(end) != "(":
            # log2 alone is log(2): the logarithm of the number
            raise ParseError(f"'{self.text[start:end]}' alone is ambiguous: type log({base_text}) "
                             f"for the logarithm of {base_text}, or log{base_text}(x)", start,
                             fix=(start, end))
        base: object = "e" if base_text == "e" else int(base_text)
        if base in (0, 1):
            raise ParseError(f"a logarithm to base {base_text} is not defined", start)
        return _Tok(_FUNC, "log", start, end, self.text[start:end], base=base)

    def _unknown_message(self, full: str, src: str) -> str:
        shown = src
        msg = f"'{shown}' is not a declared symbol or a known function"
        if full in ("lambda", "def", "import", "class", "for", "while", "print", "eval",
                    "exec", "open") or full.startswith("_"):
            msg = f"'{shown}' is not allowed (only mathematical expressions are accepted)"
        elif full in ("nan", "inf", "oo", "infinity", "NaN", "Inf"):
            msg = f"'{shown}' is not a number that can be given as an answer"
        elif full in ("Sigma", "sum"):
            return self._sum_message()
        elif re.fullmatch(r"[A-Za-z]+_[ijkn]", full):
            return (f"'{shown}' is an indexed term; " + self._sum_message())
        elif full in _NEEDS_BRACKET and full in self.words:
            msg = (f"'{shown}' is not a declared symbol here ({shown}(…) before a bracket is "
                   "a function)")
        else:
            glued = re.fullmatch(r"(\D+?)(\d+)", full)
            if glued and glued.group(1) in self.names:
                # σ2 on a card with σ: a power or a subscript meant, and neither is σ2
                name, digits = glued.groups()
                shown_name = "".join(GREEK_TO_UNICODE.get(name, name))
                msg += (f" (for {shown_name} to the power {digits} type "
                        f"{shown_name}^{digits}; for {shown_name} times {digits}, "
                        f"{shown_name}*{digits})")
        declared = sorted(self.names)
        if declared:
            msg += "; declared: " + ", ".join(declared)
        return msg
