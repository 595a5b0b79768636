"""Which key points a free-text answer plainly covers: a lexical matcher the learner corrects.

The matcher only pre-ticks; the learner's ticks always decide. It is deliberately lexical
(normalised tokens, math symbols read by name, a few synonyms, fuzzy spelling) so that it is
fast, offline and predictable: a key point is ticked when most of its content words appear in
the answer, spelt closely enough.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

# math written as symbols, read as the word a learner would type instead
_SYMBOL_WORDS = {
    "∇": " gradient ", "∂": " derivative ", "∑": " sum ", "Σ": " sum ", "∏": " product ",
    "∞": " infinity ", "≈": " approximately ", "∝": " proportional ", "√": " sqrt ",
    "⁻¹": " inverse ", "^-1": " inverse ", "^{-1}": " inverse ", "²": " squared ", "^2": " squared ",
    "‖": " norm ", "||": " norm ", "≤": " le ", "≥": " ge ", "→": " to ", "⊤": " transpose ",
    "ᵀ": " transpose ", "^T": " transpose ", "∫": " integral ", "𝔼": " expectation ",
    "≻": " preferred ", "±": " plus minus ", "½": " half ", "·": " ", "×": " times ",
    "x\u0304": " sample mean ", "x\u0305": " sample mean ",  # x̄ (a macron or an overline)
}

# phrases folded to one token, in the key point and in the answer alike
_PHRASES: tuple[tuple[str, str], ...] = (
    (r"maximum[ -]a[ -]posteriori( estimat\w*)?", "map"),
    (r"maximum[ -]likelihood( estimat\w*)?", "mle"),
    (r"kullback[ -]+leibler( divergence)?", "kl"),
    (r"cram[eé]r[ -]+rao( lower)?( bound)?", "crlb"),
    (r"fisher[ -]information", "fisherinfo"),
    (r"log[ -]?likelihood", "loglik"),
    (r"negative loglik", "nll"),
    (r"cross[ -]entropy", "crossentropy"),
    (r"log[ -]sum[ -]exp", "logsumexp"),
    (r"posterior mode", "map"),
    (r"n ?- ?1\b", "nminus1"),
    (r"bessel'?s?( correction)?", "nminus1"),
    (r"\bx ?-?bar\b|\bbar ?(?:\{ ?x ?\}|x\b)", "sample mean"),  # xbar, x bar, \bar{x}
    (r"\bexpected value\b", "expectation"),
    (r"\bvar\b", "variance"),
    (r"\bexpected\b|\bexpectation\b|\bmean\b|\baverage\b", "mean"),
    (r"\bi\.?i\.?d\.?\b", "iid"),
    (r"\bzero\b", "0"),
    (r"\bone\b", "1"),
    (r"\btwo\b", "2"),
    (r"\bsgd\b|\bstochastic gradient\b", "sgd"),
)

# words that carry no content in a key point
_STOP = frozenset("""
a an the of to in on for and or is are be by as at it its with from that this than then
into over under what which when where why how not no do does can only one any each via
we you your our their there has have was were will would should may might must so such
""".split())

_TOKEN = re.compile(r"[a-z0-9]+")


@dataclass(frozen=True, slots=True)
class PointMatch:
    """One key point, whether the answer covers it, and the words that were found or missed."""

    point: str
    covered: bool
    found: tuple[str, ...]
    missing: tuple[str, ...]


def _letter_name(ch: str) -> str:
    """A Greek (or other) letter by its name: θ -> theta, so 'theta' and 'θ' agree."""
    try:
        name = unicodedata.name(ch)
    except ValueError:
        return ch
    if "GREEK" in name and "LETTER" in name:
        return f" {name.rsplit(' ', 1)[-1].lower()} "
    return ch


def normalise(text: str) -> str:
    """Lower-case words with math symbols spelt out and phrases folded to single tokens."""
    for symbol, word in _SYMBOL_WORDS.items():  # before NFKC, which reads ² as 2
        text = text.replace(symbol, word)
    text = unicodedata.normalize("NFKC", text)
    text = re.sub("[\u2010-\u2015\u2212]", "-", text)  # dashes and the minus sign
    text = "".join(_letter_name(ch) if ord(ch) > 127 else ch for ch in text)
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    text = text.replace("$", " ").replace("\\", " ")
    for pattern, token in _PHRASES:
        text = re.sub(pattern, f" {token} ", text)
    return text


def _stem(word: str) -> str:
    for suffix, keep in (("ies", "y"), ("ing", ""), ("es", ""), ("ed", ""), ("s", "")):
        if len(word) > len(suffix) + 3 and word.endswith(suffix) and not word.endswith("ss"):
            return word[: -len(suffix)] + keep
    return word


def tokens(text: str) -> list[str]:
    """Content tokens of a text, stemmed, in order."""
    return [_stem(t) for t in _TOKEN.findall(normalise(text)) if t not in _STOP]


def _close(word: str, candidates: Iterable[str]) -> bool:
    from rapidfuzz import fuzz

    if len(word) < 5 or word.isdigit():
        return False  # short words and numbers must match exactly
    return any(fuzz.ratio(word, other) >= 85 for other in candidates if abs(len(other) - len(word)) <= 3)


def match_points(answer: str, points: Sequence[str], *, share: float = 0.5) -> list[PointMatch]:
    """For each key point: covered when at least `share` of its content words are in the answer."""
    said = set(tokens(answer))
    out: list[PointMatch] = []
    for point in points:
        wanted = list(dict.fromkeys(tokens(point)))
        found = tuple(w for w in wanted if w in said or _close(w, said))
        missing = tuple(w for w in wanted if w not in found)
        # numbers and folded formulas (n-1, 1/λ) carry the point: without them it is not said
        essential_missing = any(any(ch.isdigit() for ch in w) for w in missing)
        enough = max(2, share * len(wanted)) if len(wanted) >= 2 else 1
        covered = bool(wanted) and not essential_missing and len(found) >= enough
        out.append(PointMatch(point, covered, found, missing))
    return out


def covered_points(answer: str, points: Sequence[str]) -> list[int]:
    """Indices of the key points the answer covers: the ticks to offer the learner."""
    return [i for i, m in enumerate(match_points(answer, points)) if m.covered]
