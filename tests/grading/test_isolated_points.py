"""Answers wrong at one isolated value only (an integer, k = n, a 1e-9 window) are refused:
random sample points can not find them, the sampler's special and critical points must."""

from __future__ import annotations

import pytest

from trainer.grading import Verdict, grade

# the Beta-Bernoulli MAP card (content/mle_map_exercises.yaml: beta-bernoulli-map-formula)
MAP = "(k + alpha - 1)/(n + alpha + beta - 2)"
MAP_SYMBOLS = {"k": "nonnegative integer", "n": "positive integer", "alpha": "(1, 20)",
               "beta": "(1, 20)"}
WHERE = ["k <= n"]


def grade_map(answer: str):
    return grade(MAP, answer, symbols=MAP_SYMBOLS, where=WHERE)


@pytest.mark.parametrize("factor, at", [("(n-3)/(n-3)", "n = 3"), ("(n-11)/(n-11)", "n = 11"),
                                        ("(k-5)/(k-5)", "k = 5"), ("(n-k)/(n-k)", ""),
                                        ("(n-k-1)/(n-k-1)", ""),
                                        ("(n-40)^2/(n-40)^2", "n = 40"),
                                        ("(2*n-500)/(n-250)/2", "n = 250")])
def test_a_factor_undefined_at_one_integer_is_refused(factor: str, at: str) -> None:
    r = grade_map(f"{MAP}*{factor}")
    assert r.verdict is Verdict.INCORRECT, r.message
    assert "undefined" in r.message and at in r.message


@pytest.mark.parametrize("extra", [
    "max(0, 1 - abs(n - 7))",          # only at n = 7
    "max(0, 1 - abs(k - 7))",          # only at k = 7
    "max(0, 1 - abs(n - 12345))",      # far from any small value
    "max(0, 1 - 10^9*abs(n - k))",     # only at k = n
    "max(0, 1 - 10^9*abs(n - k - 1))",  # only at k = n - 1
    "max(0, 1 - 10^9*abs(k/n - 1))",   # a 1e-9 window at k = n
    "max(0, 1 - 10^9*k)",              # a 1e-9 window at k = 0
    "max(0, 1 - (n - 40)^2)",          # a parabola's top
    "1/(gamma(101 - n)*gamma(n - 99))",  # Γ's poles leave only n = 100
    "max(0, 1 - 10^9*abs(alpha - 3/2))",  # a real window inside (1, 20)
    "min(0, 10^9*abs(beta - 7) - 1)",
])
def test_a_term_nonzero_at_one_point_only_is_refused(extra: str) -> None:
    r = grade_map(f"{MAP} + {extra}")
    assert r.verdict is Verdict.INCORRECT, r.message


@pytest.mark.parametrize("answer", [
    MAP,
    "(alpha - 1 + k)/(beta + n - 2 + alpha)",
    "abs(k + alpha - 1)/(n + alpha + beta - 2)",
    "max(0, k + alpha - 1)/(n + alpha + beta - 2)",
    "(k + alpha - 1)/max(n + alpha + beta - 2, 1/2)",
    "(k + alpha - 1)/(n + alpha + beta - 2) + 0*max(0, 1 - abs(n - 7))",
    "1 - (n - k + beta - 1)/(n + alpha + beta - 2)",
])
def test_right_forms_with_the_same_pieces_are_still_accepted(answer: str) -> None:
    r = grade_map(answer)
    assert r.correct, r.message


def test_every_small_count_is_tried() -> None:
    # wrong only at n = 9: not a special value, rarely drawn at random next to k <= n
    # a cubic piece: no critical value is found for it, only the grid of small counts
    r = grade("k/n", "k/n + max(0, 1 - abs((n - 9)^3))*k", symbols="k: nonnegative integer; "
              "n: positive integer", where=["0 < k <= n"])
    assert r.verdict is Verdict.INCORRECT, r.message
    assert "n = 9" in r.message


def test_a_hostile_max_of_many_arguments_gives_a_bounded_number_of_pieces() -> None:
    # 150 arguments: their pairwise crossings alone would be 11 175 pieces to look at
    from trainer.grading.critical import pieces
    from trainer.grading.expr import parse

    node = parse("max(" + ", ".join(f"n - {i}*k" for i in range(150)) + ")", names={"n", "k"})
    assert 0 < len(pieces(node)) <= 96


def test_critical_values_stop_at_the_deadline() -> None:
    from trainer.grading.critical import critical_values, pieces
    from trainer.grading.domains import parse_symbols
    from trainer.grading.expr import parse

    node = parse("abs(n - 7) + abs(k - 3)", names={"n", "k"})
    domains = parse_symbols("n: positive integer; k: positive integer")
    env = {"n": 12.0, "k": 5.0}
    assert {(name, v) for name, v in critical_values(pieces(node), env, domains)} >= {
        ("n", 7.0), ("k", 3.0)}
    assert list(critical_values(pieces(node), env, domains, deadline=0.0)) == []


SCORE = "k/p - (n - k)/(1 - p)"
SCORE_SYMBOLS = "p: (0,1); k: nonnegative integer; n: positive integer"


@pytest.mark.parametrize("answer", [
    "min(k, 26)/p - (n - min(k, 26))/(1 - p)",          # adversary3 F21: wrong for every k >= 27
    "k/p - (n - k)/(1 - p) + max(0, k - 40)*max(0, n - k - 1)",  # k > 40 with room below n
    "k/p - (n - k)/(1 - p) + max(0, 1 - abs(k - 40))*max(0, n - k - 1)",  # k = 40 only, n > 41
])
def test_large_counts_are_tried_with_room_on_both_sides_of_the_relation(answer: str) -> None:
    r = grade(SCORE, answer, symbols=SCORE_SYMBOLS, where=["k <= n"])
    assert r.verdict is Verdict.INCORRECT, r.message
