"""LaTeX between $…$ is shown as readable Unicode in the terminal."""

from __future__ import annotations

import pytest

from trainer.render import latex_to_unicode, render_math


@pytest.mark.parametrize(
    ("tex", "shown"),
    [
        (r"\hat\theta = \frac{k+\alpha-1}{n+\alpha+\beta-2}", "θ̂ = (k+α-1)/(n+α+β-2)"),
        (r"\beta - \mu", "β - μ"),
        (r"k+\alpha-1", "k+α-1"),
        (r"\frac{d}{dp} \ell(p)", "d/dp ℓ(p)"),
        (r"\frac{\partial^2}{\partial\theta^2}", "∂²/∂θ²"),
        (r"\frac{1}{dp}", "1/(dp)"),
        (r"\sum_{i=1}^n x_i^2", "∑ᵢ₌₁ⁿ xᵢ²"),
        (r"\sigma^2", "σ²"),
        (r"(X^\top X + \lambda I)^{-1} X^\top y", "(XᵀX + λI)⁻¹ Xᵀy"),
        (r"\mathrm{KL}(p \| q)", "KL(p ‖ q)"),
        (r"\frac{1}{2}", "½"),
        (r"\frac{1}{2\sigma^2}", "1/(2σ²)"),
        (r"\frac{x}{\sigma^2}", "x/σ²"),
        (r"\frac{k}{n}", "k/n"),
        (r"\sqrt{n}", "√n"),
        (r"\sqrt{2\pi}", "√(2π)"),
        (r"\le \ne \approx", "≤ ≠ ≈"),
        (r"\pi_{\mathrm{ref}}", "π_ref"),
        (r"\hat p_{\text{MAP}} = x_{ij}", "p̂_MAP = xᵢⱼ"),
        (r"x_{i+1}", "xᵢ₊₁"),
        (r"\pi_{\mathrm{ref}}e^{r/\beta}", "π_ref e^(r/β)"),
        (r"\pi_{\mathrm{ref}}(y \mid x)", "π_ref(y | x)"),
        (r"\arg\max_\theta L(\theta)", "argmax_θ L(θ)"),
        (r"\max_k x_k", "maxₖ xₖ"),
        (r"\beta\log\frac{\pi^*}{\pi_{\mathrm{ref}}}", "β log(π*/π_ref)"),  # not log π*/π_ref
        (r"\log\frac{\sigma_2}{\sigma_1} - \frac12", "log(σ₂/σ₁) - ½"),
        (r"\frac{a}{b} + \exp\frac{r}{\beta}", "a/b + exp(r/β)"),
        (r"\frac{d^2\ell}{dp^2}", "d²ℓ/dp²"),
        (r"\frac{k}{(1-p)^2}", "k/(1-p)²"),
        (r"t \mapsto 1/t", "t ↦ 1/t"),
        (r"k\log(1-p)", "k log(1-p)"),
        (r"\ell'(p) + \ell''(p)", "ℓ′(p) + ℓ″(p)"),
        (r"x_{n, k}", "x_(n, k)"),
        (r"\log p(x \mid \theta)", "log p(x | θ)"),
        (r"\log\binom{n}{k}", "log C(n, k)"),
        (r"\ell''(p)", "ℓ″(p)"),
    ],
)
def test_latex_snippets_read_naturally(tex: str, shown: str):
    assert latex_to_unicode(tex) == shown


def test_only_math_spans_are_converted_and_escaped_dollars_survive():
    assert render_math(r"If $\hat p = k/n$ then costs \$5 and *stays* plain.") == (
        "If p̂ = k/n then costs $5 and stays plain.")  # emphasis marks are dropped


def test_broken_latex_never_raises():
    assert isinstance(render_math(r"$\frac{1}{$ and $\left( x$"), str)


def test_emphasis_outside_math_is_styled_and_stars_in_math_are_kept():
    from trainer.render import render_math, styled_spans

    text = r"the *unbiased* estimate of the **variance**, $\pi^*$ and 2*3*4"
    assert styled_spans(text) == [("the ", ""), ("unbiased", "italic"),
                                  (" estimate of the ", ""), ("variance", "bold"),
                                  (", π* and 2*3*4", "")]
    assert render_math(text) == "the unbiased estimate of the variance, π* and 2*3*4"


def test_hand_wrapped_lines_are_joined_but_deliberate_breaks_kept():
    long = "A coin lands heads 2 times in 60 independent flips. What is the"
    assert render_math(long + "\nmaximum-likelihood estimate?") == (
        long + " maximum-likelihood estimate?")
    assert render_math(long + "\n$\\hat p$?") == long + " p̂?"
    ended = "A coin lands heads 2 times in 60 independent flips, each one fair."
    assert render_math(ended + "\nanswer as a fraction.") == ended + "\nanswer as a fraction."
    assert render_math("x = 1, 2, 3\ny = 4, 5, 6") == "x = 1, 2, 3\ny = 4, 5, 6"  # short lines
    assert render_math(long + "\nMLE of μ?") == long + " MLE of μ?"  # a sentence goes on
    assert render_math(long + "\n- an item") == long + "\n• an item"
    assert render_math(ended + "\nAnswer as a decimal.") == ended + "\nAnswer as a decimal."
    # once joined, the line is long: a third hand-wrapped line joins it too
    assert render_math("Implement one EM iteration for the 1-D mixture of two\n"
                       "Gaussians: the E-step\nresponsibilities.") == (
        "Implement one EM iteration for the 1-D mixture of two Gaussians: the E-step "
        "responsibilities.")
    # a sentence that ends inside brackets or math ends the line too
    assert render_math("The bias is of order 1/n, and it is known in closed form (Cox.)\n"
                       "Next line.") == (
        "The bias is of order 1/n, and it is known in closed form (Cox.)\nNext line.")


@pytest.mark.parametrize(("tex", "shown"), [
    (r"\theta \in \Theta", "θ ∈ Θ"),
    (r"p \in (0,1)", "p ∈ (0,1)"),
    (r"y\in\{0,1\}", "y ∈ {0,1}"),
    (r"\lambda\,\partial|w| \ni 0", "λ ∂|w| ∋ 0"),
    (r"S_{xy}/\lambda \in [-1, 1]", "S_xy/λ ∈ [-1, 1]"),
    (r"\sum_{i \in S} x_i", "∑_(i ∈ S) xᵢ"),
])
def test_a_set_relation_has_a_space_each_side(tex: str, shown: str) -> None:
    assert latex_to_unicode(tex) == shown
