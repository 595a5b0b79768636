"""An answer with '[' says what the bracket would mean and how to write what was meant."""

from __future__ import annotations

from trainer.grading import Verdict, grade, preview

VECTORS = "X: matrix(6,3); y: matrix(6,1); w: matrix(3,1)"


def test_a_list_on_a_vector_card_says_how_a_vector_is_written() -> None:
    r = grade("X^T y", "[1, 2, 3]", symbols=VECTORS)
    assert r.verdict is Verdict.INVALID
    assert "not written entry by entry" in r.message
    assert "formula of this card's vectors and matrices (X, w, y)" in r.message
    assert r.fix == (0, 9)  # the whole list is selected
    ok, shown = preview("[[1, 2], [3, 4]]", symbols=VECTORS)
    assert not ok and "formula of this card's vectors and matrices (X, w, y)" in shown


def test_a_list_on_a_card_that_asks_for_one_value_says_so() -> None:
    r = grade("2", "[1, 2]")
    assert r.verdict is Verdict.INVALID
    assert "[a, b] would be a list (a vector), and this card asks for one number" in r.message
    r = grade("x", "[x, 2x]", symbols="x: real")
    assert "this card asks for one formula" in r.message


def test_square_brackets_that_group_point_to_round_ones() -> None:
    for answer in ("2[x + 1]", "2(x + 1]", r"\left[x+1\right]"):
        r = grade("2x + 2", answer, symbols="x: real")
        assert r.verdict is Verdict.INVALID
        assert "brackets that group are round, as in 2(x + 1)" in r.message, answer
    assert grade("2x + 2", "2(x + 1)", symbols="x: real").verdict is Verdict.CORRECT
