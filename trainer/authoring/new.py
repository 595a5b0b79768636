"""`trainer new DECK-ID [--title T]`: a starter deck, its example cards commented out."""

from __future__ import annotations

import argparse
import re
import sys

from trainer.authoring.schema import SCHEMA_FILE, write_schema

_DECK_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")

# {deck} is the deck id (card ids must be unique across every deck the app loads);
# {title} its title. Each card is a small, correct example of its kind.
HEAD = """\
# yaml-language-server: $schema={schema}
# A starter deck. Its example cards, one of each kind, are commented out, so that
# nothing enters study or the readiness forecast until you write a card: uncomment
# one (select its lines and toggle the comment in your editor), make it yours, run
#   trainer validate {path}      (structure, names, expressions)
#   trainer check {path}         (every graded card's reference and mistakes, on many draws)
#   trainer preview {path}:{deck}-numeric --seed 1
# and it joins your reviews. `trainer solvers` lists the functions `solve` may call.
deck: {deck}
title: {title}
cards:
"""

# The examples as live YAML; the starter file holds them commented out (see `commented`).
EXAMPLES = """\

  # recall: a question answered in words; the learner grades themself.
  # key_points are what an interviewer listens for (2-5 short phrases).
  - id: {deck}-recall
    kind: recall
    prompt: What is the difference between a likelihood and a probability?
    answer: |
      A probability is a function of the data for fixed parameters and sums to one
      over outcomes; a likelihood is the same expression read as a function of the
      parameters for the observed data, and need not integrate to one.
    key_points:
      - same formula, different argument
      - a likelihood is not a density over parameters
    tags: [basics]
    difficulty: 1

  # numeric: a number computed by a solver from params drawn fresh at every review.
  # {{{{name}}}} in the prompt shows a param; mistakes are wrong solver calls with feedback.
  - id: {deck}-numeric
    kind: numeric
    prompt: |
      A coin lands heads {{{{k}}}} times in {{{{n}}}} flips. What is the MLE of $p$?
    params:
      n: randint(20, 50)
      k: randint(2, n - 2)
    constraints: ["abs(n - 2*k) >= 4"]
    solve: bernoulli_mle(k, n)
    mistakes:
      - answer: (n - k)/n
        feedback: That is the fraction of tails.
    hint: Maximise $k\\log p + (n-k)\\log(1-p)$.
    difficulty: 1

  # symbolic: a formula over declared symbols (name: domain), graded by equivalence.
  - id: {deck}-symbolic
    kind: symbolic
    prompt: |
      Write the MLE of $p$ from $k$ heads in $n$ flips (type k and n).
    symbols: {{k: nonnegative integer, n: positive integer}}
    answer: k/n
    mistakes:
      - answer: (k + 1)/(n + 2)
        feedback: That is the posterior mean under a uniform prior, not the MLE.
    difficulty: 1

  # derivation: 2 to 4 steps, each numeric or symbolic, sharing the card's params.
  - id: {deck}-derivation
    kind: derivation
    prompt: |
      {{{{k}}}} heads in {{{{n}}}} flips, a Beta(2, 2) prior on $p$. Find the MAP estimate.
    params:
      n: randint(10, 30)
      k: randint(1, n - 1)
    constraints: ["abs(n - 2*k) >= 3"]
    symbols: {{p: "(0, 1)"}}
    steps:
      - prompt: Write the log posterior of $p$ up to a constant, with these numbers.
        kind: symbolic
        answer: (k + 1)*log(p) + (n - k + 1)*log(1 - p)
      - prompt: Its maximiser? (decimal or fraction)
        kind: numeric
        solve: beta_bernoulli_map(k, n, 2, 2)
        mistakes:
          - answer: k/n
            feedback: That is the MLE; the prior adds one success and one failure.
    difficulty: 2

  # code: the learner completes a Python function; it is run in a sandbox on several
  # draws and compared with `solve`. `reference` is a worked solution `trainer check` runs.
  - id: {deck}-code
    kind: code
    prompt: |
      Return the MLE of a Bernoulli $p$ from a 1-D array `x` of 0/1 outcomes, as a float.
    signature: |
      def bernoulli_mle(x):
          \"\"\"The MLE of p from an array of 0s and 1s.\"\"\"
    params:
      x: bernoulli(0.4, 12)
    constraints: ["sum(x) >= 1", "sum(x) <= 11"]
    solve: bernoulli_mle(sum(x), len(x))
    reference: |
      import numpy as np


      def bernoulli_mle(x):
          return float(np.mean(x))
    difficulty: 1
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("deck_id", metavar="DECK-ID",
                        help="the new deck's id: lower-case letters, digits and -")
    parser.add_argument("--title", help="the deck's title (default: from the id)")


def commented(cards: str) -> str:
    """Card lines turned into comments after their list indent (`  # - id: …`), so that an
    editor's toggle-comment gives the card back; a comment line stays one (`  # # …`)."""
    return "".join(f"  # {line[2:]}" if line.strip() else line
                   for line in cards.splitlines(keepends=True))


def starter_text(deck_id: str, title: str, path: str, schema: str) -> str:
    import json

    values = {"deck": deck_id, "title": json.dumps(title, ensure_ascii=False), "path": path,
              "schema": schema}
    return HEAD.format(**values) + commented(EXAMPLES.format(**values))


def run(args: argparse.Namespace) -> int:
    from trainer.config import user_deck_dir

    deck_id = args.deck_id
    if not _DECK_ID.match(deck_id):
        print(f"trainer: {deck_id!r} is not a deck id: use lower-case letters, digits and -, "
              "e.g. my-deck", file=sys.stderr)
        return 2
    folder = user_deck_dir()
    path = folder / f"{deck_id}.yaml"
    if path.exists():
        print(f"trainer: {path} already exists; nothing written", file=sys.stderr)
        return 1
    title = args.title or deck_id.replace("-", " ").capitalize()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        # refreshed beside the decks, so the schema line works offline in any editor
        write_schema(folder / SCHEMA_FILE)
        with open(path, "x", encoding="utf-8") as out:  # "x": never overwrite
            out.write(starter_text(deck_id, title, str(path), SCHEMA_FILE))
    except FileExistsError:
        print(f"trainer: {path} already exists; nothing written", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"trainer: cannot write {path}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    print(f"wrote {path} (no cards yet: 5 examples, commented out) and {folder / SCHEMA_FILE}")
    print(f"next: uncomment an example and make it yours, then `trainer validate {path}` "
          f"and `trainer check {path}`")
    return 0
