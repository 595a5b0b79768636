"""The store's aggregate queries for statistics: running tallies and counts over indexes."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

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
# a review row's state before it: from schema 10 on the column state_was; up to schema 9
# read from the state itself, JSON text then (the second byte of a packed state, logstate.py,
# in a file whose schema was set back by hand)
_STATE_WAS = "{r}state_was"
_STATE_JSON = ("(CASE WHEN typeof({r}state_before) = 'blob' THEN "
               "CAST(hex(substr({r}state_before, 2, 1)) AS INTEGER) ELSE "
               f"COALESCE(json_extract({{r}}state_before, '$.state'), {_NEW}) END)")
# studied and not suspended: the partial index `cards_active_due` holds these rows, and a
# query uses it only when its WHERE says the same
_STUDIED = f"state > {_NEW} AND suspended = 0"


def _tally_values(row: str, was: str) -> str:
    """(quarter, deck, reviews, mature, recalled, introduced) of one review row."""
    s = was.format(r=f"{row}.")
    return (f"CAST({row}.reviewed_at / {QUARTER_HOUR} AS INTEGER), "
            f"{_DECK.format(k=f'{row}.card_key')}, 1, {s} = {_REVIEW}, "
            f"{s} = {_REVIEW} AND {row}.rating != {_AGAIN}, {s} = {_NEW}")


def _card_values(row: str, was: str) -> str:
    s = was.format(r=f"{row}.")
    return f"{row}.card_key, {s} = {_REVIEW}, {s} = {_REVIEW} AND {row}.rating != {_AGAIN}"


def tally_triggers(was: str) -> tuple[str, str]:
    """The triggers that tally each review log row as it is written or deleted, `was`
    being the row's state before it (a template of `{r}`, the row's name and a dot)."""
    old = was.format(r="OLD.")
    return (
        f"""CREATE TRIGGER reviews_tally_insert AFTER INSERT ON reviews BEGIN
        INSERT INTO review_tally (quarter, deck, reviews, mature, recalled, introduced)
        VALUES ({_tally_values('NEW', was)})
        ON CONFLICT (quarter, deck) DO UPDATE SET reviews = reviews + 1,
            mature = mature + excluded.mature, recalled = recalled + excluded.recalled,
            introduced = introduced + excluded.introduced;
        INSERT INTO card_tally (key, mature, recalled) VALUES ({_card_values('NEW', was)})
        ON CONFLICT (key) DO UPDATE SET mature = mature + excluded.mature,
            recalled = recalled + excluded.recalled;
    END""",
        f"""CREATE TRIGGER reviews_tally_delete AFTER DELETE ON reviews BEGIN
        UPDATE review_tally SET reviews = reviews - 1,
            mature = mature - ({old} = {_REVIEW}),
            recalled = recalled - ({old} = {_REVIEW} AND OLD.rating != {_AGAIN}),
            introduced = introduced - ({old} = {_NEW})
        WHERE quarter = CAST(OLD.reviewed_at / {QUARTER_HOUR} AS INTEGER)
            AND deck = {_DECK.format(k='OLD.card_key')};
        UPDATE card_tally SET mature = mature - ({old} = {_REVIEW}),
            recalled = recalled - ({old} = {_REVIEW} AND OLD.rating != {_AGAIN})
        WHERE key = OLD.card_key;
    END""")


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
    *tally_triggers(_STATE_JSON),
    # the reviews written before the tallies existed
    f"""INSERT INTO review_tally (quarter, deck, reviews, mature, recalled, introduced)
        SELECT CAST(reviewed_at / {QUARTER_HOUR} AS INTEGER) AS q, {_DECK.format(k='card_key')}
            AS d, COUNT(*), SUM(s = {_REVIEW}), SUM(s = {_REVIEW} AND rating != {_AGAIN}),
            SUM(s = {_NEW})
        FROM (SELECT reviewed_at, card_key, rating, {_STATE_JSON.format(r='')} AS s
              FROM reviews) GROUP BY q, d""",
    f"""INSERT INTO card_tally (key, mature, recalled)
        SELECT card_key, SUM(s = {_REVIEW}), SUM(s = {_REVIEW} AND rating != {_AGAIN})
        FROM (SELECT card_key, rating, {_STATE_JSON.format(r='')} AS s FROM reviews)
        GROUP BY card_key""",
    # the cards that count in the forecast and the due counts, by deck and due time
    f"CREATE INDEX cards_active_due ON cards(deck, due) WHERE {_STUDIED}",
)


# Schema 8: a log of the cards whose state changed (every write of the `cards` table, by
# triggers, so no writer can forget to), so the statistics engine can keep figures of
# 100k cards between two looks and read again only the cards that changed. The review
# log's tallies change only with their card's state (a review, an undo and a replay each
# write the card), so the cards' log covers them. The log keeps its newest 100,000
# entries; a reader whose mark is older reads everything again. And indexes for the new
# cards free to study and for the leeches. (IF NOT EXISTS: a file rolled back by hand may
# still have them.)
CHANGES: tuple[str, ...] = (
    "CREATE TABLE IF NOT EXISTS card_changes (seq INTEGER PRIMARY KEY AUTOINCREMENT, key TEXT NOT NULL)",
    """CREATE TRIGGER IF NOT EXISTS cards_changed_insert AFTER INSERT ON cards BEGIN
        INSERT INTO card_changes (key) VALUES (NEW.key);
    END""",
    """CREATE TRIGGER IF NOT EXISTS cards_changed_update AFTER UPDATE ON cards BEGIN
        INSERT INTO card_changes (key) VALUES (OLD.key);
        INSERT INTO card_changes (key) SELECT NEW.key WHERE NEW.key != OLD.key;
    END""",
    """CREATE TRIGGER IF NOT EXISTS cards_changed_delete AFTER DELETE ON cards BEGIN
        INSERT INTO card_changes (key) VALUES (OLD.key);
    END""",
    """CREATE TRIGGER IF NOT EXISTS card_changes_trim AFTER INSERT ON card_changes
    WHEN NEW.seq % 10000 = 0 BEGIN
        DELETE FROM card_changes WHERE seq <= NEW.seq - 100000;
    END""",
    f"CREATE INDEX IF NOT EXISTS cards_new ON cards(deck) WHERE state = {_NEW}",
    f"CREATE INDEX IF NOT EXISTS cards_active_lapses ON cards(lapses) WHERE {_STUDIED}",
)


# Schema 9: the statistics engine's figures of a large card set, kept between sessions (a
# session's first look starts from them and reads only the cards changed since). One row
# per card set (`name`); `fingerprint` says which cards they were made of, `mark` up to
# which change of the cards' log; `data` the counts and sums a look needs, `parts` each
# card's key and record, read only when a card changed. A cache: deleting the row only
# slows the next look.
KEPT: tuple[str, ...] = (
    """CREATE TABLE IF NOT EXISTS figures_kept (
        name TEXT PRIMARY KEY,
        fingerprint TEXT NOT NULL,
        mark INTEGER NOT NULL,
        data BLOB NOT NULL,
        parts BLOB NOT NULL
    )""",
)
KEEP_WAIT_S = 0.1  # how long keeping the figures waits for another writer before giving up


def _marks(values: Sequence[object]) -> str:
    return ",".join("?" * len(values))


def _chunks(keys: Sequence[str], size: int = 500) -> Iterator[Sequence[str]]:
    """Keys in parts small enough for one IN (...) list."""
    for start in range(0, len(keys), size):
        yield keys[start:start + size]


class FigureQueries:
    """Mixed into Store: every query the statistics engine makes."""

    conn: sqlite3.Connection
    path: Path
    read_only: bool

    def interval_tallies(self, decks: Iterable[str],
                         bounds: Sequence[float]) -> list[tuple[int, int, int]]:
        """(reviews, mature, recalled) of these decks in each interval [bounds[i],
        bounds[i + 1]). The bounds are rounded down to a quarter hour (study days and
        months start on one); SQLite sums each interval's tally rows over the index."""
        decks = list(decks)
        if len(bounds) < 2 or not decks:
            return [(0, 0, 0)] * max(0, len(bounds) - 1)
        quarters = [int(b // QUARTER_HOUR) for b in bounds]
        spans = ", ".join("(?, ?, ?)" for _ in quarters[1:])
        args = [x for i in range(len(quarters) - 1) for x in (i, quarters[i], quarters[i + 1])]
        out = [(0, 0, 0)] * (len(bounds) - 1)
        for i, n, m, r in self.conn.execute(
                f"WITH spans(i, lo, hi) AS (VALUES {spans}) "
                "SELECT spans.i, SUM(t.reviews), SUM(t.mature), SUM(t.recalled) "
                "FROM spans JOIN review_tally AS t ON t.quarter >= spans.lo "
                f"AND t.quarter < spans.hi WHERE t.deck IN ({_marks(decks)}) GROUP BY spans.i",
                (*args, *decks)):
            out[i] = (n, m, r)
        return out

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
                f"SELECT COUNT(*), COALESCE(SUM(state_was = {_NEW}), 0) "
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
                    f"COALESCE(SUM(state_was = {_NEW}), 0) "
                    "FROM reviews WHERE reviewed_at >= ? AND reviewed_at < ? GROUP BY d",
                    (since, first * QUARTER_HOUR)):
                n0, i0 = out.get(deck, (0, 0))
                out[deck] = (n0 + n, i0 + i)
        return out

    def due_counts(self, decks: Iterable[str], now: float,
                   bounds: Sequence[float]) -> tuple[int, list[int]]:
        """(due by `now`, cards due before bounds[0], in [bounds[0], bounds[1]), ...).

        Studied, unsuspended cards of these decks; overdue cards count in the first
        interval. Each interval is counted over its own range of the index.
        """
        decks = list(decks)
        if not bounds or not decks:
            return 0, [0] * len(bounds)
        edges = [float("-inf"), *bounds]
        spans = ", ".join("(?, ?, ?)" for _ in bounds)
        args = [x for i in range(len(bounds)) for x in (i, edges[i], edges[i + 1])]
        counts = [0] * len(bounds)
        for i, n in self.conn.execute(
                f"WITH spans(i, lo, hi) AS (VALUES {spans}) SELECT spans.i, COUNT(*) "
                "FROM spans JOIN cards INDEXED BY cards_active_due ON cards.due >= spans.lo "
                f"AND cards.due < spans.hi WHERE cards.deck IN ({_marks(decks)}) "
                f"AND {_STUDIED} GROUP BY spans.i", (*args, *decks)):
            counts[i] = n
        (due_now,) = self.conn.execute(
            f"SELECT COUNT(*) FROM cards INDEXED BY cards_active_due WHERE deck IN "
            f"({_marks(decks)}) AND due <= ? AND {_STUDIED}", (*decks, now)).fetchone()
        return due_now, counts

    def due_counts_among(self, keys: Sequence[str], now: float,
                         bounds: Sequence[float]) -> tuple[int, list[int]]:
        """`due_counts` of these cards alone."""
        due_now, counts = 0, [0] * len(bounds)
        cases = " ".join(f"WHEN due < ? THEN {i}" for i in range(len(bounds)))
        for part in _chunks(keys) if bounds else []:
            for i, n, overdue in self.conn.execute(
                    f"SELECT CASE {cases} END AS d, COUNT(*), SUM(due <= ?) FROM cards "
                    f"WHERE key IN ({_marks(part)}) AND due < ? AND {_STUDIED} GROUP BY d",
                    (*bounds, now, *part, bounds[-1])):
                counts[i] += n
                due_now += overdue
        return due_now, counts

    def due_by_deck(self, decks: Iterable[str], now: float) -> dict[str, int]:
        """Reviews due now per deck: studied, unsuspended, not buried cards due by `now`
        (every stored card, whether or not its deck still lists it)."""
        decks = list(decks)
        return dict(self.conn.execute(
            "SELECT deck, COUNT(*) FROM cards INDEXED BY cards_active_due "
            f"WHERE deck IN ({_marks(decks)}) AND due <= ? AND {_STUDIED} "
            "AND (buried_until IS NULL OR buried_until <= ?) GROUP BY deck",
            (*decks, now, now)))

    def due_among(self, keys: Sequence[str], now: float) -> list[str]:
        """Those of these cards that `due_by_deck` counts."""
        out: list[str] = []
        for part in _chunks(keys):
            out += [row[0] for row in self.conn.execute(
                f"SELECT key FROM cards WHERE key IN ({_marks(part)}) AND due <= ? "
                f"AND {_STUDIED} AND (buried_until IS NULL OR buried_until <= ?)",
                (*part, now, now))]
        return out

    def free_new_keys(self, decks: Iterable[str], now: float) -> list[str]:
        """Keys of the stored cards of these decks that are new and free to study now (not
        suspended or buried): a card with no stored state is new too."""
        decks = list(decks)
        return [row[0] for row in self.conn.execute(
            f"SELECT key FROM cards INDEXED BY cards_new WHERE deck IN ({_marks(decks)}) "
            f"AND state = {_NEW} AND suspended = 0 AND (buried_until IS NULL OR buried_until <= ?)",
            (*decks, now))]

    def stored_keys(self, decks: Iterable[str]) -> list[str]:
        """Keys of every card of these decks the store holds a state for (read from the key
        index alone: a key is its deck, a slash and the card's id)."""
        out: list[str] = []
        for deck in decks:
            out += [row[0] for row in self.conn.execute(
                "SELECT key FROM cards WHERE key >= ? AND key < ?", (deck + "/", deck + "0"))]
        return out

    def card_records(self, decks: Iterable[str]) -> list[tuple[str, int, int, int, int]]:
        """(key, lapses, reps, mature reviews, recalled) of every studied, unsuspended card."""
        decks = list(decks)
        return self.conn.execute(
            "SELECT c.key, c.lapses, c.reps, COALESCE(t.mature, 0), COALESCE(t.recalled, 0) "
            "FROM cards AS c LEFT JOIN card_tally AS t ON t.key = c.key "
            f"WHERE c.deck IN ({_marks(decks)}) AND c.state > {_NEW} AND c.suspended = 0",
            decks).fetchall()

    def card_rows(self, keys: Sequence[str]) -> dict[str, tuple[int, int, int, int] | None]:
        """Of each of these cards the store holds: its record as `card_records` gives it
        (lapses, reps, mature, recalled), or None when it is new or suspended."""
        out: dict[str, tuple[int, int, int, int] | None] = {}
        for part in _chunks(keys):
            for key, studied, lapses, reps, mature, recalled in self.conn.execute(
                    f"SELECT c.key, c.state > {_NEW} AND c.suspended = 0, c.lapses, c.reps, "
                    "COALESCE(t.mature, 0), COALESCE(t.recalled, 0) FROM cards AS c "
                    f"LEFT JOIN card_tally AS t ON t.key = c.key WHERE c.key IN ({_marks(part)})",
                    part):
                out[key] = (lapses, reps, mature, recalled) if studied else None
        return out

    def change_mark(self) -> int:
        """The number of the newest change to the card states (0: none yet)."""
        row = self.conn.execute(
            "SELECT seq FROM sqlite_sequence WHERE name = 'card_changes'").fetchone()
        return 0 if row is None else int(row[0])

    def changed_since(self, mark: int) -> tuple[int, set[str] | None]:
        """(the newest change, the keys of the cards whose state changed after `mark`), or
        None for the keys when the log no longer reaches back to `mark`."""
        newest = self.change_mark()
        keys = self.conn.execute(
            "SELECT key FROM card_changes WHERE seq > ?", (mark,)).fetchall()
        if len(keys) != newest - mark:  # older changes were trimmed away
            return newest, None
        return newest, {row[0] for row in keys}

    @property
    def keeps_figures(self) -> bool:
        """Whether figures can be kept in this store (a file that can be written)."""
        return not self.read_only and str(self.path) != ":memory:"

    def kept_figures(self, fingerprint: str, name: str = "cards") -> tuple[int, bytes] | None:
        """(mark, data) of the figures kept of the card set with this fingerprint, if any."""
        row = self.conn.execute(
            "SELECT mark, data FROM figures_kept WHERE name = ? AND fingerprint = ?",
            (name, fingerprint)).fetchone()
        return None if row is None else (int(row[0]), bytes(row[1]))

    def kept_parts(self, fingerprint: str, mark: int, name: str = "cards") -> bytes | None:
        """The parts kept with those figures, if they are still the ones as of `mark`."""
        row = self.conn.execute(
            "SELECT parts FROM figures_kept WHERE name = ? AND fingerprint = ? AND mark = ?",
            (name, fingerprint, mark)).fetchone()
        return None if row is None else bytes(row[0])

    def keep_figures(self, fingerprint: str, mark: int, data: bytes, parts: bytes,
                     name: str = "cards") -> bool:
        """Keep a card set's figures, on a connection of its own (the caller's may be one
        that only reads, in a snapshot). False when they could not be kept now (another
        writer holds the store): they are a cache, so nothing else is lost."""
        if not self.keeps_figures:
            return False
        try:
            conn = sqlite3.connect(self.path, timeout=KEEP_WAIT_S, isolation_level=None)
            try:
                conn.execute("INSERT OR REPLACE INTO figures_kept (name, fingerprint, mark, "
                             "data, parts) VALUES (?, ?, ?, ?, ?)",
                             (name, fingerprint, mark, data, parts))
            finally:
                conn.close()
        except sqlite3.Error:
            return False
        return True

    @contextmanager
    def snapshot(self) -> Iterator[None]:
        """Read in one transaction: figures from several queries agree with each other."""
        self.conn.execute("SAVEPOINT figures")
        try:
            yield
        finally:
            self.conn.execute("RELEASE figures")

    def leech_keys(self, decks: Iterable[str], lapses: int) -> list[str]:
        """Keys of the studied, unsuspended cards of these decks with at least `lapses` lapses."""
        decks = list(decks)
        return [row[0] for row in self.conn.execute(
            f"SELECT key FROM cards INDEXED BY cards_active_lapses WHERE lapses >= ? "
            f"AND {_STUDIED} AND deck IN ({_marks(decks)}) ORDER BY key", (lapses, *decks))]
