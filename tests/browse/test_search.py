"""The browser's search language over loaded cards and stored states, and its actions."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from trainer.browse import actions
from trainer.browse.query import QueryError, parse, retrievability
from trainer.browse.search import search, sort_matches
from trainer.cli import main
from trainer.decks import load_decks
from trainer.review import Rating, State
from trainer.scheduling import Scheduler
from trainer.store import Store

NOW = 1_800_000_000.0
DAY = 86400.0

DECK = """\
deck: stats
title: Stats
cards:
  - id: fisher
    kind: recall
    prompt: What is the Fisher information?
    answer: The variance of the score.
    key_points: [curvature of the log-likelihood]
    tags: [mle, kl]
  - id: kl-asym
    kind: recall
    prompt: Is KL divergence symmetric?
    answer: "No."
    tags: [kl]
  - id: bias
    kind: recall
    prompt: Is the MLE of a variance biased?
    answer: Yes, it divides by n.
    tags: [mle]
  - id: coin
    kind: numeric
    prompt: "{{k}} heads in 10 tosses: the MLE of p?"
    params:
      k: randint(1, 9)
    solve: k/10
"""


@pytest.fixture
def world(write_deck, tmp_path: Path):
    path = write_deck(DECK, "stats.yaml")
    cards = load_decks([path]).cards
    store = Store.open(tmp_path / "t.db")
    sched = Scheduler(fuzz=False)
    by_id = {c.id: c for c in cards}
    # fisher: reviewed 20 days ago, good twice (a review card, due soon-ish)
    s = None
    for t in (NOW - 40 * DAY, NOW - 20 * DAY):
        s2 = sched.review(key=by_id["fisher"].key, deck="stats", state=s, rating=Rating.GOOD, now=t,
                          content_hash=by_id["fisher"].content_hash)
        store.record_review(before=s, after=s2, rating=Rating.GOOD, reviewed_at=t)
        s = s2
    # kl-asym: again just now (learning), and its deck text edited since
    k = by_id["kl-asym"]
    s3 = sched.review(key=k.key, deck="stats", state=None, rating=Rating.AGAIN, now=NOW - 60,
                      content_hash="old-hash")
    store.record_review(before=None, after=s3, rating=Rating.AGAIN, reviewed_at=NOW - 60)
    return cards, store


def ids(matches) -> list[str]:
    return [m.card.id for m in matches]


def test_free_text_searches_prompt_answer_and_key_points_in_any_case(world):
    cards, store = world
    assert ids(search(cards, store, "SCORE", NOW)) == ["fisher"]  # answer
    assert ids(search(cards, store, "curvature", NOW)) == ["fisher"]  # key point
    assert ids(search(cards, store, '"divides by n"', NOW)) == ["bias"]  # a quoted phrase
    assert ids(search(cards, store, "divides n", NOW)) == ["bias"]  # words and-ed
    assert ids(search(cards, store, '"by divides"', NOW)) == []


def test_fields_and_negation(world):
    cards, store = world
    assert ids(search(cards, store, "tag:kl", NOW)) == ["fisher", "kl-asym"]
    assert ids(search(cards, store, "tag:kl -tag:mle", NOW)) == ["kl-asym"]
    assert ids(search(cards, store, "kind:numeric", NOW)) == ["coin"]
    assert ids(search(cards, store, "deck:stats -kind:recall", NOW)) == ["coin"]
    assert ids(search(cards, store, "deck:other", NOW)) == []
    assert ids(search(cards, store, "deck:st*", NOW)) == ["fisher", "kl-asym", "bias", "coin"]


def test_states_due_and_retrievability(world):
    cards, store = world
    assert ids(search(cards, store, "is:new", NOW)) == ["bias", "coin"]
    assert ids(search(cards, store, "is:review", NOW)) == ["fisher"]
    assert ids(search(cards, store, "is:learning", NOW)) == ["kl-asym"]
    assert ids(search(cards, store, "-is:new", NOW)) == ["fisher", "kl-asym"]
    assert ids(search(cards, store, "is:edited", NOW)) == ["kl-asym"]
    fisher = store.card_state("stats/fisher")
    days_left = (fisher.due - NOW) / DAY
    assert ids(search(cards, store, f"due:<{days_left + 1:.1f}", NOW)) == ["fisher", "kl-asym"]
    assert ids(search(cards, store, f"due:>{days_left + 1:.1f}", NOW)) == []
    r = retrievability(fisher, NOW)
    # the same figure as the scheduler's own forgetting curve
    assert r == pytest.approx(Scheduler(fuzz=False).retrievability(fisher, NOW))
    assert 0 < r < 1
    assert ids(search(cards, store, f"prop:r<{r + 0.001:.4f}", NOW)) == ["fisher"]
    assert ids(search(cards, store, "prop:r>0.99", NOW)) == ["kl-asym"]  # reviewed just now
    assert ids(search(cards, store, f"prop:r<{r - 0.001:.4f}", NOW)) == []
    assert ids(search(cards, store, "prop:reps=0", NOW)) == ["bias", "coin"]
    assert ids(search(cards, store, "prop:reps>=2", NOW)) == ["fisher"]


@pytest.mark.parametrize("query, message", [
    ("is:sleepy", "is: takes one of"),
    ("kind:essay", "kind: takes one of"),
    ("due:soon", "expected a comparison"),
    ("prop:x<1", "prop: takes one of"),
    ('"unclosed', "unclosed quote"),
    ("deck:", "give a value"),
])
def test_a_bad_query_says_which_word_and_why(query, message):
    with pytest.raises(QueryError, match=message):
        parse(query)


def test_suspend_bury_forget_each_one_transaction_and_undoable(world):
    cards, store = world
    mle = search(cards, store, "tag:mle", NOW)
    change = actions.apply(store, mle, "suspend", NOW)
    assert change.count == 2
    assert ids(search(cards, store, "is:suspended", NOW)) == ["fisher", "bias"]
    # a suspended card keeps its schedule; the new one stays new
    assert store.card_state("stats/fisher").state == State.REVIEW
    assert ids(search(cards, store, "is:new is:suspended", NOW)) == ["bias"]
    again = actions.apply(store, search(cards, store, "tag:mle", NOW), "suspend", NOW)
    assert again.count == 0  # nothing changed the second time
    assert actions.undo_last(store, NOW).action == change.action
    assert ids(search(cards, store, "is:suspended", NOW)) == []
    assert store.card_state("stats/bias") is None  # as it was: no row

    buried = actions.apply(store, search(cards, store, "tag:kl", NOW), "bury", NOW)
    assert ids(search(cards, store, "is:buried", NOW)) == ["fisher", "kl-asym"]
    assert ids(search(cards, store, "is:buried", NOW + 2 * DAY)) == []  # until the next day
    assert actions.undo_last(store, NOW).action == buried.action
    assert ids(search(cards, store, "is:buried", NOW)) == []

    before = store.card_state("stats/fisher")
    forgot = actions.apply(store, search(cards, store, "fisher", NOW), "forget", NOW)
    assert forgot.count == 1
    assert ids(search(cards, store, "is:new", NOW)) == ["fisher", "bias", "coin"]
    assert len(store.reviews("stats/fisher")) == 2  # history kept
    assert actions.undo_last(store, NOW).action == forgot.action
    assert store.card_state("stats/fisher") == before


def test_reschedule_moves_due_to_the_day_and_leaves_new_cards(world):
    cards, store = world
    change = actions.apply(store, search(cards, store, "", NOW), "reschedule", NOW,
                           day_hour=4, due_day=date(2030, 1, 2))
    assert sorted(change.after) == ["stats/fisher", "stats/kl-asym"]
    chosen = search(cards, store, "", NOW)
    assert actions.report(change, chosen) == (
        "reschedule: 2 of 4 changed. 2 new: a new card has no schedule to move (t studies the "
        "chosen cards now).")
    due = store.card_state("stats/fisher").due
    assert ids(search(cards, store, f"due:>{(due - NOW) / DAY - 0.01:.3f}", NOW)) == [
        "fisher", "kl-asym"]


def test_sorting_keeps_missing_values_last(world):
    cards, store = world
    matches = search(cards, store, "", NOW)
    assert ids(sort_matches(matches, "reviews", reverse=True))[:2] == ["fisher", "kl-asym"]
    assert ids(sort_matches(matches, "stability"))[-2:] == ["bias", "coin"]
    assert ids(sort_matches(matches, "stability", reverse=True))[-2:] == ["bias", "coin"]
    assert ids(sort_matches(matches, "id")) == ["bias", "coin", "fisher", "kl-asym"]


def test_cli_lists_as_json_and_acts_reporting_how_many_changed(world, capsys, tmp_path):
    cards, store = world
    path = tmp_path / "decks" / "stats.yaml"
    db = str(tmp_path / "t.db")
    assert main(["cards", "--db", db, "--decks", str(path), "--json", "tag:mle"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [r["id"] for r in rows] == ["fisher", "bias"]
    assert rows[0]["state"] == "review" and rows[0]["reviews"] == 2
    assert rows[1]["state"] == "new" and rows[1]["retrievability"] is None

    assert main(["cards", "--db", db, "--decks", str(path), "tag:mle", "--suspend"]) == 0
    assert capsys.readouterr().out.strip() == "suspended 2 cards (2 matched)"
    assert main(["cards", "--db", db, "--decks", str(path), "is:suspended", "--suspend"]) == 0
    assert capsys.readouterr().out.strip() == "suspended 0 cards (2 matched)"
    assert main(["cards", "--db", db, "--decks", str(path), "is:suspended", "--unsuspend"]) == 0
    assert capsys.readouterr().out.strip() == "unsuspended 2 cards (2 matched)"
    assert main(["cards", "--db", db, "--decks", str(path), "is:review", "--forget"]) == 0
    assert capsys.readouterr().out.strip() == "forgot 1 card (1 matched)"
    assert main(["cards", "--db", db, "--decks", str(path), "-is:new", "--bury"]) == 0
    assert capsys.readouterr().out.strip() == "buried 1 card (1 matched)"
    assert main(["cards", "--db", db, "--decks", str(path), "is:buried", "--unbury"]) == 0
    assert capsys.readouterr().out.strip() == "unburied 1 card (1 matched)"


def test_cli_bad_query_is_a_clear_message(capsys):
    assert main(["cards", "is:sleepy"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("trainer: query: 'is:sleepy': is: takes one of new, learning")
    assert "Traceback" not in err


def test_deck_terms_and_settled_state_terms_give_what_testing_every_card_gives(world):
    """The search reads only the decks a deck: term allows and does not test again what SQL
    settled; the matches are those of testing each card against every term."""
    from trainer.browse.query import TextIndex
    from trainer.decks.model import Card

    cards, store = world
    other = [Card(deck="other", id=f"o{i}", kind="recall", prompt="Fisher?") for i in range(3)]
    everything = list(cards) + other
    index = TextIndex(everything)
    states = store.states(["stats", "other"])
    for text in ("deck:stats is:review", "-deck:stats fisher", "deck:st* is:learning",
                 "deck:other", "is:new -deck:other", "fisher -is:review", "is:review",
                 "tag:kl", "tag:KL is:learning", "-tag:mle deck:stats", "tag:m?e prop:r<0.99",
                 "tag:[km]* -is:edited", "kind:numeric -tag:kl", "tag:kl is:edited"):
        query = parse(text)
        brute = [c.id for c in everything
                 if query.matches(c, states.get(c.key), index.text[c.key], NOW)]
        assert ids(search(index, store, query, NOW)) == brute, text
        assert brute, text  # each query matches some card


def test_retrievability_follows_the_decks_fitted_parameters(world):
    """After `trainer optimize --apply` stored a fit whose forgetting curve decays faster,
    the column (and `trainer cards`), prop:r and the detail's curve follow it, as the
    scheduler does; a fit for another deck changes nothing here."""
    from fsrs.scheduler import DEFAULT_PARAMETERS

    from trainer.browse.history import retrievability_curve
    from trainer.scheduling.fsrs_scheduler import DEFAULT_DECAY
    from trainer.store.fits import StoredFit

    assert DEFAULT_DECAY == DEFAULT_PARAMETERS[20]  # the curve without a fit is fsrs's own
    cards, store = world
    fisher = store.card_state("stats/fisher")
    default_r = search(cards, store, "fisher", NOW)[0].retrievability
    steep = (*DEFAULT_PARAMETERS[:20], 0.6)

    def fit(deck, parameters):
        with store.transaction():
            store.save_fit(StoredFit(deck, tuple(parameters), NOW, 500, 0.3, 0.05, 0.35, 0.07))

    fit("other-deck", steep)
    assert search(cards, store, "fisher", NOW)[0].retrievability == default_r
    for deck in (None, "stats"):  # the collection's fit, then the deck's own over it
        fit(deck, steep if deck else (*DEFAULT_PARAMETERS[:20], 0.3))
        scheduler = Scheduler.with_fitted(store.fitted_parameters(), fuzz=False)
        expected = scheduler.retrievability(fisher, NOW)  # fsrs's own, with the fit
        [match] = search(cards, store, "fisher", NOW)
        assert match.decay == scheduler.decay_for("stats")
        assert match.retrievability == pytest.approx(expected, abs=1e-12)
        assert abs(match.retrievability - default_r) > 0.003  # the fit shows
        assert ids(search(cards, store, f"prop:r<{expected + 0.0005:.4f}", NOW)) == ["fisher"]
        assert ids(search(cards, store, f"prop:r<{expected - 0.0005:.4f}", NOW)) == []
        curve = retrievability_curve(store.reviews("stats/fisher"), NOW, decay=match.decay)
        assert curve[-1][1] == pytest.approx(expected, abs=0.02)


def test_the_first_page_read_in_due_order_is_the_whole_searchs_first_rows(tmp_path):
    """The browser draws `first_page` before the whole search is done: its rows must be
    the whole sorted search's first ones, for any query, either way of sorting, with
    cards never stored, new rows, suspended ones and rows of cards no longer loaded."""
    import random

    from trainer.browse.query import TextIndex
    from trainer.browse.search import first_page
    from trainer.decks.model import Card
    from trainer.store import CardState

    rng = random.Random(5)
    cards = [Card(deck=f"d{i % 3}", id=f"c{i}", kind="recall",
                  prompt="fisher" if i % 7 == 0 else "p", answer="a", tags=(f"t{i % 4}",))
             for i in range(300)]
    store = Store.open(tmp_path / "t.db")
    states: dict[str, CardState | None] = {}
    for i, card in enumerate([*cards, *(Card(deck="d0", id=f"gone{i}", kind="recall",
                                                  prompt="p") for i in range(20))]):
        if i % 5 == 4:
            continue  # never stored: new
        state = State.NEW if i % 11 == 0 else rng.choice([State.LEARNING, State.REVIEW])
        states[card.key] = CardState(
            key=card.key, deck=card.deck, state=state, step=None, stability=rng.uniform(1, 50),
            difficulty=5.0, due=NOW + rng.uniform(-10, 40) * DAY, last_review=NOW - 3 * DAY,
            reps=3, lapses=i % 3, suspended=i % 13 == 0)
    store.write_states(states)
    index = TextIndex(cards)
    for text in ("", "deck:d1", "is:suspended", "fisher", "-is:suspended tag:t2",
                 "due:<3 prop:r<0.95", "is:review -deck:d2 lapses", "prop:lapses>1"):
        for reverse in (False, True):
            whole = sort_matches(search(index, store, text, NOW), "due", reverse=reverse)
            with_due = [m.key for m in whole if m.due is not None]
            for size in (1, 7, 200):
                first = first_page(index, store, text, NOW, "due", reverse=reverse, size=size)
                if not with_due:
                    assert first is None, text
                    continue
                assert first is not None, text
                assert [m.key for m in first] == with_due[:size], (text, reverse, size)
                assert [m.to_dict() for m in first] == [m.to_dict() for m in whole[:len(first)]]
    assert first_page(index, store, "", NOW, "stability") is None  # only due is read so
    with pytest.raises(QueryError):
        first_page(index, store, "is:sleepy", NOW, "due")


def test_the_cli_says_when_a_card_is_due_in_the_rating_keys_units():
    from trainer.browse.cli import _due

    assert _due(NOW + 600, NOW) == "10m"  # a learning step (it said 0h)
    assert _due(NOW + 23.9 * 3600, NOW) == "1d"  # (it said 24h)
    assert _due(NOW + 5 * 3600, NOW) == "5h"
    assert _due(NOW + 40 * DAY, NOW) == "1.3mo"
    assert _due(NOW - 60, NOW) == "now" and _due(None, NOW) == "-"


def test_an_action_without_a_query_is_refused_not_done_to_every_card(world, capsys, tmp_path):
    cards, store = world
    db = str(tmp_path / "t.db")
    path = tmp_path / "decks" / "stats.yaml"
    before = store.card_state("stats/fisher")
    assert main(["cards", "--db", db, "--decks", str(path), "--forget"]) == 2
    assert "--forget needs a query" in capsys.readouterr().err
    assert store.card_state("stats/fisher") == before
    assert main(["cards", "--db", db, "--decks", str(path), "deck:*", "--forget"]) == 0
    assert "forgot 2 cards" in capsys.readouterr().out
