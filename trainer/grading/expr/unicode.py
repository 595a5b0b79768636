"""Unicode tables the parser reads and the printer writes (Greek, superscripts, operators)."""

from __future__ import annotations

from fractions import Fraction

__all__ = ["CHAR_OPS", "GREEK", "GREEK_TO_UNICODE", "SPACES", "SUPERSCRIPTS", "TO_SUB",
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
CHAR_OPS = {"+": "+", "-": "-", "−": "-", "–": "-", "*": "*", "×": "*", "·": "*",
            "⋅": "*", "∙": "*", "/": "/", "÷": "/", "∕": "/", "^": "^", "(": "(",
            ")": ")", ",": ",", "%": "%", "'": "'", "ᵀ": "'", "√": "sqrt"}
SPACES = " \t\n\r\u00a0\u2009\u200a\u202f"
