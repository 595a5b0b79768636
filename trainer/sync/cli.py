"""`trainer import`: an Anki package or a CSV/TSV file becomes a deck in the deck folder."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from trainer.render import plural

if TYPE_CHECKING:
    from trainer.sync.anki_package import Note


def add_import_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", type=Path, metavar="FILE",
                        help="an Anki package (.apkg, .colpkg) or a .csv/.tsv with a header row")
    parser.add_argument("-o", "--out", type=Path, metavar="DECK.yaml",
                        help="the deck file to write (default: the deck folder, named after FILE)")
    parser.add_argument("--deck", metavar="ID", help="the deck id (default: from the file name)")
    parser.add_argument("--title", help="the deck title (default: the file name)")
    parser.add_argument("--with-history", action="store_true",
                        help="also import Anki's review log: the cards keep their FSRS state "
                        "and due dates (importing again adds nothing twice)")
    parser.add_argument("--reviews-only", action="store_true",
                        help="bring back the reviews done in Anki on cards `trainer export` "
                        "wrote (matched by GUID); writes no deck")
    parser.add_argument("--db", type=Path, default=argparse.SUPPRESS,
                        help="the database file (default: $TRAINER_DB or the user data folder)")


def _err(message: str) -> int:
    print(f"trainer: {message}", file=sys.stderr)
    return 2


_HEADER = "# Imported from "
_BY = " by `trainer import`."


def _would_replace(out: Path, src: Path, chosen: bool) -> str | None:
    """Why writing the deck to `out` would lose cards (None: it may be written).

    A deck written by hand is never replaced; one imported from another file only when
    `-o` names it (`chosen`): two files with one name would otherwise overwrite each other.
    """
    try:
        with out.open(encoding="utf-8") as f:
            first = f.readline()
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError):
        first = ""
    if not (first.startswith(_HEADER) and _BY in first):
        return (f"{out} is a deck of yours, not one `trainer import` wrote: importing "
                f"{src.name} would replace it. Choose another file with -o")
    origin = first[len(_HEADER):first.index(_BY)]
    if origin == src.name or chosen:
        return None
    return (f"{out} was imported from {origin}: importing {src.name} would replace its cards. "
            f"Choose another file with -o (or -o {out} to replace them)")


def _exported_here(note: Note) -> bool:
    """True for a note `trainer export` wrote: its GUID is made from its Key field, a
    card of the learner's decks."""
    import genanki

    names = note.notetype.fields
    if "Key" not in names or len(note.fields) != len(names):
        return False
    key = note.fields[names.index("Key")]
    return bool(key) and note.guid == genanki.guid_for("trainer", key)


def run_import(args: argparse.Namespace) -> int:
    from trainer.config import user_deck_dir
    from trainer.sync.anki_import import deck_yaml, import_package, slug

    src: Path = args.file
    suffix = src.suffix.lower()
    if suffix not in {".apkg", ".colpkg", ".csv", ".tsv"}:
        return _err(f"{src}: import reads .apkg, .colpkg, .csv or .tsv files")
    if not src.is_file():
        return _err(f"{src}: no such file")
    if (args.with_history or args.reviews_only) and suffix not in {".apkg", ".colpkg"}:
        return _err(f"{src}: review history comes from an Anki package (.apkg, .colpkg)")
    if args.with_history and args.reviews_only:
        return _err("--with-history imports a deck and its reviews, --reviews-only the reviews "
                    "of cards already exported: choose one")
    if args.reviews_only:
        from trainer.sync.anki_reviews import import_reviews_only

        return import_reviews_only(src, args)
    out: Path = args.out or user_deck_dir() / f"{slug(src.stem)}.yaml"
    if out.suffix not in {".yaml", ".yml"}:
        return _err(f"{out}: a deck file ends in .yaml")
    deck_id = args.deck or slug(out.stem)
    refused = _would_replace(out, src, chosen=args.out is not None)
    if refused:
        return _err(refused)
    history_report = ""
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        if suffix in {".csv", ".tsv"}:
            from trainer.sync.csv_import import CsvError, read_csv

            try:
                rows = read_csv(src)
            except CsvError as exc:
                return _err(str(exc))
            for problem in rows.problems:
                print(problem, file=sys.stderr)
            if not rows.cards:  # an empty deck would replace the cards of a good import
                print(f"trainer: {src}: no row made a card; nothing written", file=sys.stderr)
                return 1
            text = deck_yaml({"deck": deck_id, "title": args.title or src.stem,
                              "cards": rows.cards}, src.name,
                             ids_from="the id column, or else a hash of the prompt")
            tmp = out.with_name(f".{out.name}.tmp")
            tmp.write_text(text, encoding="utf-8")
            tmp.replace(out)
            made, skipped, media = len(rows.cards), len(rows.problems), 0
            written = text
        else:
            from trainer.sync.anki_package import PackageError, read_package

            try:
                pkg = read_package(src, reviews=args.with_history)
            except PackageError as exc:
                return _err(str(exc))
            ours = {n.id for n in pkg.notes if _exported_here(n)}
            if ours:  # a deck of the learner's own, back from Anki: not a second copy
                pkg.notes = [n for n in pkg.notes if n.id not in ours]
                hint = (f"`trainer import {src} --reviews-only` brings back the reviews done "
                        "on them in Anki")
                if not pkg.notes:
                    return _err(f"{src.name}: every note in it is one `trainer export` wrote, "
                                f"a card of your decks: importing them would make copies; {hint}")
                print(f"skipped {plural(len(ours), 'note')} that `trainer export` wrote (cards "
                      f"of your decks, not copied again); {hint}", file=sys.stderr)
            conv = import_package(pkg, out, deck_id=deck_id, title=args.title)
            for note in conv.skipped:
                print(f"skipped {note}", file=sys.stderr)
            made, skipped, media = conv.cards, len(conv.skipped), len(conv.media)
            written = conv.text
            if args.with_history:
                from trainer.sync.anki_reviews import import_history

                history_report = import_history(pkg, conv, deck_id, args)
    except OSError as exc:
        return _err(f"{out}: {exc.strerror or exc}")
    print(f"wrote {plural(made, 'card')} to {out} (deck {deck_id})"
          + (f"; {plural(media, 'media file')} beside it" if media else "")
          + (f"; {skipped} skipped" if skipped else ""))
    if history_report:
        print(history_report)
    from trainer.catalog import check_written
    from trainer.config import default_deck_paths

    problems = check_written(out, written, default_deck_paths())
    for found in problems[:10]:
        print(found, file=sys.stderr)
    if problems:
        print(f"{plural(len(problems), 'problem')} in the new deck: run `trainer validate {out}`",
              file=sys.stderr)
        return 1
    return 0
