"""A value kept beside its source: made once per source, and never lost to a bad note."""

from __future__ import annotations

import datetime

from trainer.kept import kept


def test_a_value_is_made_once_per_source_and_made_again_when_the_source_changes(tmp_path):
    made = []

    def make(n: int):
        def f():
            made.append(n)
            return {"n": n, "pair": (n, n)}
        return f

    note = tmp_path / "sub" / "note"
    assert kept(note, "a", make(1)) == {"n": 1, "pair": (1, 1)}
    assert kept(note, "a", make(2)) == {"n": 1, "pair": (1, 1)}  # read back, not made
    assert kept(note, "b", make(3)) == {"n": 3, "pair": (3, 3)}
    assert made == [1, 3]
    assert [p.name for p in note.parent.iterdir()] == ["note"]  # no temporary file left


def test_a_damaged_note_or_a_value_marshal_can_not_write_is_made_each_time(tmp_path):
    note = tmp_path / "note"
    note.write_bytes(b"\x00not marshal")
    assert kept(note, "a", lambda: [1, 2]) == [1, 2]
    day = datetime.date(2026, 12, 1)  # not marshallable: returned, not written
    assert kept(note, "b", lambda: {"day": day}) == {"day": day}
    assert kept(note, "b", lambda: {"day": day.replace(day=2)}) == {"day": day.replace(day=2)}
