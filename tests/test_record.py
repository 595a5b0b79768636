"""Records (trainer.record): the deck model's plain classes behave as the frozen dataclasses
they replaced: equality, hash, repr, immutability, copy and pickle."""

import copy
import pickle
from dataclasses import FrozenInstanceError

import pytest

from trainer.decks.model import Card, Deck, LoadResult, Mistake, Problem, Step
from trainer.record import field_names


def test_equal_by_fields_but_the_uncompared_ones():
    assert Mistake("1/2", "halved", line=3) == Mistake("1/2", "halved", line=9)
    assert hash(Mistake("1/2", "halved", line=3)) == hash(Mistake("1/2", "halved"))
    assert Mistake("1/2", "halved") != Mistake("1/2", "doubled")
    assert Problem("d.yaml", 1, 1, "c", "m") != Problem("d.yaml", 2, 1, "c", "m")
    # a card's place in its file is part of it (only nested records leave their line out)
    assert Card("d", "c", "recall", "Q?", line=1) != Card("d", "c", "recall", "Q?", line=2)
    assert Card("d", "c", "recall", "Q?") != Deck("d", "c", "p", ())


def test_fields_can_not_be_assigned():
    card = Card("d", "c", "recall", "Q?")
    with pytest.raises(FrozenInstanceError):
        card.prompt = "changed"  # type: ignore[misc]
    with pytest.raises(FrozenInstanceError):
        del card.prompt
    assert card.prompt == "Q?"


def test_defaults_are_fresh_per_record():
    one, two = Step("p", "numeric"), Step("q", "numeric")
    assert one.symbols == {} and one.symbols is not two.symbols
    assert Card("d", "c", "recall", "Q?").tolerance == {}


def test_repr_names_every_field_in_order():
    assert repr(Mistake("a", "b", 4)) == "Mistake(answer='a', feedback='b', line=4)"
    assert repr(Card("d", "c", "recall", "Q?")).startswith(
        "Card(deck='d', id='c', kind='recall', prompt='Q?', answer=None,")
    assert field_names(Deck) == ("id", "title", "path", "cards", "requires", "position")


def test_copy_and_pickle_keep_the_record():
    card = Card("d", "c", "numeric", "Q?", steps=(Step("p", "numeric", mistakes=(
        Mistake("a", "b", 2),)),), symbols={"p": "(0,1)"})
    for clone in (copy.copy(card), copy.deepcopy(card), pickle.loads(pickle.dumps(card))):
        assert clone == card and clone.steps[0].mistakes[0].line == 2


def test_a_load_result_is_mutable_and_compared_by_content():
    result = LoadResult()
    result.decks.append(Deck("d", "D", "d.yaml", ()))
    assert result == LoadResult([Deck("d", "D", "d.yaml", ())])
    assert result != LoadResult()
    deck = result.decks[0].with_cards((Card("d", "c", "recall", "Q?"),))
    assert [c.key for c in deck.cards] == ["d/c"] and deck.title == "D"


def test_the_shipped_decks_come_back_from_the_deck_cache_field_for_field():
    from trainer.config import shipped_deck_dir
    from trainer.decks import cache as deck_cache
    from trainer.decks import load_decks

    decks = load_decks([shipped_deck_dir()]).decks
    assert any(c.steps for d in decks for c in d.cards)  # nested records are covered
    assert any(c.plot for d in decks for c in d.cards)
    for deck in decks:
        deck_cache.store(f"round-trip-{deck.id}", deck)
        back = deck_cache.load(f"round-trip-{deck.id}")
        # repr names every field, the lines that equality leaves out included
        assert back == deck and repr(back) == repr(deck)


def test_the_store_records_behave_as_their_frozen_dataclasses_did():
    from dataclasses import asdict, fields, replace

    from trainer.review import State
    from trainer.store.db import CardState
    from trainer.store.journal import Event

    state = CardState("d/c", "d", State.REVIEW, None, 5.0, 4.0, 100.0, 50.0, reps=3)
    later = replace(state, due=200.0, suspended=True)
    assert (later.due, later.suspended, later.reps, state.due) == (200.0, True, 3, 100.0)
    assert type(later) is CardState and later != state and hash(state) == hash(replace(state))
    # the replay reads the fields in this order
    assert [f.name for f in fields(state)] == list(CardState.__slots__) == [
        "key", "deck", "state", "step", "stability", "difficulty", "due", "last_review",
        "reps", "lapses", "content_hash", "suspended", "buried_until"]
    assert asdict(state) == state.to_dict() and CardState.from_dict(state.to_dict()) == state
    assert repr(state).startswith("CardState(key='d/c', deck='d', state=<State.REVIEW: 2>,")
    with pytest.raises(FrozenInstanceError):
        state.due = 1.0  # type: ignore[misc]
    with pytest.raises(TypeError):
        replace(state, nonsense=1)
    one, two = Event("a", "dev", "d/c", 1.0, "bury"), Event("b", "dev", "d/c", 1.0, "bury")
    assert one.payload == {} and one.payload is not two.payload
    assert replace(one, at=2.0) == Event("a", "dev", "d/c", 2.0, "bury")
    assert pickle.loads(pickle.dumps(later)) == later


def test_a_merge_report_is_mutable_and_unhashable_as_its_dataclass_was():
    from trainer.store.events import Merged

    report = Merged(added=2)
    report.cards += 1
    assert report == Merged(added=2, cards=1) and report.per_device == {}
    assert report.per_device is not Merged().per_device
    with pytest.raises(TypeError):
        hash(report)


def test_settings_are_mutable_records_read_by_their_field_types(tmp_path):
    from trainer.config import SETTING_TYPES, DeckOptions, Settings, load_settings

    settings = Settings(new_per_day=5)
    settings.reviews_per_day = 50
    assert settings == Settings(new_per_day=5, reviews_per_day=50) != Settings()
    assert settings.decks == {} and settings.decks is not Settings().decks
    assert repr(DeckOptions(3)) == ("DeckOptions(new_per_day=3, reviews_per_day=None, "
                                    "desired_retention=None)")
    with pytest.raises(TypeError):
        hash(settings)
    assert SETTING_TYPES["desired_retention"] == "float" and SETTING_TYPES["theme"] == "str"
    assert list(Settings().to_dict()) == list(SETTING_TYPES)
    path = tmp_path / "config.toml"
    path.write_text('new_per_day = 7\ntheme = "nord"\n[decks.d]\ndesired_retention = 0.8\n')
    assert load_settings(path) == Settings(new_per_day=7, theme="nord",
                                           decks={"d": DeckOptions(desired_retention=0.8)})
