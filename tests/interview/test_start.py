"""The interview's length and scope as typed in the app's start form (and the CLI's default)."""

from __future__ import annotations

from pathlib import Path

import pytest

from trainer.config import Settings, SettingsError, _check
from trainer.decks.model import Card
from trainer.interview.mock import InterviewError
from trainer.interview.start import Length, LengthError, interview_scope, parse_length
from trainer.tui.screens.interview import InterviewScreen
from trainer.tui.screens.interview_start import InterviewStart


def test_a_length_is_questions_or_minutes_and_anything_else_is_explained():
    assert parse_length("6") == Length(questions=6)
    assert parse_length(" 3 questions ") == Length(questions=3)
    assert parse_length("1q") == Length(questions=1)
    assert parse_length("30 min") == Length(minutes=30)
    assert parse_length("45m") == Length(minutes=45)
    assert parse_length("7.5 Minutes") == Length(minutes=7.5)
    assert str(Length(questions=1)) == "1 question" and str(Length(minutes=30)) == "30 minutes"
    with pytest.raises(LengthError, match="'soon': give the length as a number of questions"):
        parse_length("soon")
    with pytest.raises(LengthError, match="'30 hours': 'hours' is not questions or minutes"):
        parse_length("30 hours")
    with pytest.raises(LengthError, match="from 1 to 100 questions, not 0"):
        parse_length("0")
    with pytest.raises(LengthError, match="from 1 to 100 questions, not 2.5"):
        parse_length("2.5 questions")
    with pytest.raises(LengthError, match="at most 240 minutes, not 600"):
        parse_length("600 min")
    assert _check(Settings(interview_length="20 min")).interview_length == "20 min"
    with pytest.raises(SettingsError, match="interview_length: 'a while'"):
        _check(Settings(interview_length="a while"))


def card(deck: str, cid: str, *tags: str) -> Card:
    return Card(deck=deck, id=cid, kind="recall", prompt="?", answer="!", key_points=("k",),
                tags=tags)


def test_the_scope_is_the_setting_narrowed_to_a_deck_and_a_tag():
    cards = [card("a", "x", "kl"), card("a", "y", "map"), card("b", "z", "kl")]
    keys = lambda cs: [c.key for c in cs]  # noqa: E731
    assert keys(interview_scope(cards, "", None, None)) == ["a/x", "a/y", "b/z"]
    assert keys(interview_scope(cards, "", ["a"], "kl")) == ["a/x"]
    assert keys(interview_scope(cards, "deck:b", None, None)) == ["b/z"]
    with pytest.raises(InterviewError, match="no deck c; the decks are: a, b"):
        interview_scope(cards, "", ["c"], None)
    with pytest.raises(InterviewError, match="no card of b in the interview scope has the tag 'map'"):
        interview_scope(cards, "", ["b"], "map")


async def test_the_form_starts_the_interview_asked_for(make_app, recall_deck, tmp_path: Path):
    settings = Settings(interview_length="20 min")
    app = make_app(recall_deck, tmp_path / "t.db", clock=lambda: 1_796_000_000.0,
                   settings=settings)
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.press("I")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, InterviewStart)
        length = form.query_one("#iv-length")
        assert length.value == "20 min"  # the default from the settings
        error = form.query_one("#iv-start-error")
        for typed, tag, said in (("ten", "", "'ten': give the length as a number"),
                                 ("2", "nope", "has the tag 'nope'")):
            length.value = typed
            form.query_one("#iv-tag").value = tag
            await pilot.press("enter")
            assert app.screen is form and said in str(error.render())
        form.query_one("#iv-tag").value = "mle"
        await pilot.press("enter")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, InterviewScreen)
        assert screen.mock.questions == 2 and screen.mock.minutes is None
        assert {c.key for c in screen.mock.cards} == {"basics/likelihood", "basics/log-likelihood"}
        await pilot.press("escape")
        # escape on the form starts nothing; the configured minutes are a timed interview
        await pilot.press("I", "escape")
        assert not isinstance(app.screen, (InterviewStart, InterviewScreen))
        await pilot.press("I")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen.mock.minutes == 20 and app.screen.mock.questions is None


async def test_enter_after_picking_a_deck_starts_on_that_deck(make_app, write_deck,
                                                              tmp_path: Path):
    """The form says enter starts; on the deck list enter opened the list again. Once a
    deck is picked the tag field has the focus, where enter starts."""
    from tests.interview.fixtures import DECK
    from tests.waiting import until

    second = DECK.replace("deck: iv", "deck: other").replace("id: kl", "id: kl2").replace(
        "id: ridge", "id: ridge2")
    write_deck(second, "other.yaml")
    folder = write_deck(DECK).parent  # two decks
    app = make_app(folder, tmp_path / "t.db", clock=lambda: 1_796_000_000.0)
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.press("I")
        await until(pilot, lambda: isinstance(app.screen, InterviewStart), "the form")
        form = app.screen
        deck = form.query_one("#iv-deck")
        await pilot.press("tab", "enter")  # the deck list, opened
        await until(pilot, lambda: deck.expanded, "the deck list")
        await pilot.press("down", "enter")  # every deck, iv, other: iv
        await until(pilot, lambda: form.query_one("#iv-tag").has_focus, "the tag field")
        assert deck.value == "iv"
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, InterviewScreen), "the interview")
        assert {c.deck for c in app.screen.mock.cards} == {"iv"}
