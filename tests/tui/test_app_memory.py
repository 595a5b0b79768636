"""The app keeps the loaded decks out of the garbage collector's full passes."""

from __future__ import annotations

import gc

from tests.waiting import after_first_frame


async def test_the_loaded_cards_and_the_browsers_index_are_frozen_while_the_app_runs(
        make_app, recall_deck, tmp_path):
    """A full collection walks every tracked object: with 100k cards loaded it paused the
    app for ~300 ms now and then. The cards (and the browser's index of them, made after
    the first card) are frozen: no collection walks them; after the app they are not."""
    app = make_app(recall_deck, tmp_path / "t.db")

    def tracked() -> set[int]:
        return {id(o) for generation in range(3) for o in gc.get_objects(generation)}

    async with app.run_test() as pilot:
        await after_first_frame(pilot)  # the index is started then
        cards = app.load_result.cards
        assert cards and all(gc.is_tracked(c) for c in cards)
        assert app.index_thread is not None
        app.index_thread.join(60)
        assert app.search_index is not None
        index = app.search_index.ready()
        assert index is not None and index.text  # made in the background
        walked = tracked()
        assert not [c.key for c in cards if id(c) in walked]
        pairs = [pair for deck in index.keyed.values() for pair in deck]
        assert pairs and not [pair[0] for pair in pairs if id(pair) in walked]
        assert id(index.text) not in walked and id(index.card_of) not in walked
    walked = tracked()
    assert gc.get_freeze_count() == 0 and any(id(c) in walked for c in cards)
