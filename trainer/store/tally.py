"""The review log's tallies kept through a bulk rewrite: a few set statements instead of the row triggers."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from trainer.store.figures import _AGAIN, _DECK, _NEW, _REVIEW, QUARTER_HOUR

# the triggers that tally each review log row as it is written or deleted (figures.py)
TRIGGERS = ("reviews_tally_delete", "reviews_tally_insert")


@contextmanager
def triggers_paused(conn: sqlite3.Connection,
                    names: Sequence[str] = TRIGGERS) -> Iterator[bool]:
    """Drop these triggers (the tally triggers) for a bulk write in the caller's transaction
    and make them again after it, from the very SQL they had; the caller does their work
    in statements (the tallies with `tally`). Yields False (and drops nothing) when the
    store lacks any of them. On an error the triggers are not made again: the caller's
    rollback restores them."""
    marks = ",".join("?" * len(names))
    sql = [r[0] for r in conn.execute(
        f"SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name IN ({marks}) "
        "ORDER BY name", tuple(names))]
    if len(sql) != len(names):
        yield False
        return
    for name in names:
        conn.execute(f"DROP TRIGGER {name}")
    yield True
    for statement in sql:
        conn.execute(statement)


def tally(conn: sqlite3.Connection, where: str, args: Sequence[object], sign: int) -> None:
    """Add (sign 1) the review log rows WHERE `where` to the tallies, or take them away
    (sign -1) before they are deleted: what the triggers do row by row, summed. As the
    delete trigger, taking away only changes tally rows that exist."""
    # each row's columns read once (a subquery would be flattened into every use of them),
    # then summed by quarter hour and deck, and by card
    conn.execute("DROP TABLE IF EXISTS temp.tally_rows")
    conn.execute(
        "CREATE TEMP TABLE tally_rows AS SELECT CAST(reviewed_at / "
        f"{QUARTER_HOUR} AS INTEGER) AS q, {_DECK.format(k='card_key')} AS d, card_key AS k, "
        "rating AS r, state_was AS s FROM reviews WHERE " + where, args)
    m = "" if sign > 0 else "-"
    exists_quarter = "" if sign > 0 else (
        "AND EXISTS (SELECT 1 FROM review_tally AS t WHERE t.quarter = g.q AND t.deck = g.d)")
    exists_card = "" if sign > 0 else (
        "AND EXISTS (SELECT 1 FROM card_tally AS t WHERE t.key = g.k)")
    conn.execute(
        "INSERT INTO review_tally (quarter, deck, reviews, mature, recalled, introduced) "
        f"SELECT * FROM (SELECT q, d, {m}COUNT(*), {m}SUM(s = {_REVIEW}), "
        f"{m}SUM(s = {_REVIEW} AND r != {_AGAIN}), {m}SUM(s = {_NEW}) FROM temp.tally_rows "
        f"GROUP BY q, d) AS g WHERE true {exists_quarter} "
        "ON CONFLICT (quarter, deck) DO UPDATE SET reviews = reviews + excluded.reviews, "
        "mature = mature + excluded.mature, recalled = recalled + excluded.recalled, "
        "introduced = introduced + excluded.introduced")
    conn.execute(
        "INSERT INTO card_tally (key, mature, recalled) "
        f"SELECT * FROM (SELECT k, {m}SUM(s = {_REVIEW}), "
        f"{m}SUM(s = {_REVIEW} AND r != {_AGAIN}) FROM temp.tally_rows GROUP BY k) AS g "
        f"WHERE true {exists_card} "
        "ON CONFLICT (key) DO UPDATE SET mature = mature + excluded.mature, "
        "recalled = recalled + excluded.recalled")
    conn.execute("DROP TABLE temp.tally_rows")
