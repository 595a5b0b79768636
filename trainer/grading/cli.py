"""``trainer grade``: grade one answer, or JSON lines with ``--batch``.

Exit status: 0 correct, 1 incorrect or undecided, 2 invalid input (also for
a malformed command line).  With ``--batch``, each stdin line is a JSON
object with ``expected`` and ``answer`` (optional ``symbols``, ``rtol``,
``atol``, ``mistakes`` as [[expr, feedback], ...], ``units`` as ["nats"]); one
JSON verdict line is written per input line, in order; the exit status is 0.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any, TextIO

EXIT = {"correct": 0, "incorrect": 1, "undecided": 1, "invalid": 2}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--expected", metavar="EXPR", help="the reference answer")
    parser.add_argument("--answer", metavar="TEXT", help="the answer to grade")
    parser.add_argument("--symbols", metavar="SPEC", default=None,
                        help="declared symbols, e.g. 'n: positive integer; p: (0,1)'")
    parser.add_argument("--rtol", type=float, default=None,
                        help="numbers: agree to the significant figures this tolerance "
                             "stands for (default 1e-3: 4 figures); formulas: relative "
                             "tolerance (default: exact)")
    parser.add_argument("--atol", type=float, default=None,
                        help="absolute tolerance (numbers: within ±atol)")
    parser.add_argument("--unit", metavar="UNIT", action="append", default=None,
                        help="a unit the answer may end with (nats, bits); without it a "
                             "unit word is refused")
    parser.add_argument("--up-to-constant", metavar="NAME", action="append", default=None,
                        help="a symbol the answer may differ from the reference by a term "
                             "free of (a log-likelihood up to a constant)")
    parser.add_argument("--json", action="store_true", help="print the verdict as JSON")
    parser.add_argument("--batch", action="store_true",
                        help="read JSON lines from stdin, write one verdict per line")


def run(args: argparse.Namespace, stdin: TextIO | None = None,
        stdout: TextIO | None = None) -> int:
    stdin = stdin if stdin is not None else sys.stdin
    stdout = stdout if stdout is not None else sys.stdout
    if getattr(args, "batch", False):
        return _run_batch(stdin, stdout)
    from trainer.grading.domains import parse_symbols
    from trainer.grading.grader import Result, Verdict, grade

    if args.expected is None or args.answer is None:
        result = Result(Verdict.INVALID, message="--expected and --answer are required "
                                                 "(or use --batch)")
    else:
        try:
            parse_symbols(args.symbols)
            result = grade(args.expected, args.answer, symbols=args.symbols, rtol=args.rtol,
                           atol=args.atol, units=_units(getattr(args, "unit", None) or []),
                           up_to_constant=getattr(args, "up_to_constant", None) or ())
        except ValueError as exc:
            result = Result(Verdict.INVALID, message=str(exc))
    if args.json:
        stdout.write(json.dumps(result.to_dict(), ensure_ascii=False) + "\n")
    else:
        lines = [result.verdict.value]
        if result.parsed:
            lines.append(f"parsed:   {result.parsed}")
        if result.message and result.message != result.verdict.value:
            lines.append(f"message:  {result.message}")
        if result.feedback:
            lines.append(f"feedback: {result.feedback}")
        for w in result.warnings:
            lines.append(f"warning:  {w}")
        stdout.write("\n".join(lines) + "\n")
    stdout.flush()
    return EXIT[result.verdict.value]


def _units(words: list[str]) -> frozenset[str]:
    """Unit words as the grader names them (nat → nats); raises ValueError for others."""
    from trainer.grading.expr.normalize import UNITS

    out = set()
    for w in words:
        if w not in UNITS:
            raise ValueError(f"unknown unit '{w}' (known: {', '.join(sorted(set(UNITS)))})")
        out.add(UNITS[w])
    return frozenset(out)


def _grade_line(line: str) -> dict[str, Any]:
    from trainer.grading.domains import parse_symbols
    from trainer.grading.grader import Result, Verdict, grade

    def invalid(msg: str) -> dict[str, Any]:
        return Result(Verdict.INVALID, message=msg).to_dict()

    if not line.strip():
        return invalid("empty line")
    try:
        item = json.loads(line)
    except ValueError as exc:
        return invalid(f"not a JSON line: {exc}")
    if not isinstance(item, dict):
        return invalid("each line must be a JSON object")
    expected, answer = item.get("expected"), item.get("answer")
    if isinstance(expected, bool) or not isinstance(expected, (str, int, float)):
        return invalid("'expected' must be a string or a number")
    if not isinstance(answer, str):
        return invalid("'answer' must be a string")
    symbols = item.get("symbols")
    if symbols is not None:
        try:
            parse_symbols(symbols)
        except ValueError as exc:
            return invalid(str(exc))
    rtol, atol = item.get("rtol"), item.get("atol")
    for key, val in (("rtol", rtol), ("atol", atol)):
        if val is not None and (isinstance(val, bool) or not isinstance(val, (int, float))
                                or val < 0):
            return invalid(f"'{key}' must be a non-negative number")
    units_raw = item.get("units") or []
    if not isinstance(units_raw, list) or not all(isinstance(u, str) for u in units_raw):
        return invalid("'units' must be a list of unit words")
    try:
        units = _units(units_raw)
    except ValueError as exc:
        return invalid(str(exc))
    free_of = item.get("up_to_constant") or []
    if not isinstance(free_of, list) or not all(isinstance(n, str) for n in free_of):
        return invalid("'up_to_constant' must be a list of symbol names")
    mistakes_raw = item.get("mistakes") or []
    mistakes = []
    if isinstance(mistakes_raw, list):
        for m in mistakes_raw:
            if isinstance(m, (list, tuple)) and len(m) == 2 and all(isinstance(x, str)
                                                                    for x in m):
                mistakes.append((m[0], m[1]))
            elif isinstance(m, dict) and isinstance(m.get("answer"), str):
                mistakes.append((m["answer"], str(m.get("feedback", ""))))
    return grade(expected, answer, symbols=symbols, rtol=None if rtol is None else float(rtol),
                 atol=None if atol is None else float(atol), mistakes=mistakes,
                 units=units, up_to_constant=free_of).to_dict()


def _run_batch(stdin: TextIO, stdout: TextIO) -> int:
    from trainer.grading.grader import warm_up

    warm_up()
    for line in stdin:
        try:
            out = _grade_line(line)
        except Exception as exc:  # noqa: BLE001 - one bad line never stops the batch
            out = {"verdict": "undecided", "parsed": "",
                   "message": f"internal error: {type(exc).__name__}"}
        stdout.write(json.dumps(out, ensure_ascii=False) + "\n")
        stdout.flush()
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="trainer grade", description=__doc__.split("\n")[0])
    add_arguments(parser)
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return 2 if exc.code else 0
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
