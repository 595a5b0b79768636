"""Command line: `trainer` studies; `trainer --help` lists validate, decks, stats, grade, check."""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from trainer.render import plural

if TYPE_CHECKING:
    import argparse

    from trainer.config import Settings
    from trainer.decks import LoadResult, Problem
    from trainer.store import Store


def _add_db(parser: argparse.ArgumentParser) -> None:
    import argparse

    parser.add_argument("--db", type=Path, default=argparse.SUPPRESS,
                        help="the database file (default: $TRAINER_DB or the user data folder)")


def _add_decks(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="*", type=Path, metavar="PATH",
                        help="deck files or folders (default: shipped decks and your deck folder)")


def _namespace(**values: Any) -> argparse.Namespace:
    """Arguments as the parser would give them, without importing argparse."""
    from types import SimpleNamespace

    return cast("argparse.Namespace", SimpleNamespace(**values))


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The argument parser for `argv`; the grading options load only when `grade` is asked
    for (bare `trainer` parses nothing: see `main`)."""
    import argparse

    parser = argparse.ArgumentParser(
        prog="trainer",
        description="Spaced-repetition trainer for ML interviews. With no command: study.",
    )
    _add_db(parser)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    study = sub.add_parser("study", help="study what is due (the default)")
    _add_db(study)
    _add_decks(study)
    study.add_argument("--deck", action="append", help="only this deck id (repeatable)")
    study.add_argument("--tag", help="only cards with this tag")
    study.add_argument("--ahead", action="store_true",
                       help="study ahead / cram: ignore due dates and daily limits")

    validate = sub.add_parser("validate", help="check deck files; one line per problem")
    _add_decks(validate)
    validate.add_argument("--json", action="store_true", help="machine-readable output")

    decks = sub.add_parser("decks", help="list decks with card counts, due and new")
    _add_db(decks)
    _add_decks(decks)
    decks.add_argument("--json", action="store_true")

    stats = sub.add_parser("stats", help="reviews today, due, 7-day forecast, retention")
    _add_db(stats)
    _add_decks(stats)
    stats.add_argument("--json", action="store_true")

    config = sub.add_parser("config", help="show settings and paths, or set one: KEY VALUE")
    _add_db(config)
    config.add_argument("key", nargs="?")
    config.add_argument("value", nargs="*", help="the value (words are joined: a scope)")
    config.add_argument("--json", action="store_true")
    config.add_argument("--deck", metavar="ID",
                        help="set KEY (new_per_day, reviews_per_day, desired_retention) for "
                             "this deck only; VALUE `default` removes the override")

    grade = sub.add_parser("grade", help="grade one answer, or JSON lines with --batch")
    if "grade" in (argv or ()):  # keeps the grading engine off the start-up path of `trainer`
        from trainer.grading.cli import add_arguments as add_grade_arguments

        add_grade_arguments(grade)

    check = sub.add_parser("check", help="prove every graded card: references and mistakes")
    _add_decks(check)
    check.add_argument("--seeds", type=int, default=20, help="param draws per card (default 20)")
    check.add_argument("--json", action="store_true")
    check.add_argument("-v", "--verbose", action="store_true",
                       help="one line per failing draw (default: one per card and failure kind)")
    from trainer.authoring.solvers import add_arguments as add_solvers_arguments

    add_solvers_arguments(sub.add_parser(
        "solvers", help="list the solver functions decks may call, with an example each"))
    from trainer.authoring.schema import add_arguments as add_schema_arguments

    add_schema_arguments(sub.add_parser(
        "schema", help="print the deck format's JSON Schema (for editors)"))
    from trainer.authoring.new import add_arguments as add_new_arguments

    add_new_arguments(sub.add_parser("new", help="write a starter deck in your deck folder"))
    from trainer.authoring.preview import add_arguments as add_preview_arguments

    add_preview_arguments(sub.add_parser(
        "preview", help="show a card as studied, with its drawn numbers and answers"))
    try_ = sub.add_parser("try", help="run a solution file against a code card's draws")
    from trainer.coderun.cli import add_arguments as add_try_arguments

    add_try_arguments(try_)

    export = sub.add_parser("export", help="write the decks as an Anki package (.apkg)")
    _add_decks(export)
    export.add_argument("-o", "--out", type=Path, required=True, metavar="FILE.apkg",
                        help="the package to write")
    export.add_argument("--deck", action="append", help="only this deck id (repeatable)")
    export.add_argument("--partial", action="store_true",
                        help="write the cards that can be exported even if some cannot")
    export.add_argument("--with-scheduling", action="store_true",
                        help="also carry each card's state, due date and review log")
    _add_db(export)

    backup = sub.add_parser("backup", help="list the automatic backups (or make one: --now)")
    _add_db(backup)
    restore = sub.add_parser("restore", help="restore a backup (the newest by default), "
                             "keeping the current database aside")
    _add_db(restore)
    from trainer.store.cli import add_backup_arguments

    add_backup_arguments(backup, restore)

    from trainer.browse.cli import add_arguments as add_cards_arguments

    cards = sub.add_parser("cards", help="search cards (QUERY), or suspend/bury/forget them")
    _add_db(cards)
    add_cards_arguments(cards)

    from trainer.scheduling.cli import add_optimize_arguments

    optimize = sub.add_parser("optimize", help="fit FSRS to your review log (--apply uses it)")
    _add_db(optimize)
    add_optimize_arguments(optimize)
    from trainer.sync.cli import add_import_arguments

    add_import_arguments(sub.add_parser(
        "import", help="turn an Anki package or a CSV/TSV file into a deck in the deck folder"))
    from trainer.sync.sync_cli import add_sync_arguments

    sync = sub.add_parser("sync", help="merge the review journal with other devices' through "
                                       "a shared folder or a git work tree")
    _add_db(sync)
    add_sync_arguments(sync)
    from trainer.interview.cli import add_interview_arguments, add_readiness_arguments

    add_interview_arguments(sub.add_parser(
        "interview", help="a mock interview: timed questions, follow-ups, a debrief"))
    add_readiness_arguments(sub.add_parser(
        "readiness", help="predicted recall on the interview date, per deck and tag"))
    return parser


def _fail(message: str, code: int = 2) -> int:
    print(f"trainer: {message}", file=sys.stderr)
    return code


def _db_path(args: argparse.Namespace) -> Path:
    from trainer.config import default_db_path

    return getattr(args, "db", None) or default_db_path()


def _backup_dir(args: argparse.Namespace) -> Path:
    from trainer.config import backup_dir

    return backup_dir(_db_path(args))


def _open_store(args: argparse.Namespace, *, reading: bool = False,
                exclusive: bool = False) -> Store:
    """The store; `reading` commands also read a database they cannot write to."""
    from trainer.store import Store

    path = _db_path(args)
    chosen = getattr(args, "db", None) is not None or bool(os.environ.get("TRAINER_DB"))
    if reading and chosen and not path.exists() and not path.parent.is_dir():
        # a mistyped path: reading it must not make folders and an empty history
        from trainer.store import StoreError

        raise StoreError(f"no database at {path}: the folder {path.parent} does not exist "
                         "(check --db or TRAINER_DB); nothing was created")
    read_only = reading and path.exists() and not (os.access(path, os.W_OK)
                                                    and os.access(path.parent, os.W_OK))
    return Store.open(path, read_only=read_only, exclusive=exclusive,
                      backup_dir=_backup_dir(args),
                      notice=lambda text: print(f"trainer: {text}", file=sys.stderr, flush=True))


def _deck_paths(args: argparse.Namespace) -> list[Path]:
    from trainer.config import default_deck_paths

    return list(args.paths or default_deck_paths())


def _load(args: argparse.Namespace) -> LoadResult:
    from trainer.catalog import load_catalog
    from trainer.config import default_deck_paths

    return load_catalog(args.paths or default_deck_paths())


def cmd_validate(args: argparse.Namespace) -> int:
    if args.paths:
        result = _load_beside_the_others(args.paths)
    else:
        result = _load(args)
    cards = result.cards
    warnings = _structure_warnings(args.paths)
    from trainer.registry import load_problems

    for problem in load_problems():  # a solver plugin that failed to import
        print(f"warning: {problem}", file=sys.stderr)
    if args.json:
        print(json.dumps({"decks": len(result.decks), "cards": len(cards),
                          "problems": [p.to_dict() for p in result.problems],
                          "warnings": [w.to_dict() for w in warnings]}))
    else:
        for found in [*result.problems, *warnings]:
            print(found)
        if not result.problems:
            print(f"ok: {plural(len(result.decks), 'deck')}, {plural(len(cards), 'card')}, "
                  "no problems")
        else:
            files = len({p.path for p in result.problems})
            sys.stdout.flush()  # the summary (on stderr) follows the problems, not amid them
            print(f"{plural(len(result.problems), 'problem')} in {plural(files, 'file')} "
                  f"({plural(len(result.decks), 'deck')} read)", file=sys.stderr)
    return 1 if result.problems else 0


def _structure_warnings(paths: list[Path]) -> list[Problem]:
    """Fields swallowed by a block scalar in the given deck files (not problems: the deck
    loads, but probably not as its author meant)."""
    from trainer.config import default_deck_paths
    from trainer.decks import deck_files
    from trainer.decks.collect import read_deck_text
    from trainer.decks.structure import swallowed_fields

    out: list[Problem] = []
    for path in deck_files(paths or default_deck_paths()):
        text, _ = read_deck_text(path)
        if text is not None:
            out.extend(swallowed_fields(text, str(path)))
    return out


def _load_beside_the_others(paths: list[Path]) -> LoadResult:
    """The given decks, checked against the shipped and the user's decks as well.

    Ids must be unique across every deck the app loads, so the given files are loaded
    after all the others (a clash is then reported at the given file) and only their
    problems and decks are kept.
    """
    from trainer.catalog import load_catalog
    from trainer.config import default_deck_paths
    from trainer.decks import deck_files

    given = deck_files(paths)
    mine = {p.resolve() for p in given if p.exists()}
    others = [p for p in deck_files(default_deck_paths()) if p.resolve() not in mine]
    result = load_catalog([*others, *given])
    result.problems = [p for p in result.problems if Path(p.path).resolve() in mine
                       or not Path(p.path).exists()]
    result.decks = [d for d in result.decks if Path(d.path).resolve() in mine]
    return result


def _report_problems(result: LoadResult) -> None:
    for problem in result.problems:
        print(f"warning: {problem}", file=sys.stderr)


def cmd_decks(args: argparse.Namespace) -> int:
    from trainer.config import load_settings
    from trainer.stats import deck_table

    result = _load(args)
    _report_problems(result)
    store = _open_store(args, reading=True)
    settings = load_settings()
    counts = {c.deck: c for c in deck_table(result.cards, store, settings, time.time(),
                                            count_unseen=True).decks}
    rows: list[dict[str, Any]] = []  # JSON rows
    for deck in result.decks:
        kinds = {k: 0 for k in ("recall", "numeric", "symbolic", "derivation", "code")}
        for card in deck.cards:
            kinds[card.kind] += 1
        c = counts.get(deck.id)
        rows.append({"deck": deck.id, "title": deck.title, "path": deck.path,
                     "cards": len(deck.cards), "kinds": kinds, "due": c.due if c else 0,
                     "new": c.unseen if c else 0, "today": c.today if c else 0,
                     "options": settings.deck(deck.id).overrides()})
    if args.json:
        print(json.dumps(rows))
        return 0
    print(f"{'deck':<28} {'cards':>5} {'recall':>6} {'num':>4} {'sym':>4} {'deriv':>5} {'code':>4} "
          f"{'due':>4} {'unseen':>6} {'today':>5}  title")
    for r in rows:
        k = r["kinds"]
        print(f"{r['deck']:<28} {r['cards']:>5} {k['recall']:>6} {k['numeric']:>4} "
              f"{k['symbolic']:>4} {k['derivation']:>5} {k['code']:>4} {r['due']:>4} {r['new']:>6} "
              f"{r['today']:>5}  {r['title']}{_options_note(settings, r['deck'])}")
    return 0


def _options_note(settings: Settings, deck: str) -> str:
    """'  (5 new/day · retention 85%)' for a deck with its own options."""
    text = settings.deck(deck).describe()
    return f"  ({text})" if text else ""


def cmd_stats(args: argparse.Namespace) -> int:
    from trainer.config import load_settings
    from trainer.stats import deck_table, overview, stats_dict

    result = _load(args)
    _report_problems(result)
    store = _open_store(args, reading=True)
    settings = load_settings()
    now = time.time()
    view = overview(result.cards, store, now, day_hour=settings.day_starts_at,
                    learn_ahead_minutes=settings.learn_ahead_minutes)
    table = deck_table(result.cards, store, settings, now, count_unseen=True)
    fits = store.fits()
    if args.json:
        print(json.dumps({**stats_dict(view, table), "fits": [f.to_dict() for f in fits]}))
        return 0
    retention = ("- (no reviews of mature cards yet)" if view.retention_30d is None
                 else f"{view.retention_30d:.0%}")
    print(f"reviews today      {view.reviews_today}")
    print(f"due now            {view.due_now}")
    print(f"due later today    {view.due_later_today}")
    print(f"new (unseen)       {table.total.unseen}")
    print(f"due, 7 days        {' '.join(str(n) for n in view.forecast)}  (today first)")
    print(f"retention (30 d)   {retention}")
    print(f"reviews (30 d)     {view.reviews_30d}")
    print(f"streak             {plural(view.streak_days, 'day')}")
    if view.leeches:
        print(f"leeches            {', '.join(view.leeches)}")
    from trainer.scheduling.refit import describe_fits

    for line in describe_fits(fits, now, here=store.device_id):
        print(f"FSRS parameters    {line}")
    return 0


def _interview_setting_problem(key: str, value: str) -> str | None:
    """Why `value` can not be the interview date (as the app's date field: after today) or
    scope (decks and tags that the loaded cards have), or None."""
    from trainer.interview import setting_checks

    if key == "interview_date":
        from trainer.config import load_settings

        return setting_checks.date_problem(value, time.time(), load_settings().day_starts_at)
    if key == "interview_scope":
        return setting_checks.scope_problem(value, _load(_namespace(paths=[])).cards)
    return None


def cmd_config(args: argparse.Namespace) -> int:
    from trainer.config import (
        SettingsError,
        config_path,
        deck_cache_dir,
        load_settings,
        save_setting,
        shipped_deck_dir,
        user_deck_dir,
    )

    try:
        if args.deck is not None:
            from trainer.config import save_deck_setting

            if args.key is None or not args.value:
                return _fail(f"give a key and a value: trainer config --deck {args.deck} "
                             "KEY VALUE (new_per_day, reviews_per_day, desired_retention)")
            known = {d.id for d in _load(_namespace(paths=[])).decks}
            settings = save_deck_setting(args.deck, args.key, " ".join(args.value), known)
        elif args.key is not None:
            if not args.value:
                return _fail(f"give a value: trainer config {args.key} VALUE")
            problem = _interview_setting_problem(args.key, " ".join(args.value))
            if problem:
                return _fail(problem)
            settings = save_setting(args.key, " ".join(args.value))
        else:
            settings = load_settings()
    except SettingsError as exc:
        return _fail(str(exc))
    deck_folder = user_deck_dir()
    try:
        deck_folder.mkdir(parents=True, exist_ok=True)  # ready for your own decks
    except OSError:
        pass  # shown anyway; studying does not need it
    info = {
        "config_file": str(config_path()),
        "database": str(_db_path(args)),
        "deck_folder": str(user_deck_dir()),
        "shipped_decks": str(shipped_deck_dir()),
        "deck_cache": str(deck_cache_dir()),
        "settings": settings.to_dict(),
    }
    if args.json:
        print(json.dumps(info))
        return 0
    for key in ("config_file", "database", "deck_folder", "shipped_decks", "deck_cache"):
        print(f"{key:<20} {info[key]}")
    for key, value in settings.to_dict().items():
        if key != "decks":
            print(f"{key:<20} {value}")
    for deck, options in sorted(settings.decks.items()):
        print(f"deck {deck:<15} {options.describe()}")
    return 0


def cmd_grade(args: argparse.Namespace) -> int:
    from trainer.grading.cli import run

    return run(args)


def cmd_check(args: argparse.Namespace) -> int:
    from trainer.check import run

    return run(args)


def cmd_solvers(args: argparse.Namespace) -> int:
    from trainer.authoring.solvers import run

    return run(args)


def cmd_schema(args: argparse.Namespace) -> int:
    from trainer.authoring.schema import run

    return run(args)


def cmd_new(args: argparse.Namespace) -> int:
    from trainer.authoring.new import run

    return run(args)


def cmd_preview(args: argparse.Namespace) -> int:
    from trainer.authoring.preview import run

    return run(args)


def cmd_try(args: argparse.Namespace) -> int:
    from trainer.coderun.cli import run

    return run(args)


def cmd_export(args: argparse.Namespace) -> int:
    from trainer.exercises import ExerciseError
    from trainer.export import ExportError, export_apkg, note_for

    result = _load(args)
    _report_problems(result)
    decks = [d for d in result.decks if not args.deck or d.id in args.deck]
    if args.deck and len(decks) < len(set(args.deck)):
        missing = [d for d in args.deck if d not in {k.id for k in decks}]
        return _fail(_no_such_deck(missing, {d.id for d in result.decks}, result.problems))
    if args.out.suffix != ".apkg":
        return _fail(f"{args.out}: an Anki package must end in .apkg")
    chosen = {str(Path(d.path).resolve()) for d in decks}
    # problems of the chosen decks, and of deck files that did not load at all
    left_out = sum(1 for p in result.problems if not args.deck
                   or str(Path(p.path).resolve()) in chosen)
    notes = []
    for deck in decks:
        for card in deck.cards:
            try:
                notes.append(note_for(card))
            except ExerciseError as exc:
                left_out += 1
                print(f"warning: {card.path}: {card.id}: not exported: {exc}", file=sys.stderr)
    untouched = (f"{args.out} is left as it was" if args.out.exists()
                 else "nothing was written")
    if not notes:
        return _fail(f"nothing to export; {untouched}.", 1)
    if left_out and not args.partial:
        return _fail(f"not everything can be exported ({plural(left_out, 'problem')} above); "
                     f"{untouched}. Fix them (`trainer validate`) or pass --partial to write "
                     "the rest.", 1)
    schedules = None
    if args.with_scheduling:
        from trainer.config import load_settings
        from trainer.sync.anki_export import schedules_from_store

        schedules = schedules_from_store(_open_store(args, reading=True), (n.key for n in notes),
                                         load_settings().retention_for)
    try:
        export_apkg(notes, {d.id: d.title for d in decks}, args.out, schedules=schedules)
    except ExportError as exc:
        return _fail(str(exc))
    print(f"wrote {plural(len(notes), 'note')} from {plural(len(decks), 'deck')} to {args.out}; "
          "in Anki: File › Import. Graded cards are frozen at one draw of their numbers."
          + (f" {plural(len(schedules), 'card')} carry their schedule and review log."
             if schedules else ""))
    return 1 if left_out else 0


def cmd_cards(args: argparse.Namespace) -> int:
    from trainer.browse.cli import run

    return run(args, _open_store, _load)


def cmd_sync(args: argparse.Namespace) -> int:
    from trainer.sync.sync_cli import run_sync

    # a study session beside it would go on showing the states from before the merge
    return run_sync(args, lambda: _open_store(args, exclusive=True))


def cmd_import(args: argparse.Namespace) -> int:
    from trainer.sync.cli import run_import

    return run_import(args)


def cmd_optimize(args: argparse.Namespace) -> int:
    from trainer.scheduling.cli import run_optimize

    return run_optimize(args, lambda exclusive: _open_store(args, exclusive=exclusive),
                        lambda: {d.id for d in _load(_namespace(paths=[])).decks})


def cmd_interview(args: argparse.Namespace) -> int:
    from trainer.interview.cli import run_interview

    return run_interview(args)


def cmd_readiness(args: argparse.Namespace) -> int:
    from trainer.interview.cli import run_readiness

    return run_readiness(args)


def cmd_study(args: argparse.Namespace) -> int:
    from trainer.config import SettingsError, load_settings

    try:
        settings = load_settings()
    except SettingsError as exc:
        return _fail(str(exc))
    result = _load(args)
    known = {d.id for d in result.decks}
    unknown = [d for d in getattr(args, "deck", None) or [] if d not in known]
    if unknown:
        return _fail(_no_such_deck(unknown, known, result.problems))
    tag = getattr(args, "tag", None)
    if tag and not any(tag in c.tags for c in result.cards):
        same = sorted({t for c in result.cards for t in c.tags if t.lower() == tag.lower()})
        hint = f" (did you mean {same[0]!r}?)" if same else ""
        return _fail(f"no card has the tag {tag!r}{hint}; `trainer decks` lists the decks")
    store = _open_store(args, exclusive=True)
    from trainer.tui.app import TrainerApp

    app = TrainerApp(
        store=store,
        load_result=result,
        settings=settings,
        decks=getattr(args, "deck", None),
        tag=getattr(args, "tag", None),
        ahead=getattr(args, "ahead", False),
        deck_paths=_deck_paths(args),  # watched: an edited deck takes effect while studying
        backup_dir=_backup_dir(args),
    )
    app.run()
    if settings.sync_dir and store.failure is None:  # at exit: what was studied goes out
        from trainer.sync.auto import sync_quietly

        _, failure = sync_quietly(store, settings.sync_dir, app.scheduler)
        if failure:
            print(f"trainer: {failure}", file=sys.stderr)
    store.close()
    code = app.return_code or 0
    if code and store.failure is not None:
        return 2  # the app has said what happened to the database and what to do
    return code


def _no_such_deck(unknown: list[str], known: set[str], problems: list[Problem]) -> str:
    """Name the deck file that failed to load when it is the one asked for."""
    import re

    from trainer.decks.collect import MAX_DECK_BYTES
    from trainer.files import UnreadableFile, read_bounded_text

    for problem in problems:
        path = Path(problem.path)
        try:
            text = read_bounded_text(path, MAX_DECK_BYTES)
        except UnreadableFile:
            text = ""
        for deck in unknown:
            if path.stem == deck or re.search(rf"^deck:\s*['\"]?{re.escape(deck)}['\"]?\s*$",
                                              text, re.MULTILINE):
                return f"deck {deck} could not be loaded: {problem}"
    broken = f" ({len(problems)} deck problems: `trainer validate`)" if problems else ""
    return f"no deck {', '.join(unknown)}; the decks are: {', '.join(sorted(known))}{broken}"


def cmd_backup(args: argparse.Namespace) -> int:
    from trainer.store.cli import run_backup

    return run_backup(args, _db_path(args), _backup_dir(args))


def cmd_restore(args: argparse.Namespace) -> int:
    from trainer.store.cli import run_restore

    return run_restore(args, _db_path(args), _backup_dir(args))


COMMANDS = {
    "study": cmd_study,
    "validate": cmd_validate,
    "decks": cmd_decks,
    "stats": cmd_stats,
    "config": cmd_config,
    "grade": cmd_grade,
    "check": cmd_check,
    "try": cmd_try,
    "export": cmd_export,
    "import": cmd_import,
    "sync": cmd_sync,
    "cards": cmd_cards,
    "solvers": cmd_solvers,
    "schema": cmd_schema,
    "new": cmd_new,
    "preview": cmd_preview,
    "interview": cmd_interview,
    "readiness": cmd_readiness,
    "optimize": cmd_optimize,
    "backup": cmd_backup,
    "restore": cmd_restore,
}


def main(argv: Sequence[str] | None = None) -> int:
    from trainer.store import StoreError

    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["cards"]:  # a negated query word (-is:new) is not an option
        from trainer.browse.cli import query_after_options

        argv = query_after_options(argv)
    if argv:
        args = build_parser(argv).parse_args(argv)
    else:  # bare `trainer`: nothing to parse, and the first card does not wait for argparse
        args = _namespace(command=None, paths=[])
    command = args.command or "study"
    if command == "study" and not hasattr(args, "paths"):
        args.paths = []
    try:
        return COMMANDS[command](args)
    except StoreError as exc:
        return _fail(str(exc))
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:  # noqa: BLE001 - only sqlite3 errors are handled
        import sqlite3

        if not isinstance(exc, sqlite3.Error):
            raise
        from trainer.store.db import as_store_error  # a query outside the store, at worst

        return _fail(str(as_store_error(exc, _db_path(args), _backup_dir(args))))


if __name__ == "__main__":
    sys.exit(main())
