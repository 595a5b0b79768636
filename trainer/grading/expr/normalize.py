"""Text before tokens: Unicode normalised, invisible characters and surrounding words removed, LaTeX rewritten.

Every rewrite keeps a map from each character of the result to the
character of the learner's text it came from, so that an error still points
at what was typed.
"""

from __future__ import annotations

import re
import unicodedata

from trainer.grading.expr.nodes import ParseError
from trainer.grading.expr.unicode import (
    CHAR_OPS,
    GREEK,
    GREEK_TO_UNICODE,
    SUBSCRIPTS,
    SUPERSCRIPT_LETTERS,
    SUPERSCRIPTS,
    VULGAR,
)

__all__ = ["UNITS", "Source", "normalize", "percent_allowed", "strip_unit", "units_asked"]

# characters NFKC must not touch: the parser reads them itself
_KEEP = (set(SUPERSCRIPTS) | set(SUBSCRIPTS) | set(VULGAR) | set(GREEK) | set(CHAR_OPS)
         | set(SUPERSCRIPT_LETTERS) | {"⁻", "⁺", "⁽", "⁾", "√", "≈", "∑", "Σ", "²", "³", "¹",
                                      "‖", "∣"})

_LATEX_WORDS = {
    "cdot": "·", "times": "×", "div": "÷", "ast": "*",
    "left": "", "right": "", "big": "", "Big": "", "bigg": "", "Bigg": "",
    "bigl": "", "bigr": "", "Bigl": "", "Bigr": "",
    "ln": "ln", "log": "log", "exp": "exp", "max": "max", "min": "min", "lg": "lg",
    "sin": "sin", "cos": "cos", "tan": "tan",
    "lvert": "|", "rvert": "|", "vert": "|", "lVert": "‖", "rVert": "‖", "Vert": "‖",
    "mid": "|", "approx": "≈", "sum": "Σ", "prod": "Π", "infty": "∞",
    "top": "ᵀ", "intercal": "ᵀ", "prime": "'",
    "varepsilon": "ε", "epsilon": "ε", "vartheta": "θ", "varphi": "φ", "varsigma": "σ",
    "varpi": "π", "varrho": "ρ",
}
_LATEX_SPACES = {",", ";", ":", "!", " ", "quad", "qquad"}
_LATEX_UNWRAP = {"mathrm", "operatorname", "text", "mathit", "mathbf", "boldsymbol",
                 "mathnormal", "bm", "textrm", "hat", "mathsf", "vec"}
_GREEK_NAMES = {name: ch for name, ch in GREEK_TO_UNICODE.items()}

# unit words an answer may end with, and the unit each names (an information unit is only
# ever accepted when it is the card's own: 0.2373 bits is not 0.2373 nats)
UNITS = {"nats": "nats", "nat": "nats", "bits": "bits", "bit": "bits", "shannons": "bits",
         "shannon": "bits", "hartleys": "hartleys", "hartley": "hartleys", "bans": "hartleys",
         "ban": "hartleys", "dits": "hartleys", "dB": "decibels", "decibels": "decibels",
         "decibel": "decibels"}
_UNITS_ANY_CASE = {k.lower(): v for k, v in UNITS.items()}
_UNIT_NAMES = "|".join(sorted(UNITS, key=len, reverse=True))
# where a card asks for a unit: "in nats", "(nats", "(in bits)"
_ASKED = re.compile(r"(?:\bin\s+|\(\s*(?:in\s+)?)(" + _UNIT_NAMES + r")\b")
# where a card's answer is a probability (or a rate in [0, 1]) and so may be a percentage
_PROBABILITY = re.compile(r"probabilit|percent|%|proportion|responsibilit|mixing weight|"
                          r"conversion rate|click rate|fraction of", re.IGNORECASE)


class Source:
    """Text being rewritten, with where each character came from in the original."""

    __slots__ = ("original", "out", "origin")

    def __init__(self, original: str):
        self.original = original
        self.out: list[str] = []
        self.origin: list[int] = []

    def emit(self, s: str, pos: int) -> None:
        for ch in s:
            self.out.append(ch)
            self.origin.append(pos)

    @property
    def text(self) -> str:
        return "".join(self.out)

    def where(self, i: int) -> int:
        """The original offset of position ``i`` of the result."""
        if not self.origin:
            return 0
        if i >= len(self.origin):
            return len(self.original)
        return self.origin[i]


def _clean(text: str) -> Source:
    """Invisible characters dropped, compatibility forms folded (NFKC) one by one."""
    src = Source(text)
    for i, ch in enumerate(text):
        if ch in _KEEP or ch.isascii():
            src.emit(ch, i)
            continue
        if ch in "′ʹ":  # ℓ′(p): a prime, as the ASCII one
            src.emit("'", i)
            continue
        cat = unicodedata.category(ch)
        if cat == "Cf":  # zero-width space, BOM, direction marks: never meant
            continue
        folded = unicodedata.normalize("NFKC", ch)
        if folded == " " or unicodedata.category(folded[:1] or " ") == "Zs":
            src.emit(" ", i)
            continue
        src.emit(folded, i)
    return src


def _brace_group(text: str, i: int) -> tuple[int, int] | None:
    """``{...}`` starting at ``i``: (inner start, index after the closing brace)."""
    if i >= len(text) or text[i] != "{":
        return None
    depth = 0
    for j in range(i, len(text)):
        if text[j] == "{":
            depth += 1
        elif text[j] == "}":
            depth -= 1
            if depth == 0:
                return (i + 1, j + 1)
    raise ParseError("missing '}' for this '{'", i, fix=(len(text), len(text)))


def _arg(text: str, i: int, what: str) -> tuple[int, int, int]:
    """A LaTeX argument at ``i`` (after spaces): (start, end of inner text, index after)."""
    while i < len(text) and text[i] == " ":
        i += 1
    g = _brace_group(text, i)
    if g is not None:
        return (g[0], g[1] - 1, g[1])
    if i < len(text) and text[i] not in "\\}":
        return (i, i + 1, i + 1)
    m = re.compile(r"\\[A-Za-z]+").match(text, i)
    if m is not None:  # \frac1\lambda: a command is one argument, as in LaTeX
        return (i, m.end(), m.end())
    raise ParseError(f"{what} needs an argument in braces", i)


class _Latex:
    def __init__(self, src: Source):
        self.t = src.text
        self.o = src.origin
        self.res = Source(src.original)

    def at(self, i: int) -> int:
        return self.o[i] if i < len(self.o) else len(self.res.original)

    def run(self, i: int, end: int) -> None:
        t = self.t
        while i < end:
            ch = t[i]
            if ch == "\\":
                i = self.command(i, end)
                continue
            if ch == "^":
                m = re.compile(r"\^\s*(\{\s*(T|\\top|\\intercal|\\mathsf\{T\})\s*\}|\\top|\\intercal)"
                               ).match(t, i)
                if m is not None and m.end() <= end:
                    self.res.emit("ᵀ", self.at(i))  # X^{T}, X^\top: a transpose
                    i = m.end()
                    continue
            if (ch == "^" and i + 2 <= end and t[i + 1:i + 2].isascii() and t[i + 1].isalpha()
                    and t[i + 1] != "T"  # X^T: a transpose, which the lexer reads
                    and not (i + 2 < end and (t[i + 2].isalnum() or t[i + 2] == "_"))):
                # in LaTeX ^k takes the one letter: p^k(1-p) is p^{k}(1-p), not ambiguous
                self.res.emit("^(", self.at(i))
                self.res.emit(t[i + 1], self.at(i + 1))
                self.res.emit(")", self.at(i + 1))
                i += 2
                continue
            if (ch == "^" and i + 2 < end and t[i + 1].isdigit()
                    and not (t[i + 2].isdigit() or t[i + 2] in "._,")
                    and (t[i + 2].isalpha() or t[i + 2] in "\\({")):
                # and the one digit: \sigma^2\tau^2 is σ²τ², \frac{1}{p^2(1-p)} is 1/(p²(1−p));
                # ^23 is left as it was read before (as ^{23}, which the parsed line shows)
                self.res.emit("^(", self.at(i))
                self.res.emit(t[i + 1], self.at(i + 1))
                self.res.emit(")", self.at(i + 1))
                i += 2
                continue
            if ch in "^_" and i + 1 < end and t[i + 1] == "{":
                g = _brace_group(t, i + 1)
                assert g is not None
                if ch == "_":
                    # x_{12} is the name x_12; anything else in a subscript is not a name
                    inner = t[g[0]:g[1] - 1].strip()
                    self.res.emit("_", self.at(i))
                    if not re.fullmatch(r"[A-Za-z0-9]+", inner):
                        raise ParseError(f"the subscript '{inner}' is not understood; "
                                         "subscripts name a symbol, e.g. x_1", self.at(i))
                    self.run(g[0], g[1] - 1)
                else:
                    self.res.emit("^(", self.at(i))
                    self.run(g[0], g[1] - 1)
                    self.res.emit(")", self.at(g[1] - 1))
                i = g[1]
                continue
            if ch == "{":
                self.res.emit("(", self.at(i))
            elif ch == "}":
                self.res.emit(")", self.at(i))
            else:
                self.res.emit(ch, self.at(i))
            i += 1

    def group(self, a: int, b: int, pos: int) -> None:
        self.res.emit("(", pos)
        self.run(a, b)
        self.res.emit(")", pos)

    def command(self, i: int, end: int) -> int:
        t = self.t
        pos = self.at(i)
        j = i + 1
        if j < end and not t[j].isalpha():
            sym = t[j]
            if sym in _LATEX_SPACES:
                self.res.emit(" ", pos)
            elif sym == "|":
                self.res.emit("‖", pos)
            elif sym in "%{}()":
                self.res.emit({"{": "(", "}": ")"}.get(sym, sym), pos)
            else:
                raise ParseError(f"'\\{sym}' is not understood", pos, fix=(pos, self.at(j) + 1))
            return j + 1
        while j < end and t[j].isalpha():
            j += 1
        word = t[i + 1:j]
        if word in ("frac", "dfrac", "tfrac"):
            a0, a1, after = _arg(t, j, "\\frac")
            b0, b1, after = _arg(t, after, "\\frac")
            self.res.emit("(", pos)
            self.group(a0, a1, pos)
            self.res.emit("/", pos)
            self.group(b0, b1, pos)
            self.res.emit(")", pos)
            return after
        if word in ("binom", "dbinom", "tbinom", "choose"):
            if word == "choose":
                raise ParseError("'\\choose' is not understood; write \\binom{n}{k}", pos)
            a0, a1, after = _arg(t, j, "\\binom")
            b0, b1, after = _arg(t, after, "\\binom")
            self.res.emit("binom(", pos)
            self.run(a0, a1)
            self.res.emit(", ", pos)
            self.run(b0, b1)
            self.res.emit(")", pos)
            return after
        if word == "sqrt":
            k = j
            while k < end and t[k] == " ":
                k += 1
            if k < end and t[k] == "[":
                close = t.find("]", k)
                if close < 0:
                    raise ParseError("missing ']' for this '['", self.at(k))
                a0, a1, after = _arg(t, close + 1, "\\sqrt")
                self.res.emit("(", pos)
                self.group(a0, a1, pos)
                self.res.emit("^(1/", pos)
                self.group(k + 1, close, pos)
                self.res.emit("))", pos)
                return after
            a0, a1, after = _arg(t, j, "\\sqrt")
            self.res.emit("sqrt", pos)
            self.group(a0, a1, pos)
            return after
        if word in _LATEX_UNWRAP:
            a0, a1, after = _arg(t, j, f"\\{word}")
            if word == "hat":
                raise ParseError("a hat names an estimate; type the card's name for it "
                                 "(the answer is the formula, not the estimator's name)", pos)
            self.group(a0, a1, pos) if word not in ("mathrm", "operatorname", "text", "textrm",
                                                    "mathit", "mathnormal", "mathsf") \
                else self.run(a0, a1)
            return after
        if word in _LATEX_WORDS:
            self.res.emit(_LATEX_WORDS[word], pos)
            return j
        if word in _LATEX_SPACES:
            self.res.emit(" ", pos)
            return j
        greek = _GREEK_NAMES.get(word)
        if greek is not None:
            self.res.emit(greek, pos)
            return j
        raise ParseError(f"the LaTeX command '\\{word}' is not understood", pos,
                         fix=(pos, self.at(j - 1) + 1))


def _latex(src: Source) -> Source:
    if not any(c in src.text for c in "\\{}"):
        return src
    lx = _Latex(src)
    lx.run(0, len(lx.t))
    return lx.res


def _scripts(src: Source) -> Source:
    """Superscript runs become ``^(…)`` (``λᵏ`` → ``λ^(k)``, ``e⁻λ`` → ``e^-λ``),
    subscripts become ``_`` and plain characters (``σ₂`` → ``σ_2``)."""
    t, o = src.text, src.origin
    if not any(c in SUPERSCRIPT_LETTERS or c in SUBSCRIPTS or c in "⁺⁽⁾" or c in SUPERSCRIPTS
               or c == "⁻" for c in t):
        return src
    res = Source(src.original)
    i, n = 0, len(t)
    sup = {**SUPERSCRIPTS, **SUPERSCRIPT_LETTERS, "⁻": "-", "⁺": "+", "⁽": "(", "⁾": ")"}
    while i < n:
        ch = t[i]
        if ch in sup:
            j = i
            while j < n and t[j] in sup:
                j += 1
            body = "".join(sup[c] for c in t[i:j])
            if body in ("-", "+"):
                # a lone ⁻ before ordinary text: e⁻λ is e^-λ (the exponent is what follows)
                res.emit("^" + body, o[i])
            else:
                res.emit("^(", o[i])
                for k in range(i, j):
                    res.emit(sup[t[k]], o[k])
                res.emit(")", o[j - 1])
            i = j
            continue
        if ch in SUBSCRIPTS:
            j = i
            res.emit("_", o[i])
            while j < n and t[j] in SUBSCRIPTS:
                res.emit(SUBSCRIPTS[t[j]], o[j])
                j += 1
            i = j
            continue
        res.emit(ch, o[i])
        i += 1
    return res


_LHS = re.compile(r"\s*[^\W\d][\w'̂̄̃̇^()\[\],|\s]{0,40}?\s*(:=|~=|=|≈)\s*")
# dℓ/dp =, ∂ℓ/∂θ =, d/dp ℓ(p) =: a derivative named before its value
_DERIV_LHS = re.compile(r"\s*[d∂]\s*(?:[^\W\d][\w']*(?:\([\w,\s]*\))?)?\s*/\s*[d∂]\s*[^\W\d]\w*"
                        r"(?:\s*[^\W\d][\w']*(?:\([\w,\s]*\))?)?\s*(:=|=|≈)\s*")
_NAMEISH = re.compile(r"[^\W\d][\w'̂̄̃̇]*(\^\(?\w+\)?)?(\s*\([\w,\s|;]*\)|\s*\[[\w\s]*\])?\s*")


# ∇L =, ∇_w L(w) =, ∇ℓ =: a gradient named before its value
_GRAD_LHS = re.compile(r"\s*∇\s*(?:_\(?\w+\)?)?\s*(?:[^\W\d][\w']*(?:\([\w,\s]*\))?)?\s*(:=|=|≈)\s*")


def _surroundings(src: Source) -> Source:
    """Drop a leading ``name =``, a leading ``≈``, a trailing period and unit word."""
    t = src.text
    start, end = 0, len(t)
    m = _LHS.match(t)
    d = _DERIV_LHS.match(t) or _GRAD_LHS.match(t)
    if m is not None and _NAMEISH.fullmatch(t[:m.start(1)]) and m.end() < len(t):
        start = m.end()
    elif d is not None and d.end() < len(t):
        start = d.end()
    else:
        k = len(t) - len(t.lstrip())
        if t[k:k + 2] == "~=":  # ~= 0.2373: about, as ≈
            start = k + 2
        elif t[k:k + 1] in ("≈", "=", "~"):  # ~0.2373: about, as ≈
            start = k + 1
    stripped = t[start:].rstrip()
    end = start + len(stripped)
    if stripped.endswith(".") and len(stripped) >= 2:
        # a sentence's full stop ("k/n.", "0.5."; "3." is 3 either way)
        end -= 1
    if "≈" in t[start:end] or re.search(r"(?<![<>!=])=(?!=)", t[start:end]):
        k = min(p for p in (t.find("≈", start, end), t.find("=", start, end)) if p >= 0)
        raise ParseError("write one answer, not an equation: drop what comes before or "
                         "after the '" + t[k] + "'", src.where(k), fix=(src.where(k),
                                                                      src.where(k) + 1))
    res = Source(src.original)
    for i in range(start, end):
        res.emit(t[i], src.origin[i])
    return res


def strip_unit(text: str, words: set[str]) -> tuple[int, int, str]:
    """(where the answer ends, where a trailing unit word starts, the unit it names) for
    ``0.6931 nats``; ``(len(text), len(text), "")`` when there is none.

    Only a known unit word that is not a declared name or function, after a number.
    """
    m = re.search(r"(?<=[\d.%)])\s+([A-Za-z]+)\s*$", text) or re.search(
        r"(?<=[\d.%)])\s*\(\s*([A-Za-z]+)\s*\)\s*$", text)  # 0.2373 (nats)
    if m is None:
        # 0.2373nats: glued, unless the word could be read as declared names (n·a·t·s)
        m = re.search(r"(?<=\d)([A-Za-z]+)\s*$", text)
        if m is not None and any(m.group(1).startswith(w) for w in words):
            return len(text), len(text), ""
    if m is None or m.group(1) in words:
        return len(text), len(text), ""
    # Nats, NATS: a unit word's case does not matter
    unit = UNITS.get(m.group(1)) or _UNITS_ANY_CASE.get(m.group(1).lower())
    if unit is None:
        return len(text), len(text), ""
    return m.start(), m.start(1), unit


def units_asked(prompt: str) -> frozenset[str]:
    """The units a card's prompt asks its answer in (``in nats`` → {"nats"})."""
    return frozenset(UNITS[m.group(1)] for m in _ASKED.finditer(prompt or ""))


def percent_allowed(prompt: str) -> bool:
    """Whether a card's answer may be typed as a percentage: its prompt asks for a
    probability (or a rate of that kind) and for no unit."""
    return bool(_PROBABILITY.search(prompt or "")) and not units_asked(prompt)


# $…$, $$…$$, \(…\), \[…\] and `…` around the whole answer: how maths is marked in
# LaTeX, Markdown and chat
_DELIMITED = re.compile(r"\s*(\$\$|\$|\\\(|\\\[|`)(.*?)(\$\$|\$|\\\)|\\\]|`)\s*\.?\s*",
                        re.DOTALL)
_PAIRS = {"$$": "$$", "$": "$", "\\(": "\\)", "\\[": "\\]", "`": "`"}
# \hat{p} =, \hat\theta_{MAP} =, \widehat{\sigma^2} \approx: an estimate's name before its value
_LATEX_LHS = re.compile(r"\s*\\(?:hat|widehat|tilde|bar)\s*(?:\{[^{}]*\}|\\[A-Za-z]+|\w)"
                        r"(?:\^\{?[\w\\]*\}?)?(?:_\{?[\w\\]*\}?)?\s*(?::=|=|\\approx|≈)\s*")


def _wrapping(src: Source) -> Source:
    """Math delimiters around the answer, and a LaTeX estimate's name before it, dropped."""
    t = src.text
    start, end = 0, len(t)
    m = _DELIMITED.fullmatch(t)
    if m is not None and _PAIRS[m.group(1)] == m.group(3) and m.group(2).strip():
        start, end = m.start(2), m.end(2)
    lhs = _LATEX_LHS.match(t, start)
    if lhs is not None and lhs.end() < end:
        start = lhs.end()
    if (start, end) == (0, len(t)):
        return src
    res = Source(src.original)
    for i in range(start, end):
        res.emit(t[i], src.origin[i])
    return res


def normalize(text: str) -> Source:
    """The text the tokenizer reads, and where each of its characters came from."""
    src = _surroundings(_scripts(_latex(_wrapping(_clean(text)))))
    return src
