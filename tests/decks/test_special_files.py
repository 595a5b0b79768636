"""Special files in the deck folder are skipped with a notice, never read without bound."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from trainer.decks.loader import MAX_DECK_BYTES, read_deck_text

DECK = "deck: fine\ntitle: Fine\ncards:\n  - id: a\n    kind: recall\n    prompt: P\n    answer: A\n"


def trainer(*args: str, decks: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "trainer", *args], capture_output=True,
                          text=True, timeout=120, env={**os.environ, "TRAINER_DECKS": str(decks)})


@pytest.fixture
def hostile_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "decks"
    folder.mkdir()
    (folder / "fine.yaml").write_text(DECK)
    (folder / "zero.yaml").symlink_to("/dev/zero")
    os.mkfifo(folder / "pipe.yaml")
    return folder


@pytest.mark.parametrize("command", [["validate", "--json"], ["decks", "--json"]])
def test_a_fifo_and_a_link_to_dev_zero_are_skipped_with_a_notice(hostile_folder: Path,
                                                                  command: list[str]):
    proc = trainer(*command, decks=hostile_folder)  # would hang on the FIFO, or eat memory
    assert "Traceback" not in proc.stderr
    said = proc.stdout + proc.stderr
    assert "pipe.yaml" in said and "a FIFO, not a regular file" in said
    assert "zero.yaml" in said and "a device, not a regular file" in said
    if command[0] == "decks":
        assert "fine" in [row["deck"] for row in json.loads(proc.stdout)]


def test_reading_stops_one_byte_past_the_limit(tmp_path: Path):
    big = tmp_path / "big.yaml"
    big.write_bytes(b"#" * (MAX_DECK_BYTES + 1))
    text, problems = read_deck_text(big)
    assert text is None and "larger than 5 MB" in problems[0].message
    exact = tmp_path / "exact.yaml"
    exact.write_bytes(b"#" * MAX_DECK_BYTES)
    text, problems = read_deck_text(exact)
    assert problems == [] and text is not None and len(text) == MAX_DECK_BYTES


def test_a_symlink_to_a_regular_deck_file_is_read(tmp_path: Path):
    real = tmp_path / "real.yaml"
    real.write_text(DECK.replace("\n", "\r\n"))
    link = tmp_path / "link.yaml"
    link.symlink_to(real)
    text, problems = read_deck_text(link)
    assert problems == [] and text == DECK
