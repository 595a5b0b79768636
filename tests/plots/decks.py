"""The coin deck with a log-likelihood plot that the plot tests share."""

from __future__ import annotations


def coin_deck(*, x: str = "p", start: str = "0", end: str = "1",
              solution: str | None = None) -> str:
    """A numeric card (the MLE of p from k heads in n) whose plot is the Bernoulli
    log-likelihood over x from start to end, marking the MLE and the learner's answer."""
    solution_line = f'    solution: "{solution}"\n' if solution is not None else ""
    return rf"""
deck: plots
title: Plots
cards:
  - id: coin
    kind: numeric
    prompt: "{{{{k}}}} heads in {{{{n}}}} tosses. The MLE of $p$?"
    params:
      n: randint(10, 40)
      k: randint(1, n - 1)
    solve: k/n
{solution_line}    plot:
      title: "Bernoulli log-likelihood, {{{{k}}}} of {{{{n}}}}"
      x: {x}
      from: {start}
      to: {end}
      curves:
        - y: k*log({x}) + (n - k)*log(1 - {x})
          label: log-likelihood
      markers:
        - at: k/n
          label: MLE
        - at: answer
          label: your answer
      x_label: p
"""
