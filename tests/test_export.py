"""`trainer export`: an Anki package whose math stays MathJax and whose notes update in place."""

from __future__ import annotations

import sqlite3
import zipfile
from pathlib import Path

from trainer.cli import main
from trainer.export import to_html


def test_math_becomes_mathjax_and_text_is_escaped():
    assert to_html(r"MLE $\hat p = k/n$ when $n > 0$") == r"MLE \(\hat p = k/n\) when \(n &gt; 0\)"
    assert to_html("$$\\sum_i x_i$$\nnext") == "\\[\\sum_i x_i\\]\n<p>next</p>"
    assert to_html("<script>a & b</script>") == "&lt;script&gt;a &amp; b&lt;/script&gt;"
    assert to_html(None) == ""
    assert to_html("an *unbiased* **estimate**") == "an <i>unbiased</i> <b>estimate</b>"


def test_markdown_becomes_the_html_anki_shows():
    """The export reads card text as the terminal does: lists, code, paragraphs, and the
    same line breaks (a hand-wrapped line joins, a short line keeps its break)."""
    assert to_html("Key facts:\n- `np.var` divides by *n*\n- $s^2$ by $n-1$") == (
        "<p>Key facts:</p>\n<ul>\n<li><code>np.var</code> divides by <i>n</i></li>\n"
        "<li>\\(s^2\\) by \\(n-1\\)</li>\n</ul>")
    assert to_html("```\nx = a*b*c  # <kept>\n```") == (
        "<pre><code>x = a*b*c  # &lt;kept&gt;\n</code></pre>")
    long = "A coin lands heads 2 times in 60 independent flips. What is the"
    assert to_html(long + "\nestimate?") == long + " estimate?"
    assert to_html("x = 1, 2, 3\ny = 4, 5, 6") == "x = 1, 2, 3<br>y = 4, 5, 6"
    assert to_html("costs $5 and $6, a*b*c, log_prob_x") == "costs $5 and $6, a*b*c, log_prob_x"


def notes(apkg: Path) -> list[tuple[str, str, list[str]]]:
    with zipfile.ZipFile(apkg) as z:
        data = z.read("collection.anki2")
    db = apkg.with_suffix(".anki2")
    db.write_bytes(data)
    conn = sqlite3.connect(db)
    rows = conn.execute("SELECT guid, tags, flds FROM notes ORDER BY id").fetchall()
    conn.close()
    return [(guid, tags, flds.split("\x1f")) for guid, tags, flds in rows]


def test_export_writes_every_card_with_stable_guids(recall_deck, graded_deck, tmp_path, capsys):
    first, second = tmp_path / "a.apkg", tmp_path / "b.apkg"
    paths = [str(recall_deck), str(graded_deck)]
    assert main(["export", *paths, "-o", str(first)]) == 0
    assert "wrote" in capsys.readouterr().out
    assert main(["export", *paths, "-o", str(second)]) == 0
    a, b = notes(first), notes(second)
    assert len(a) == 3 + 3  # the recall deck's and the graded deck's cards
    assert [n[0] for n in a] == [n[0] for n in b]  # re-importing updates, not duplicates
    by_key = {fields[2]: (tags, fields) for _, tags, fields in a}
    tags, (front, back, _) = by_key["basics/likelihood"]
    assert "trainer::recall" in tags and "What is a likelihood?" in front
    assert "Key points:" in back
    tags, (front, back, _) = by_key["graded/coin"]
    assert "trainer::numeric" in tags and "$" not in front
    assert "<b>" in back  # the reference of the exported draw


def test_the_package_is_readable_as_any_file_the_learner_writes(recall_deck, tmp_path):
    """Written under a private temporary name, it ends with the umask's permissions (it was
    left readable by its owner only, unlike every other file the learner makes)."""
    import os
    import stat

    out = tmp_path / "a.apkg"
    old = os.umask(0o022)
    try:
        assert main(["export", str(recall_deck), "-o", str(out)]) == 0
    finally:
        os.umask(old)
    assert stat.S_IMODE(out.stat().st_mode) == 0o644


def test_export_refuses_what_it_can_not_write(recall_deck, tmp_path, capsys):
    assert main(["export", str(recall_deck), "-o", str(tmp_path / "x.txt")]) == 2
    assert "must end in .apkg" in capsys.readouterr().err
    assert main(["export", str(recall_deck), "-o", str(tmp_path / "no" / "x.apkg")]) == 2
    assert "No such file or directory" in capsys.readouterr().err
    assert main(["export", str(recall_deck), "--deck", "nope", "-o",
                 str(tmp_path / "x.apkg")]) == 2
    assert "the decks are: basics" in capsys.readouterr().err


def _digest(path: Path) -> str:
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_running_out_of_disk_leaves_the_previous_package_whole(recall_deck, tmp_path):
    import os
    import resource
    import signal
    import subprocess
    import sys

    out = tmp_path / "decks.apkg"
    assert main(["export", str(recall_deck), "-o", str(out)]) == 0
    before = _digest(out)
    limit = out.stat().st_size + 2048  # the shipped decks need far more than this

    def small_disk() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails instead
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    proc = subprocess.run([sys.executable, "-m", "trainer", "export", "-o", str(out)],
                          capture_output=True, text=True, timeout=300, preexec_fn=small_disk,
                          env={**os.environ, "TRAINER_CACHE": str(tmp_path / "cache")})
    assert proc.returncode != 0
    assert "the previous package is untouched" in proc.stderr and "Traceback" not in proc.stderr
    assert _digest(out) == before
    assert [p.name for p in tmp_path.iterdir() if p.suffix == ".partial"] == []


def test_a_deck_with_problems_is_not_exported_over_a_good_package(recall_deck, write_deck,
                                                                  tmp_path, capsys):
    out = tmp_path / "decks.apkg"
    assert main(["export", str(recall_deck), "-o", str(out)]) == 0
    before = _digest(out)
    broken = write_deck("deck: broken\ntitle: B\ncards:\n  - id: [\n", "broken.yaml")
    capsys.readouterr()
    assert main(["export", str(broken), "-o", str(out)]) == 1  # nothing to export
    assert "nothing to export" in capsys.readouterr().err
    assert main(["export", str(recall_deck), str(broken), "-o", str(out)]) == 1
    assert "not everything can be exported" in capsys.readouterr().err
    assert _digest(out) == before
    # asked for, the cards that can be exported are, and the exit code still says not all
    assert main(["export", str(recall_deck), str(broken), "-o", str(out), "--partial"]) == 1
    assert len(notes(out)) == 3
