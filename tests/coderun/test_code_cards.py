"""Code cards: drawn cases, expected values from solvers, checks, mistakes, `try` and `check`."""

from __future__ import annotations

import ast
import json
import math
from pathlib import Path

import pytest

from trainer.cli import main
from trainer.coderun.card import CodeExercise, agree, apart
from trainer.coderun.static import python_loops, signature_of
from trainer.decks import load_text
from trainer.scheduling import AGAIN, GOOD, HARD

DECK = """\
deck: code-test
title: Code test
cards:
  - id: gauss-code
    kind: code
    prompt: Write the Gaussian MLE of the sample x.
    signature: |
      def gaussian_mle(x):
          \"\"\"Return (mean, variance) of the 1-D array x, maximum likelihood.\"\"\"
    params:
      x: normal(2, 1.5, 8, 2)
    solve: tuple(gaussian_mle_mean(x), gaussian_mle_var(x))
    checks: [returns_pair, no_mutation, vectorised]
    mistakes:
      - answer: tuple(gaussian_mle_mean(x), unbiased_var(x))
        feedback: You divided by n - 1; the MLE divides by n.
    reference: |
      import numpy as np

      def gaussian_mle(x):
          mu = float(np.mean(x))
          return mu, float(np.mean((x - mu) ** 2))
  - id: lse-code
    kind: code
    prompt: Write a stable log-sum-exp.
    signature: |
      def logsumexp(z):
          \"\"\"log(sum(exp(z))) of a 1-D array, without overflow.\"\"\"
    params:
      z: normal(0, 3, 5, 2)
    solve: log_sum_exp(z)
    checks: [length_one, stable(z), vectorised]
    mistakes:
      - answer: log_sum_exp_naive(z)
        feedback: Subtract max(z) before exponentiating.
    reference: |
      import numpy as np

      def logsumexp(z):
          m = np.max(z)
          return float(m + np.log(np.sum(np.exp(z - m))))
"""

RIGHT = "import numpy as np\n\ndef gaussian_mle(x):\n    return float(x.mean()), float(x.var())\n"
N_MINUS_1 = ("import numpy as np\n\ndef gaussian_mle(x):\n"
             "    return float(x.mean()), float(x.var(ddof=1))\n")
LOOPED = ("def gaussian_mle(x):\n    n = len(x)\n    m = sum(x) / n\n"
          "    return float(m), float(sum((v - m) ** 2 for v in x) / n)\n")
NAIVE_LSE = "import numpy as np\n\ndef logsumexp(z):\n    return float(np.log(np.sum(np.exp(z))))\n"


@pytest.fixture
def cards():
    deck, problems = load_text(DECK, "code.yaml")
    assert problems == [] and deck is not None
    return {c.id: c for c in deck.cards}


@pytest.fixture
def deck_file(write_deck):
    return write_deck(DECK, "code.yaml")


def test_a_right_solution_passes_every_draw_and_check(cards):
    result = CodeExercise(cards["gauss-code"], 0).run(RIGHT)
    assert result.correct and result.verdict == "correct"
    assert [c.label for c in result.cases] == ["draw 1", "draw 2", "draw 3"]
    assert result.suggested_rating() == GOOD


def test_dividing_by_n_minus_1_fails_every_draw_with_its_feedback(cards):
    result = CodeExercise(cards["gauss-code"], 0).run(N_MINUS_1)
    assert not result.correct
    assert not any(c.passed for c in result.cases)
    assert all(c.passed for c in result.checks)
    assert result.feedback == "You divided by n - 1; the MLE divides by n."
    assert result.suggested_rating() == AGAIN  # no right value: checks alone earn nothing


def test_python_loops_over_the_sample_fail_the_vectorised_check_only(cards):
    result = CodeExercise(cards["gauss-code"], 0).run(LOOPED)
    assert all(c.passed for c in result.cases)
    vectorised = next(c for c in result.checks if c.name == "vectorised")
    assert not vectorised.passed
    assert "line 3" in vectorised.message and "line 4" in vectorised.message
    assert result.suggested_rating() == HARD


def test_the_draws_differ_between_reviews_and_repeat_within_one(cards):
    first = CodeExercise(cards["gauss-code"], 0)
    again = CodeExercise(cards["gauss-code"], 0)
    later = CodeExercise(cards["gauss-code"], 1)
    assert first.params == again.params
    assert first.params != later.params
    assert first.draws[0] != first.draws[1]


def _lookup_table(ex: CodeExercise) -> str:
    """A solution that plays back the outputs a run showed and guesses elsewhere."""
    table = {round(float(c.args[0].sum()), 6): c.expected for c in ex.cases()}
    return (f"import numpy as np\n\nTABLE = {table!r}\n\ndef gaussian_mle(x):\n"
            "    return TABLE.get(round(float(np.sum(x)), 6), (0.0, 1.0))\n")


def test_a_submission_is_graded_on_fresh_draws_a_run_never_showed(cards):
    shown = CodeExercise(cards["gauss-code"], 3)
    graded = shown.graded()
    assert graded.is_graded and not shown.is_graded and graded.graded() is graded
    assert not {tuple(d["x"]) for d in shown.draws} & {tuple(d["x"]) for d in graded.draws}
    # reproducible: the same review grades on the same draws, another review on others
    assert CodeExercise(cards["gauss-code"], 3).graded().draws == graded.draws
    assert CodeExercise(cards["gauss-code"], 4).graded().draws != graded.draws
    cheat = _lookup_table(shown)
    assert shown.run(cheat).correct  # the table of what a run showed passes the run
    result = graded.run(cheat)
    assert result.graded and not result.correct
    assert not any(c.passed for c in result.cases)
    assert graded.run(RIGHT).correct


def test_an_attempt_runs_on_the_shown_draws_and_grades_a_submission_on_fresh_ones(cards):
    from trainer.attempt import Attempt
    from trainer.review import Verdict

    attempt = Attempt(cards["gauss-code"], 2)
    assert attempt.code is not None
    cheat = _lookup_table(attempt.code)
    tried = attempt.run_code(cheat)
    assert tried.correct and not tried.graded and not attempt.answered
    with pytest.raises(ValueError, match="fresh draws"):
        attempt.record_code(cheat, tried)  # what a run showed is never the grade
    outcome = attempt.submit(cheat)
    assert outcome.verdict is Verdict.INCORRECT and attempt.suggested == AGAIN
    assert attempt.code_result is not None and attempt.code_result.graded


def test_the_stable_check_shifts_the_logits_both_ways(cards):
    ex = CodeExercise(cards["lse-code"], 0)
    labels = [c.label for c in ex.cases()]
    assert labels == ["draw 1", "draw 2", "draw 3", "length 1", "z + 1000", "z − 1000",
                      "z ± 1000 (−, +, …)", "z ± 1000 (+, −, …)"]
    shifted = ex.cases()[4]
    assert shifted.expected == pytest.approx(ex.cases()[0].expected + 1000)
    assert len(ex.cases()[3].args[0]) == 1
    # the spread cases put the entries 2000 apart: the largest sets the value
    z = ex.cases()[0].args[0]
    spread = ex.cases()[6].args[0]
    assert list(spread) == pytest.approx([v + (-1000 if i % 2 == 0 else 1000)
                                          for i, v in enumerate(z)])
    assert max(spread) <= ex.cases()[6].expected <= max(spread) + math.log(len(spread))


def test_forgetting_the_max_shift_overflows_only_at_magnitude_1000(cards):
    result = CodeExercise(cards["lse-code"], 0).run(NAIVE_LSE)
    passed = {c.label: c.passed for c in result.cases}
    assert passed == {"draw 1": True, "draw 2": True, "draw 3": True, "length 1": True,
                      "z + 1000": False, "z − 1000": False, "z ± 1000 (−, +, …)": False,
                      "z ± 1000 (+, −, …)": False}
    assert result.feedback == "Subtract max(z) before exponentiating."
    assert result.suggested_rating() == AGAIN  # inf where the card asks for a value


MIN_SHIFT_LSE = ("import numpy as np\n\ndef logsumexp(z):\n    m = np.min(z)\n"
                 "    return float(m + np.log(np.sum(np.exp(z - m))))\n")


def test_shifting_by_the_min_fails_only_when_the_entries_spread_2000_apart(cards):
    # z + 1000 and z - 1000 move every entry alike: any shift (min, mean, first entry)
    # passes them; only a sample whose entries lie far apart tells the max from the others
    result = CodeExercise(cards["lse-code"], 0).run(MIN_SHIFT_LSE)
    failed = [c.label for c in result.cases if not c.passed]
    assert failed == ["z ± 1000 (−, +, …)", "z ± 1000 (+, −, …)"]
    assert not result.correct


def test_a_crash_fails_every_case_and_rates_again(cards):
    result = CodeExercise(cards["gauss-code"], 0).run("def gaussian_mle(x):\n    return 1/0\n")
    assert not any(c.passed for c in result.cases)
    assert "ZeroDivisionError at line 2" in result.cases[0].message
    assert result.suggested_rating() == AGAIN


def test_agree_is_strict_about_shapes_and_kinds():
    import numpy as np

    assert agree((1.0, 2.0), (1.0, 2.0 + 1e-12), 1e-6, 1e-9) == (True, "")
    assert not agree([1.0, 2.0, 3.0], (1.0, 2.0), 1e-6, 1e-9)[0]
    assert not agree(np.array([1.0]), 1.0, 1e-6, 1e-9)[0]
    assert not agree(np.ones((2, 1)), np.ones(2), 1e-6, 1e-9)[0]
    assert not agree(float("nan"), 1.0, 1e-6, 1e-9)[0]
    assert not agree(float("inf"), 1e308, 1e-6, 1e-9)[0]
    assert agree(float("nan"), float("nan"), 1e-6, 1e-9, nan_equal=True)[0]


def test_apart_needs_one_entry_1_percent_of_the_sum_away_or_an_overflow():
    import numpy as np

    assert apart(1.0, 1.03) and not apart(1.0, 1.01) and not apart(0.5, 0.5)
    assert not apart(0.0, 0.0) and apart(0.0, 1e-6) and not apart(0.0, 1e-10, atol=1e-9)
    assert apart((2.0, 1.0), (2.0, 1.5)) and not apart((2.0, 1.0), (2.0, 1.001))
    assert apart(np.array([3.0, 1.0]), np.array([3.0, 1.1]))
    assert not apart(np.array([3.0, 1.0]), np.array([3.001, 1.001]))
    assert apart(float("inf"), 1e300) and apart(float("inf"), float("-inf"))
    assert not apart(float("inf"), float("inf")) and apart((1.0, 2.0), (1.0, 2.0, 3.0))


def _fn(source: str) -> ast.FunctionDef:
    return ast.parse(source).body[0]  # type: ignore[return-value]


@pytest.mark.parametrize("source", [
    "def f(x, lr):\n    for v in x:\n        pass\n",
    "def f(x, lr):\n    n = x.shape[0]\n    for i in range(n):\n        pass\n",
    "def f(x, lr):\n    return [v * 2 for v in x]\n",
    "def f(x, lr):\n    i = 0\n    while i < len(x):\n        i += 1\n",
    "def f(x, lr):\n    return max(x)\n",
    "def f(x, lr):\n    import numpy as np\n    return np.vectorize(lambda v: v)(x)\n",
])
def test_loops_over_the_samples_are_found(source):
    assert python_loops(_fn(source), {0})


@pytest.mark.parametrize("source", [
    "def f(x, lr):\n    for _ in range(100):\n        x = x - lr\n    return x\n",
    "def f(x, lr):\n    import numpy as np\n    return np.max(x) + np.sum(x ** 2)\n",
    "def f(x, lr):\n    steps = 3\n    while steps:\n        steps -= 1\n",
])
def test_loops_over_a_fixed_count_and_numpy_calls_are_not_flagged(source):
    assert python_loops(_fn(source), {0}) == []


def test_a_signature_is_a_def_and_a_docstring_only():
    assert signature_of('def f(x, n):\n    """Doc."""\n') == ("f", ("x", "n"))
    assert signature_of("def f(x):") == ("f", ("x",))
    for bad in ('def f(x):\n    return x\n', "x = 1", "def f(*a):\n    ..."):
        with pytest.raises(ValueError):
            signature_of(bad)


BROKEN = """\
deck: broken-code
title: Broken
cards:
  - id: broken
    kind: code
    prompt: P
    signature: |
      def f(x, m):
          \"\"\"Doc.\"\"\"
    params:
      x: normal(0, 1, 4, 2)
    solve: gaussian_mle_mean(x)
    checks: [vectorized, stable(q)]
    reference: |
      def g(x, m):
          return 1
"""


def test_validate_names_each_problem_of_a_code_card(write_deck, capsys):
    path = write_deck(BROKEN, "broken.yaml")
    assert main(["validate", str(path)]) == 1
    out = capsys.readouterr().out
    assert "the signature's parameters m are not params" in out
    assert "unknown check 'vectorized'" in out
    assert "stable(name) or stable(name, shift, …) names a param" in out
    assert "the reference solution has no `def f`" in out


def test_a_code_card_needs_its_signature_reference_and_solve():
    text = "deck: d\ntitle: T\ncards:\n  - id: c\n    kind: code\n    prompt: P\n"
    _, problems = load_text(text, "d.yaml")
    messages = " ".join(p.message for p in problems)
    for field in ("signature", "reference", "solve"):
        assert f"a code card needs {field!r}" in messages


def test_trainer_try_exit_codes_and_output(deck_file, tmp_path: Path, capsys):
    right, wrong = tmp_path / "right.py", tmp_path / "wrong.py"
    right.write_text(RIGHT)
    wrong.write_text(N_MINUS_1)
    args = ["try", "code-test/gauss-code", "--deck-path", str(deck_file)]
    assert main([*args[:2], str(right), *args[2:]]) == 0
    out = capsys.readouterr().out
    assert "✔ pass  draw 1: x = " in out and out.rstrip().endswith(
        "correct: 3 of 3 cases passed, 3 of 3 checks")
    assert main([*args[:2], str(wrong), *args[2:], "--seed", "4"]) == 1
    out = capsys.readouterr().out
    assert "✘ FAIL  draw 1" in out and "review 4" in out
    assert "feedback: You divided by n - 1" in out
    assert main([*args[:2], str(wrong), *args[2:], "--json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["verdict"] == "incorrect" and len(data["cases"]) == 3
    assert data["cases"][0]["passed"] is False and data["cases"][0]["expected"]


def test_trainer_try_grades_like_a_submission_and_shows_a_run_with_run(cards, deck_file,
                                                                        tmp_path: Path, capsys):
    cheat = tmp_path / "cheat.py"
    cheat.write_text(_lookup_table(CodeExercise(cards["gauss-code"], 5)))
    args = ["try", "code-test/gauss-code", str(cheat), "--deck-path", str(deck_file),
            "--seed", "5"]
    assert main([*args, "--run"]) == 0
    assert "the draws a run shows" in capsys.readouterr().out
    assert main(args) == 1
    assert "the fresh draws a submission is graded on" in capsys.readouterr().out


def test_trainer_try_refuses_bad_usage_with_exit_2(deck_file, tmp_path: Path, capsys):
    bad = tmp_path / "bad.py"
    bad.write_text("def gaussian_mle(x)\n    return x\n")
    other = tmp_path / "other.py"
    other.write_text("def something_else(x):\n    return x\n")
    extra = ["--deck-path", str(deck_file)]
    assert main(["try", "code-test/gauss-code", str(bad), *extra]) == 2
    assert "line 1" in capsys.readouterr().err
    assert main(["try", "code-test/gauss-code", str(other), *extra]) == 2
    assert "no `def gaussian_mle" in capsys.readouterr().err
    assert main(["try", "code-test/nope", str(other), *extra]) == 2
    assert "code-test/gauss-code" in capsys.readouterr().err  # lists the code cards
    assert main(["try", "gauss-code", str(other), *extra]) == 2
    assert main(["try", "code-test/gauss-code", str(tmp_path / "missing.py"), *extra]) == 2


def test_trainer_try_takes_the_deck_file_as_well(deck_file, tmp_path: Path, capsys):
    right = tmp_path / "right.py"
    right.write_text(RIGHT)
    assert main(["try", f"{deck_file}:gauss-code", str(right)]) == 0
    assert "correct: 3 of 3 cases passed" in capsys.readouterr().out
    assert main(["try", "code-test:gauss-code", str(right), "--deck-path", str(deck_file)]) == 0
    capsys.readouterr()
    # a deck with two code cards needs the card's id
    assert main(["try", "code-test", str(right), "--deck-path", str(deck_file)]) == 2
    assert "holds 2 code cards: name one (code-test/gauss-code, code-test/lse-code)" in (
        capsys.readouterr().err)
    one = deck_file.with_name("one.yaml")
    one.write_text(deck_file.read_text().replace("deck: code-test", "deck: one-code")
                   .split("  - id: lse-code")[0])
    assert main(["try", str(one), str(right)]) == 0  # its only code card
    assert main(["try", f"{deck_file}:nope", str(right)]) == 2
    assert "no card 'nope'" in capsys.readouterr().err


def test_trainer_check_proves_code_cards(deck_file, capsys):
    assert main(["check", str(deck_file), "--seeds", "3"]) == 0
    assert "no failures" in capsys.readouterr().out


def test_trainer_check_catches_a_wrong_reference_and_a_mistake_that_is_right(write_deck, capsys):
    bad = DECK.replace("float(np.mean((x - mu) ** 2))", "float(np.var(x, ddof=1))").replace(
        "answer: log_sum_exp_naive(z)", "answer: log_sum_exp(z)")
    path = write_deck(bad, "bad.yaml")
    assert main(["check", str(path), "--seeds", "2"]) == 1
    out = capsys.readouterr().out
    assert "code-test/gauss-code: 2 of 2 draws fail" in out
    assert "the reference solution does not pass: draw 1" in out
    assert "the mistake 'log_sum_exp(z)' passes every case" in out


LAPLACE = """\
deck: slip-test
title: Slip test
cards:
  - id: coin-code
    kind: code
    prompt: The MLE of p from 0/1 outcomes x.
    signature: |
      def bernoulli_mle(x):
          \"\"\"k/n.\"\"\"
    params:
      x: bernoulli(0.5, 2)
    constraints: ["sum(x) == 1"]
    solve: bernoulli_mle(sum(x), len(x))
    checks: [length_one, no_mutation]
    mistakes:
      - answer: beta_bernoulli_mean(sum(x), len(x), 1, 1)
        feedback: That is Laplace's rule.
    reference: |
      import numpy as np

      def bernoulli_mle(x):
          return float(np.mean(x))
"""


def test_trainer_check_refuses_slips_within_1_percent_of_the_reference_or_each_other(
        write_deck, capsys):
    # one head in two flips: (k+1)/(n+2) = 1/2 = k/n on every draw; the length-1 case tells
    # the slip apart (2/3 or 1/3 against 1 or 0), so only the 1% rule sees the draws do not
    path = write_deck(LAPLACE, "slip.yaml")
    assert main(["check", str(path), "--seeds", "2"]) == 1
    out = capsys.readouterr().out
    assert ("the mistake 'beta_bernoulli_mean(sum(x), len(x), 1, 1)' is within 1% of the "
            "reference on draw 1 (0.5 against 0.5") in out
    assert "2 of 2 draws fail" in out
    # two slips far from the reference but 0.2% from each other: which one was it?
    close = LAPLACE.replace(
        "      - answer: beta_bernoulli_mean(sum(x), len(x), 1, 1)\n"
        "        feedback: That is Laplace's rule.\n",
        "      - {answer: '0.6', feedback: One slip.}\n"
        "      - {answer: '0.601', feedback: Another slip.}\n")
    path = write_deck(close, "close.yaml")
    assert main(["check", str(path), "--seeds", "2"]) == 1
    out = capsys.readouterr().out
    assert "the mistakes '0.6' and '0.601' are within 1% of each other on draw 1" in out
    assert "of the reference" not in out
    fixed = LAPLACE.replace('constraints: ["sum(x) == 1"]', 'constraints: ["sum(x) != 1"]')
    assert main(["check", str(write_deck(fixed, "fixed.yaml")), "--seeds", "5"]) == 0


def test_a_slip_only_the_shifted_cases_reveal_is_not_held_to_the_draws(deck_file, capsys):
    # the naive log-sum-exp equals the reference on every draw by design: it is proven by
    # failing at z +- 1000, not refused for meeting the reference elsewhere
    assert main(["check", str(deck_file), "--seeds", "3"]) == 0
    assert "within 1%" not in capsys.readouterr().out


def test_an_attempt_drives_a_code_card_to_the_end_without_textual(cards):
    from trainer.attempt import Attempt
    from trainer.review import Verdict

    attempt = Attempt(cards["gauss-code"], 0)
    assert attempt.is_code and not attempt.answered
    tried = attempt.run_code(N_MINUS_1)  # running records nothing
    assert not tried.correct and not attempt.answered and attempt.logged_answer is None
    outcome = attempt.submit(RIGHT)
    assert attempt.answered and outcome.verdict is Verdict.CORRECT
    assert attempt.suggested == GOOD
    assert attempt.logged_answer == RIGHT  # the review log keeps the submitted code
    assert attempt.record_code(N_MINUS_1, tried) is None  # answered once


def test_a_code_card_exports_its_task_and_worked_solution(cards):
    from trainer.export import note_for

    note = note_for(cards["gauss-code"])
    assert "def gaussian_mle(x):" in note.front and "<pre>" in note.front
    assert "float(np.mean((x - mu) ** 2))" in note.back


def test_first_failure_names_what_stopped_the_run_else_the_first_case_else_a_check():
    from trainer.coderun.card import CaseResult, CheckResult, CodeResult

    ok = CaseResult("draw 1", "x = 1", "(1, 0)", "(1, 0)", True)
    raised = CaseResult("draw 2", "x = 2", "(2, 0)", "error", False, "your function raised "
                        "ZeroDivisionError at line 2")
    differs = CaseResult("draw 3", "x = 3", "(3, 0)", "(3, 1)", False, "item 2 differs")
    loop = CheckResult("vectorised", "vectorised", False, "line 2: a for loop")
    assert CodeResult([ok], [CheckResult("pair", "pair", True)]).first_failure() is None
    assert CodeResult([ok, differs, raised], [loop]).first_failure() == (
        "draw 3: got (3, 1), expected (3, 0) (item 2 differs)")
    assert CodeResult([raised], [loop]).first_failure() == (
        "draw 2: your function raised ZeroDivisionError at line 2")
    assert CodeResult([ok], [loop]).first_failure() == "check vectorised: line 2: a for loop"
    assert CodeResult([], [], fatal="your code has a syntax error").first_failure() == (
        "your code has a syntax error")


def test_a_constraint_that_calls_a_solver_holds_on_every_draw():
    """A code card's constraint may call a solver function (the EM card keeps a component
    from collapsing onto one point with em_step's own output); drawing skipped such a
    constraint as if it named a symbol, so the draws the author excluded still came."""
    text = DECK.replace("      x: normal(2, 1.5, 8, 2)\n",
                        "      x: normal(0, 1.5, 8, 2)\n"
                        "    constraints: [\"gaussian_mle_var(x) > 2\", \"gaussian_mle_mean(x) > 0.2\"]\n",
                        1)
    deck, problems = load_text(text, "code.yaml")
    assert problems == [] and deck is not None
    card = next(c for c in deck.cards if c.id == "gauss-code")
    draws = [p["x"] for review in range(20) for p in CodeExercise(card, review).draws]
    n = len(draws[0])
    means = [sum(x) / n for x in draws]
    variances = [sum((v - m) ** 2 for v in x) / n for x, m in zip(draws, means, strict=True)]
    assert min(variances) > 2 and min(means) > 0.2


DEEP = "import numpy as np\n\ndef gaussian_mle(x):\n    return float(np.mean(x)) + " + "-" * 50000 + "0\n"
LONG_SUM = ("import numpy as np\n\ndef gaussian_mle(x):\n    return float(np.mean(x)) + "
            + "(" * 150 + "0" + ")" * 150 + "+" + "x[0]*0+" * 12000 + "0\n")
TOO_LONG = RIGHT + "# " + "a" * 100_000 + "\n"


@pytest.mark.parametrize(("source", "why"), [
    (DEEP, "nested too deeply"), (LONG_SUM, "nested too deeply"), (TOO_LONG, "longer than 100 KB"),
], ids=["50000 minuses", "12000-term sum", "over 100 KB"])
def test_hostile_nesting_or_size_is_a_clear_verdict_not_a_traceback(cards, source, why):
    from trainer.coderun.card import source_problems

    assert why in source_problems(source, "gaussian_mle")
    result = CodeExercise(cards["gauss-code"], 0).run(source)
    assert not result.correct and result.suggested_rating() == AGAIN
    assert why in (result.fatal or "") or all(
        why in c.message or not c.passed for c in result.checks)
