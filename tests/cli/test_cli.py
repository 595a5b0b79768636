"""The command-line contracts: exit codes, the validate line format, JSON output."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from trainer.cli import main


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "trainer", *args], capture_output=True,
                          text=True, timeout=120)


def test_validate_ok_prints_a_summary_and_exits_0(recall_deck, capsys):
    assert main(["validate", str(recall_deck)]) == 0
    assert capsys.readouterr().out.startswith("ok: 1 deck, 3 cards")


def test_validate_of_one_file_finds_an_id_that_another_deck_already_uses(write_deck, tmp_path,
                                                                        capsys):
    mine = tmp_path / "elsewhere" / "mine.yaml"
    mine.parent.mkdir()
    mine.write_text("deck: mine\ntitle: M\ncards:\n  - id: likelihood-vs-probability\n"
                    "    kind: recall\n    prompt: P\n    answer: A\n", encoding="utf-8")
    assert main(["validate", str(mine)]) == 1
    (line,) = capsys.readouterr().out.splitlines()
    assert line.startswith(f"{mine}:4:5: likelihood-vs-probability: duplicate id")
    assert "mle_map_grill.yaml:" in line  # the shipped card it clashes with


def test_validate_reports_path_line_col_and_exits_1(write_deck, capsys):
    bad = write_deck("deck: b\ntitle: B\ncards:\n  - id: x\n    kind: recall\n    prompt: p\n",
                     "bad.yaml")
    assert main(["validate", str(bad)]) == 1
    assert capsys.readouterr().out.splitlines() == [
        f"{bad}:4:5: x: missing required field 'answer'"]


def test_validate_with_no_paths_checks_the_shipped_decks():
    proc = run("validate")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.startswith("ok:")


def test_decks_json_counts_cards_by_kind_due_and_new(recall_deck, capsys):
    assert main(["decks", "--json", str(recall_deck)]) == 0
    (deck,) = json.loads(capsys.readouterr().out)
    assert deck["deck"] == "basics" and deck["cards"] == 3
    assert deck["kinds"]["recall"] == 3 and deck["new"] == 3 and deck["due"] == 0


def test_stats_json_after_a_review(recall_deck, tmp_path, capsys):
    from trainer.config import Settings
    from trainer.decks import load_decks
    from trainer.scheduling import Scheduler
    from trainer.session import StudySession
    from trainer.store import Store

    db = tmp_path / "s.db"
    store = Store.open(db)
    session = StudySession(store=store, cards=load_decks([recall_deck]).cards,
                           settings=Settings(), scheduler=Scheduler(fuzz=False))
    session.rate(3)
    store.close()
    assert main(["--db", str(db), "stats", "--json", str(recall_deck)]) == 0
    stats = json.loads(capsys.readouterr().out)
    assert stats["reviews_today"] == 1
    assert stats["new_available"] == 2
    assert len(stats["forecast"]) == 7 and stats["streak_days"] == 1


@pytest.mark.parametrize("command", ["stats", "decks"])
def test_a_mistyped_db_path_is_named_and_nothing_is_created(recall_deck, tmp_path, capsys,
                                                            command):
    db = tmp_path / "no-such-folder" / "t.db"
    assert main(["--db", str(db), command, str(recall_deck)]) == 2
    err = capsys.readouterr().err
    assert f"no database at {db}" in err and "nothing was created" in err
    assert not db.parent.exists()
    # a new database in a folder that exists is still made (a first `trainer stats`)
    fresh = tmp_path / "fresh.db"
    assert main(["--db", str(fresh), command, str(recall_deck)]) == 0


def test_config_sets_and_shows_a_setting(capsys):
    assert main(["config", "new_per_day", "7"]) == 0
    capsys.readouterr()
    assert main(["config", "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert info["settings"]["new_per_day"] == 7
    assert Path(info["deck_folder"]).is_dir()  # created, ready for the user's decks
    assert main(["config", "desired_retention", "2"]) == 2
    assert "between 0.7 and 0.99" in capsys.readouterr().err


def test_config_is_written_as_toml_that_reads_back(capsys):
    import tomllib

    from trainer.config import config_path, load_settings

    assert main(["config", "theme", 'my "quoted" theme']) == 0
    assert main(["config", "desired_retention", "0.85"]) == 0
    raw = tomllib.loads(config_path().read_text(encoding="utf-8"))
    assert raw["theme"] == 'my "quoted" theme' and raw["desired_retention"] == 0.85
    assert load_settings().theme == 'my "quoted" theme'


def test_config_says_where_the_deck_cache_is(capsys, monkeypatch, isolated_user_dirs):
    from trainer.catalog import load_catalog
    from trainer.config import shipped_deck_dir

    assert main(["config"]) == 0
    line = next(x for x in capsys.readouterr().out.splitlines() if x.startswith("deck_cache"))
    assert line.split(maxsplit=1)[1] == str(isolated_user_dirs / "cache")  # TRAINER_CACHE
    monkeypatch.delenv("TRAINER_CACHE")
    assert main(["config", "--json"]) == 0
    cache = Path(json.loads(capsys.readouterr().out)["deck_cache"])
    assert cache.is_relative_to(isolated_user_dirs / "xdg-cache")  # the user cache folder
    load_catalog([shipped_deck_dir()])
    assert any(cache.iterdir())  # the loaded decks were cached there


def test_help_lists_the_commands():
    proc = run("--help")
    for command in ("study", "validate", "decks", "stats", "config", "grade", "check"):
        assert command in proc.stdout


def test_a_missing_deck_path_is_a_problem_not_a_traceback(tmp_path: Path):
    proc = run("validate", str(tmp_path / "nope.yaml"))
    assert proc.returncode == 1
    assert "no such file or folder" in proc.stdout and "Traceback" not in proc.stderr


def test_study_refuses_an_unknown_deck_or_tag_and_names_the_decks(recall_deck, capsys):
    assert main(["study", str(recall_deck), "--deck", "nope"]) == 2
    assert "no deck nope; the decks are: basics" in capsys.readouterr().err
    assert main(["study", str(recall_deck), "--tag", "nope"]) == 2
    assert "no card has the tag 'nope'" in capsys.readouterr().err


def test_bare_trainer_studies_without_building_the_parser():
    """The first card of `trainer` waits for no argument parser, nor for other commands'
    modules; any argument gets the whole parser."""
    code = ("import sys\nimport trainer.cli as cli\n"
            "cli.COMMANDS['study'] = lambda args: print(args.command, args.paths, "
            "getattr(args, 'deck', None), [m for m in ('argparse', 'trainer.sync.cli', "
            "'trainer.authoring.new', 'trainer.browse.cli', 'trainer.interview.cli') "
            "if m in sys.modules]) or 0\n"
            "cli.main([])\n"
            "print(cli.build_parser(['validate']).parse_args(['validate']).command)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=60, check=True)
    assert out.stdout.split("\n")[:2] == ["None [] None []", "validate"]
