"""config.toml is parsed once per text: later starts read the parsed tables back from a note
in the cache folder, and any edit (or a broken note) parses the file again."""

from __future__ import annotations

import subprocess
import sys

import pytest

from trainer.config import SettingsError, deck_cache_dir, load_settings


def test_the_settings_come_back_from_the_note_until_the_file_changes(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text("new_per_day = 7\n[decks.basics]\nnew_per_day = 2\n")
    assert load_settings(path).new_per_day == 7
    assert (deck_cache_dir() / "settings.note").exists()
    again = load_settings(path)
    assert again.new_per_day == 7 and again.decks["basics"].new_per_day == 2
    path.write_text("new_per_day = 9\n")
    assert load_settings(path).new_per_day == 9 and load_settings(path).decks == {}


def test_a_broken_note_or_file_is_read_or_refused_as_without_it(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text("reviews_per_day = 30\n")
    load_settings(path)
    (deck_cache_dir() / "settings.note").write_bytes(b"\x00garbage")
    assert load_settings(path).reviews_per_day == 30
    path.write_text("reviews_per_day = \n")
    with pytest.raises(SettingsError, match="config.toml"):
        load_settings(path)
    path.write_bytes(b"reviews_per_day = 3\xff\n")
    with pytest.raises(SettingsError, match="config.toml"):
        load_settings(path)


def test_a_start_with_noted_settings_imports_neither_tomllib_nor_the_interview_rules(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text("desired_retention = 0.85\n")
    load_settings(path)
    code = ("import sys\nfrom pathlib import Path\nfrom trainer.config import load_settings\n"
            f"print(load_settings(Path({str(path)!r})).desired_retention, "
            "'tomllib' in sys.modules, 'trainer.interview.start' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=60, check=True)
    assert out.stdout.split() == ["0.85", "False", "False"]


def test_the_default_interview_length_left_unchecked_at_start_is_a_valid_one():
    from trainer.config import Settings
    from trainer.interview.start import parse_length

    assert str(parse_length(Settings().interview_length)) == "6 questions"
