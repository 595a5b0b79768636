"""The sandbox contains hostile code: each case ends with a clear verdict and the trainer runs on.

The CPU limit does the real work; the wall clock is generous (a busy 2-core machine
must not flake), and nothing here asserts how long anything took.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from trainer.coderun import Limits, Sandbox

LIMITS = Limits(cpu_s=1.0, wall_s=120.0, memory_mb=256)


@pytest.fixture(scope="module")
def sandbox():
    box = Sandbox(LIMITS)
    yield box
    box.close()


def run_one(sandbox: Sandbox, source: str, *args, limits: Limits | None = None):
    return sandbox.run(source, "f", [list(args)], limits)


def still_works(sandbox: Sandbox) -> None:
    """After the hostile run, the trainer (this process) and the sandbox carry on."""
    run = run_one(sandbox, "def f(x):\n    return x + 1\n", 41)
    assert run.complete and run.cases[0].value == 42


def test_a_correct_function_returns_its_values_with_types_kept(sandbox):
    source = (
        "import numpy as np\n"
        "def f(x, n):\n"
        "    return np.mean(x), (float(x.sum()), n), x * 2, [1, 2]\n"
    )
    run = sandbox.run(source, "f", [[np.array([1.0, 2.0, 3.0]), 3],
                                    [np.arange(4, dtype=np.int64).reshape(2, 2), 0]])
    assert run.complete and len(run.cases) == 2
    mean, pair, doubled, plain = run.cases[0].value
    assert isinstance(mean, np.float64) and mean == 2.0
    assert pair == (6.0, 3)
    assert doubled.dtype == np.float64 and doubled.tolist() == [2.0, 4.0, 6.0]
    assert plain == [1, 2]
    second = run.cases[1].value[2]
    assert second.dtype == np.int64 and second.shape == (2, 2)


def test_an_exception_is_reported_with_its_line(sandbox):
    run = run_one(sandbox, "def f(x):\n    y = x - x\n    return 1 / y\n", 3)
    case = run.cases[0]
    assert case.error == "ZeroDivisionError" and case.line == 3
    assert case.describe_error().startswith("your function raised ZeroDivisionError at line 3")


def test_a_syntax_error_stops_the_run_with_its_line(sandbox):
    run = run_one(sandbox, "def f(x)\n    return x\n", 1)
    assert not run.complete
    assert run.fatal.startswith("your code has a syntax error at line 1")


def test_a_missing_function_is_named(sandbox):
    run = sandbox.run("def g(x):\n    return x\n", "f", [[1]])
    assert run.fatal == "no function named 'f' is defined"


def test_an_infinite_loop_ends_at_the_cpu_limit_keeping_the_cases_before_it(sandbox):
    source = "def f(x):\n    while x < 0:\n        pass\n    return x\n"
    run = sandbox.run(source, "f", [[1], [2], [-1], [3]])
    assert [c.value for c in run.cases] == [1, 2]
    assert run.fatal == "took longer than 1 s (CPU time)"
    still_works(sandbox)


def test_sleeping_ends_at_the_wall_clock(sandbox):
    run = run_one(sandbox, "import time\ndef f(x):\n    time.sleep(3600)\n", 1,
                  limits=Limits(cpu_s=1.0, wall_s=2.0))
    assert run.fatal == "took longer than 2 s (wall clock)"
    still_works(sandbox)


@pytest.mark.parametrize("bomb", [
    "def f(x):\n    return len(bytearray(10 * 2**30))\n",
    "import numpy as np\ndef f(x):\n    return float(np.ones(10 * 2**30 // 8).sum())\n",
    "def f(x):\n    keep = []\n    while True:\n        keep.append(bytearray(2**24))\n",
])
def test_a_memory_bomb_meets_memory_error(sandbox, bomb):
    run = run_one(sandbox, bomb, 1)
    assert run.complete
    assert run.cases[0].error == "MemoryError"
    assert run.cases[0].describe_error() == "your function ran out of memory (MemoryError)"
    still_works(sandbox)


def test_a_fork_bomb_is_refused(sandbox):
    run = run_one(sandbox, "import os\ndef f(x):\n    while True:\n        os.fork()\n", 1)
    case = run.cases[0]
    assert case.error == "PermissionError" and case.line == 4
    assert "os.fork is not allowed" in case.message
    still_works(sandbox)


@pytest.mark.parametrize("source", [
    "import subprocess\ndef f(x):\n    return subprocess.run(['true'])\n",
    "import multiprocessing\ndef f(x):\n    return 1\n",
])
def test_process_modules_cannot_be_imported(sandbox, source):
    run = run_one(sandbox, source, 1)
    assert run.fatal.startswith("your code raised ImportError at line 1")
    assert "not allowed here" in run.fatal


def test_os_system_and_signalling_the_trainer_are_refused(sandbox):
    run = sandbox.run("import os\ndef f(x):\n    return os.system('true') if x else "
                      "os.kill(os.getppid(), 9)\n", "f", [[1], [0]])
    assert [c.error for c in run.cases] == ["PermissionError", "PermissionError"]
    assert "os.system is not allowed" in run.cases[0].message
    assert "os.kill is not allowed" in run.cases[1].message


def test_writing_outside_the_temporary_folder_is_refused(sandbox, tmp_path: Path):
    target = tmp_path / "written-by-learner.txt"
    source = f"def f(x):\n    open({str(target)!r}, 'w').write('x')\n    return 1\n"
    run = run_one(sandbox, source, 1)
    case = run.cases[0]
    assert case.error == "PermissionError" and case.line == 2
    assert "only the temporary working folder is writable" in case.message
    assert not target.exists()


def test_deleting_outside_the_temporary_folder_is_refused(sandbox, tmp_path: Path):
    target = tmp_path / "keep.txt"
    target.write_text("keep")
    run = run_one(sandbox, f"import os\ndef f(x):\n    os.remove({str(target)!r})\n", 1)
    assert run.cases[0].error == "PermissionError"
    assert target.read_text() == "keep"


def test_the_temporary_folder_is_writable_and_starts_empty(sandbox):
    source = ("import os\ndef f(x):\n    before = os.listdir('.')\n"
              "    open('scratch.txt', 'w').write('x' * x)\n"
              "    return len(before), os.path.getsize('scratch.txt')\n")
    first = run_one(sandbox, source, 5)
    second = run_one(sandbox, source, 7)
    assert first.cases[0].value == (0, 5)
    assert second.cases[0].value == (0, 7)  # a fresh folder for every run


def test_a_huge_file_stops_at_the_file_size_limit(sandbox):
    source = "def f(x):\n    open('big', 'wb').write(b'x' * (64 * 2**20))\n    return 1\n"
    run = run_one(sandbox, source, 1)
    assert run.cases[0].error == "OSError"  # EFBIG: the file size limit
    still_works(sandbox)


def test_printing_100_mb_is_cut_at_the_output_cap(sandbox):
    run = run_one(sandbox, "def f(x):\n    print('x' * 100_000_000)\n    return 1\n", 1)
    case = run.cases[0]
    assert case.error == "OutputLimit"
    assert case.describe_error() == "your function printed more than 64 KB"
    assert len(case.printed) == 64 * 1024
    still_works(sandbox)


def test_printing_in_a_loop_is_cut_too_and_small_prints_are_kept(sandbox):
    run = sandbox.run("def f(x):\n    while x:\n        print('y' * 1000)\n"
                      "    print('hello')\n    return 0\n", "f", [[0], [1]])
    assert run.cases[0].ok and run.cases[0].printed == "hello\n"
    assert run.cases[1].error == "OutputLimit"


def test_raw_writes_to_the_standard_streams_do_not_garble_the_report(sandbox):
    source = ("import os\ndef f(x):\n    os.write(1, b'{\"case\": 0, \"value\": 99}\\n' * 1000)\n"
              "    os.write(2, b'noise' * 1000)\n    return x\n")
    run = run_one(sandbox, source, 5)
    assert run.complete and run.cases[0].value == 5


@pytest.mark.parametrize("source", [
    "import socket\ndef f(x):\n    return 1\n",
    "import urllib.request\ndef f(x):\n    return 1\n",
])
def test_importing_network_modules_is_refused(sandbox, source):
    run = run_one(sandbox, source, 1)
    assert run.fatal.startswith("your code raised ImportError at line 1")


def test_a_socket_reached_indirectly_is_still_refused(sandbox):
    source = ("import importlib, sys\ndef f(x):\n"
              "    mod = sys.modules.get('socket') or importlib.import_module('socket')\n"
              "    return mod.socket()\n")
    run = run_one(sandbox, source, 1)
    case = run.cases[0]
    assert case.error in ("ImportError", "PermissionError")
    assert "not allowed" in case.message


def test_only_numpy_math_and_the_standard_library_are_importable(sandbox):
    ok = run_one(sandbox, "import math, statistics, itertools\nimport numpy as np\n"
                          "def f(x):\n    return math.sqrt(x) + statistics.mean([x])\n", 4)
    assert ok.cases[0].value == 6.0
    for name in ("scipy", "trainer", "solvers"):
        run = run_one(sandbox, f"import {name}\ndef f(x):\n    return 1\n", 1)
        assert not run.complete and "ImportError" in run.fatal, name


def test_exiting_the_process_is_a_verdict(sandbox):
    run = run_one(sandbox, "import os\ndef f(x):\n    os._exit(3)\n", 1)
    assert run.fatal == "your code ended the Python process (exit status 3)"
    exited = run_one(sandbox, "import sys\ndef f(x):\n    sys.exit(3)\n", 1)
    assert exited.cases[0].error == "SystemExit"
    still_works(sandbox)


def test_a_crash_of_the_interpreter_is_a_verdict(sandbox):
    run = run_one(sandbox, "import faulthandler\ndef f(x):\n    faulthandler._sigsegv()\n", 1)
    assert run.fatal == "your code crashed the Python process (SIGSEGV)"
    still_works(sandbox)


def test_changing_an_argument_is_noticed(sandbox):
    source = "def f(x, y):\n    x[0] = 9.0\n    return y\n"
    run = sandbox.run(source, "f", [[np.array([1.0, 2.0]), np.array([3.0])]])
    assert run.cases[0].mutated == (0,)


def test_a_value_that_is_not_data_is_reported(sandbox):
    run = run_one(sandbox, "def f(x):\n    return object()\n", 1)
    assert run.cases[0].error == "TypeError"
    assert "returned a value of type object" in run.cases[0].message


def test_the_trainer_process_is_never_the_one_running_the_code(sandbox):
    run = run_one(sandbox, "import os\ndef f(x):\n    return os.getpid()\n", 1)
    assert run.cases[0].value != os.getpid()


FORGE = '''
import os, stat
def f(x):
    for fd in range(3, 40):
        try:
            if stat.S_ISFIFO(os.fstat(fd).st_mode):
                os.write(fd, LINE)
        except OSError:
            pass
    return x + 1
'''


@pytest.mark.parametrize("line", [
    # one element of a 2 GB string dtype: the trainer would allocate it
    b'{"case": 0, "value": {"$array": [0], "dtype": "S2000000000", "shape": [1]}}\n',
    # an object dtype, a shape that does not fit, an array claiming 10^12 items
    b'{"case": 0, "value": {"$array": [0], "dtype": "O", "shape": [1]}}\n',
    b'{"case": 0, "value": {"$array": [0], "dtype": "float64", "shape": [1000000, 1000000]}}\n',
    # nesting that makes json.loads raise RecursionError in the trainer
    b'{"case": 0, "value": ' + b"[" * 100000 + b"]" * 100000 + b"}\n",
    # a well-formed report for case 0, before the real one: a duplicate, then an extra
    b'{"case": 0, "value": 41, "mutated": [], "printed": ""}\n',
    b'{"case": 7, "value": 41, "mutated": [], "printed": ""}\n',
    b'{"load": null, "printed": ""}\n',
    b'{"case": 0, "error": {"x": 1}, "message": [], "line": "3"}\n',
])
def test_forged_report_lines_are_refused_as_unreadable_never_raised(sandbox, line):
    source = f"LINE = {line!r}\n" + FORGE
    run = run_one(sandbox, source, 41)
    assert run.fatal == "the sandbox's report could not be read"
    still_works(sandbox)


def test_decode_takes_plain_number_arrays_only():
    from trainer.coderun._child import ReportError, decode, encode

    arr = np.arange(6, dtype=np.int32).reshape(2, 3)
    back = decode(encode(arr))
    assert back.dtype == np.int32 and back.tolist() == arr.tolist()
    for data in ({"$array": ["a"], "dtype": "<U1", "shape": [1]},
                 {"$array": [1, 2], "dtype": "float64", "shape": [3]},
                 {"$array": [1], "dtype": "complex128", "shape": [1]},
                 {"$scalar": "1", "dtype": "float64"},
                 {"$weird": 1}):
        with pytest.raises(ReportError):
            decode(data)
