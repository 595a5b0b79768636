"""Unicode tables the parser reads and the printer writes (Greek, superscripts, operators)."""

from __future__ import annotations

from fractions import Fraction

__all__ = ["CHAR_OPS", "GREEK", "GREEK_TO_UNICODE", "SPACES", "SUBSCRIPTS", "SUPERSCRIPTS",
           "SUPERSCRIPT_LETTERS", "TO_SUB",
           "TO_SUPER", "VULGAR"]

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
# the usual glyph where Unicode has two
GREEK_TO_UNICODE.update({"epsilon": "ε", "theta": "θ", "phi": "φ", "mu": "μ", "sigma": "σ"})

SUPERSCRIPTS = {"⁰": "0", "¹": "1", "²": "2", "³": "3", "⁴": "4", "⁵": "5",
                "⁶": "6", "⁷": "7", "⁸": "8", "⁹": "9"}
TO_SUPER = {v: k for k, v in SUPERSCRIPTS.items()}
TO_SUPER["-"] = "⁻"
TO_SUB = {str(i): chr(0x2080 + i) for i in range(10)}
VULGAR = {"½": Fraction(1, 2), "⅓": Fraction(1, 3), "⅔": Fraction(2, 3),
          "¼": Fraction(1, 4), "¾": Fraction(3, 4), "⅕": Fraction(1, 5),
          "⅙": Fraction(1, 6), "⅛": Fraction(1, 8)}
# minus signs as typed: the minus sign, dashes, and the hyphens word processors put in
MINUSES = "-−–—‐‒"
CHAR_OPS = {"+": "+", "-": "-", "−": "-", "–": "-", "—": "-", "‐": "-", "‒": "-", "*": "*", "∗": "*", "×": "*",
            "·": "*", "⁄": "/",
            "⋅": "*", "∙": "*", "|": "|", "‖": "‖", "∣": "|", "!": "!", "/": "/", "÷": "/", "∕": "/", "^": "^", "(": "(",
            ")": ")", ",": ",", "%": "%", "'": "'", "ᵀ": "'", "√": "sqrt"}
SPACES = " \t\n\r\u00a0\u2009\u200a\u202f"

# subscripts name a symbol (σ₂ is sigma_2, which matches a declared sigma2)
SUBSCRIPTS = {chr(0x2080 + i): str(i) for i in range(10)}
SUBSCRIPTS.update({"ₐ": "a", "ₑ": "e", "ₒ": "o", "ₓ": "x", "ₕ": "h", "ₖ": "k", "ₗ": "l",
                   "ₘ": "m", "ₙ": "n", "ₚ": "p", "ₛ": "s", "ₜ": "t", "ᵢ": "i", "ⱼ": "j",
                   "ᵣ": "r", "ᵤ": "u", "ᵥ": "v", "ᵦ": "β", "ᵧ": "γ", "ᵨ": "ρ", "ᵩ": "φ",
                   "ᵪ": "χ"})
# superscript letters are exponents (λᵏ is λ^k); ᵀ stays a transpose
SUPERSCRIPT_LETTERS = {
    "ᵃ": "a", "ᵇ": "b", "ᶜ": "c", "ᵈ": "d", "ᵉ": "e", "ᶠ": "f", "ᵍ": "g", "ʰ": "h",
    "ⁱ": "i", "ʲ": "j", "ᵏ": "k", "ˡ": "l", "ᵐ": "m", "ⁿ": "n", "ᵒ": "o", "ᵖ": "p",
    "ʳ": "r", "ˢ": "s", "ᵗ": "t", "ᵘ": "u", "ᵛ": "v", "ʷ": "w", "ˣ": "x", "ʸ": "y",
    "ᶻ": "z", "ᴬ": "A", "ᴮ": "B", "ᴰ": "D", "ᴱ": "E", "ᴳ": "G", "ᴴ": "H", "ᴵ": "I",
    "ᴶ": "J", "ᴷ": "K", "ᴸ": "L", "ᴹ": "M", "ᴺ": "N", "ᴼ": "O", "ᴾ": "P", "ᴿ": "R",
    "ᵁ": "U", "ⱽ": "V", "ᵂ": "W", "ᵝ": "β", "ᵞ": "γ", "ᵟ": "δ", "ᵋ": "ε", "ᶿ": "θ",
    "ᶥ": "ι", "ᵠ": "φ", "ᵡ": "χ",
}
