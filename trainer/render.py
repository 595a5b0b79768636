"""Show LaTeX math as readable Unicode through a configured pylatexenc (card text: cardtext)."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

SUPERSCRIPT = dict(zip(
    "0123456789+-−=()nirtTabcdefghklmopsuvwxyzABDEGHIJKLMNOPRUVWαβγδθφχ*′ᵀ⊤",
    "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁻⁼⁽⁾ⁿⁱʳᵗᵀᵃᵇᶜᵈᵉᶠᵍʰᵏˡᵐᵒᵖˢᵘᵛʷˣʸᶻᴬᴮᴰᴱᴳᴴᴵᴶᴷᴸᴹᴺᴼᴾᴿᵁⱽᵂᵅᵝᵞᵟᶿᵠᵡ*′ᵀᵀ",
    strict=True,
))
SUBSCRIPT = dict(zip(
    "0123456789+-−=()aehijklmnoprstuvxβγρφχ",
    "₀₁₂₃₄₅₆₇₈₉₊₋₋₌₍₎ₐₑₕᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓᵦᵧᵨᵩᵪ",
    strict=True,
))
# patterns are compiled (by `re`, once) when math is first rendered, not at import: a
# first card without math need not wait for them
_OPERATOR = r"[+\-−=<>≤≥,/ ]"


def _script(text: str, table: dict[str, str], mark: str) -> str:
    text = text.strip()
    if text and all(ch in table for ch in text):
        return "".join(table[ch] for ch in text)
    if len(text) == 1:
        return mark + text
    if mark == "_" and text.isascii() and text.isalpha():
        # π_ref, p̂_MAP: a one-word label needs no parentheses; the mark after it becomes
        # a space when a letter follows (`π_ref e`, not `π_refe`)
        return mark + text + _WORD_END
    return f"{mark}({text})"


_WORD_END = "\u2060"  # marks the end of a word subscript until the text is assembled
_FRAC_OPEN, _FRAC_CLOSE = "\ue000", "\ue001"  # mark a fraction until the text is assembled
_FUNCTION_WORD = r"\b(?:log|ln|exp|sin|cos|tr|det)"  # words whose argument may follow
_INNER_FRAC = rf"({_FUNCTION_WORD} ?)?\ue000([^\ue000\ue001]*)\ue001"


def _close_fractions(text: str) -> str:
    """A fraction right after a function word is its argument: `log(a/b)`."""
    def repl(m: re.Match[str]) -> str:
        return f"{m.group(1).strip()}({m.group(2)})" if m.group(1) else m.group(2)

    while _FRAC_OPEN in text:
        new = re.sub(_INNER_FRAC, repl, text)
        if new == text:
            return text.replace(_FRAC_OPEN, "").replace(_FRAC_CLOSE, "")
        text = new
    return text

_SCRIPTS = set(SUPERSCRIPT.values()) | set(SUBSCRIPT.values()) | {"̂", "̄", "̃"}


def _group(text: str, *, denominator: bool = False) -> str:
    """Parenthesise a fraction's part when it has more than one term.

    A denominator is kept bare only when it is one number or one symbol (with
    its scripts): `1/2σ²` would read as σ²/2, so it is shown as `1/(2σ²)`.
    """
    text = text.strip()
    if text.startswith("(") and text.rstrip("".join(_SCRIPTS)).endswith(")") \
            and _balanced_outer(text.rstrip("".join(_SCRIPTS))):
        return text  # (1-p) or (1-p)²: already one group
    if re.search(_OPERATOR, text):
        return f"({text})"
    symbol = text[:1].isalpha() and all(ch in _SCRIPTS for ch in text[1:])
    labelled = re.fullmatch(r"[^\W\d_][^\w\s]*_[A-Za-z]+" + _WORD_END + "?", text)  # π_ref
    if denominator and not (text.replace(".", "").isdigit() or symbol or labelled):
        return f"({text})"
    return text


def _balanced_outer(text: str) -> bool:
    """Whether the first '(' closes at the last character."""
    depth = 0
    for i, ch in enumerate(text):
        depth += (ch == "(") - (ch == ")")
        if depth == 0 and i < len(text) - 1:
            return False
    return depth == 0


_LOST_SPACE = r"(?<=[^\s(\[{])([-+=<>≤≥≈∝→⇒]) (?=\S)"


def plural(count: int, word: str) -> str:
    """`1 deck`, `2 decks`, `0 reviews`."""
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def _is_differential(text: str) -> bool:
    """`d`, `∂²`, `dp`, `∂θ²`: a derivative's numerator or denominator in Leibniz notation."""
    if text[:1] not in ("d", "∂") or " " in text:
        return False
    rest = text[1:].lstrip("".join(_SCRIPTS))  # d², ∂²
    return rest == "" or (rest[0].isalpha() and all(ch in _SCRIPTS for ch in rest[1:]))


@lru_cache(maxsize=1)
def _converter() -> Any:
    from pylatexenc import latexwalker, macrospec
    from pylatexenc.latex2text import (
        LatexNodes2Text,
        MacroTextSpec,
        SpecialsTextSpec,
        get_default_latex_context_db,
    )

    parse_db = latexwalker.get_default_latex_context_db().filter_context(keep_categories=None)
    parse_db.add_context_category(
        "trainer-math",
        prepend=True,
        macros=[
            macrospec.MacroSpec("frac", "{{"),
            macrospec.MacroSpec("dfrac", "{{"),
            macrospec.MacroSpec("tfrac", "{{"),
            macrospec.MacroSpec("sqrt", "[{"),
            macrospec.MacroSpec("binom", "{{"),
            macrospec.MacroSpec("mathrm", "{"),
            macrospec.MacroSpec("operatorname", "{"),
            macrospec.MacroSpec("text", "{"),
            macrospec.MacroSpec("mathbf", "{"),
            macrospec.MacroSpec("boldsymbol", "{"),
            macrospec.MacroSpec("mathsf", "{"),
        ],
        specials=[
            macrospec.SpecialsSpec("^", args_parser=macrospec.MacroStandardArgsParser("{")),
            macrospec.SpecialsSpec("_", args_parser=macrospec.MacroStandardArgsParser("{")),
        ],
    )
    text_db = get_default_latex_context_db()
    holder: dict[str, Any] = {}

    def arg(node: Any, i: int) -> str:
        value = node.nodeargd.argnlist[i]
        return "" if value is None else holder["l2t"].nodelist_to_text([value])

    def sup(node: Any, _l2t: Any = None) -> str:
        return _script(arg(node, 0), SUPERSCRIPT, "^")

    def sub(node: Any, _l2t: Any = None) -> str:
        return _script(arg(node, 0), SUBSCRIPT, "_")

    def frac(node: Any, _l2t: Any = None) -> str:
        top, bottom = arg(node, 0).strip(), arg(node, 1).strip()
        if top == "1" and bottom == "2":
            return "½"
        if _is_differential(top) and _is_differential(bottom):
            return f"{top}/{bottom} "  # Leibniz notation: d/dp, ∂²/∂θ²
        # marked, so that `\log\frac{a}{b}` can become log(a/b), not log a/b
        return f"{_FRAC_OPEN}{_group(top)}/{_group(bottom, denominator=True)}{_FRAC_CLOSE} "

    def sqrt(node: Any, _l2t: Any = None) -> str:
        inner = arg(node, 1).strip()
        index = arg(node, 0).strip()
        root = {"3": "∛", "4": "∜"}.get(index, "√")
        simple = len(inner) == 1 or inner.isdigit() or (inner.isascii() and inner.isalpha())
        return root + (inner if simple else f"({inner})")

    def binom(node: Any, _l2t: Any = None) -> str:
        return f"C({arg(node, 0).strip()}, {arg(node, 1).strip()})"

    def plain(node: Any, _l2t: Any = None) -> str:
        return arg(node, 0)

    def word(name: str) -> MacroTextSpec:
        return MacroTextSpec(name, simplify_repl=f" {name} ")

    text_db.add_context_category(
        "trainer-math",
        prepend=True,
        macros=[
            MacroTextSpec("frac", simplify_repl=frac),
            MacroTextSpec("dfrac", simplify_repl=frac),
            MacroTextSpec("tfrac", simplify_repl=frac),
            MacroTextSpec("sqrt", simplify_repl=sqrt),
            MacroTextSpec("binom", simplify_repl=binom),
            *(MacroTextSpec(m, simplify_repl=plain)
              for m in ("mathrm", "operatorname", "text", "mathbf", "boldsymbol", "mathsf")),
            *(word(m) for m in ("log", "exp", "ln", "det", "tr", "max", "min", "sup", "inf",
                                "lim", "sin", "cos", "arg", "argmax", "argmin", "Var", "Cov")),
            MacroTextSpec("|", simplify_repl="‖"),
            MacroTextSpec("lVert", simplify_repl="‖"),
            MacroTextSpec("rVert", simplify_repl="‖"),
            MacroTextSpec("Vert", simplify_repl="‖"),
            MacroTextSpec("lvert", simplify_repl="|"),
            MacroTextSpec("rvert", simplify_repl="|"),
            MacroTextSpec("top", simplify_repl="ᵀ"),
            MacroTextSpec("intercal", simplify_repl="ᵀ"),
            MacroTextSpec("to", simplify_repl=" → "),
            MacroTextSpec("mapsto", simplify_repl=" ↦ "),
            MacroTextSpec("succ", simplify_repl=" ≻ "),
            MacroTextSpec("prec", simplify_repl=" ≺ "),
            MacroTextSpec("rightarrow", simplify_repl=" → "),
            MacroTextSpec("Rightarrow", simplify_repl=" ⇒ "),
            MacroTextSpec("iff", simplify_repl=" ⇔ "),
            MacroTextSpec("le", simplify_repl=" ≤ "),
            MacroTextSpec("leq", simplify_repl=" ≤ "),
            MacroTextSpec("ge", simplify_repl=" ≥ "),
            MacroTextSpec("geq", simplify_repl=" ≥ "),
            MacroTextSpec("ne", simplify_repl=" ≠ "),
            MacroTextSpec("neq", simplify_repl=" ≠ "),
            MacroTextSpec("approx", simplify_repl=" ≈ "),
            MacroTextSpec("sim", simplify_repl=" ∼ "),
            MacroTextSpec("propto", simplify_repl=" ∝ "),
            MacroTextSpec("mid", simplify_repl=" | "),
            MacroTextSpec("cdot", simplify_repl="·"),
            MacroTextSpec("left", simplify_repl=""),
            MacroTextSpec("right", simplify_repl=""),
            MacroTextSpec("big", simplify_repl=""),
            MacroTextSpec("Big", simplify_repl=""),
            MacroTextSpec("bigl", simplify_repl=""),
            MacroTextSpec("bigr", simplify_repl=""),
            MacroTextSpec(";", simplify_repl=" "),
            MacroTextSpec(",", simplify_repl=" "),
            MacroTextSpec("quad", simplify_repl="  "),
            MacroTextSpec("qquad", simplify_repl="    "),
            MacroTextSpec("!", simplify_repl=""),
        ],
        specials=[SpecialsTextSpec("^", simplify_repl=sup),
                  SpecialsTextSpec("_", simplify_repl=sub)],
    )
    l2t = LatexNodes2Text(latex_context=text_db, math_mode="text", strict_latex_spaces=False)
    holder["l2t"] = l2t

    def convert(tex: str) -> str:
        walker = latexwalker.LatexWalker(tex, latex_context=parse_db, tolerant_parsing=True)
        nodes, _, _ = walker.get_latex_nodes()
        return str(l2t.nodelist_to_text(nodes))  # pylatexenc has no type hints

    return convert


@lru_cache(maxsize=4096)
def latex_to_unicode(tex: str) -> str:
    """One LaTeX math snippet as Unicode text: `\\frac{k}{n}` → `k/n`, `\\sigma^2` → `σ²`."""
    try:
        out = _converter()(tex.replace("''", "″").replace("'", "′"))
    except Exception:  # noqa: BLE001 - a display helper must never take the app down
        return tex
    out = _close_fractions(re.sub(r"[ \t]{2,}", " ", out)).strip()
    out = re.sub(rf"({_FUNCTION_WORD}) \(", r"\1(", out)  # log(1-p), not log (1-p)
    out = re.sub(_WORD_END + r"(?=[^\W\d_])", " ", out).replace(_WORD_END, "")
    # `\arg\max_\theta L`: one operator word, its subscript attached, a space after it
    out = re.sub(r"\barg (max|min)\b", r"arg\1", out)
    out = re.sub(r"\b(argmax|argmin|max|min|sup|inf|lim) (_|[\u2080-\u209c\u1d62-\u1d6a\u2c7c]+)",
                 r"\1\2", out)
    out = re.sub(r"\b((?:argmax|argmin|max|min|sup|inf|lim)_(?:\([^)]*\)|\S))(?=[^\s)\]])",
                 r"\1 ", out)
    # `\beta - \mu`: LaTeX eats the space that ends a macro name; put it back before a
    # binary operator that has a space after it, so that it reads `β - μ`, not `β- μ`
    out = re.sub(_LOST_SPACE, r" \1 ", out)
    # set relations read with a space each side, as typeset (`θ ∈ Θ`, not `θ∈Θ`: the space
    # after `\in` is a macro's end, lost, and `\theta\in\Theta` has none to lose)
    out = re.sub(r"\s*([∈∋∉⊂⊆⊃⊇])\s*", r" \1 ", out).strip()
    return re.sub(r" ([)\],.;:])", r"\1", out.replace("( ", "(").replace("[ ", "["))


def render_math(text: str) -> str:
    """Card text (Markdown) as plain Unicode: math rendered, emphasis marks dropped, lists
    with bullets, hand-wrapped lines joined (see `trainer.cardtext`)."""
    from trainer.cardtext import plain

    return plain(text)


def styled_spans(text: str) -> list[tuple[str, str]]:
    """Card text (Markdown) as (piece, style) pairs for the terminal: math as Unicode,
    styles from bold, italic, code and link (see `trainer.cardtext`)."""
    from trainer.cardtext import spans

    return spans(text)
