"""The catalog: decks checked down to their expressions, and cached while unchanged."""

from __future__ import annotations

import os
import sys

import pytest

from trainer.catalog import load_catalog
from trainer.decks import cache as deck_cache
from trainer.decks import load_decks

GRADED = """\
deck: g
title: G
cards:
  - id: ok
    kind: recall
    prompt: Q?
    answer: A.
  - id: hostile
    kind: numeric
    prompt: p
    solve: __import__('os').system('true')
"""


def test_a_card_with_a_bad_expression_is_reported_and_left_out(write_deck):
    path = write_deck(GRADED)
    result = load_catalog([path])
    assert [c.id for c in result.cards] == ["ok"]
    (problem,) = result.problems
    assert (problem.path, problem.line, problem.card_id) == (str(path), 11, "hostile")  # solve


def test_an_unchanged_deck_comes_from_the_cache_and_equals_a_fresh_parse(recall_deck):
    first = load_catalog([recall_deck])
    assert list(deck_cache.cache_dir().glob("*.bin"))  # stored
    again = load_catalog([recall_deck])
    assert again.decks == first.decks == load_decks([recall_deck]).decks


def test_editing_the_deck_invalidates_its_cache_entry(recall_deck):
    load_catalog([recall_deck])
    recall_deck.write_text(recall_deck.read_text().replace("Why the log?", "Why logs?"))
    (card,) = [c for c in load_catalog([recall_deck]).cards if c.id == "log-likelihood"]
    assert card.prompt == "Why logs?"


def test_a_cached_deck_is_found_by_its_bytes_and_its_text_alike(recall_deck, monkeypatch):
    import trainer.decks.loader

    text = recall_deck.read_text(encoding="utf-8")
    assert deck_cache.entry_key(recall_deck, text) == deck_cache.entry_key(
        recall_deck, text.encode("utf-8"))
    first = load_catalog([recall_deck])

    def no_parse(*args, **kwargs):
        raise AssertionError("a cached deck was parsed again")

    monkeypatch.setattr(trainer.decks.loader, "load_text", no_parse)
    assert load_catalog([recall_deck]).decks == first.decks


def test_a_deck_with_windows_line_ends_is_read_as_text_and_cached(recall_deck, monkeypatch):
    import trainer.decks.loader

    recall_deck.write_bytes(recall_deck.read_bytes().replace(b"\n", b"\r\n"))
    first = load_catalog([recall_deck])
    assert [c.id for c in first.cards] == ["likelihood", "log-likelihood", "map"]
    assert all("\r" not in c.prompt for c in first.cards)
    monkeypatch.setattr(trainer.decks.loader, "load_text",
                        lambda *a, **k: pytest.fail("a cached deck was parsed again"))
    assert load_catalog([recall_deck]).decks == first.decks


def test_a_deck_file_that_is_not_utf8_is_a_problem_not_a_crash(write_deck):
    path = write_deck("")
    path.write_bytes(b"deck: d\ntitle: caf\xe9\ncards: []\n")
    result = load_catalog([path])
    assert result.decks == [] and "not UTF-8 text" in result.problems[0].message


def test_a_corrupt_cache_entry_is_ignored(recall_deck):
    load_catalog([recall_deck])
    for entry in deck_cache.cache_dir().glob("*.bin"):
        entry.write_bytes(b"\x00garbage")
    assert [c.id for c in load_catalog([recall_deck]).cards] == [
        "likelihood", "log-likelihood", "map"]


def test_decks_with_problems_are_not_cached(write_deck):
    load_catalog([write_deck(GRADED)])
    assert not list(deck_cache.cache_dir().glob("*.bin"))


def test_follow_ups_survive_the_cache(write_deck):
    path = write_deck("deck: f\ntitle: F\ncards:\n  - id: a\n    kind: recall\n    prompt: Q?\n"
                      "    answer: A.\n    follow_ups:\n      - question: Then?\n"
                      "        key_points: [one, two]\n", "f.yaml")
    first = load_catalog([path])
    again = load_catalog([path])
    assert again.decks == first.decks
    assert again.cards[0].follow_ups[0].key_points == ("one", "two")


def test_a_decks_position_survives_the_cache(write_deck):
    path = write_deck("deck: p\ntitle: P\nposition: 3\ncards:\n  - id: a\n    kind: recall\n"
                      "    prompt: Q?\n    answer: A.\n")
    assert load_catalog([path]).decks[0].position == 3
    assert list(deck_cache.cache_dir().glob("*.bin"))
    assert load_catalog([path]).decks[0].position == 3  # read back from the cache


def test_a_deck_kept_at_its_last_good_version_keeps_its_place(write_deck):
    from trainer.decks.watch import reload_decks

    def deck(name: str, position: str) -> str:
        return (f"deck: {name}\ntitle: {name}\n{position}cards:\n  - id: {name}1\n"
                "    kind: recall\n    prompt: Q?\n    answer: A.\n")

    first = write_deck(deck("zed", "position: 1\n"), "zed.yaml")
    other = write_deck(deck("alpha", ""), "alpha.yaml")
    before = load_catalog([first, other])
    assert [d.id for d in before.decks] == ["zed", "alpha"]
    first.write_text("deck: zed\ntitle: [unclosed\n")  # a broken edit
    reload = reload_decks(before, [first, other])
    assert reload.kept == ["zed"]
    assert [d.id for d in reload.result.decks] == ["zed", "alpha"]


@pytest.fixture
def plugin_site(tmp_path, monkeypatch):
    """A package folder on sys.path holding an installed-looking plugin (a dist-info with a
    `trainer.solvers` entry point) and its module, nothing imported."""
    site = tmp_path / "site"
    info = site / "my_solvers-1.0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: my-solvers\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text("[trainer.solvers]\nmine = my_solvers_mod\n")
    (site / "my_solvers_mod.py").write_text("X = 1\n")
    deck_cache.plugin_stamp.cache_clear()
    # after the first entry, which is the started script's folder
    monkeypatch.setattr(sys, "path", [sys.path[0], str(site), *sys.path[1:]])
    yield site
    deck_cache.plugin_stamp.cache_clear()


def test_the_cache_key_names_each_plugin_its_version_and_its_module_file(plugin_site):
    stamp = deck_cache.plugin_stamp()
    assert f"mine=my-solvers:1.0:{plugin_site / 'my_solvers_mod.py'}:" in stamp
    key = deck_cache.entry_key(plugin_site / "d.yaml", "deck: d")
    # an editable plugin's module edited: decks are checked again
    (plugin_site / "my_solvers_mod.py").write_text("X = 1\nY = 2\n")
    deck_cache.plugin_stamp.cache_clear()
    assert deck_cache.entry_key(plugin_site / "d.yaml", "deck: d") != key
    # the plugin removed: its package folder left sys.path
    sys.path.remove(str(plugin_site))
    deck_cache.plugin_stamp.cache_clear()
    assert "my-solvers" not in deck_cache.plugin_stamp()


def test_the_plugins_are_scanned_again_only_when_a_package_folder_changes(plugin_site,
                                                                         monkeypatch):
    scans = []
    scan = deck_cache._scan_plugins
    monkeypatch.setattr(deck_cache, "_scan_plugins", lambda: scans.append(1) or scan())
    first = deck_cache._installed_plugins()
    assert deck_cache._installed_plugins() == first and len(scans) == 1  # from the note
    before = plugin_site.stat().st_mtime_ns
    (plugin_site / "other-2.0.dist-info").mkdir()  # a package installed beside it
    # the folder's time moves on (set, not left to the file system's clock granularity)
    os.utime(plugin_site, ns=(before + 10**9, before + 10**9))
    assert deck_cache._installed_plugins() == first and len(scans) == 2


def test_the_cache_never_runs_a_plugins_code(plugin_site):
    (plugin_site / "my_solvers-1.0.dist-info" / "entry_points.txt").write_text(
        "[trainer.solvers]\nmine = my_pkg.sub\n")
    package = plugin_site / "my_pkg"
    package.mkdir()
    ran = plugin_site / "ran"
    (package / "__init__.py").write_text(f"open({str(ran)!r}, 'w').close()\n")
    (package / "sub.py").write_text("X = 1\n")
    assert f"mine=my-solvers:1.0:{package / '__init__.py'}:" in deck_cache.plugin_stamp()
    assert not ran.exists() and "my_pkg" not in sys.modules
