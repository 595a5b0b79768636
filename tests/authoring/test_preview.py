"""`trainer preview`: a card's text with drawn numbers, its reference, mistakes and precision."""

from __future__ import annotations

import re

import pytest

from trainer.cli import main
from trainer.config import shipped_deck_dir, user_deck_dir


@pytest.fixture
def starter(capsys):
    """The starter deck with its example cards uncommented, as an author would."""
    assert main(["new", "demo"]) == 0
    capsys.readouterr()
    path = user_deck_dir() / "demo.yaml"
    path.write_text(re.sub(r"(?m)^  # ", "  ", path.read_text(encoding="utf-8")),
                    encoding="utf-8")
    return path


def _number(out: str, label: str) -> float:
    """The number shown after ``label``: its decimal (``16/21 ≈ 0.761905`` -> 0.761905)."""
    shown = re.search(re.escape(label) + r"([^ ]+)(?: ≈ ([^ ]+))?", out)
    assert shown, out
    return float(shown[2] or shown[1])


def _preview(capsys, *args: str) -> str:
    assert main(["preview", *args]) == 0
    return capsys.readouterr().out


def test_a_numeric_card_shows_its_drawn_numbers_reference_mistakes_and_precision(starter,
                                                                                  capsys):
    out = _preview(capsys, f"{starter}:demo-numeric", "--seed", "7")
    drawn = re.search(r"seed 7; params: n = (\d+), k = (\d+)", out)
    assert drawn, out
    n, k = int(drawn[1]), int(drawn[2])
    # the prompt is shown with the drawn numbers and its math as Unicode
    assert f"lands heads {k} times in {n} flips. What is the MLE of p?" in out
    # the reference is k/n and the listed mistake the fraction of tails, each with its value
    assert _number(out, "reference: ") == pytest.approx(k / n, rel=1e-5)
    assert "(asked to 4 significant figures)" in out
    assert _number(out, "mistake (n - k)/n = ") == pytest.approx((n - k) / n, rel=1e-5)
    assert "That is the fraction of tails." in out
    assert "hint: Maximise k log p + (n-k) log(1-p)." in out


def test_the_same_seed_draws_the_same_numbers_and_a_new_seed_other_ones(starter, capsys):
    first = _preview(capsys, f"{starter}:demo-numeric", "--seed", "7")
    again = _preview(capsys, f"{starter}:demo-numeric", "--seed", "7")
    assert first == again
    others = {_preview(capsys, f"{starter}:demo-numeric", "--seed", str(s)) for s in range(8)}
    assert len(others) > 1


def test_a_derivation_shows_every_step_and_a_file_alone_every_card(starter, capsys):
    out = _preview(capsys, str(starter))
    for card in ("demo-recall", "demo-numeric", "demo-symbolic", "demo-derivation", "demo-code"):
        assert f"demo/{card}  (" in out
    assert "step 1 of 2 (symbolic)" in out and "step 2 of 2 (numeric)" in out
    assert "key points\n  - same formula, different argument" in out
    assert "symbols: k: nonnegative integer, n: positive integer" in out


def test_preview_needs_no_database(starter, capsys, isolated_user_dirs):
    _preview(capsys, f"{starter}:demo-derivation")
    assert not (isolated_user_dirs / "trainer.db").exists()


def test_an_unknown_card_or_a_broken_deck_is_a_message_not_a_traceback(starter, write_deck,
                                                                      capsys):
    assert main(["preview", f"{starter}:demo-numerc"]) == 2  # as an unknown deck
    assert capsys.readouterr().err.startswith("trainer: no card 'demo-numerc'")
    broken = write_deck("deck: b\ntitle: B\ncards:\n  - id: x\n    kind: recall\n    prompt: p\n")
    assert main(["preview", str(broken)]) == 1
    err = capsys.readouterr().err
    assert "missing required field 'answer'" in err and "trainer validate" in err
    assert main(["preview", "/no/such/deck.yaml:card"]) == 2


def test_a_code_card_shows_what_the_function_must_return_for_the_drawn_input(starter, capsys):
    out = _preview(capsys, f"{starter}:demo-code", "--seed", "3")
    shown = re.search(r"called with: x = ([\d, ]+)\n", out)
    assert shown, out
    x = [int(v) for v in shown[1].split(", ")]
    assert _number(out, "returns: bernoulli_mle(sum(x), len(x)) = ") == pytest.approx(
        sum(x) / len(x), rel=1e-5)


@pytest.mark.parametrize("deck", sorted(shipped_deck_dir().glob("*.yaml")), ids=lambda p: p.name)
def test_every_shipped_card_previews_with_its_references(deck, capsys):
    out = _preview(capsys, str(deck))
    failing = [ln for ln in out.splitlines()
               if re.match(r"\s*(reference|returns|mistake .*=).*fails", ln)]
    assert failing == []


def test_a_card_is_named_by_its_deck_id_or_its_file(starter, capsys):
    by_file = _preview(capsys, f"{starter}:demo-numeric", "--seed", "3")
    for target in ("demo/demo-numeric", "demo:demo-numeric"):
        assert _preview(capsys, target, "--seed", "3") == by_file
    every = _preview(capsys, "demo", "--seed", "3")
    assert every.count("demo/demo-") == 5 and by_file.strip() in every


def test_a_name_that_is_both_a_file_and_a_deck_is_refused_with_both_readings(
        starter, write_deck, tmp_path, monkeypatch, capsys):
    other = write_deck("deck: other\ntitle: O\ncards:\n  - id: o1\n    kind: recall\n"
                       "    prompt: Q?\n    answer: A.\n", name="other.yaml")
    monkeypatch.chdir(tmp_path)
    (tmp_path / "demo").write_text(other.read_text(encoding="utf-8"), encoding="utf-8")
    assert main(["preview", "demo"]) == 2
    err = capsys.readouterr().err
    assert "demo is ambiguous: the file demo or the deck 'demo'" in err
    assert "write ./demo for the file" in err
    assert "other/o1" in _preview(capsys, "./demo")
    assert main(["preview", "nodeck/x"]) == 2
    assert "no deck file and no deck 'nodeck'" in capsys.readouterr().err


def test_previewing_a_new_deck_with_no_cards_says_so(isolated_user_dirs, capsys):
    assert main(["new", "fresh"]) == 0
    capsys.readouterr()
    assert main(["preview", str(user_deck_dir() / "fresh.yaml")]) == 1
    err = capsys.readouterr().err
    assert "has no cards yet" in err and "None" not in err
