"""Pilot tests of numeric, symbolic and derivation cards: grade, feedback, rate, undo."""

from __future__ import annotations

from trainer.decks import load_decks
from trainer.exercises import instantiate


def text(app, widget_id: str) -> str:
    return str(app.screen.query_one(f"#{widget_id}").render())


async def wait_graded(app, pilot) -> None:
    # the grading worker hands its verdict to the screen before it completes
    await app.workers.wait_for_complete()
    await pilot.pause()
    assert app.screen.phase != "grading"


async def answer(app, pilot, typed: str) -> None:
    await pilot.press(*typed)
    await pilot.press("enter")
    await wait_graded(app, pilot)


def coin_params(graded_deck):
    card = load_decks([graded_deck]).cards[0]
    return instantiate(card, 0).params


async def test_numeric_right_answer_suggests_good_and_is_stored(make_app, graded_deck, tmp_path):
    p = coin_params(graded_deck)
    app = make_app(graded_deck, tmp_path / "t.db")
    async with app.run_test(size=(80, 24)) as pilot:
        assert f"{p['k']} heads in {p['n']} tosses" in text(app, "prompt")
        # the learner is told how precise a decimal must be
        assert app.screen.query_one("#answer").placeholder.endswith("4 significant figures")
        await answer(app, pilot, f"{p['k']}/{p['n']}")
        assert "correct" in text(app, "verdict") and "incorrect" not in text(app, "verdict")
        assert "Suggested: Good" in text(app, "status")
        await pilot.press("enter")
        await pilot.pause()
    (review,) = app.store.reviews()
    assert (review.rating, review.verdict, review.answer) == (3, "correct", f"{p['k']}/{p['n']}")


async def test_a_known_mistake_shows_its_feedback_and_suggests_again(make_app, graded_deck,
                                                                     tmp_path):
    p = coin_params(graded_deck)
    app = make_app(graded_deck, tmp_path / "t.db")
    async with app.run_test(size=(80, 24)) as pilot:
        await answer(app, pilot, f"({p['k']}+1)/({p['n']}+2)")
        verdict = text(app, "verdict")
        assert "incorrect" in verdict and "posterior mean under a uniform prior" in verdict
        assert "Suggested: Again" in text(app, "status")
        await pilot.press("3")  # the learner overrides the suggestion
        await pilot.pause()
    (review,) = app.store.reviews()
    assert (review.rating, review.verdict) == (3, "incorrect")


async def test_invalid_input_is_explained_and_the_learner_can_retry(make_app, graded_deck,
                                                                    tmp_path):
    p = coin_params(graded_deck)
    app = make_app(graded_deck, tmp_path / "t.db")
    async with app.run_test(size=(80, 24)) as pilot:
        await answer(app, pilot, "k/n")
        assert app.screen.phase == "question"
        assert "'k'" in text(app, "preview")
        assert app.store.reviews() == []
        field = app.screen.query_one("#answer")
        assert field.value == "k/n"  # kept
        assert tuple(field.selection) == (0, 1)  # the name not understood is selected
        await pilot.press("7")  # so typing replaces just it
        assert field.value == "7/n"
        await pilot.press("ctrl+a", "ctrl+k")  # clear the field
        await answer(app, pilot, f"{p['k']}/{p['n']}")
        assert app.screen.phase == "answered"


async def test_a_right_but_coarse_decimal_asks_for_more_digits(make_app, graded_deck,
                                                                tmp_path):
    p = coin_params(graded_deck)
    value = p["k"] / p["n"]
    typed = f"{value:.2g}"
    assert abs(float(typed) - value) > 1e-3 * value  # this draw is not exact at 2 figures
    app = make_app(graded_deck, tmp_path / "t.db")
    async with app.run_test(size=(80, 24)) as pilot:
        await answer(app, pilot, typed)
        assert app.screen.phase == "question"  # not failed: the learner adds digits
        assert "give at least 4" in text(app, "preview")
        assert app.store.reviews() == []
        await pilot.press("ctrl+a", "ctrl+k")
        await answer(app, pilot, f"{value:.4g}")
        assert app.screen.phase == "answered" and "Suggested: Good" in text(app, "status")


async def test_a_syntax_error_keeps_the_answer_and_puts_the_cursor_at_it(make_app, graded_deck,
                                                                         tmp_path):
    app = make_app(graded_deck, tmp_path / "t.db")
    async with app.run_test(size=(80, 24)) as pilot:
        await answer(app, pilot, "(3+1")
        field = app.screen.query_one("#answer")
        assert "at character" in text(app, "preview")
        await pilot.press(")")  # the learner just types the missing bracket
        assert field.value == "(3+1)"


async def test_i_returns_to_the_answer_box_after_escape(make_app, graded_deck, tmp_path):
    app = make_app(graded_deck, tmp_path / "t.db")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("1", "escape")
        field = app.screen.query_one("#answer")
        assert not field.has_focus and "i" in text(app, "status")
        await pilot.press("i", "2")
        assert field.has_focus and field.value == "12"


async def test_symbolic_answer_is_graded_over_its_domains(make_app, graded_deck, tmp_path):
    app = make_app(graded_deck, tmp_path / "t.db")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("escape", "b")  # bury the numeric card
        assert "posterior mode" in text(app, "prompt")
        assert app.screen.query_one("#answer").placeholder.startswith("a formula in ")
        await answer(app, pilot, "(k+α-1)/(n+α+β-2)")
        assert "correct" in text(app, "verdict")
        assert "(k + α − 1)/(n + α + β − 2)" in text(app, "verdict")


async def test_derivation_goes_step_by_step_and_rates_by_steps_right(make_app, graded_deck,
                                                                     tmp_path):
    app = make_app(graded_deck, tmp_path / "t.db")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("escape", "s", "escape", "s")  # suspend the first two cards
        assert "Step 1 of 2" in text(app, "step-prompt")
        await answer(app, pilot, "k log p + (n-k) log(1-p)")
        assert "Step 2 of 2" in text(app, "step-prompt")
        done = text(app, "steps-done")
        assert "Step 1 ✔ correct" in done and len(done.strip().splitlines()) == 1  # brief
        await pilot.pause()
        assert app.screen.query_one("#steps-done").size.height == 1  # no blank line below it
        await answer(app, pilot, "k/p + (n-k)/(1-p)")  # sign error
        assert app.screen.phase == "answered"
        verdict = text(app, "verdict")  # the whole record at the end, both steps
        assert "Step 1" in verdict and "Step 2" in verdict and "reference" in verdict
        assert "Suggested: Hard" in text(app, "status")  # one step of two right
        await pilot.press("enter")
        await pilot.pause()
    (review,) = app.store.reviews()
    assert review.rating == 2 and review.verdict == "incorrect"


async def answer_the_first_step(app, pilot, typed: str) -> None:
    """Suspend the two cards before the derivation, answer its step 1, see step 2."""
    await pilot.press("escape", "s", "escape", "s")
    await answer(app, pilot, typed)
    assert "Step 2 of 2" in text(app, "step-prompt")


async def test_a_wrong_step_line_labels_the_reference_as_such(make_app, graded_deck, tmp_path):
    # "k·log(p) → k·log(p) + (n − k)·log(1 − p)" read as the value of what was typed
    app = make_app(graded_deck, tmp_path / "t.db")
    async with app.run_test(size=(80, 24)) as pilot:
        await answer_the_first_step(app, pilot, "k log p")
        done = text(app, "steps-done")
        assert "Step 1 ✘ incorrect  k·log(p)  reference  k·log(p) + (n − k)·log(1 − p)" in done
        assert "→" not in done


async def test_undo_midway_through_a_derivation_asks_first(make_app, graded_deck, tmp_path):
    app = make_app(graded_deck, tmp_path / "t.db")
    async with app.run_test(size=(80, 24)) as pilot:
        await answer_the_first_step(app, pilot, "k log p + (n-k) log(1-p)")
        await pilot.press("ctrl+z")  # the box is empty, but step 1 is answered
        await pilot.pause()
        assert "Step 2 of 2" in text(app, "step-prompt") and "again" in text(app, "status")
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert "Step 2" not in text(app, "step-prompt")  # the suspension before is undone


async def rate_the_coin_card_good(app, pilot, graded_deck) -> None:
    p = coin_params(graded_deck)
    await answer(app, pilot, f"{p['k']}/{p['n']}")
    await pilot.press("3")
    await pilot.pause()
    assert "posterior mode" in text(app, "prompt")


async def test_undo_after_a_graded_card_shows_it_again(make_app, graded_deck, tmp_path):
    app = make_app(graded_deck, tmp_path / "t.db")
    async with app.run_test(size=(80, 24)) as pilot:
        await rate_the_coin_card_good(app, pilot, graded_deck)
        await pilot.press("escape", "u")
        assert "heads in" in text(app, "prompt")
        assert app.store.reviews() == []


def footer(app) -> dict[str, str]:
    """What the footer shows: key -> description, for the enabled keys."""
    from trainer.tui.widgets.steady_footer import SteadyFooter

    return {e.key: e.description for e in app.screen.query_one(SteadyFooter).entries
            if e.enabled}


async def test_u_undoes_right_after_a_rating_or_a_suspension(make_app, graded_deck, tmp_path):
    app = make_app(graded_deck, tmp_path / "t.db")
    async with app.run_test(size=(80, 24)) as pilot:
        await rate_the_coin_card_good(app, pilot, graded_deck)
        await pilot.pause()
        field = app.screen.query_one("#answer")
        assert not field.has_focus  # the next card's box waits for the first key
        assert footer(app)["u"] == "Undo" and footer(app)["q"] == "Quit"
        await pilot.press("u")  # the footer's key does what it says
        await pilot.pause()
        assert "heads in" in text(app, "prompt")
        assert app.store.reviews() == []
        p = coin_params(graded_deck)  # the undone answer is back in the box, no u typed
        assert app.screen.query_one("#answer").value == f"{p['k']}/{p['n']}"

        await pilot.press("escape", "s")  # suspend the coin card
        await pilot.pause()
        assert "posterior mode" in text(app, "prompt")
        await pilot.press("u")
        await pilot.pause()
        assert "heads in" in text(app, "prompt")
        assert not app.store.card_state("graded/coin")


async def test_the_first_letter_typed_goes_into_the_box_even_a_hidden_key(make_app, graded_deck,
                                                                          tmp_path):
    app = make_app(graded_deck, tmp_path / "t.db")
    async with app.run_test(size=(80, 24)) as pilot:
        await rate_the_coin_card_good(app, pilot, graded_deck)
        await pilot.press("s", "u")  # s (suspend, not in the footer) begins "su…": typed
        field = app.screen.query_one("#answer")
        assert field.has_focus and field.value == "su"
        assert app.store.card_state("graded/map-formula") is None  # not suspended
        await pilot.press("ctrl+z")  # text in the box: the first asks before dropping it
        await pilot.pause()
        assert len(app.store.reviews()) == 1 and "again" in text(app, "status")
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert "heads in" in text(app, "prompt")
        assert app.store.reviews() == []
        p = coin_params(graded_deck)  # its own answer is back, not the "su" of the next card
        assert app.screen.query_one("#answer").value == f"{p['k']}/{p['n']}"


async def test_enter_on_a_waiting_box_goes_into_it_and_asks_before_giving_up(
        make_app, graded_deck, tmp_path):
    app = make_app(graded_deck, tmp_path / "t.db")
    async with app.run_test(size=(80, 24)) as pilot:
        await rate_the_coin_card_good(app, pilot, graded_deck)
        await pilot.press("enter")  # a stray enter after rating throws nothing away
        await pilot.pause()
        assert app.screen.query_one("#answer").has_focus
        assert app.screen.phase == "question" and "press enter again" in text(app, "status")


async def test_suspend_takes_a_graded_card_out(make_app, graded_deck, tmp_path):
    app = make_app(graded_deck, tmp_path / "t.db")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("escape", "s")
        await pilot.pause()
    assert app.store.card_state("graded/coin").suspended


async def test_an_empty_answer_needs_a_second_enter_to_give_up(make_app, graded_deck, tmp_path):
    app = make_app(graded_deck, tmp_path / "t.db")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter")
        assert app.screen.phase == "question"
        assert "press enter again" in text(app, "status")
        await pilot.press("enter")
        await wait_graded(app, pilot)
        assert "no answer given" in text(app, "verdict")
        assert "Suggested: Again" in text(app, "status")


async def test_a_wrong_number_is_told_in_the_precision_words_of_the_box(make_app, graded_deck,
                                                                        tmp_path):
    p = coin_params(graded_deck)
    app = make_app(graded_deck, tmp_path / "t.db")
    async with app.run_test(size=(100, 30)) as pilot:
        box = app.screen.query_one("#answer").placeholder
        assert box == "a number or fraction, to 4 significant figures"
        await answer(app, pilot, f"1/{p['n']}")
        verdict = text(app, "verdict")
        rounded = f"{p['k'] / p['n']:#.4g}"  # what the learner should have typed, 0.6757
        assert f"the reference to 4 significant figures is {rounded}" in verdict
        assert "tolerance" not in verdict


async def test_keys_typed_faster_than_the_box_takes_focus_are_all_typed(make_app, graded_deck,
                                                                        tmp_path):
    """Fast typing or a paste: the keys after the first reach the screen before the first has
    given the box the focus. None may be lost (0.25 once became 0)."""
    from textual import events

    app = make_app(graded_deck, tmp_path / "t.db")
    async with app.run_test(size=(80, 24)) as pilot:
        await rate_the_coin_card_good(app, pilot, graded_deck)
        await pilot.pause()
        field = app.screen.query_one("#answer")
        assert not field.has_focus
        for ch in "0.25":  # all queued at once, as a terminal delivers a burst
            app.post_message(events.Key(ch, ch))
        await pilot.pause()
        assert field.has_focus
        assert field.value == "0.25"


async def test_a_burst_with_an_editing_key_is_applied_in_the_order_typed(make_app, graded_deck,
                                                                         tmp_path):
    """ctrl+u then the new answer, sent at once (tmux, a fast typist): Textual ran the box's
    ctrl+u after the characters that followed it, and the answer was wiped."""
    from textual import events

    p = coin_params(graded_deck)
    app = make_app(graded_deck, tmp_path / "t.db")
    async with app.run_test(size=(80, 24)) as pilot:
        await answer(app, pilot, f"{p['k'] / p['n']:.1g}")  # too few figures: type again
        field = app.screen.query_one("#answer")
        assert field.has_focus and field.value
        typed = f"{p['k']}/{p['n']}"
        for key, char in [("ctrl+u", None), *((c, c) for c in typed), ("left", None),
                          ("backspace", None), ("left", None), ("x", "x")]:
            app.post_message(events.Key("slash" if char == "/" else key, char))
        await pilot.pause()
        *head, last = typed
        assert field.value == "".join(head[:-2]) + "x" + head[-2] + last


async def test_undo_after_a_graded_card_gives_back_the_typed_answer(make_app, graded_deck,
                                                                    tmp_path):
    """The box holds what the learner had typed (it came back empty): enter grades it again,
    or it is mended first."""
    p = coin_params(graded_deck)
    app = make_app(graded_deck, tmp_path / "t.db")
    async with app.run_test(size=(80, 24)) as pilot:
        await rate_the_coin_card_good(app, pilot, graded_deck)
        await pilot.press("escape", "u")
        await pilot.pause()
        assert "heads in" in text(app, "prompt")
        field = app.screen.query_one("#answer")
        assert field.value == f"{p['k']}/{p['n']}"
        await pilot.press("enter")  # enter grades what the box holds
        await wait_graded(app, pilot)
        assert "correct" in text(app, "verdict") and "incorrect" not in text(app, "verdict")
        await pilot.press("3")
        await pilot.pause()
    (review,) = app.store.reviews()
    assert review.answer == f"{p['k']}/{p['n']}"
