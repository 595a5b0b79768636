"""The store's aggregate queries for statistics: running tallies and counts over indexes."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence

from trainer.review import Rating, State

# Reviews are tallied per quarter hour and deck as they are written (by triggers, so no
# writer can forget to), and per card over its life. Statistics then sum a few thousand
# tally rows instead of reading a review log of a million rows. Every UTC offset in use
# is a whole number of quarter hours, so a study day, which starts at a whole local hour,
# is always a whole number of quarter hours, DST days included.
QUARTER_HOUR = 900

_DECK = "substr({k}, 1, instr({k}, '/') - 1)"
# the numbers as SQL literals; a review of a card never seen was of a new card
_NEW, _REVIEW, _AGAIN = f"{State.NEW:d}", f"{State.REVIEW:d}", f"{Rating.AGAIN:d}"
_STATE = f"COALESCE(json_extract({{s}}, '$.state'), {_NEW})"
# studied and not suspended: the partial index `cards_active_due` holds these rows, and a
# query uses it only when its WHERE says the same
_STUDIED = f"state > {_NEW} AND suspended = 0"


def _tally_values(row: str) -> str:
    """(quarter, deck, reviews, mature, recalled, introduced) of one review row."""
    s = _STATE.format(s=f"{row}.state_before")
    return (f"CAST({row}.reviewed_at / {QUARTER_HOUR} AS INTEGER), "
            f"{_DECK.format(k=f'{row}.card_key')}, 1, {s} = {_REVIEW}, "
            f"{s} = {_REVIEW} AND {row}.rating != {_AGAIN}, {s} = {_NEW}")


def _card_values(row: str) -> str:
    s = _STATE.format(s=f"{row}.state_before")
    return f"{row}.card_key, {s} = {_REVIEW}, {s} = {_REVIEW} AND {row}.rating != {_AGAIN}"


# One migration step (a list of statements: the triggers contain semicolons).
MIGRATION: tuple[str, ...] = (
    # `mature`: reviews of a card in the review state; `recalled`: ... not rated Again;
    # `introduced`: a card's first review (a new card studied)
    """CREATE TABLE review_tally (
        quarter INTEGER NOT NULL,
        deck TEXT NOT NULL,
        reviews INTEGER NOT NULL,
        mature INTEGER NOT NULL,
        recalled INTEGER NOT NULL,
        introduced INTEGER NOT NULL,
        PRIMARY KEY (quarter, deck)
    ) WITHOUT ROWID""",
    """CREATE TABLE card_tally (
        key TEXT PRIMARY KEY,
        mature INTEGER NOT NULL,
        recalled INTEGER NOT NULL
    ) WITHOUT ROWID""",
    f"""CREATE TRIGGER reviews_tally_insert AFTER INSERT ON reviews BEGIN
        INSERT INTO review_tally (quarter, deck, reviews, mature, recalled, introduced)
        VALUES ({_tally_values('NEW')})
        ON CONFLICT (quarter, deck) DO UPDATE SET reviews = reviews + 1,
            mature = mature + excluded.mature, recalled = recalled + excluded.recalled,
            introduced = introduced + excluded.introduced;
        INSERT INTO card_tally (key, mature, recalled) VALUES ({_card_values('NEW')})
        ON CONFLICT (key) DO UPDATE SET mature = mature + excluded.mature,
            recalled = recalled + excluded.recalled;
    END""",
    f"""CREATE TRIGGER reviews_tally_delete AFTER DELETE ON reviews BEGIN
        UPDATE review_tally SET reviews = reviews - 1,
            mature = mature - ({_STATE.format(s='OLD.state_before')} = {_REVIEW}),
            recalled = recalled - ({_STATE.format(s='OLD.state_before')} = {_REVIEW}
                                   AND OLD.rating != {_AGAIN}),
            introduced = introduced - ({_STATE.format(s='OLD.state_before')} = {_NEW})
        WHERE quarter = CAST(OLD.reviewed_at / {QUARTER_HOUR} AS INTEGER)
            AND deck = {_DECK.format(k='OLD.card_key')};
        UPDATE card_tally SET mature = mature - ({_STATE.format(s='OLD.state_before')} = {_REVIEW}),
            recalled = recalled - ({_STATE.format(s='OLD.state_before')} = {_REVIEW}
                                   AND OLD.rating != {_AGAIN})
        WHERE key = OLD.card_key;
    END""",
    # the reviews written before the tallies existed
    f"""INSERT INTO review_tally (quarter, deck, reviews, mature, recalled, introduced)
        SELECT CAST(reviewed_at / {QUARTER_HOUR} AS INTEGER) AS q, {_DECK.format(k='card_key')}
            AS d, COUNT(*), SUM(s = {_REVIEW}), SUM(s = {_REVIEW} AND rating != {_AGAIN}),
            SUM(s = {_NEW})
        FROM (SELECT reviewed_at, card_key, rating, {_STATE.format(s='state_before')} AS s
              FROM reviews) GROUP BY q, d""",
    f"""INSERT INTO card_tally (key, mature, recalled)
        SELECT card_key, SUM(s = {_REVIEW}), SUM(s = {_REVIEW} AND rating != {_AGAIN})
        FROM (SELECT card_key, rating, {_STATE.format(s='state_before')} AS s FROM reviews)
        GROUP BY card_key""",
    # the cards that count in the forecast and the due counts, by deck and due time
    f"CREATE INDEX cards_active_due ON cards(deck, due) WHERE {_STUDIED}",
)


def _marks(values: Sequence[object]) -> str:
    return ",".join("?" * len(values))


class FigureQueries:
    """Mixed into Store: every query the statistics engine makes."""

    conn: sqlite3.Connection

    def review_tallies(self, decks: Iterable[str], since: float,
                       until: float) -> list[tuple[float, int, int, int, int]]:
        """(quarter-hour start, reviews, mature, recalled, introduced) in [since, until).

        One row per quarter hour with any review of these decks, oldest first. `since`
        and `until` are rounded down to a quarter hour (study days start on one).
        """
        decks = list(decks)
        rows = self.conn.execute(
            "SELECT quarter, SUM(reviews), SUM(mature), SUM(recalled), SUM(introduced) "
            f"FROM review_tally WHERE quarter >= ? AND quarter < ? AND deck IN ({_marks(decks)}) "
            "GROUP BY quarter ORDER BY quarter",
            (int(since // QUARTER_HOUR), int(until // QUARTER_HOUR), *decks),
        )
        return [(q * QUARTER_HOUR, n, m, r, i) for q, n, m, r, i in rows]

    def reviews_since(self, since: float) -> int:
        """Reviews of any deck at or after a time."""
        return self._since(since)[0]

    def first_reviews_since(self, since: float) -> int:
        """How many cards were seen for the first time since a time: new cards introduced."""
        return self._since(since)[1]

    def _since(self, since: float) -> tuple[int, int]:
        # whole quarter hours from the tallies; the part of a quarter hour before them
        # (only when `since` is not on a quarter hour) from the log itself
        first = -int(-since // QUARTER_HOUR)
        n, i = self.conn.execute(
            "SELECT COALESCE(SUM(reviews), 0), COALESCE(SUM(introduced), 0) FROM review_tally "
            "WHERE quarter >= ?", (first,)).fetchone()
        if since < first * QUARTER_HOUR:
            extra_n, extra_i = self.conn.execute(
                f"SELECT COUNT(*), COALESCE(SUM({_STATE.format(s='state_before')} = {_NEW}), 0) "
                "FROM reviews WHERE reviewed_at >= ? AND reviewed_at < ?",
                (since, first * QUARTER_HOUR)).fetchone()
            n, i = n + extra_n, i + extra_i
        return n, i

    def done_by_deck_since(self, since: float) -> dict[str, tuple[int, int]]:
        """(reviews, new cards introduced) of each deck at or after a time: what its own
        daily limits have used up."""
        first = -int(-since // QUARTER_HOUR)
        out: dict[str, tuple[int, int]] = {}
        for deck, n, i in self.conn.execute(
                "SELECT deck, SUM(reviews), SUM(introduced) FROM review_tally WHERE quarter >= ? "
                "GROUP BY deck", (first,)):
            out[deck] = (n, i)
        if since < first * QUARTER_HOUR:
            for deck, n, i in self.conn.execute(
                    f"SELECT {_DECK.format(k='card_key')} AS d, COUNT(*), "
                    f"COALESCE(SUM({_STATE.format(s='state_before')} = {_NEW}), 0) "
                    "FROM reviews WHERE reviewed_at >= ? AND reviewed_at < ? GROUP BY d",
                    (since, first * QUARTER_HOUR)):
                n0, i0 = out.get(deck, (0, 0))
                out[deck] = (n0 + n, i0 + i)
        return out

    def due_counts(self, decks: Iterable[str], now: float,
                   bounds: Sequence[float]) -> tuple[int, list[int]]:
        """(due by `now`, cards due before bounds[0], in [bounds[0], bounds[1]), ...).

        Studied, unsuspended cards of these decks; overdue cards count in the first interval.
        """
        decks = list(decks)
        if not bounds:
            return 0, []
        cases = " ".join(f"WHEN due < ? THEN {i}" for i in range(len(bounds)))
        rows = self.conn.execute(
            f"SELECT CASE {cases} END AS d, COUNT(*), SUM(due <= ?) FROM cards "
            f"INDEXED BY cards_active_due WHERE deck IN ({_marks(decks)}) AND due < ? "
            f"AND {_STUDIED} GROUP BY d",
            (*bounds, now, *decks, bounds[-1]),
        )
        counts = [0] * len(bounds)
        due_now = 0
        for i, n, overdue in rows:
            counts[i] = n
            due_now += overdue
        return due_now, counts

    def due_ids(self, decks: Iterable[str], now: float) -> list[tuple[str, str]]:
        """(deck, card id) of the cards of these decks a session would show now as reviews."""
        decks = list(decks)
        return self.conn.execute(
            "SELECT deck, substr(key, length(deck) + 2) FROM cards INDEXED BY cards_active_due "
            f"WHERE deck IN ({_marks(decks)}) AND due <= ? AND {_STUDIED} "
            "AND (buried_until IS NULL OR buried_until <= ?)", (*decks, now, now)).fetchall()

    def stored_counts(self, decks: Iterable[str]) -> dict[str, int]:
        """How many cards of each deck the store holds a state for."""
        decks = list(decks)
        return dict(self.conn.execute(
            f"SELECT deck, COUNT(*) FROM cards WHERE deck IN ({_marks(decks)}) GROUP BY deck",
            decks))

    def unavailable_ids(self, deck: str, now: float) -> set[str]:
        """Ids of the deck's cards that are not new and free to study now: seen, suspended
        or buried."""
        return {row[0] for row in self.conn.execute(
            "SELECT substr(key, length(deck) + 2) FROM cards WHERE deck = ? AND (state > "
            f"{_NEW} OR suspended != 0 OR buried_until > ?)", (deck, now))}

    def card_records(self, decks: Iterable[str]) -> list[tuple[str, int, int, int, int]]:
        """(key, lapses, reps, mature reviews, recalled) of every studied, unsuspended card."""
        decks = list(decks)
        return self.conn.execute(
            "SELECT c.key, c.lapses, c.reps, COALESCE(t.mature, 0), COALESCE(t.recalled, 0) "
            "FROM cards AS c LEFT JOIN card_tally AS t ON t.key = c.key "
            f"WHERE c.deck IN ({_marks(decks)}) AND c.state > {_NEW} AND c.suspended = 0",
            decks).fetchall()

    def leech_keys(self, decks: Iterable[str], lapses: int) -> list[str]:
        """Keys of the studied, unsuspended cards of these decks with at least `lapses` lapses."""
        decks = list(decks)
        return [row[0] for row in self.conn.execute(
            f"SELECT key FROM cards WHERE deck IN ({_marks(decks)}) AND {_STUDIED} "
            "AND lapses >= ? ORDER BY key", (*decks, lapses))]
