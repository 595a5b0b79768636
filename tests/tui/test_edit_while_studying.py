"""`e` while studying: the card's deck file in $EDITOR at its line, reloaded when it closes."""

from __future__ import annotations

import contextlib
import json
import stat
import sys
from pathlib import Path

EDITOR_SCRIPT = """\
import json, sys
from pathlib import Path

Path(sys.argv[1]).write_text(json.dumps(sys.argv[2:]), encoding="utf-8")
deck = Path(sys.argv[-1])
text = deck.read_text(encoding="utf-8")
deck.write_text(text.replace("Why the log?", "Why take the log?"), encoding="utf-8")
"""


def screen_text(app, widget_id: str) -> str:
    return str(app.screen.query_one(f"#{widget_id}").render())


def fake_editor(tmp_path: Path) -> tuple[str, Path]:
    """An $EDITOR that records its arguments and edits the deck as a learner would."""
    script = tmp_path / "editor.py"
    script.write_text(EDITOR_SCRIPT, encoding="utf-8")
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    argv = tmp_path / "argv.json"
    return f"{sys.executable} {script} {argv}", argv


async def test_e_opens_the_card_in_the_editor_and_the_edit_shows_when_it_closes(
        make_app, recall_deck, tmp_path, monkeypatch):
    command, argv = fake_editor(tmp_path)
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("EDITOR", command)
    app = make_app(recall_deck, tmp_path / "t.db", deck_paths=[recall_deck], watch_seconds=None)
    # the headless test driver has no terminal to hand over; the app's suspend is a no-op here
    monkeypatch.setattr(app, "suspend", contextlib.nullcontext)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("space", "3")  # on to the second card
        assert "Why the log?" in screen_text(app, "prompt")
        await pilot.press("e")
        await pilot.pause()
        # the deck file at the card's line ("- id: log-likelihood"), as vi, emacs and nano take it
        assert json.loads(argv.read_text(encoding="utf-8")) == ["+10", str(recall_deck)]
        assert "Why take the log?" in screen_text(app, "prompt")  # reloaded at once
        assert len(app.store.reviews()) == 1  # nothing done is lost


async def test_a_missing_editor_is_a_notice_not_a_crash(make_app, recall_deck, tmp_path,
                                                        monkeypatch, notifications):
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("EDITOR", str(tmp_path / "no-such-editor"))
    app = make_app(recall_deck, tmp_path / "t.db", deck_paths=[recall_deck], watch_seconds=None)
    monkeypatch.setattr(app, "suspend", contextlib.nullcontext)
    seen = notifications(app)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("e")
        await pilot.pause()
        assert "What is a likelihood?" in screen_text(app, "prompt")
    assert any("Could not open the editor" in n.message for n in seen)
