"""The key-point matcher pre-ticks what an answer plainly says, and no more."""

from __future__ import annotations

from trainer.interview.matcher import covered_points, match_points, tokens

POINTS = [
    "function of θ with the data fixed",
    "does not integrate to 1 over θ",
    "only ratios matter",
    "a prior is needed for a distribution over θ",
]


def test_symbols_and_their_names_are_the_same_word():
    assert tokens("θ̂ and σ²") == tokens("theta and sigma squared")
    assert "kl" in tokens("the Kullback–Leibler divergence")
    assert "mle" in tokens("maximum likelihood estimator")
    assert "nminus1" in tokens("Bessel's correction") and "nminus1" in tokens("divide by n - 1")


def test_an_answer_that_says_three_points_gets_three_ticks():
    answer = ("The likelihood is p(x|theta) viewed as a function of theta, holding the data "
              "fixed. It need not integrate to one over theta. To get a distribution you need "
              "a prior.")
    assert covered_points(answer, POINTS) == [0, 1, 3]


def test_misspellings_are_forgiven_but_short_words_and_numbers_must_match():
    assert covered_points("only the ratio of likelihods mater", ["only ratios matter"]) == [0]
    assert covered_points("divide by n", ["divide by n-1"]) == []
    assert covered_points("integrates to 2", ["integrates to 1"]) == []


def test_an_unrelated_or_empty_answer_ticks_nothing():
    assert covered_points("", POINTS) == []
    assert covered_points("gradient descent with momentum", POINTS) == []
    (m,) = match_points("ratios", ["only ratios matter"])
    assert not m.covered and m.found == ("ratio",) and m.missing == ("matter",)


def test_x_bar_is_the_sample_mean_however_it_is_written():
    """'lambda hat = 1/xbar' says the rate's MLE is one over the sample mean."""
    points = ["Poisson MLE is the sample mean", "exponential rate MLE is 1 over the sample mean"]
    for bar in ("xbar", "x bar", "x̄", "x̅", "$\\bar{x}$", "\\bar x"):
        answer = f"Poisson: lambda hat = {bar}. Exponential: lambda hat = 1/{bar}."
        assert covered_points(answer, points) == [0, 1], bar
    assert covered_points("Poisson: lambda hat = x", points) == []
