"""Code cards: run a learner's function in a sandboxed process and grade it against solvers."""

from trainer.coderun.sandbox import CaseRun, Limits, Run, Sandbox, default_sandbox, run_function

__all__ = ["CaseRun", "Limits", "Run", "Sandbox", "default_sandbox", "run_function"]
