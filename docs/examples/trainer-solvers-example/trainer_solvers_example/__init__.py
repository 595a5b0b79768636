"""Example solver plugin: functions a deck may call once this package is installed."""

from trainer.registry import solver


@solver("n/T: the MLE of a geometric success probability p from n runs that took T trials "
        "in total (each run counts the trials up to and including its first success)",
        example=(12, 4),
        params={"total": "trials over all runs, a whole number >= n",
                "n": "number of runs, a whole number >= 1"})
def geometric_mle(total, n):
    if int(n) < 1 or int(total) < int(n):
        raise ValueError("n runs take at least n trials")
    return int(n) / int(total)
